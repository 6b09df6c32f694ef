"""Evaluation through durable_rules: compiled rules emitted as Rete rulesets.

Each rule R becomes at most three positive engine rules, each also requiring
``kind: record``: ``R|scope_false`` (its scope is false, in three-valued logic),
``R|pass`` and ``R|fail`` (the scope is true and the requirement true, or false). At
most one of them holds for a record, and none means unknown. One record is asserted as
one fact; the names of the engine rules that fired give each rule's outcome; the fact is
then retracted, so the engine's memory stays flat over any number of records. Reading
each fired rule costs a call into the engine, which is why a rule has no engine rule for
"scope true": its outcome follows from the others.

All rules start in one ruleset. The engine refuses a fact for which too many of a
ruleset's tests hold at once (error 303); the ruleset is then split in two, and so on
(:class:`_Rulesets`). The shipped rules need no split.

The engine's C core is driven directly (create, assert, read fired rule names,
retract): the Python host of durable.lang starts timer threads that dispatch actions
concurrently, and runs a Python closure per fired rule. Neither is needed to read which
rules matched. What bites in durable_rules is listed in docs and handled here:
reserved ``id``/``sid`` keys, exponent floats refused, at most ~64 rules matching one
fact, and 32-bit hashed field names.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from qianbai_rules.compile.compiled import CompiledRule, CompiledRuleset, Status
from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.limits import MAX_ENGINE_EXPRESSIONS, MAX_ENGINE_TESTS
from qianbai_rules.model.fields import FIELDS, GROUPS, nest
from qianbai_rules.rules.conditions import (
    NEGATION,
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
from qianbai_rules.subsidies.amounts import Choice, DecisionFacts

try:
    import durable_rules_engine as _engine
except ImportError:  # durable-rules does not build on Python 3.13+
    _engine = None

_OVERFLOW: Final = 303  # the engine's code for a fact with too many tests holding at once
RESERVED: Final = ("id", "sid", "kind")
END: Final = "\u0000"  # appended to every list in a fact; the record model refuses NUL in text
_RECORD: Final = {"kind": "record"}
_PASSED, _FAILED, _NOT_APPLICABLE, _UNKNOWN = (Status.passed, Status.failed, Status.not_applicable,
                                               Status.unknown)
_ORDER_OPS: Final = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte", "ne": "$neq"}


def available() -> bool:
    return _engine is not None


class DurableError(QianbaiError, RuntimeError):
    pass


def _fnv1a32(name: str) -> int:
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
            other = seen.setdefault(_fnv1a32(part), part)
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
        conjunction = isinstance(condition, AllOf) == value
        return _all(parts) if conjunction else _any(parts)
    if isinstance(condition, Not):
        raise DurableError("compiled conditions carry no Not")
    leaf = condition if value else Compare(condition.field, NEGATION[condition.op],
                                           condition.operand)
    return _all([*_present(fields_of(condition)), _compare(leaf)])


def _compare(condition: Compare) -> dict[str, Any]:
    name, op = condition.field, condition.op
    # Lists reach the engine with END appended (see _record_fact): $iall on an empty
    # array is false in durable_rules, and no list is empty there.
    if op == "nonempty":
        return {"$iany": {name: {"$neq": {"$i": END}}}}
    if op == "empty":
        return {"$iall": {name: {"$i": END}}}
    value = _operand(condition.operand)
    if op == "contains":
        return {"$iany": {name: {"$i": value}}}
    if op == "excludes":
        return {"$iall": {name: {"$neq": {"$i": value}}}}
    if op == "in":
        return _any([{name: v} for v in value])
    if op == "not_in":
        return _all([{"$neq": {name: v}} for v in value])
    if op == "eq":
        return {name: value}
    return {_ORDER_OPS[op]: {name: value}}


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


def _names(rid: str) -> tuple[str, str, str]:
    return f"{rid}|pass", f"{rid}|fail", f"{rid}|scope_false"


def engine_rules(compiled: CompiledRule) -> dict[str, dict[str, Any]]:
    """The engine rules of one compiled rule, by name: at most three, exclusive."""
    passed, failed, out_of_scope = _names(compiled.rule.id)
    found: dict[str, dict[str, Any]] = {}
    scope: list[dict[str, Any]] = []
    if compiled.scope is not None:
        scope = [truth(compiled.scope, True)]
        found[out_of_scope] = _rule(truth(compiled.scope, False))
    if compiled.requirement is not None:
        found[passed] = _rule(*scope, truth(compiled.requirement, True))
        found[failed] = _rule(*scope, truth(compiled.requirement, False))
    else:
        found[passed] = _rule(*scope)
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


def _decision_keys(rid: str) -> tuple[str, str]:
    """Where a subsidy rule's own outcome and its idleness sit in the decision fact."""
    return f"decision.{rid}.outcome", f"decision.{rid}.idle"


