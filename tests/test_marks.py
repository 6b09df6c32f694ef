"""Attestations and waivers applied to a record (``pipeline/marks.py``), as data:
``tests/data/marks/semantics.yaml`` (not under tests/cases, whose files are
command-line cases), each case on both engines, which must agree."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.compile.compiled import CompiledRuleset, compile_ruleset
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.evaluator import Evaluator
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.inspection import (
    Attestation,
    AttestedStatus,
    Method,
    Sidecars,
    Waiver,
    WaiverKind,
)
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.values import id_key
from qianbai_rules.pipeline.check import Evaluated, evaluate_record
from qianbai_rules.rules.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "marks" / "semantics.yaml"
AS_OF = dt.date(2019, 12, 31)


def _cases() -> list[dict[str, Any]]:
    doc = load_yaml(CASES.read_text(encoding="utf-8"))
    return list(doc["cases"])


@cache
def compiled_rules(which: str, folder: str) -> CompiledRuleset:
    """The shipped rules, or (``waivers_count``) a copy whose eligibility rows that read the
    verdict say ``waivers: count``."""
    root = ROOT / "rules"
    if which == "waivers_count":
        copy = Path(folder) / "rules"
        if not copy.exists():
            shutil.copytree(root, copy)
            table = copy / "eligibility.yaml"
            lines = [line.replace("status:", "waivers: count, status:") if "verdict:" in line
                     else line for line in table.read_text(encoding="utf-8").splitlines()]
            table.write_text("\n".join(lines) + "\n", encoding="utf-8")
        root = copy
    return compile_ruleset(load_ruleset(root), AS_OF)


def base_record(case: dict[str, Any]) -> FacilityRecord:
    data = load_yaml((ROOT / "examples" / "sites" / f"{case['base']}.yaml").read_text("utf-8"))
    for dotted in case.get("remove", []):
        *path, last = dotted.split(".")
        node = data
        for part in path:
            node = node[part]
        del node[last]
    for dotted, value in case.get("set", {}).items():
        *path, last = dotted.split(".")
        node = data
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return FacilityRecord.model_validate(data)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def sidecars(case: dict[str, Any], facility: str) -> Sidecars:
    attestations = tuple(Attestation(
        facility=facility, rule=a["rule"], status=AttestedStatus(a["status"]),
        method=Method(a["method"]), inspector=a["inspector"], date=_date(a["date"]),
        expires=_date(a["expires"]) if "expires" in a else None) for a in case.get("attestations", []))
    waivers = tuple(Waiver(
        facility=facility, rule=w["rule"], kind=WaiverKind(w["kind"]),
        justification=w["justification"], approver=w["approver"],
        approved_on=_date(w["approved_on"]), expires_on=_date(w["expires_on"]))
        for w in case.get("waivers", []))
    key = id_key(facility)
    return Sidecars(attestations={key: attestations} if attestations else {},
                    waivers={key: waivers} if waivers else {})


def evaluated(case: dict[str, Any], evaluator: Callable[[CompiledRuleset], Evaluator],
              tmp: str) -> tuple[Evaluated, CompiledRuleset]:
    compiled = compiled_rules(case.get("rules", "shipped"), tmp)
    record = base_record(case)
    made: Evaluator = evaluator(compiled)
    return evaluate_record(record, "case", compiled, made, 2019,
                           sidecars(case, record.id)), compiled


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("marks"))


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case["name"])
def test_case(case: dict[str, Any], folder: str) -> None:
    results = []
    for engine in (PlainEvaluator, DurableEvaluator):
        result, compiled = evaluated(case, engine, folder)
        results.append(result)
        expect = case["expect"]
        marks = result.marks
        assert marks is not None
        position = {rule.rule.id: i for i, rule in enumerate(compiled.rules)}
        got = {rule: result.statuses[position[rule]].value for rule in expect.get("statuses", {})}
        assert got == expect.get("statuses", {}), engine.name
        if "verdict" in expect:
            assert result.verdict.value == expect["verdict"], engine.name
        if "unwaived" in expect:
            assert marks.unwaived is not None and marks.unwaived.value == expect["unwaived"]
        if "attested" in expect:
            assert {r: u.standing.value for r, u in marks.attested.items()} == expect["attested"]
        if "attested_by" in expect:
            assert {r: marks.attested[r].attestation.inspector
                    for r in expect["attested_by"]} == expect["attested_by"]
        if "discrepancy" in expect:
            assert sorted(r for r, u in marks.attested.items() if u.discrepancy) == \
                expect["discrepancy"]
        if "waived" in expect:
            assert {r: u.standing.value for r, u in marks.waived.items()} == expect["waived"]
        decisions = {s.rule.rule.id: s.decision.value for s in result.subsidies}
        assert {r: decisions[r] for r in expect.get("subsidies", {})} == \
            expect.get("subsidies", {}), engine.name
    plain, durable = results
    assert plain == durable  # the two engines agree on every outcome, the money included


def test_a_record_the_sidecars_do_not_name_is_evaluated_as_without_them() -> None:
    compiled = compiled_rules("shipped", "")
    record = base_record({"base": "station-compliant"})
    other = sidecars({"attestations": [{"rule": "QB-SITING-SUNLIGHT", "status": "fail",
                                        "method": "site", "inspector": "张三",
                                        "date": dt.date(2019, 12, 1)}]}, "JB-OTHER")
    for engine in (PlainEvaluator, DurableEvaluator):
        evaluator = engine(compiled)
        alone = evaluate_record(record, "t", compiled, evaluator, 2019)
        beside = evaluate_record(record, "t", compiled, evaluator, 2019, other)
        assert beside == alone and beside.marks is None
