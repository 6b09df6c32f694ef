"""Indicator scoring as data: hostile schemes refused with located messages
(tests/data/scoring/lint.yaml), figures scored under a scheme (scores.yaml), and the
shipped registry's 2019 score under the shipped example, counted by hand."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from jsonschema import Draft202012Validator

from qianbai_rules.annual.blocks import Para, Table
from qianbai_rules.annual.figures import Unit, by_subject, figures, names
from qianbai_rules.annual.rates import half_up
from qianbai_rules.annual.score_paper import score_blocks
from qianbai_rules.annual.scoring import points, score_figures, scored
from qianbai_rules.annual.workbook import write_evaluation
from qianbai_rules.core.limits import MAX_RULE_FILE_BYTES
from qianbai_rules.core.problems import RulesError
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.rules.indicators import IndicatorScheme, ScoringRule, load_scheme, shipped_scheme
from qianbai_rules.rules.plan import TYPES
from qianbai_rules.rules.ruleset import fingerprint
from tests.annual_example import example_report

DATA = Path(__file__).resolve().parent / "data" / "scoring"
KNOWN = names(TYPES)
SCHEMA = rules_dir() / "schema" / "indicator-scheme.schema.json"


def _cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = load_yaml((DATA / name).read_text(encoding="utf-8"))["cases"]
    return cases


def _set(doc: Any, path: str, value: Any, drop: bool = False) -> None:
    """Set (or drop) the value at a key path such as ``indicators[0].weight``."""
    steps: list[str | int] = []
    for part in path.split("."):
        key, *indexes = re.split(r"\[(\d+)\]", part)
        steps += [key, *(int(i) for i in indexes if i)]
    node = doc
    for step in steps[:-1]:
        node = node[step]
    if drop:
        del node[steps[-1]]
    else:
        node[steps[-1]] = value


def _written(case: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "scheme.yaml"
    if "text" in case:
        path.write_text(case["text"], encoding="utf-8")
        return path
    doc = copy.deepcopy(load_yaml(shipped_scheme().read_text(encoding="utf-8")))
    for key, value in case.get("set", {}).items():
        _set(doc, key, value)
    for key in case.get("drop", []):
        _set(doc, key, None, drop=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(RulesError) as caught:
        load_scheme(path, KNOWN)
    said = []
    for problem in caught.value.problems:
        place = problem.path.partition(" › ")[2]
        said.append(f"{place}: {problem.says('en')}" if place else problem.says("en"))
    return said


@pytest.mark.parametrize("case", _cases("lint.yaml"), ids=lambda c: c["name"])
def test_a_hostile_scheme_is_refused_saying_where_and_what(case: dict[str, Any],
                                                            tmp_path: Path) -> None:
    said = _problems(_written(case, tmp_path))
    for expected in case["says"]:
        assert any(expected in line for line in said), (expected, said)
    assert len(said) == len(case["says"]), said


@pytest.mark.parametrize("case", [c for c in _cases("lint.yaml") if c.get("schema")],
                         ids=lambda c: c["name"])
def test_the_schema_refuses_what_an_editor_can_see(case: dict[str, Any],
                                                    tmp_path: Path) -> None:
    schema = json.loads((SCHEMA).read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    shipped = load_yaml(shipped_scheme().read_text(encoding="utf-8"))
    assert list(validator.iter_errors(shipped)) == []
    broken = load_yaml(_written(case, tmp_path).read_text(encoding="utf-8"))
    assert list(validator.iter_errors(broken)), case["name"]


def test_the_lint_cases_can_fail_the_shipped_scheme_is_sound(tmp_path: Path) -> None:
    scheme = load_scheme(_written({}, tmp_path), KNOWN)
    assert sum(i.weight for i in scheme.indicators) == 100


def test_a_scheme_file_larger_than_a_rule_file_may_be_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * MAX_RULE_FILE_BYTES, encoding="utf-8")
    assert _problems(path) == [f"cannot read the indicator scheme: larger than "
                               f"{MAX_RULE_FILE_BYTES:,} bytes"]


def test_a_folder_given_as_the_scheme_is_refused(tmp_path: Path) -> None:
    assert _problems(tmp_path) == ["cannot read the indicator scheme: not a regular file "
                                   "(a folder, device, FIFO or socket)"]


def _scheme(name: str) -> IndicatorScheme:
    return load_scheme(DATA / name, KNOWN)


def _points(value: Any) -> Fraction | None:
    return None if value is None else Fraction(str(value))


@pytest.mark.parametrize("case", _cases("scores.yaml"), ids=lambda c: c["name"])
def test_figures_are_scored_as_the_scheme_says(case: dict[str, Any]) -> None:
    score = score_figures(case["figures"], {}, _scheme(case["scheme"]), "zh")
    by_id = {row.indicator.id: row.score for row in score.indicators}
    for indicator, expected in case.get("scores", {}).items():
        assert by_id[indicator] == _points(expected), indicator
    if "total" in case:
        assert score.total == _points(case["total"])
    if "out_of" in case:
        assert score.out_of == _points(case["out_of"])
    assert score.grade == case["grade"]


def test_half_up_rounds_halves_up_exactly() -> None:
    assert half_up(Fraction("89.95")) == Fraction("90.0")
    assert half_up(Fraction("89.9499999")) == Fraction("89.9")
    assert half_up(Fraction("0.05")) == Fraction("0.1")


# --- the shipped registry's 2019 evaluation under the shipped example -------------------

# By hand, from examples/jiangbei-registry-figures.md (2019):
#   本年度建设任务完成率  8 completed ÷ 7 targeted = 114.3%, capped at 100%  → 25 × 1     = 25.0
#   累计建设任务完成率    16 ÷ 17 = 94.1%                                    → 15 × 16/17 = 14.1
#   设施合规率           16 compliant ÷ 19 built = 84.2%                    → 25 × 16/19 = 21.1
#   逾期完成的试点和设施  1 late pilot + 0 late facilities = 1               → 10 − 5 × 1 = 5.0
#   资金到位率           9,000,000 received ÷ 9,700,000 budgeted = 92.8%   → 10 × 0.9278 = 9.3
#   资金执行率           7,850,000 paid ÷ 9,000,000 received = 87.2%       → 10 × 0.8722 = 8.7
#   建设补贴拨付率       1,750,000 paid ÷ 8,650,000 due = 20.2%             → 5 × 0.2023  = 1.0
#   total 25.0 + 14.1 + 21.1 + 5.0 + 9.3 + 8.7 + 1.0 = 84.2 of 100: 良 (80 ≤ 84.2 < 90)
HAND_COUNT_2019 = {"OUT-QTY-YEAR": "25", "OUT-QTY-CUMULATIVE": "14.1",
                   "OUT-QUALITY-COMPLIANCE": "21.1", "OUT-TIME-LATE": "5",
                   "PROC-FUNDS-ARRIVAL": "9.3", "PROC-FUNDS-EXECUTION": "8.7",
                   "PROC-FUNDS-PAID": "1"}


@pytest.mark.parametrize("engine", ["plain", "durable"])
def test_the_shipped_registry_scores_84_2_in_2019_as_counted_by_hand(engine: str) -> None:
    report, _ = example_report(2019, engine=engine)
    score = scored(report, load_scheme(shipped_scheme(), names(report.district.by_type)), "zh")
    assert score is not None
    assert {r.indicator.id: r.score for r in score.indicators} == {
        k: Fraction(v) for k, v in HAND_COUNT_2019.items()}
    assert (score.total, score.out_of, score.grade) == (Fraction("84.2"), Fraction(100), "良")
    assert score.as_json()["scheme"]["example"] is True


def test_every_figure_a_scheme_may_name_is_a_figure_of_the_report() -> None:
    report, _ = example_report(2019)
    assert set(names(report.district.by_type)) == {
        name for name in figures(report) if not by_subject(name)}


def test_the_conclusion_names_the_grade_the_example_and_the_reading() -> None:
    report, _ = example_report(2019)
    score = scored(report, load_scheme(shipped_scheme(), KNOWN), "zh")
    assert score is not None
    blocks = score_blocks(score, "zh")
    first = blocks[0]
    assert isinstance(first, Para)
    assert first.text.startswith("经综合评价，2019年度")
    assert "得分84.2分，评价等级为“良”（按示例指标体系评分）" in first.text
    assert first.readings == ("RD-SCORE-PARTIAL",)
    texts = " ".join(b.text for b in blocks if isinstance(b, Para))
    assert "本指标体系为示例" in texts and "财预〔2020〕10号" in texts
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.header[:6] == ("一级指标", "二级指标", "指标", "权重（分）", "指标值", "得分")
    assert [row.cells[5] for row in table.rows] == ["25.0", "14.1", "21.1", "5.0", "9.3", "8.7", "1.0",
                                                            "84.2"]
    assert table.rows[0].cells[4] == "114.3%（8÷7）"


def test_a_score_without_a_figure_withholds_the_grade_in_words() -> None:
    score = score_figures({"compliance.compliant": 18, "compliance.in_service": 20,
                           "rectification.closure_rate": None, "pilots.late": 0,
                           "late.facilities": 0, "subsidies.construction.paid": 1,
                           "subsidies.construction.total": 1}, {}, _scheme("all-kinds.yaml"),
                          "zh")
    texts = [b.text for b in score_blocks(score, "zh") if isinstance(b, Para)]
    assert "已评分指标得分70.0分（满分70分），部分指标缺少数据，暂不评定等级" in texts[0]
    assert any("整改完成率（缺少数据：整改完成率）" in t for t in texts), texts


def test_the_indicator_schemes_have_a_fingerprint_of_their_own(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(rules_dir(), root)
    before = fingerprint(root)
    (root / "indicators" / "example.yaml").write_text("changed: true\n", encoding="utf-8")
    assert fingerprint(root) == before


@pytest.mark.parametrize("doc", ["docs/indicator-scheme.md", "docs/en/indicator-scheme.md"])
def test_the_scheme_page_lists_every_figure_and_its_example_loads(doc: str,
                                                                  tmp_path: Path) -> None:
    text = (DATA.parent.parent.parent / doc).read_text(encoding="utf-8")
    report, _ = example_report(2019)
    listed = set(re.findall(r"^\| ([a-z_]+\.[a-z_.]+) \|", text, flags=re.MULTILINE))
    assert listed == set(names(report.district.by_type))
    example = re.findall(r"```yaml\n(name: .*?)```", text, flags=re.DOTALL)[0]
    shipped = load_yaml(shipped_scheme().read_text(encoding="utf-8"))
    grades = yaml.safe_dump({"grades": shipped["grades"]}, allow_unicode=True)
    path = tmp_path / "scheme.yaml"
    path.write_text(re.sub(r"grades: \.\.\..*\n", lambda _: grades, example), encoding="utf-8")
    scheme = load_scheme(path, KNOWN)
    assert [i.id for i in scheme.indicators] == ["OUT-QTY-YEAR", "OUT-TIME-LATE",
                                                 "OUT-QUALITY-COMPLIANCE"]


def test_the_workbook_has_a_score_sheet_of_numbers_to_sort_and_filter(tmp_path: Path) -> None:
    report, _ = example_report(2019)
    score = scored(report, load_scheme(shipped_scheme(), KNOWN), "zh")
    path = tmp_path / "e.xlsx"
    write_evaluation(dataclasses.replace(report, score=score), path, "zh")
    sheet = openpyxl.load_workbook(path)["绩效评分"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("一级指标", "二级指标", "指标", "权重（分）", "指标值", "得分")
    assert [r[5] for r in rows[1:9]] == [25, 14.1, 21.1, 5, 9.3, 8.7, 1, 84.2]
    assert rows[3][4] == 0.8421 and sheet.cell(4, 5).number_format == "0.0%"
    assert sheet.auto_filter.ref == "A1:H8" and sheet.freeze_panes == "A2"
    said = {r[0]: r[1] for r in rows[10:]}
    assert said["评价等级"] == "良" and said["制定单位"] == "本系统（示例，非主管部门制定）"
    assert "本指标体系为示例" in said["示例"]


@pytest.mark.parametrize(("rule", "value", "expected"), [
    (ScoringRule("deduct", per_unit=Fraction(5)), Fraction(-3), Fraction(10)),
    (ScoringRule("deduct", per_unit=Fraction(5)), Fraction(3), Fraction(0)),
    (ScoringRule("proportional", target=Fraction(1, 2)), Fraction(3), Fraction(10)),
    (ScoringRule("proportional", target=Fraction(1)), Fraction(-1), Fraction(0)),
])
def test_no_figure_scores_below_0_or_above_the_weight(rule: ScoringRule, value: Fraction,
                                                      expected: Fraction) -> None:
    # a negative count to deduct for (funds paid beyond receipts leave funds.unspent < 0)
    assert points(rule, Fraction(10), value) == expected


def test_a_ratio_scores_as_it_is_shown_rounded_half_up_to_four_places() -> None:
    # 24,999 of 200,000 is 0.124995: shown as 12.5%, it scores 10 × 0.125 = 1.25 → 1.3, as
    # the rate figure of the same measure does
    score = score_figures({"funds.received": 24_999, "funds.budgeted": 200_000},
                          {"funds.received": Unit.yuan, "funds.budgeted": Unit.yuan},
                          load_scheme(shipped_scheme(), KNOWN), "zh")
    (row,) = [r for r in score.indicators if r.indicator.id == "PROC-FUNDS-ARRIVAL"]
    assert (row.value, row.score) == (Fraction("0.125"), Fraction("1.3"))
