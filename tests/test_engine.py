"""What bites in durable_rules, each pinned by a test (see ../shared/notes/durable_rules.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from qianbai_rules import durable
from qianbai_rules.check import evaluate_record, facts
from qianbai_rules.compiled import CompiledRuleset, Status, compile_ruleset
from qianbai_rules.durable import RULES_PER_RULESET, DurableEvaluator, decision_rules, dumps
from qianbai_rules.plain import PlainEvaluator
from qianbai_rules.problems import RulesError
from qianbai_rules.ruleset import load_ruleset
from qianbai_rules.validation import parse_record
from tests.generated import records

ROOT = Path(__file__).resolve().parent.parent
needs_durable = pytest.mark.skipif(not durable.available(), reason="durable_rules not importable")


@pytest.fixture(scope="module")
def compiled() -> CompiledRuleset:
    return compile_ruleset(load_ruleset(ROOT / "rules"), dt.date(2019, 12, 31))


def test_floats_are_written_without_exponent_for_the_engine() -> None:
    assert dumps({"a": 1e-05, "b": 1e16, "c": 199.99, "d": [0.5], "e": "1e5"}) == \
        '{"a":0.00001,"b":10000000000000000,"c":199.99,"d":[0.5],"e":"1e5"}'
    assert json.loads(dumps({"x": 1.5e-07}))["x"] == 1.5e-07


def test_no_two_field_names_share_an_engine_hash() -> None:
    durable.check_hash_collisions()


def test_the_engine_hash_is_fnv1a_over_signed_chars() -> None:
    assert durable._fnv1a32("a") == 0xE40C292C
    assert durable._fnv1a32("") == 0x811C9DC5


def test_no_ruleset_lets_more_than_64_engine_rules_match_one_fact(compiled: CompiledRuleset) -> None:
    # A rule fires at most one of its engine rules (checked on records below), so a
    # ruleset of at most 60 rules stays under the engine's 64 matches per fact; the
    # decision ruleset may fire all its rules at once.
    assert RULES_PER_RULESET <= 60
    assert len(decision_rules(compiled)) <= 60


@needs_durable
def test_a_rule_fires_at_most_one_of_its_engine_rules(compiled: CompiledRuleset) -> None:
    evaluator = DurableEvaluator(compiled)
    handles = [handle for handle, _names in evaluator._groups]
    for record in records(300, seed=7):
        flat = facts(record)
        payload = dumps({**evaluator._compliance.fact(flat), "id": f"t-{record.id}"})
        fired = set().union(*(durable._fired(handle, payload) for handle in handles))
        statuses = evaluator.statuses(flat)
        for rule, status in zip(compiled.rules, statuses, strict=True):
            count = len([name for name in fired if name.startswith(f"{rule.rule.id}|")])
            assert count == (0 if status is Status.unknown else 1), (record.id, rule.rule.id)


@needs_durable
def test_no_fact_stays_in_the_engine_after_a_record(compiled: CompiledRuleset) -> None:
    evaluator = DurableEvaluator(compiled)
    record = parse_record({"id": "R", "facility_type": "station", "floor_area_m2": 210})
    assert not isinstance(record, list)
    for _ in range(3):
        evaluate_record(record, "t", compiled, evaluator, 2019)
    for handle in [*(handle for handle, _names in evaluator._groups), evaluator._decisions]:
        assert json.loads(getattr(durable, "_engine").get_facts(handle, "0")) == []  # noqa: B009


@needs_durable
def test_a_tiny_area_and_a_record_id_named_like_engine_keys_are_evaluated(
        compiled: CompiledRuleset) -> None:
    record = parse_record({"id": "sid", "facility_type": "station", "floor_area_m2": 1e-05})
    assert not isinstance(record, list)
    a = evaluate_record(record, "t", compiled, DurableEvaluator(compiled), 2019)
    b = evaluate_record(record, "t", compiled, PlainEvaluator(compiled), 2019)
    assert a.statuses == b.statuses
    assert a.statuses[[r.rule.id for r in compiled.rules].index("QB-AREA-STATION")] is Status.failed


@needs_durable
def test_the_same_record_twice_is_evaluated_twice(compiled: CompiledRuleset) -> None:
    record = parse_record({"id": "R", "facility_type": "station", "floor_area_m2": 200})
    assert not isinstance(record, list)
    evaluator = DurableEvaluator(compiled)
    first = evaluate_record(record, "t", compiled, evaluator, 2019)
    second = evaluate_record(record, "t", compiled, evaluator, 2019)
    assert first.statuses == second.statuses


def test_a_date_before_any_parameter_value_is_a_clear_error() -> None:
    with pytest.raises(RulesError) as caught:
        compile_ruleset(load_ruleset(ROOT / "rules"), dt.date(2018, 1, 1))
    assert "no value in force on 2018-01-01" in str(caught.value)
    assert "area.station_min_m2" in str(caught.value)


def test_a_rule_naming_a_key_the_engine_keeps_is_refused() -> None:
    with pytest.raises(durable.DurableError, match="'id'"):
        durable._FactShape(["floor_area_m2", "id"])


def test_the_engine_fact_holds_only_the_fields_the_rules_name_with_lists_ended() -> None:
    shape = durable._FactShape(["services.basic", "five_ones.service_team.staff_count"])
    flat = {"name": "站", "services.basic": [], "five_ones.service_team.staff_count": 2}
    assert shape.fact(flat) == {"kind": "record", "services": {"basic": [durable.END]},
                                "five_ones": {"service_team": {"staff_count": 2}}}
