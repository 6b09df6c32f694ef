"""``qianbai rectification``: the items recorded checks opened, read back in each format,
filtered, and the errors a user can make; and the annual evaluation's counts of them."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from qianbai_rules.cli.app import main
from tests.cli_cases import load_cli_cases, run_cli_case

ROOT = Path(__file__).resolve().parent.parent
FAILING = ROOT / "examples" / "sites" / "station-failing.yaml"


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in args], out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two stations inspected on 31 December 2019 in two streets; the first re-inspected on
    15 February 2020 with its floor area put right."""
    folder = tmp_path_factory.mktemp("rectification")
    text = FAILING.read_text(encoding="utf-8")
    other = folder / "other.yaml"
    other.write_text(text.replace("JB-DSB-S02", "JB-GYQ-S09").replace("street_town: 大石坝街道",
                                                                      "street_town: 观音桥街道"),
                     encoding="utf-8")
    fixed = folder / "fixed.yaml"
    fixed.write_text(text.replace("floor_area_m2: 180", "floor_area_m2: 250"), encoding="utf-8")
    database = folder / "history.db"
    for inputs, as_of in (([FAILING, other], "2019-12-31"), ([fixed], "2020-02-15")):
        status, _, err = run("check", *inputs, "--as-of", as_of, "--record", "--db", database,
                             "--format", "json")
        assert status == 1, err
    return database


