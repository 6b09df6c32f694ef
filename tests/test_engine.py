"""What bites in durable_rules, each pinned by a test (see ../shared/notes/durable_rules.md)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.compile.compiled import CompiledRuleset, Status, compile_ruleset
from qianbai_rules.core.problems import RulesError
from qianbai_rules.engines import durable, durable_emit
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.durable_emit import dumps
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.model.validation import parse_record
from qianbai_rules.pipeline.check import evaluate_record
from qianbai_rules.rules.ruleset import load_ruleset
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
    durable_emit.check_hash_collisions()


def test_the_engine_hash_is_fnv1a_over_signed_chars() -> None:
    assert durable_emit.fnv1a32("a") == 0xE40C292C
    assert durable_emit.fnv1a32("") == 0x811C9DC5


@needs_durable
def test_a_rule_fires_at_most_one_of_its_engine_rules(compiled: CompiledRuleset) -> None:
    evaluator = DurableEvaluator(compiled)
    handles = [handle for handle, _definition in evaluator._rulesets.parts]
    for record in records(300, seed=7):
        flat = FlatRecord.of(record)
        payload = dumps({**evaluator._compliance.fact(flat), "id": f"t-{record.id}"})
        fired = set().union(*(durable._fired(handle, payload) for handle in handles))
        statuses = evaluator.statuses(flat)
        for rule, status in zip(compiled.rules, statuses, strict=True):
            count = len([name for name in fired if name.startswith(f"{rule.rule.id}|")])
            assert count == (0 if status is Status.unknown else 1), (record.id, rule.rule.id)


def _with_rules(tmp_path: Path, extra: list[dict[str, Any]]) -> CompiledRuleset:
    """The shipped rules and ``extra`` ones, compiled: a rules folder of one's own."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    shutil.rmtree(rules / "tests")
    texts = {"requirement": {"zh": "测试", "en": "test"}, "fail": {"zh": "未通过", "en": "fails"},
             "remediation": {"zh": "整改", "en": "fix it"}}
    (rules / "checks" / "9-many.yaml").write_text(json.dumps({
        "section": {"clause": "二（一）", "title": {"zh": "测试", "en": "test"}},
        "rules": [{"id": f"QB-X-{i:02d}", "title": {"zh": f"规则 {i}", "en": f"rule {i}"},
                   "clause": "二（一）", "department": "civil_affairs", "severity": "advisory",
                   **rule, "text": texts} for i, rule in enumerate(extra)]},
        ensure_ascii=False), encoding="utf-8")
    return compile_ruleset(load_ruleset(rules), dt.date(2019, 12, 31))


AREA = "floor_area_m2"


@needs_durable
@pytest.mark.parametrize("extra", [
    # forty rules of two-branch `any` conditions: more tests hold at once than one ruleset takes
    [{"requires": {"any": [{"field": AREA, "gt": i}, {"field": AREA, "ne": i + 0.5}]}}
     for i in range(40)],
    # `all` of an `any` and a comparison: the engine's limit counts tests, not firings
    [{"requires": {"all": [{"any": [{"field": AREA, "gt": i}, {"field": AREA, "lt": 1000 + i}]},
                           {"field": AREA, "eq": 2000 + i}]}} for i in range(28)],
    # one `in` of seventy values, of which one at most can hold
    [{"requires": {"field": AREA, "in": [100 + i for i in range(70)]}}],
], ids=["many-any", "all-of-any", "long-in"])
def test_rules_the_engine_cannot_hold_in_one_ruleset_are_split_and_agree_with_plain(
        tmp_path: Path, extra: list[dict[str, Any]], request: pytest.FixtureRequest) -> None:
    compiled = _with_rules(tmp_path, extra)
    evaluator, plain = DurableEvaluator(compiled), PlainEvaluator(compiled)
    for area in (10, 20.5, 150, 500, 2001):
        record = parse_record({"id": "M", "facility_type": "station", "floor_area_m2": area})
        assert not isinstance(record, list)
        assert evaluate_record(record, "t", compiled, evaluator, 2019) == \
            evaluate_record(record, "t", compiled, plain, 2019)
    split = len(evaluator._rulesets.parts) > 1
    assert split is (request.node.callspec.id != "long-in")
    for handle, _definition in [*evaluator._rulesets.parts, *evaluator._decisions.parts]:
        assert json.loads(getattr(durable, "_engine").get_facts(handle, "0")) == []  # noqa: B009


@needs_durable
def test_no_fact_stays_in_the_engine_after_a_record(compiled: CompiledRuleset) -> None:
    evaluator = DurableEvaluator(compiled)
    record = parse_record({"id": "R", "facility_type": "station", "floor_area_m2": 210})
    assert not isinstance(record, list)
    for _ in range(3):
        evaluate_record(record, "t", compiled, evaluator, 2019)
    for handle, _definition in [*evaluator._rulesets.parts, *evaluator._decisions.parts]:
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
    with pytest.raises(durable_emit.DurableError, match="'id'"):
        durable._FactShape(["floor_area_m2", "id"])


def test_the_engine_fact_holds_only_the_fields_the_rules_name_with_lists_ended() -> None:
    shape = durable._FactShape(["services.basic", "five_ones.service_team.staff_count"])
    flat = {"name": "站", "services.basic": [], "five_ones.service_team.staff_count": 2}
    assert shape.fact(flat) == {"kind": "record", "services": {"basic": [durable_emit.END]},
                                "five_ones": {"service_team": {"staff_count": 2}}}
