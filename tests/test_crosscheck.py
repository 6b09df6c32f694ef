"""The durable_rules evaluator and the plain evaluator agree on every rule and record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from qianbai_rules.compile.compiled import CompiledRuleset, Status, compile_ruleset
from qianbai_rules.engines import durable
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.validation import parse_record
from qianbai_rules.pipeline.check import evaluate_record, run
from qianbai_rules.rules.ruleset import load_ruleset
from qianbai_rules.rules.subsidy_spec import Decision

from .generated import records

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not durable.available(), reason="durable_rules not importable")


@pytest.fixture(scope="module")
def compiled() -> CompiledRuleset:
    return compile_ruleset(load_ruleset(ROOT / "rules"), dt.date(2019, 12, 31))


@pytest.mark.slow
def test_evaluators_agree_on_generated_records(compiled: CompiledRuleset) -> None:
    plain, engine = PlainEvaluator(compiled), DurableEvaluator(compiled)
    disagreements: list[tuple[str, str, object, object]] = []
    seen: set[Status] = set()
    decided: set[tuple[str, Decision]] = set()
    for record in records(3000):
        a = evaluate_record(record, "gen", compiled, plain, 2019)
        b = evaluate_record(record, "gen", compiled, engine, 2019)
        seen.update(a.statuses)
        decided.update((o.rule.rule.id, o.decision) for o in a.subsidies)
        for rule, x, y in zip(compiled.rules, a.statuses, b.statuses, strict=True):
            if x != y:
                disagreements.append((record.id, rule.rule.id, x.value, y.value))
        if a.subsidies != b.subsidies:
            disagreements.append((record.id, "subsidies", a.subsidies, b.subsidies))
    assert disagreements == []
    assert seen == set(Status), "the generator must reach all four outcomes"
    for rule in compiled.subsidy_rules:
        reached = {d for r, d in decided if r == rule.rule.id}
        assert reached == set(Decision), (rule.rule.id, reached)


def test_evaluators_agree_on_every_example(compiled: CompiledRuleset) -> None:
    plain, engine = PlainEvaluator(compiled), DurableEvaluator(compiled)
    a = [o for o in run([str(ROOT / "examples" / "sites")], compiled, plain, 2019)]
    b = [o for o in run([str(ROOT / "examples" / "sites")], compiled, engine, 2019)]
    assert len(a) == len(b) > 0
    for x, y in zip(a, b, strict=True):
        assert getattr(x, "statuses", None) == getattr(y, "statuses", None)


@pytest.mark.slow
def test_per_capita_boundary_is_exact_in_both_evaluators(compiled: CompiledRuleset) -> None:
    """0.1 × population in binary floats would fail 0.3 m² for 3 residents; ours must not."""
    index = [r.rule.id for r in compiled.rules].index("QB-AREA-PER-CAPITA")
    evaluators = (PlainEvaluator(compiled), DurableEvaluator(compiled))
    wrong = []
    for population in range(1, 5001):
        exact = Decimal(population) * Decimal("0.1")
        for area, expected in ((exact, Status.passed), (exact - Decimal("0.01"), Status.failed)):
            record = parse_record({"id": "P", "facility_type": "center", "floor_area_m2": float(area),
                                   "community": {"kind": "new", "population": population}})
            assert not isinstance(record, list)
            for evaluator in evaluators:
                status = evaluate_record(record, "t", compiled, evaluator, 2019).statuses[index]
                if status is not expected:
                    wrong.append((evaluator.name, population, str(area), status.value))
    assert wrong == []