def test_json_has_one_object_per_item_with_its_state_on_the_date(db: Path) -> None:
    status, out, _ = run("rectification", "--db", db, "--as-of", "2020-02-15", "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert document["as_of"] == "2020-02-15"
    items = document["items"]
    assert len(items) == 6
    first = items[0]
    assert set(first) == {"facility", "rule", "title", "deadline", "state", "opened_on",
                          "street_town", "department", "inspection", "closed_on"}
    by_key = {(i["facility"], i["rule"]): i for i in items}
    area = by_key["JB-DSB-S02", "QB-AREA-STATION"]
    assert (area["state"], area["closed_on"], area["deadline"]) == (
        "closed", "2020-02-15", "2020-01-30")
    assert by_key["JB-DSB-S02", "QB-SERVICE-MEDICAL"]["state"] == "overdue"
    assert by_key["JB-GYQ-S09", "QB-SERVICE-MEDICAL"]["department"] == "health"
    assert by_key["JB-GYQ-S09", "QB-AREA-STATION"]["title"] == "社区养老服务站建筑面积"
    # a stable order: by street/town, facility, deadline, rule
    assert [i["street_town"] for i in items] == ["大石坝街道"] * 3 + ["观音桥街道"] * 3


def test_the_text_table_is_in_chinese_with_headers_dates_and_department_names(db: Path) -> None:
    status, out, _ = run("rectification", "--db", db, "--as-of", "2020-01-20")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == ("整改事项（截至2020年1月20日）：共6项，其中整改中6项，已逾期0项，"
                        "已销号0项。")
    header = lines[2].split()
    assert header == ["设施编号", "规则编号", "规则名称", "责任街镇", "责任部门", "检查日期",
                      "检查编号", "整改期限", "状态", "销号日期"]
    assert "区卫生计生委" in out and "2020年1月30日" in out and "health" not in out


@pytest.mark.parametrize(("filters", "expected"), [
    (["--state", "overdue"], 5),
    (["--state", "open,closed"], 1),
    (["--state", "open"], 0),
    (["--state", "closed", "--state", "overdue"], 6),
    (["--street", "观音桥街道"], 3),
    (["--department", "区卫生计生委"], 2),
    (["--department", "health", "--facility", "JB-DSB-S02"], 1),
    (["--facility", "JB-NONE"], 0),
])
def test_filters(db: Path, filters: list[str], expected: int) -> None:
    status, out, _ = run("rectification", "--db", db, "--as-of", "2020-02-15", "--format", "json",
                         *filters)
    assert len(json.loads(out)["items"]) == expected
    assert status == (0 if expected else 1)


def test_the_workbook_has_one_sheet_a_chinese_header_filters_a_frozen_row_and_real_dates(
        db: Path, tmp_path: Path) -> None:
    target = tmp_path / "items.xlsx"
    status, _, err = run("rectification", "--db", db, "--as-of", "2020-02-15", "--format", "xlsx",
                         "-o", target)
    assert status == 0, err
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["整改事项"]
    sheet = workbook.active
    assert sheet is not None
    rows: list[tuple[Any, ...]] = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("设施编号", "规则编号", "规则名称", "责任街镇", "责任部门")
    assert len(rows) == 7
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J7"
    deadline = sheet.cell(row=2, column=8)
    assert deadline.value == dt.datetime(2020, 1, 30)
    assert deadline.number_format == 'yyyy"年"m"月"d"日"'


def test_english_on_request(db: Path) -> None:
    status, out, _ = run("rectification", "--db", db, "--as-of", "2020-02-15", "--lang", "en")
    assert status == 0 and "Rectification items as of 2020-02-15" in out and "overdue" in out


def test_a_department_that_does_not_exist_is_refused_with_a_suggestion(db: Path) -> None:
    status, _, err = run("rectification", "--db", db, "--department", "helth")
    assert status == 2 and "health" in err


CLI = ROOT / "tests" / "cases" / "rectification" / "cli.yaml"


@pytest.mark.parametrize("case", load_cli_cases(CLI), ids=lambda case: case.name)
def test_cli_case(case: Any, tmp_path: Path) -> None:
    assert run_cli_case(case, tmp_path) == []


def test_the_annual_evaluation_counts_the_year_s_items_by_street_and_department(
        db: Path) -> None:
    status, out, err = run("evaluate", ROOT / "examples" / "jiangbei-registry.xlsx", "--year",
                           "2020", "--as-of", "2020-02-15", "--db", db, "--format", "json")
    assert status == 0, err
    found = json.loads(out)["rectification"]
    # opened in 2019 (carried over), one closed on 15 February, the rest overdue then
    assert {k: found[k] for k in ("carried_over", "opened", "closed", "open", "overdue",
                                  "closure_rate")} == {
        "carried_over": 6, "opened": 0, "closed": 1, "open": 5, "overdue": 5,
        "closure_rate": round(1 / 6, 4)}
    streets = {s["street_town"]: (s["carried_over"], s["closed"], s["overdue"])
               for s in found["by_street_town"]}
    assert streets == {"大石坝街道": (3, 1, 2), "观音桥街道": (3, 0, 3)}
    departments = {d["name"]: (d["department"], d["carried_over"], d["closed"])
                   for d in found["by_department"]}
    assert departments == {"区民政局": ("civil_affairs", 4, 1), "区卫生计生委": ("health", 2, 0)}
    status, out, _ = run("evaluate", ROOT / "examples" / "jiangbei-registry.xlsx", "--year",
                         "2019", "--db", db, "--format", "json")
    found = json.loads(out)["rectification"]
    assert (found["opened"], found["closed"], found["overdue"]) == (6, 0, 0)


def test_without_a_history_the_annual_evaluation_has_no_rectification(tmp_path: Path) -> None:
    _, out, _ = run("evaluate", ROOT / "examples" / "jiangbei-registry.xlsx", "--year",
                         "2019", "--format", "json")
    document = json.loads(out)
    assert document["rectification"] is None and document["waived"] is None
    _, text, _ = run("evaluate", ROOT / "examples" / "jiangbei-registry.xlsx", "--year", "2019")
    assert "== 整改事项 ==" not in text


def test_the_annual_text_and_workbook_show_the_items(db: Path, tmp_path: Path) -> None:
    registry = ROOT / "examples" / "jiangbei-registry.xlsx"
    # the evaluation is stored again: a copy of the database keeps the fixture as it is
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    _, text, _ = run("evaluate", registry, "--year", "2020", "--as-of", "2020-02-15", "--db", copy)
    assert ("  观音桥街道\n    上年结转：3\n    本年新立：0\n    本年销号：0\n    未销号：3\n"
            "    其中已逾期：3\n    销号率：0.0%\n") in text
    target = tmp_path / "evaluation.xlsx"
    status, _, err = run("evaluate", registry, "--year", "2020", "--as-of", "2020-02-15", "--db",
                         copy, "--format", "xlsx", "-o", target)
    assert status == 0, err
    workbook = openpyxl.load_workbook(target)
    rows = list(workbook["整改事项（部门）"].iter_rows(values_only=True))
    assert rows[0] == ("责任部门", "上年结转", "本年新立", "本年销号", "未销号", "其中已逾期",
                       "销号率")
    assert rows[-1] == ("全区", 6, 0, 1, 5, 5, round(1 / 6, 4))


@pytest.mark.parametrize(("fmt", "shown"), [
    ("html", '<section data-section="rectification">'),
    ("md", "| 观音桥街道 | 3 | 0 | 0 | 3 | 3 | 0.0% |"),
])
def test_the_annual_report_formats_show_the_items(db: Path, tmp_path: Path, fmt: str,
                                                  shown: str) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    status, out, err = run("evaluate", ROOT / "examples" / "jiangbei-registry.xlsx", "--year",
                           "2020", "--as-of", "2020-02-15", "--db", copy, "--format", fmt)
    assert status == 0, err
    assert shown in out and "RD-RECTIFICATION" in out
