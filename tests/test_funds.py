"""The funds budgeted, received and paid beside what is owed (issue 16, Deliver 4 and 8):
the funds file read on its own (cases as data), the command, the evaluation's figures
against the hand count of examples/jiangbei-registry-figures.md, the workbook sheet and the
report's blocks."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from qianbai_rules.annual.blocks import Para, Table
from qianbai_rules.annual.figures import figure_name, values
from qianbai_rules.annual.funds import FundAmounts
from qianbai_rules.annual.funds_paper import funds_blocks
from qianbai_rules.annual.workbook import write_evaluation
from qianbai_rules.cli.app import main
from qianbai_rules.core.limits import MAX_FUNDS_ROWS
from qianbai_rules.core.problems import Lang, Problem
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.io.funds import FIELDS, read_funds, vocabulary
from qianbai_rules.io.registry import read_xlsx
from qianbai_rules.io.sources import RawRecord
from qianbai_rules.texts.labels import labels
from tests.annual_example import REGISTRY, ROOT, example_report
from tests.case_files import write_case_file
from tests.cli_cases import load_cli_cases, run_cli_case

DATA = ROOT / "tests" / "data" / "funds"
FUNDS_CSV = ROOT / "examples" / "jiangbei-funds.csv"

# The hand count (examples/jiangbei-registry-figures.md, 资金到位与使用): csv module only.
HAND = {
    2019: {"funds.budgeted": 9_700_000, "funds.received": 9_000_000, "funds.paid": 7_850_000,
           "funds.unspent": 1_150_000, "funds.arrival_rate": 0.9278,
           "funds.execution_rate": 0.8722, "funds.gap": 1_774_999},
    2020: {"funds.budgeted": 8_500_000, "funds.received": 7_700_000, "funds.paid": 7_100_000,
           "funds.unspent": 600_000, "funds.arrival_rate": 0.9059,
           "funds.execution_rate": 0.9221, "funds.gap": 1_304_166},
}


def _reader_cases() -> list[Any]:
    doc = load_yaml((DATA / "reader-cases.yaml").read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["name"]) for case in doc["cases"]]




def _said(found: list[Problem], expected: list[dict[str, list[str]]]) -> None:
    assert len(found) == len(expected), [p.says("zh") for p in found]
    for problem, wanted in zip(found, expected, strict=True):
        for lang in ("zh", "en"):
            for part in wanted.get(lang, []):
                assert part in problem.says(lang), f"{part!r} not in {problem.says(lang)!r}"


@pytest.mark.parametrize("case", _reader_cases())
def test_reader_case(case: dict[str, Any], tmp_path: Path) -> None:
    found = read_funds(str(write_case_file(tmp_path, case)))
    _said(found.problems, case.get("problems", []))
    _said(found.warnings, case.get("warnings", []))
    assert len(found.lines) == len(case["read"]), found.lines
    for wanted, line in zip(case["read"], found.lines, strict=True):
        for key, value in wanted.items():
            got = getattr(line, key)
            assert (got.value if isinstance(got, Enum) else got) == value, (key, line)


@pytest.mark.parametrize("case", load_cli_cases(DATA / "cli.yaml"), ids=lambda case: case.name)
def test_cli_case(case: Any, tmp_path: Path) -> None:
    assert run_cli_case(case, tmp_path) == []


@pytest.mark.parametrize("year", [2019, 2020])
@pytest.mark.parametrize("engine", ["plain", "durable"])
def test_the_funds_figures_equal_the_hand_count(year: int, engine: str) -> None:
    report, _ = example_report(year, engine=engine)
    found = values(report)
    assert {name: found[name] for name in HAND[year]} == HAND[year]


def test_the_hand_count_is_of_the_sheet_the_registry_holds() -> None:
    """The hand count reads examples/jiangbei-funds.csv; the workbook's 资金 sheet holds the
    same rows, and the registry reader still reads only the sheet 设施 as records."""
    with FUNDS_CSV.open(encoding="utf-8") as handle:
        rows = [[int(c) if c.isdigit() else (c or None) for c in row] for row in csv.reader(handle)]
    sheet = load_workbook(REGISTRY)["资金"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == rows
    records = [r for r in read_xlsx(str(REGISTRY)) if isinstance(r, RawRecord)]
    assert len(records) == 27 and all(r.position.startswith("设施!") for r in records)


def _evaluated(registry: Path, year: int, *extra: str) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["evaluate", str(registry), "--year", str(year), "--format", "json", *extra],
                  out, err)
    assert status == 0, err.getvalue()
    found: dict[str, Any] = json.loads(out.getvalue())
    return found


@pytest.mark.parametrize("year", [2019, 2020])
def test_the_funds_sheet_changes_nothing_else(year: int) -> None:
    """The workbook with its funds sheet evaluates as its CSV twin (no funds, given the
    welfare-lottery fund the sheet says was received) does: every key of the JSON but the
    funds, what the score and the drafted sentences read of them, is the same."""
    with_sheet = _evaluated(REGISTRY, year)
    lottery = next(line["received"] for line in with_sheet["funds"]["lines"]
                   if line["source"] == "lottery_fund")
    twin = _evaluated(REGISTRY.with_suffix(".csv"), year, "--lottery-fund", str(lottery))
    for found in (with_sheet, twin):
        found.pop("funds")
        found["score"]["indicators"] = [
            i for i in found["score"]["indicators"]
            if not any(name.startswith("funds.") for name in i["figures"])]
        found["score"].update(total=None, out_of=None, grade=None)
        for key in ("problems", "suggestions"):
            found[key] = [s for s in found[key]
                          if not any(name.startswith("funds.") for name in s["figures"])]
        for entry in found["rejected"] + found["facilities"]:
            entry.pop("source", None)
    assert with_sheet == twin
    assert with_sheet["summary"] == {"records": 27, "rejected": 0}


def test_each_facility_payment_is_listed_and_the_years_sum_is_the_construction_money() -> None:
    report, _ = example_report(2019)
    assert report.funds is not None
    listed = report.funds.facilities
    assert [(f.id, f.due, f.paid, f.owed, f.overpaid) for f in listed] == [
        ("JBR-JBC-S01", 250_000, 250_000, 0, 0), ("JBR-GJT-D01", 1_900_000, 1_500_000, 400_000, 0)]
    money = report.subsidies.construction
    mine = [f for f in listed if f.year == 2019]
    assert sum(f.paid for f in mine) == money.paid
    assert sum(f.overpaid or 0 for f in mine) == money.overpaid


def test_a_rate_over_nothing_is_none_never_zero() -> None:
    nothing = FundAmounts(0, 0, 0)
    assert (nothing.arrival_rate, nothing.execution_rate, nothing.unspent) == (None, None, 0)
    assert FundAmounts(100, 0, 0).arrival_rate == 0.0
    assert FundAmounts(100, 0, 0).execution_rate is None


def test_every_funds_figure_has_a_name_in_both_languages() -> None:
    report, _ = example_report(2019)
    for name in (n for n in values(report) if n.startswith("funds.")):
        assert figure_name(name, "zh", {}) != figure_name(name, "en", {})


def test_the_workbook_sheet_holds_the_lines_with_rates_as_percentages(tmp_path: Path) -> None:
    report, _ = example_report(2019)
    path = tmp_path / "e.xlsx"
    write_evaluation(report, path, "zh")
    book = load_workbook(path)
    names = book.sheetnames
    assert names.index("资金到位与使用") == names.index("补贴") + 1
    sheet = book["资金到位与使用"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:K7"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("资金层级", "资金来源", "预算金额（元）")
    assert rows[6][:10] == ("合计", None, 9_700_000, 9_000_000, 7_850_000, 1_150_000, 0.9278,
                            0.8722, 9_624_999, 1_774_999)
    assert sheet["G2"].number_format == "0.0%" and sheet["C2"].number_format == "#,##0"
    ids = [row[0] for row in rows[9:]]
    assert ids == ["设施编号", "JBR-JBC-S01", "JBR-GJT-D01"]


def _texts(report_lang: Lang, year: int = 2019, **changes: Any) -> list[Any]:
    report, _ = example_report(year, report_lang)
    if changes:
        assert report.funds is not None
        report = replace(report, funds=replace(report.funds, **changes))
    return funds_blocks(report, report_lang)


def test_the_blocks_give_the_lines_the_comparison_and_the_facilities() -> None:
    blocks = _texts("zh")
    table, notes, summary, owed, city, district, facilities = blocks
    assert isinstance(notes, Para) and notes.text == "备注：市级补助资金：40万元待下达。"
    assert isinstance(table, Table) and table.key == "funds_lines"
    assert table.rows[-1].cells == ("合计", "", "9,700,000", "9,000,000", "7,850,000",
                                    "1,150,000", "92.8%", "87.2%", "9,624,999", "1,774,999")
    assert [r.total for r in table.rows] == [False, True, False, False, True, True]
    assert isinstance(summary, Para) and summary.text == (
        "2019年度资金预算970万元，到位900万元，到位率92.8%；已支付785万元，执行率87.2%；"
        "已到位未支付115万元。")
    assert isinstance(owed, Para) and "区级部分优先使用福彩公益金120万元" in owed.text
    assert isinstance(city, Para) and city.text == "市级已支付520万元，与应付补贴640万元相差120万元。"
    assert isinstance(district, Para) and "相差574,999元" in district.text
    assert isinstance(facilities, Table) and [r.key for r in facilities.rows] == [
        "JBR-JBC-S01", "JBR-GJT-D01"]
    for block in blocks:
        if isinstance(block, Para):
            assert " " not in block.text and "None" not in block.text, block.text


def test_without_funds_the_blocks_say_so_and_show_only_what_is_owed() -> None:
    blocks = _texts("zh", given=False, lines=[])
    assert isinstance(blocks[0], Para) and blocks[0].text.startswith("未提供资金预算")
    assert not any(isinstance(b, Table) and b.key == "funds_lines" for b in blocks)
    assert not any("到位率" in b.text and "%" in b.text for b in blocks if isinstance(b, Para))
    english = _texts("en", 2020, lines=[])
    assert isinstance(english[0], Para) and english[0].text.startswith("The funds hold no row")


def test_the_documented_funds_columns_are_the_headers_the_reader_knows() -> None:
    documented = labels("zh")["reference"]["output"]["funds_columns"]
    fields = labels("zh")["annual_funds"]["field"]
    english = labels("en")["annual_funds"]["field"]
    assert list(documented) == [f"{fields[name]} / {english[name]}" for name in FIELDS]
    for name in FIELDS:
        assert vocabulary().by_label[fields[name]] == name
        assert vocabulary().by_label[english[name]] == name


def test_the_hand_count_in_the_figures_document_is_the_one_tested() -> None:
    """The totals rows of the figures document's funds table are the HAND figures."""
    figures = (ROOT / "examples" / "jiangbei-registry-figures.md").read_text(encoding="utf-8")
    section = figures.split("## 资金到位与使用 / Funds")[1].split("\n## ")[0]
    for year in (2019, 2020):
        line = next(x for x in section.splitlines() if x.startswith(f"| {year} | **合计"))
        cells = [c.strip().strip("*").replace(",", "") for c in line.strip("|").split("|")]
        budgeted, received, paid, arrival, execution, owed, gap = cells[2:]
        assert (int(budgeted), int(received), int(paid), int(gap)) == tuple(
            HAND[year][f"funds.{k}"] for k in ("budgeted", "received", "paid", "gap"))
        assert float(arrival.rstrip("%")) / 100 == pytest.approx(HAND[year]["funds.arrival_rate"])
        assert float(execution.rstrip("%")) / 100 == pytest.approx(
            HAND[year]["funds.execution_rate"])
        report, _ = example_report(year)
        assert report.funds is not None and int(owed) == report.funds.owed.total


