"""Compiled rules emitted as durable_rules rulesets (the JSON the engine compiles).

Each rule R becomes one engine rule per case of the decision table that can hold
(:data:`.decision.CASES`), each also requiring ``kind: record``: ``R|scope_false`` (its
scope is false, in three-valued logic), ``R|pass`` and ``R|fail`` (the scope is true and
the requirement true, or false). At most one of them holds for a record, and none means
unknown. A rule has no engine rule for "scope true": its outcome follows from the others,
and each fired rule costs a call into the engine (see :mod:`.durable`).

The eligibility table and the amount branches become engine rules over one decision fact
(:func:`decision_rules`). What bites in durable_rules is handled here: reserved
``id``/``sid`` keys, exponent floats refused (:func:`dumps`), the expression slots and
distinct tests an engine rule may take (limits.py; :func:`limit_problems`,
:func:`chunks`), and 32-bit hashed field names (:func:`check_hash_collisions`).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Final

from qianbai_rules.compile.compiled import CompiledRule, CompiledRuleset
from qianbai_rules.compile.decision import CASES, OutcomeCase, decisive
from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.limits import MAX_ENGINE_EXPRESSIONS, MAX_ENGINE_TESTS
from qianbai_rules.model.fields import FIELDS, GROUPS
from qianbai_rules.rules.conditions import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Const,
    FieldRef,
    Not,
    Scaled,
    fields_of,
)
from qianbai_rules.rules.operators import LIST_END, OPERATORS

RESERVED: Final = ("id", "sid", "kind")


END: Final = LIST_END  # appended to every list in a fact; the record model refuses NUL in text


_RECORD: Final = {"kind": "record"}


class DurableError(QianbaiError, RuntimeError):
    pass


def fnv1a32(name: str) -> int:
    """durable_rules' name hash: FNV-1a over C chars, which are signed on this platform."""
    value = 0x811C9DC5
    for byte in name.encode("utf-8"):
        value ^= byte if byte < 0x80 else (byte - 0x100) & 0xFFFFFFFF
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def check_hash_collisions(extra: Iterable[str] = ()) -> None:
    """Two field names with one hash would be confused by the engine; refuse to run."""
    seen: dict[int, str] = {}
    for name in itertools.chain(FIELDS, GROUPS, RESERVED, extra):
        for part in (name, name.rsplit(".", 1)[-1]):
            other = seen.setdefault(fnv1a32(part), part)
            if other != part:
                raise DurableError(f"field names {other!r} and {part!r} share a durable_rules hash")


def _operand(operand: Any) -> Any:
    if isinstance(operand, FieldRef):
        return {"$m": operand.name}
    if isinstance(operand, Scaled):
        left: Any = {"$m": operand.field}
        if operand.numerator != 1:
            left = {"$mul": {"$l": left, "$r": float(operand.numerator)}}
        return {"$div": {"$l": left, "$r": float(operand.denominator)}}
    assert isinstance(operand, Const)
    return operand.value


def _joined(key: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """``$and``/``$or`` over parts, an ``$and`` in an ``$and`` (``$or`` in ``$or``) merged
    into it: the same test, and each connective takes two of an engine rule's 31
    expression slots (see limits.py)."""
    flat: list[dict[str, Any]] = []
    for part in parts:
        flat.extend(part[key] if len(part) == 1 and key in part else [part])
    return flat[0] if len(flat) == 1 else {key: flat}


def _all(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return _joined("$and", parts)


def _any(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return _joined("$or", parts)


def truth(condition: Condition, value: bool) -> dict[str, Any]:
    """An expression that holds exactly when the condition is ``value`` (Kleene logic).

    A comparison is true or false only when every field it names is present; ``all`` is
    true when every part is true and false when one part is false; ``any`` the reverse.
    """
    if isinstance(condition, AllOf | AnyOf):
        parts = [truth(i, value) for i in condition.items]
        # One part with the decisive value decides; the other value needs every part.
        return _any(parts) if value is decisive(condition) else _all(parts)
    if isinstance(condition, Not):
        raise DurableError("compiled conditions carry no Not")
    leaf = condition if value else Compare(condition.field, OPERATORS[condition.op].negation,
                                           condition.operand)
    return _all([*_present(fields_of(condition)), _compare(leaf)])


def _compare(condition: Compare) -> dict[str, Any]:
    """The operator's own test (lists reach the engine with END appended: see
    :class:`_FactShape`)."""
    return OPERATORS[condition.op].emit(condition.field, _operand(condition.operand))


def _present(fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"$ex": {f: 1}} for f in fields]


def _rule(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"all": [{"m": _all([_RECORD, *parts])}]}


def _slots(test: Any) -> int:
    """Expression slots a test takes in its engine rule: two per ``$and``/``$or``, one per
    comparison whose right side is another field or arithmetic (durable_rules' rete.c)."""
    if not isinstance(test, dict):
        return 0
    if len(test) == 1 and next(iter(test)) in ("$and", "$or"):
        return 2 + sum(_slots(part) for part in next(iter(test.values())))
    inner = next(iter(test.values())) if len(test) == 1 else None
    if isinstance(inner, dict) and len(inner) == 1:
        inner = next(iter(inner.values()))
    return 1 if isinstance(inner, dict) else 0


def _tests(test: Any) -> Iterator[str]:
    """Each single test in an engine condition, as canonical text."""
    if isinstance(test, dict) and len(test) == 1 and next(iter(test)) in ("$and", "$or"):
        for part in next(iter(test.values())):
            yield from _tests(part)
    else:
        yield json.dumps(test, sort_keys=True)


def distinct_tests(definition: Mapping[str, dict[str, Any]]) -> set[str]:
    """The distinct tests of engine rules (an upper bound of any node's children)."""
    return {t for rule in definition.values() for t in _tests(rule["all"][0]["m"])}


def limit_problems(compiled: CompiledRule) -> list[str]:
    """Why durable_rules could not compile or match the engine rules of one rule."""
    definition = engine_rules(compiled)
    problems = []
    slots = max(_slots(d["all"][0]["m"]) for d in definition.values())
    if slots > MAX_ENGINE_EXPRESSIONS:
        problems.append(
            f"durable_rules cannot compile this rule: its conditions take {slots} expression "
            f"slots in one engine rule, at most {MAX_ENGINE_EXPRESSIONS} (each any/all that "
            f"mixes with the other, or a comparison with its presence checks, takes two; each "
            f"comparison with another field one); simplify the condition or split the rule")
    tests = len(distinct_tests(definition))
    if tests > MAX_ENGINE_TESTS:
        problems.append(f"durable_rules cannot match this rule: its conditions hold {tests} "
                        f"distinct tests, at most {MAX_ENGINE_TESTS}; split the rule")
    return problems


def rule_name(rid: str, case: OutcomeCase) -> str:
    return f"{rid}|{case.name}"


def engine_rules(compiled: CompiledRule) -> dict[str, dict[str, Any]]:
    """The engine rules of one compiled rule, by name: one per case of the decision table
    that can hold (a missing scope or requirement is true), exclusive."""
    found: dict[str, dict[str, Any]] = {}
    for case in CASES:
        parts: list[dict[str, Any]] = []
        for condition, value in ((compiled.scope, case.scope),
                                 (compiled.requirement, case.requirement)):
            if condition is not None and value is not None:
                parts.append(truth(condition, value))
            elif condition is None and value is False:
                break  # a missing condition is never false
        else:
            found[rule_name(compiled.rule.id, case)] = _rule(*parts)
    return found


def _number(value: float) -> str:
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text else text


def _dumps_slow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_dumps_slow(v)}"
                              for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_dumps_slow(v) for v in value) + "]"
    if isinstance(value, float):
        return _number(value)
    return json.dumps(value, ensure_ascii=False)


