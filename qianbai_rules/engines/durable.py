"""Evaluation through durable_rules: the runtime that hosts the emitted rulesets
(:mod:`.durable_emit`) and reads each record's outcomes from them.

One record is asserted as one fact; the names of the engine rules that fired give each
rule's outcome; the fact is then retracted, so the engine's memory stays flat over any
number of records. All rules start in one ruleset. The engine refuses a fact for which too
many of a ruleset's tests hold at once (error 303); the ruleset is then split in two, and
so on (:class:`_Rulesets`). The shipped rules need no split.

The engine's C core is driven directly (create, assert, read fired rule names,
retract): the Python host of durable.lang starts timer threads that dispatch actions
concurrently, and runs a Python closure per fired rule. Neither is needed to read which
rules matched.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from qianbai_rules.compile.compiled import CompiledRule, CompiledRuleset, Status
from qianbai_rules.compile.decision import CASES, NO_CASE, Choice, DecisionFacts
from qianbai_rules.engines.durable_emit import (
    END,
    RESERVED,
    DurableError,
    check_hash_collisions,
    chunks,
    decision_keys,
    decision_rules,
    dumps,
    engine_rules,
    rule_name,
)
from qianbai_rules.engines.reads import compliance_fields, decision_fields
from qianbai_rules.model.fields import nest
from qianbai_rules.model.flat import FlatRecord

try:
    import durable_rules_engine as _engine
except ImportError:  # durable-rules does not build on Python 3.13+
    _engine = None

_OVERFLOW: Final = 303  # the engine's code for a fact with too many tests holding at once


def available() -> bool:
    return _engine is not None


class _Overflow(DurableError):
    """The engine refused a fact: too many of a ruleset's tests held at once (error 303)."""


class _Rulesets:
    """Engine rulesets holding between them a set of engine rules, split in two where the
    engine refuses a fact (it keeps at most 64 tests that hold pending at once, a limit
    that depends on the fact and on how conditions share tests, so it is met, not
    predicted). Splitting changes which ruleset fires a rule, never whether it fires."""

    def __init__(self, name: str, definition: dict[str, Any]) -> None:
        self._name = name
        self._numbers = itertools.count()
        self.parts = [self._create(part) for part in chunks(definition)]

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
            ("decision", "decision.verdict", "decision.unwaived", "verdict", "unwaived",
             "outcome", "idle"),
            *(decision_keys(r.rule.id) for r in compiled.subsidy_rules)))
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
    return {rule_name(rule.rule.id, case): (position, case.status)
            for position, rule in enumerate(rules) for case in CASES}


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
        self._compliance = _FactShape(compliance_fields(compiled))
        self._decision = _FactShape(decision_fields(compiled))

    def statuses(self, flat: FlatRecord) -> list[Status]:
        payload = dumps({**self._compliance.fact(flat), "id": f"q{next(_IDS)}"})
        statuses = [NO_CASE] * self._count  # a rule none of whose engine rules fired
        outcomes = self._outcomes
        for name in self._rulesets.fired(payload):
            position, status = outcomes[name]
            statuses[position] = status
        return statuses

    def decide(self, facts: DecisionFacts) -> list[Choice]:
        """The eligibility table decided by the engine.

        The record is asserted once more, with what its compliance evaluation derived (the
        verdict with and without waivers, the outcome of each subsidy rule, whether an
        operating facility was idle all year); the first eligibility row and the first
        amount branch that fire for a subsidy rule apply. Amounts and reasons are then
        worked out in Python (amounts.py) from the row and branch the engine chose.
        """
        if not self._decisions.parts:
            return []
        decision: dict[str, Any] = {"verdict": facts.verdict.value,
                                    "unwaived": facts.without_waivers.value}
        for rule, status in facts.scopes.items():
            idle = facts.idle.get(rule)
            decision[rule] = {"outcome": status.value} if idle is None else \
                {"outcome": status.value, "idle": idle}
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