def test_the_report_names_the_file_the_funds_came_from_and_its_fingerprint() -> None:
    digest = hashlib.sha256(REGISTRY.read_bytes()).hexdigest()
    found = _evaluated(REGISTRY, 2019)["funds"]
    assert (found["file"], found["sha256"]) == ("jiangbei-registry.xlsx", digest)
    out, err = io.StringIO(), io.StringIO()
    assert main(["evaluate", str(REGISTRY), "--year", "2019"], out, err) == 0, err.getvalue()
    assert f"资金数据文件：jiangbei-registry.xlsx（指纹sha256:{digest}）" in out.getvalue()
    without = _evaluated(REGISTRY.with_suffix(".csv"), 2019)["funds"]
    assert (without["given"], without["file"], without["sha256"]) == (False, None, None)


def test_a_funds_file_of_more_rows_than_any_district_needs_is_read_no_further(
        tmp_path: Path) -> None:
    path = tmp_path / "funds.csv"
    row = "2019,district,lottery_fund,1,1,1\n"
    path.write_text("year,level,source,budgeted,received,paid\n" + row * (MAX_FUNDS_ROWS + 50),
                    encoding="utf-8")
    found = read_funds(str(path))
    assert len(found.lines) == 1 and len(found.problems) == MAX_FUNDS_ROWS  # 9,999 repeats
    assert "超过10,000行" in str(found.problems[-1].message)
