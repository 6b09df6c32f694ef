"""The problem list, the drafted 存在问题 and 下一步建议 (issue 16, Deliver 1 and 6): cases as data
(tests/data/problems/cases.yaml), the shipped registry's 2019 and 2020 problems against the
hand count (examples/jiangbei-registry-figures.md), each sentence traced to the figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from qianbai_rules.annual import drafting
from qianbai_rules.annual.blocks import Items, Para, Table
from qianbai_rules.annual.drafting import Drafting, sentences, subjects
from qianbai_rules.annual.figures import Figure, Unit, figure_name, figures
from qianbai_rules.annual.problems_paper import problems_blocks, suggestions_blocks
from qianbai_rules.annual.progress import LateFacility
from qianbai_rules.annual.rectification import ItemCounts, Rectification, StreetItems
from qianbai_rules.annual.report import AnnualReport, HistoryNote, Unplanned
from qianbai_rules.cli.app import main
from qianbai_rules.core.problems import Lang
from qianbai_rules.core.yamlio import load_yaml
from tests.annual_example import context_of, example_report

ROOT = Path(__file__).resolve().parent.parent
CASES = load_yaml((ROOT / "tests" / "data" / "problems" / "cases.yaml").read_text("utf-8"))["cases"]
XLSX = ROOT / "examples" / "jiangbei-registry.xlsx"
ENGINES = ["plain", "durable"]
# Facilities needing action at the end of each year (the hand count): id -> verdict, ordered
# by street/town in the plan's order.
LISTED = {
    2019: {"JBR-DSB-S01": "non_compliant", "JBR-HXJ-D01": "non_compliant",
           "JBR-YZ-S01": "incomplete"},
    2020: {"JBR-DSB-S01": "non_compliant", "JBR-HXJ-D01": "non_compliant",
           "JBR-WLD-D01": "non_compliant", "JBR-TSP-D01": "incomplete",
           "JBR-YZ-S01": "incomplete"},
}
FAILED = {"JBR-DSB-S01": ["QB-AREA-STATION"], "JBR-HXJ-D01": ["QB-DEMO-MENTAL-CARE"],
          "JBR-WLD-D01": ["QB-DEMO-MEDICAL-LINKAGE"]}
ID = re.compile(r"(?:JBR|QB|RD)(?:-[A-Z0-9]+)+")


# --- cases as data ------------------------------------------------------------------------

def _rectification(by_street: dict[str, dict[str, int]]) -> Rectification:
    streets = [StreetItems(name, ItemCounts(**counts)) for name, counts in by_street.items()]
    total = ItemCounts(*(sum(getattr(s.counts, f.name) for s in streets)
                         for f in dataclasses.fields(ItemCounts)))
    return Rectification(dt.date(2019, 12, 31), total, streets, [])


PLAIN_DATA: dict[str, Callable[[Any], object]] = {
    "history": lambda v: HistoryNote(**v),
    "late": lambda v: [LateFacility(**f) for f in v],
    "unplanned": lambda v: [Unplanned(**u) for u in v],
    "rectification": _rectification,
}


def _set(node: Any, path: list[str], value: Any) -> Any:
    """``node`` with the value at ``path`` replaced (frozen dataclasses, dicts and lists)."""
    step, rest = path[0], path[1:]
    if isinstance(node, list):
        return [(_set(item, rest, value) if rest else value)
                if step == "*" or int(step) == i else item for i, item in enumerate(node)]
    current = node[step] if isinstance(node, dict) else getattr(node, step)
    new = _set(current, rest, value) if rest else value
    if isinstance(node, dict):
        return {**node, step: new}
    return dataclasses.replace(node, **{step: new})


def _case_report(case: dict[str, Any]) -> AnnualReport:
    report, _ = example_report(case["year"], case.get("lang", "zh"),
                               funds_sheet=case.get("funds_sheet", False))
    for path, value in (case.get("set") or {}).items():
        if path in PLAIN_DATA:
            value = PLAIN_DATA[path](value)
        report = _set(report, path.split("."), value)
    return report


def _drafted(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    report = _case_report(case)
    extra = case.get("figures") or {}
    if extra:
        def with_extra(r: AnnualReport) -> dict[str, Figure]:
            found = figures(r)
            found.update((n, Figure(n, Unit.rate if "rate" in n else Unit.yuan, v))
                         for n, v in extra.items())
            return found
        monkeypatch.setattr(drafting, "figures", with_extra)
    lang: Lang = case.get("lang", "zh")
    context = context_of(case["year"], lang)
    names = {code: name(lang) for code, name in context.compiled.department_names.items()}
    return sentences(report, names, lang)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_case_drafts_the_problems_and_suggestions_it_names(
        case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    problems, suggestions = _drafted(case, monkeypatch)
    assert [p.kind for p in problems] == case["kinds"]
    assert [s.kind for s in suggestions] == case["kinds"]
    for expected in case.get("sentences") or []:
        at = [p.kind for p in problems].index(expected["kind"])
        problem, suggestion = problems[at], suggestions[at]
        if "problem" in expected:
            assert problem.text == expected["problem"]
        if "suggestion" in expected:
            assert suggestion.text == expected["suggestion"]
        if "figures" in expected:
            assert problem.figures == suggestion.figures == expected["figures"]
    for sentence in [*problems, *suggestions]:
        assert sentence.figures and None not in sentence.figures.values(), sentence


# --- the shipped registry -----------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("year", [2019, 2020])
def test_the_problem_list_holds_the_facilities_the_hand_count_finds_wanting(
        engine: str, year: int) -> None:
    report, _ = example_report(year, "zh", engine)
    listed = report.drafting.facilities
    assert {p.id: p.verdict for p in listed} == LISTED[year]
    assert [p.id for p in listed] == list(LISTED[year])  # the plan's order of streets
    for p in listed:
        assert [i.rule for i in p.failed_mandatory] == FAILED.get(p.id, [])
        assert p.street_town and p.operator_name and p.name
        assert p.departments and not p.exit_review and p.open_items is None
        assert (p.verdict == "incomplete") == bool(p.missing_mandatory)
    station = next(p for p in listed if p.id == "JBR-YZ-S01")
    assert {"QB-AREA-STATION", "QB-SITING-SAFETY"} <= {i.rule for i in station.missing_mandatory}
    assert station.street_town == "鱼嘴镇"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("year", [2019, 2020])
def test_every_sentence_rests_on_figures_of_the_report(engine: str, year: int) -> None:
    report, _ = example_report(year, "zh", engine)
    found = figures(report)
    assert report.drafting.problems and len(report.drafting.problems) == len(report.drafting.suggestions)
    for sentence in [*report.drafting.problems, *report.drafting.suggestions]:
        assert sentence.figures
        for name, value in sentence.figures.items():
            assert found[name].value == value is not None, (sentence.text, name)


@pytest.mark.parametrize("year", [2019, 2020])
def test_a_chinese_sentence_has_no_ascii_word_but_ids(year: int) -> None:
    report, _ = example_report(year)
    for sentence in [*report.drafting.problems, *report.drafting.suggestions]:
        assert not re.search(r"[A-Za-z]", ID.sub("", sentence.text)), sentence.text
        assert not re.search(r"[,;:()]", sentence.text), sentence.text  # full-width in zh


def test_the_failures_by_department_add_up_to_the_open_failures_the_report_counts() -> None:
    report, context = example_report(2020)
    names = context.compiled.department_names
    found = figures(report)
    for code, name in names.items():
        counted = report.departments.get(name("zh"), {}).get("mandatory", 0)
        figure = found.get(f"failures.mandatory.{code}")
        assert (figure.value if figure else 0) == counted, code


def test_every_problem_figure_is_named_in_both_languages() -> None:
    report, _ = example_report(2020)
    for lang in ("zh", "en"):
        known = subjects(report, lang)
        for name in figures(report):
            assert figure_name(name, lang, known).strip()
    assert figure_name("failures.mandatory.health", "zh", subjects(report, "zh")) == \
        "区卫生计生委负责的未达标必备项（项）"
    assert figure_name("streets.short.复盛镇", "zh", subjects(report, "zh")) == \
        "复盛镇尚差建设任务（个）"


# --- blocks, workbook, JSON ---------------------------------------------------------------

def test_the_blocks_give_the_numbered_problems_then_the_problem_list() -> None:
    report, _ = example_report(2019)
    items, table = problems_blocks(report, "zh")
    assert isinstance(items, Items) and isinstance(table, Table)
    assert items.numbered and items.items == tuple(p.text for p in report.drafting.problems)
    assert table.key == "problem_facilities"
    assert [r.key for r in table.rows] == list(LISTED[2019])
    assert table.header == ("序号", "设施编号、设施名称", "责任街镇、设施类型", "运营主体",
                            "评估结论", "未达标或需补充材料的必备项", "责任部门")
    row = dict(zip(table.header, table.rows[0].cells, strict=True))
    assert row["设施编号、设施名称"] == "JBR-DSB-S01\n大石坝街道石门社区养老服务站"
    assert row["未达标或需补充材料的必备项"] == "未达标：QB-AREA-STATION 社区养老服务站建筑面积"
    assert row["责任部门"] == "区民政局" and row["评估结论"] == "不合规"
    incomplete = dict(zip(table.header, table.rows[2].cells, strict=True))
    assert incomplete["未达标或需补充材料的必备项"].startswith("需补充材料：QB-AREA-PER-CAPITA")
    assert incomplete["责任部门"].split("\n")[:2] == ["区规划分局", "区民政局"]
    (suggested,) = suggestions_blocks(report, "zh")
    assert isinstance(suggested, Items) and len(suggested.items) == len(report.drafting.suggestions)


def test_without_a_facility_needing_action_the_list_says_so() -> None:
    report, _ = example_report(2019)
    blocks = problems_blocks(dataclasses.replace(report, drafting=Drafting()), "en")
    assert blocks[-1] == Para("No facility needs action.")


@pytest.mark.parametrize("engine", ENGINES)
def test_the_json_and_the_workbook_hold_the_problem_list(engine: str, tmp_path: Path) -> None:
    out, book = tmp_path / "e.json", tmp_path / "e.xlsx"
    for path, fmt in ((out, "json"), (book, "xlsx")):
        assert main(["evaluate", str(XLSX), "--year", "2019", "--engine", engine, "--format",
                     fmt, "-o", str(path), "--quiet"]) == 0
    document = json.loads(out.read_text("utf-8"))
    assert [p["id"] for p in document["problem_facilities"]] == list(LISTED[2019])
    assert [p["kind"] for p in document["problems"]] == \
        [s["kind"] for s in document["suggestions"]] == \
        ["pilots_late", "department_failures", "incomplete", "construction_owed",
         "funds_unspent", "unplanned"]
    assert list(document)[-2:] == ["facilities", "operators"]
    sheet = openpyxl.load_workbook(book)["问题清单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "设施编号", "设施名称")
    assert [r[1] for r in rows[1:]] == list(LISTED[2019])
    assert sheet.auto_filter.ref == sheet.dimensions and sheet.freeze_panes == "A2"


def test_with_a_history_the_exit_review_is_drafted_and_flagged_in_the_list(
        tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    for year in (2019, 2020):
        out = tmp_path / f"{year}.json"
        assert main(["evaluate", str(XLSX), "--year", str(year), "--db", str(db), "--format",
                     "json", "-o", str(out), "--quiet", "--engine", "plain"]) == 0
    document = json.loads(out.read_text("utf-8"))
    flagged = {p["id"]: p["exit_review"] for p in document["problem_facilities"]}
    assert flagged == {"JBR-DSB-S01": True, "JBR-HXJ-D01": True, "JBR-WLD-D01": False,
                       "JBR-TSP-D01": False, "JBR-YZ-S01": False}
    assert {p["open_items"] for p in document["problem_facilities"]} == {0}
    exit_review = next(p for p in document["problems"] if p["kind"] == "exit_review")
    assert exit_review == {"kind": "exit_review",
                           "text": "2个设施连续两个年度评估不合规（JBR-DSB-S01、JBR-HXJ-D01）。",
                           "figures": {"exit_review.facilities": 2}}
