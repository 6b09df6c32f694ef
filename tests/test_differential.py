"""Differential test: hypothesis-generated records through both evaluators, no disagreement.

Records are drawn field by field from values that matter (boundaries, Chinese text,
missing fields, wrong types); the invalid ones must be rejected (never evaluated), the
valid ones must get identical outcomes, verdicts and subsidies from both evaluators.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qianbai_rules.compile.compiled import CompiledRuleset, compile_ruleset
from qianbai_rules.engines import durable
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.fields import FIELDS, Kind
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import parse_record
from qianbai_rules.pipeline.check import evaluate_record
from qianbai_rules.rules.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not durable.available(), reason="durable_rules not importable")

COMPILED: CompiledRuleset = compile_ruleset(load_ruleset(ROOT / "rules"), dt.date(2019, 12, 31))
PLAIN = PlainEvaluator(COMPILED)
ENGINE = DurableEvaluator(COMPILED) if durable.available() else None

TEXT = st.text(alphabet=st.sampled_from("社区养老服务站观音桥aZ09 -_、,;"), min_size=0, max_size=12)
NUMBERS = st.one_of(st.sampled_from([0, 0.1, 0.3, 199.99, 200, 200.0, 749.99, 750, 1e-05, -1,
                                     10_000_000, 10_000_001]),
                    st.floats(min_value=-10, max_value=2000, allow_nan=False),
                    st.integers(min_value=-5, max_value=10_000))
DATES = st.one_of(st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2021, 12, 31))
                  .map(dt.date.isoformat), st.sampled_from(["2019-13-45", "20190101", ""]))


def _value(kind: Kind, codes: tuple[str, ...]) -> st.SearchStrategy[Any]:
    wrong: st.SearchStrategy[Any] = st.sampled_from([None, "maybe", 3, True, [], {}])
    right: dict[Kind, st.SearchStrategy[Any]] = {
        Kind.boolean: st.one_of(st.booleans(), st.sampled_from(["是", "否"])),
        Kind.number: NUMBERS,
        Kind.integer: st.one_of(st.sampled_from([0, 1, 3, 1230, 1231]), st.integers(-2, 100_000)),
        Kind.text: TEXT,
        Kind.code: st.sampled_from(codes) if codes else TEXT,
        Kind.date: DATES,
        Kind.text_list: st.lists(TEXT, max_size=3),
        Kind.code_list: st.lists(st.sampled_from(codes), max_size=len(codes)) if codes else TEXT,
    }
    return st.one_of(right[kind], right[kind], right[kind], wrong)


@st.composite
def raw_records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {"id": "H-1"}
    for name, spec in FIELDS.items():
        if name == "id":
            continue
        if spec.required or draw(st.booleans()):
            record[name] = draw(_value(spec.kind, spec.codes))
    return record


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("QIANBAI_DIFFERENTIAL_EXAMPLES", "400")), deadline=None,
          derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(raw_records())
def test_both_evaluators_agree_on_every_generated_record(raw: dict[str, Any]) -> None:
    parsed = parse_record(raw)
    if not isinstance(parsed, FacilityRecord):
        assert parsed, "an invalid record is rejected with at least one reason"
        return
    assert ENGINE is not None
    for year in (2019, 2020):
        a = evaluate_record(parsed, "h", COMPILED, PLAIN, year)
        b = evaluate_record(parsed, "h", COMPILED, ENGINE, year)
        assert a.statuses == b.statuses
        assert a.verdict == b.verdict
        assert a.subsidies == b.subsidies