_EXPONENT: Final = re.compile(r"[0-9][eE][-+]?[0-9]")


def dumps(value: Any) -> str:
    """JSON for the engine: floats written without exponent (error 204 otherwise)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _dumps_slow(value) if _EXPONENT.search(text) else text


def decision_keys(rid: str) -> tuple[str, str]:
    """Where a subsidy rule's own outcome and its idleness sit in the decision fact."""
    return f"decision.{rid}.outcome", f"decision.{rid}.idle"


def decision_rules(compiled: CompiledRuleset) -> dict[str, dict[str, Any]]:
    """The eligibility table and amount branches as engine rules over one decision fact.

    The decision fact is the record with what its compliance evaluation derived: the
    verdict with the waivers that count and without (``unwaived``), the outcome of each
    subsidy rule and, for operating subsidies, whether the facility was idle all year.
    Every row that holds fires ``RULE|rowN`` and every amount branch that holds
    ``RULE|amountN``; the first of each, in table order, applies.
    """
    found: dict[str, dict[str, Any]] = {}
    for rule in compiled.subsidy_rules:
        sid, subsidy = rule.rule.id, rule.subsidy
        assert subsidy is not None
        outcome_key, idle_key = decision_keys(sid)
        for i, row in enumerate(compiled.decisions):
            parts: list[dict[str, Any]] = [{outcome_key: row.scope}]
            if row.verdict:
                parts.append({row.reads("decision.verdict", "decision.unwaived"): row.verdict})
            if row.blocked:
                if not subsidy.blocks:
                    continue  # nothing can block this subsidy: the row never holds
                parts.append(_any([truth(condition, True) for condition, _fields in subsidy.blocks]))
            if row.missing:
                if not subsidy.needs:
                    continue
                parts.append(_any([{"$nex": {f: 1}} for f in subsidy.needs]))
            if row.idle:
                if subsidy.spec.period_from is None:
                    continue
                parts.append({idle_key: True})
            found[f"{sid}|row{i}"] = _rule(*parts)
        for j, branch in enumerate(subsidy.branches):
            found[f"{sid}|amount{j}"] = _rule(*([truth(branch.when, True)] if branch.when else []))
    return found


def chunks(definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Engine rules in rulesets of at most MAX_ENGINE_TESTS distinct tests each (a node
    with 512 tests below it hangs the engine), in order; each rule within the limits."""
    part: dict[str, Any] = {}
    tests: set[str] = set()
    for name, rule in definition.items():
        slots = _slots(rule["all"][0]["m"])
        own = distinct_tests({name: rule})
        if slots > MAX_ENGINE_EXPRESSIONS or len(own) > MAX_ENGINE_TESTS:
            raise DurableError(f"{name}: durable_rules cannot compile this condition "
                               f"({slots} expression slots, at most {MAX_ENGINE_EXPRESSIONS}; "
                               f"{len(own)} distinct tests, at most {MAX_ENGINE_TESTS})")
        if part and len(tests | own) > MAX_ENGINE_TESTS:
            yield part
            part, tests = {}, set()
        part[name] = rule
        tests |= own
    if part:
        yield part