def decision_rules(compiled: CompiledRuleset) -> dict[str, dict[str, Any]]:
    """The eligibility table and amount branches as engine rules over one decision fact.

    The decision fact is the record with what its compliance evaluation derived: the
    verdict, the outcome of each subsidy rule and, for operating subsidies, whether the
    facility was idle all year. Every row that holds fires ``RULE|rowN`` and every amount
    branch that holds ``RULE|amountN``; the first of each, in table order, applies.
    """
    found: dict[str, dict[str, Any]] = {}
    for rule in compiled.subsidy_rules:
        sid, subsidy = rule.rule.id, rule.subsidy
        assert subsidy is not None
        outcome_key, idle_key = _decision_keys(sid)
        for i, row in enumerate(compiled.decisions):
            parts: list[dict[str, Any]] = [{outcome_key: row.scope}]
            if row.verdict:
                parts.append({"decision.verdict": row.verdict})
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


class _Overflow(DurableError):
    """The engine refused a fact: too many of a ruleset's tests held at once (error 303)."""


def _chunks(definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
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


class _Rulesets:
    """Engine rulesets holding between them a set of engine rules, split in two where the
    engine refuses a fact (it keeps at most 64 tests that hold pending at once, a limit
    that depends on the fact and on how conditions share tests, so it is met, not
    predicted). Splitting changes which ruleset fires a rule, never whether it fires."""

    def __init__(self, name: str, definition: dict[str, Any]) -> None:
        self._name = name
        self._numbers = itertools.count()
        self.parts = [self._create(part) for part in _chunks(definition)]

    def _create(self, definition: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        assert _engine is not None
        handle = _engine.create_ruleset(f"{self._name}-{next(self._numbers)}", dumps(definition))
        return handle, definition

    def fired(self, payload: str) -> list[str]:
        """The names of the engine rules the fact fires, in every ruleset."""
        found: list[str] = []
        index = 0
        while index < len(self.parts):
            handle, definition = self.parts[index]
            try:
                found += _fired(handle, payload)
            except _Overflow:
                names = list(definition)
                if len(names) == 1:
                    raise DurableError(f"{names[0]}: its condition holds in more ways at once "
                                       f"than durable_rules can follow; split it") from None
                half = len(names) // 2
                self.parts[index:index + 1] = [
                    self._create({n: definition[n] for n in names[:half]}),
                    self._create({n: definition[n] for n in names[half:]})]
                continue  # the fact was refused, not stored: assert it to the halves
            index += 1
        return found


@dataclass(frozen=True)
class _Handles:
    compliance: _Rulesets
    decisions: _Rulesets


_REGISTERED: dict[str, _Handles] = {}
_IDS: Iterator[int] = itertools.count(1)


def _register(compiled: CompiledRuleset) -> _Handles:
    key = compiled.key
    if key not in _REGISTERED:
        if _engine is None:
            raise DurableError("durable_rules cannot be imported here")
        check_hash_collisions(itertools.chain(
            ("decision", "decision.verdict", "verdict", "outcome", "idle"),
            *(_decision_keys(r.rule.id) for r in compiled.subsidy_rules)))
        suffix = hashlib.sha256(key.encode()).hexdigest()[:16]
        compliance = {name: d for rule in compiled.rules for name, d in engine_rules(rule).items()}
        _REGISTERED[key] = _Handles(_Rulesets(f"qianbai-{suffix}", compliance),
                                    _Rulesets(f"qianbai-{suffix}-decisions", decision_rules(compiled)))
    return _REGISTERED[key]


def _actions(handle: Any, state: Any) -> list[str]:
    """The names of the rules that fired, read from each action's message ({"NAME": ...})."""
    fired: list[str] = []
    action = _engine.start_action_for_state(handle, state)
    message = action[1] if action else None
    while message:
        fired.append(message[2:message.index('"', 2)])
        message = _engine.complete_and_start_action(handle, state)
    return fired


def _assert(handle: Any, payload: str) -> list[str] | None:
    """Assert a fact; the names of the rules it fired, or None if no rule keeps it."""
    try:
        code, state = _engine.assert_fact(handle, payload)[:2]
    except _engine.error as exc:
        kind = _Overflow if str(exc).endswith(f"error code: {_OVERFLOW}") else DurableError
        raise kind(f"durable_rules refused the fact: {exc}") from None
    if code == 1:  # no engine rule matched: nothing stored, nothing to retract
        return None
    if code != 0:
        raise (_Overflow if code == _OVERFLOW else DurableError)(
            f"durable_rules refused the fact (code {code})")
    return _actions(handle, state)


def _fired(handle: Any, payload: str) -> list[str]:
    fired = _assert(handle, payload)
    if fired is None:
        return []
    _engine.retract_fact(handle, payload)
    return fired


def _first(fired: list[str], prefix: str) -> int | None:
    """The first in order of the fired rules named ``prefix`` and a number."""
    found = [int(name[len(prefix):]) for name in fired if name.startswith(prefix)]
    return min(found) if found else None


class _FactShape:
    """Builds the engine fact of a record from the fields a ruleset names, and no others.

    Lists get END appended (see :func:`_compare`); the fact is nested, as the engine reads
    dotted names.
    """

    def __init__(self, fields: Iterable[str]) -> None:
        self.names = sorted(set(fields))
        for name in self.names:
            if name.split(".")[0] in RESERVED:
                raise DurableError(f"a rule names {name!r}, a key durable_rules keeps for itself")

    def fact(self, flat: Mapping[str, Any]) -> dict[str, Any]:
        return {"kind": "record", **nest({
            name: [*flat[name], END] if isinstance(flat[name], list) else flat[name]
            for name in self.names if name in flat})}


def _outcomes(rules: Iterable[CompiledRule]) -> dict[str, tuple[int, Status]]:
    """Each engine rule's name: the position of its rule and the outcome its firing means."""
    found = {}
    for position, rule in enumerate(rules):
        passed, failed, out_of_scope = _names(rule.rule.id)
        found.update({passed: (position, _PASSED), failed: (position, _FAILED),
                      out_of_scope: (position, _NOT_APPLICABLE)})
    return found


def _compliance_fields(compiled: CompiledRuleset) -> Iterator[str]:
    for rule in compiled.rules:
        yield from rule.scope_fields
        yield from rule.requirement_fields


def _decision_fields(compiled: CompiledRuleset) -> Iterator[str]:
    for rule in compiled.subsidy_rules:
        assert rule.subsidy is not None
        yield from rule.subsidy.needs
        for _condition, fields in rule.subsidy.blocks:
            yield from fields
        for branch in rule.subsidy.branches:
            yield from fields_of(branch.when)


class DurableEvaluator:
    """Evaluates every compiled rule on a record through durable_rules."""

    name = "durable"

    def __init__(self, compiled: CompiledRuleset) -> None:
        handles = _register(compiled)
        self._rulesets = handles.compliance
        self._outcomes = _outcomes(compiled.rules)
        self._count = len(compiled.rules)
        self._decisions = handles.decisions
        self._subsidy_rules = [r.rule.id for r in compiled.subsidy_rules]
        self._compliance = _FactShape(_compliance_fields(compiled))
        self._decision = _FactShape(_decision_fields(compiled))

    def statuses(self, flat: Mapping[str, Any]) -> list[Status]:
        payload = dumps({**self._compliance.fact(flat), "id": f"q{next(_IDS)}"})
        statuses = [_UNKNOWN] * self._count  # a rule none of whose engine rules fired
        outcomes = self._outcomes
        for name in self._rulesets.fired(payload):
            position, status = outcomes[name]
            statuses[position] = status
        return statuses

    def decide(self, facts: DecisionFacts) -> list[Choice]:
        """The eligibility table decided by the engine.

        The record is asserted once more, with what its compliance evaluation derived (the
        verdict, the outcome of each subsidy rule, whether an operating facility was idle
        all year); the first eligibility row and the first amount branch that fire for a
        subsidy rule apply. Amounts and reasons are then worked out in Python (amounts.py)
        from the row and branch the engine chose.
        """
        if not self._decisions.parts:
            return []
        decision: dict[str, Any] = {"verdict": facts.verdict.value}
        for rule, status in facts.scopes.items():
            period = facts.periods.get(rule)
            decision[rule] = {"outcome": status.value} if period is None else \
                {"outcome": status.value, "idle": not period.active}
        payload = dumps({**self._decision.fact(facts.flat), "decision": decision,
                         "id": f"q{next(_IDS)}"})
        fired = self._decisions.fired(payload)
        choices = []
        for rule in self._subsidy_rules:
            row = _first(fired, f"{rule}|row")
            if row is None:
                raise DurableError(f"{rule}: no row of the eligibility table holds")
            choices.append(Choice(row, _first(fired, f"{rule}|amount")))
        return choices
