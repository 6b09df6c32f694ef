"""The annual evaluation lists every facility (附件：设施清单) and the facilities by operator,
checked against the hand count of examples/jiangbei-registry-figures.md and against the
registry read with the csv module only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from bs4 import BeautifulSoup

from qianbai_rules.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
XLSX = ROOT / "examples" / "jiangbei-registry.xlsx"
CSV = ROOT / "examples" / "jiangbei-registry.csv"
TYPES = {"社区养老服务站": "station", "社区养老服务中心": "center",
         "市级示范社区养老服务中心": "city_demo_center"}


def registry() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def evaluate(year: int, *extra: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["evaluate", str(XLSX), "--year", str(year), *[str(a) for a in extra]],
                  out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module", params=["plain", "durable"])
def doc2019(request: pytest.FixtureRequest) -> dict[str, Any]:
    status, out, err = evaluate(2019, "--format", "json", "--engine", request.param)
    assert status == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def built_by_2019(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in document["facilities"]
            if f["completed_on"] and f["completed_on"] <= "2019-12-31"]


def test_every_record_of_the_registry_has_one_row_in_registry_order(
        doc2019: dict[str, Any]) -> None:
    rows = registry()
    listed = doc2019["facilities"]
    assert [f["id"] for f in listed] == [r["编号"] for r in rows]
    for f, r in zip(listed, rows, strict=True):
        assert (f["name"], f["street_town"], f["type"], f["operator"]["name"]) == \
            (r["名称"], r["街镇"], TYPES[r["类型"]], r["运营主体"])
        assert f["completed_on"] == (r["建成日期"] or None)
        assert f["opened_on"] == (r["运营日期"] or None)
        assert f["open_items"] is None  # no history given


def test_the_verdicts_of_the_facilities_built_by_2019_are_the_hand_counts(
        doc2019: dict[str, Any]) -> None:
    built = built_by_2019(doc2019)
    assert len(built) == 19
    by_verdict: dict[str, set[str]] = {}
    for f in built:
        by_verdict.setdefault(f["verdict"], set()).add(f["id"])
    assert by_verdict["non_compliant"] == {"JBR-DSB-S01", "JBR-HXJ-D01"}
    assert by_verdict["incomplete"] == {"JBR-YZ-S01"}
    assert len(by_verdict["compliant"]) == 16
    failed = {f["id"]: [i["rule"] for i in f["failed_mandatory"]] for f in built
              if f["failed_mandatory"]}
    assert failed == {"JBR-DSB-S01": ["QB-AREA-STATION"],
                      "JBR-HXJ-D01": ["QB-DEMO-MENTAL-CARE"]}
    assert all(i["title"] for f in built for i in f["failed_mandatory"])
    assert all(f["departments"] for f in built if f["failed_mandatory"])


def test_the_construction_subsidies_of_2019_add_up_to_the_hand_count(
        doc2019: dict[str, Any]) -> None:
    of_2019 = [f for f in doc2019["facilities"]
               if f["completed_on"] and f["completed_on"].startswith("2019")]
    assert len(of_2019) == 9
    money = {f["id"]: f["construction_subsidy"] for f in of_2019}
    eligible = {i: m["amount"] for i, m in money.items() if m["status"] == "eligible"}
    assert len(eligible) == 7
    assert sum(eligible.values()) == 8_650_000 == doc2019["subsidies"]["construction"]["total"]
    assert eligible["JBR-GJT-D01"] == 1_900_000  # the approved amount
    assert money["JBR-HXJ-D01"]["status"] == "ineligible"
    assert money["JBR-YZ-S01"]["status"] == "undetermined"
    assert {m["year"] for m in money.values() if m["status"] is not None} == {2019}


def test_the_operating_subsidies_of_2019_add_up_to_the_hand_count(
        doc2019: dict[str, Any]) -> None:
    run = {f["id"]: f["operating_subsidy"] for f in built_by_2019(doc2019)}
    eligible = {i: m["amount"] for i, m in run.items() if m["status"] == "eligible"}
    assert len(eligible) == 14
    assert sum(eligible.values()) == 974_999
    assert eligible["JBR-GJT-C01"] == 58_333  # closed after seven whole months
    assert {i for i, m in run.items() if m["status"] == "ineligible"} == {
        "JBR-CT-S01", "JBR-TSP-S01", "JBR-DSB-S01", "JBR-HXJ-D01"}
    assert {i for i, m in run.items() if m["status"] == "undetermined"} == {"JBR-YZ-S01"}


def test_the_operators_are_the_ones_counted_by_hand_from_the_csv(
        doc2019: dict[str, Any]) -> None:
    by_operator: dict[str, list[dict[str, str]]] = {}
    for r in registry():
        by_operator.setdefault(r["运营主体"], []).append(r)
    operators = {o["operator_name"]: o for o in doc2019["operators"]}
    assert set(operators) == set(by_operator)
    for name, rows in by_operator.items():
        o = operators[name]
        assert o["facility_ids"] == [r["编号"] for r in rows]
        assert o["facilities"] == len(rows)
        assert o["by_type"] == dict(Counter(TYPES[r["类型"]] for r in rows))
        assert sum(o["verdicts"].values()) == len(rows)
    counts = [o["facilities"] for o in doc2019["operators"]]
    assert counts == sorted(counts, reverse=True)
    assert Counter(counts) == {3: 1, 2: 6, 1: 12}  # the figures document
    assert operators["重庆江畔康养服务有限公司"]["by_type"] == {
        "station": 1, "center": 1, "city_demo_center": 1}


def test_the_workbook_has_a_sheet_of_facilities_to_sort_and_filter(tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    status, _, err = evaluate(2019, "--format", "xlsx", "-o", path)
    assert status == 0, err
    book = openpyxl.load_workbook(path)
    sheet = book["设施清单"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["设施编号", "名称", "街镇", "类型"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    assert sheet.max_row == 1 + len(registry())
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    gjt = rows["JBR-GJT-D01"]
    column = {name: i for i, name in enumerate(header)}
    completed = gjt[column["建成日期"]]
    assert completed.value == dt.datetime(2019, 9, 18)
    assert completed.number_format == 'yyyy"年"m"月"d"日"'
    amount = gjt[column["建设补贴（元）"]]
    assert (amount.value, amount.number_format) == (1_900_000, "#,##0")
    assert gjt[column["结论"]].value == "合规"
    assert rows["JBR-DSB-S01"][column["结论"]].value == "不合规"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert not any(isinstance(c.value, bool) for c in row), sheet.title
    operators = book["运营主体"]
    assert operators.freeze_panes == "A2" and operators.auto_filter.ref
    assert operators.cell(2, 1).value == "重庆江畔康养服务有限公司"
    assert operators.cell(2, 2).value == 3


def test_the_html_report_ends_with_the_facility_annex_before_the_technical_note(
        tmp_path: Path) -> None:
    path = tmp_path / "e.html"
    status, _, err = evaluate(2019, "--format", "html", "-o", path)
    assert status == 0, err
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    sections = [s["data-section"] for s in soup.find_all("section", attrs={"data-section": True})]
    assert sections.index("facilities") == sections.index("technical") - 1
    annex = soup.find("section", attrs={"data-section": "facilities"})
    assert annex is not None and annex.h2 is not None
    assert annex.h2.get_text() == "附件1：设施清单"
    rows = {tr["data-row"]: tr for tr in annex.find_all("tr", attrs={"data-row": True})}
    assert list(rows) == [r["编号"] for r in registry()]
    cells = [td.get_text() for td in rows["JBR-GJT-D01"].find_all("td")]
    assert cells[3].startswith("2019年9月18日") and "1,900,000（2019年度）" in cells
    assert cells[4] == "合规"
    dsb = rows["JBR-DSB-S01"].find_all("td")[4]
    assert dsb.get_text("\n").split("\n")[0] == "不合规"
    assert "QB-AREA-STATION" in rows["JBR-DSB-S01"].get_text()


def test_with_a_history_each_row_counts_its_open_rectification_items(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    out, err = io.StringIO(), io.StringIO()
    main(["check", str(XLSX), "--as-of", "2019-06-30", "--db", str(db), "--record",
          "--format", "json"], out=out, err=err)  # exits 1: some facilities fail
    status, text, problems = evaluate(2019, "--format", "json", "--db", db)
    assert status == 0, problems
    document = json.loads(text)
    open_items = {f["id"]: f["open_items"] for f in document["facilities"]}
    assert all(isinstance(n, int) for n in open_items.values())
    assert open_items["JBR-DSB-S01"] == open_items["JBR-HXJ-D01"] == 1
    assert sum(open_items.values()) == document["rectification"]["open"] > 0
