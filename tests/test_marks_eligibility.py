"""The eligibility table's ``waivers: count`` column (rules/eligibility.yaml) as the rules
loader checks it: only ``count``, only on a row that reads the verdict, and every pair of
verdicts (with waivers, without) still decided by some row."""

from __future__ import annotations

from typing import Any

import pytest

from qianbai_rules.core.problems import collect
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.rules.subsidy_spec import DecisionRow, parse_decisions

from .test_marks import ROOT

SHIPPED = load_yaml((ROOT / "rules" / "eligibility.yaml").read_text(encoding="utf-8"))


def _parsed(doc: Any) -> tuple[tuple[DecisionRow, ...], list[str]]:
    rows, problems = collect(parse_decisions(doc, "eligibility.yaml"))
    return rows, [p.says("en") for p in problems]


def test_the_shipped_table_reads_the_verdict_without_waivers_on_every_row() -> None:
    rows, problems = _parsed(SHIPPED)
    assert not problems
    assert rows and not any(row.waivers for row in rows)


def test_waivers_count_is_read_on_a_row_with_a_verdict() -> None:
    doc = {"decisions": [{**row, "waivers": "count"} if "verdict" in row["when"] else row
                         for row in SHIPPED["decisions"]]}
    rows, problems = _parsed(doc)
    assert not problems
    assert [row.waivers for row in rows] == ["verdict" in row["when"] for row in doc["decisions"]]


@pytest.mark.parametrize(("row", "says"), [
    ({"when": {"verdict": "compliant"}, "status": "eligible", "waivers": "yes"},
     "waivers can only be count"),
    ({"when": {"idle": True}, "status": "not_covered", "waivers": "count"},
     "waivers: count needs a verdict condition"),
])
def test_a_wrong_waivers_column_is_named(row: dict[str, Any], says: str) -> None:
    _rows, problems = _parsed({"decisions": [row, *SHIPPED["decisions"]]})
    assert any(says in problem for problem in problems), problems


def test_a_table_that_leaves_a_waived_record_undecided_is_refused() -> None:
    """With the last row reading the verdict with waivers only, a record compliant with its
    waivers and non-compliant without them has no row (the non-compliant rows read the
    verdict with waivers too here)."""
    decisions = [{**row, "waivers": "count"} if "verdict" in row["when"] else row
                 for row in SHIPPED["decisions"]]
    decisions = [row for row in decisions if row["when"].get("verdict") != "compliant"] + \
        [{"when": {"verdict": "compliant"}, "status": "eligible"}]
    _rows, problems = _parsed({"decisions": decisions})
    assert any("verdict compliant (non_compliant without its waivers)" in p for p in problems), \
        problems
