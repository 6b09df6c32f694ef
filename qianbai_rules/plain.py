"""The plain-Python evaluator of the compiled rules: the cross-check and the fallback.

It reads the same compiled conditions as the durable_rules emitter and computes the
same three-valued scope and requirement per rule; :func:`compiled.decide` turns them
into an outcome.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any, Final

from .amounts import Choice, DecisionFacts
from .compiled import CompiledRule, CompiledRuleset, Status, decide
from .conditions import AllOf, AnyOf, Compare, Condition, Const, FieldRef, Not, Scaled, fields_of
from .eligibility import DecisionRow

Flat = Mapping[str, Any]
Test = Callable[[Flat], bool]

_ORDER: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le,
    "gt": operator.gt, "gte": operator.ge,
}


def _operand(operand: Any) -> Callable[[Flat], Any]:
    if isinstance(operand, FieldRef):
        name = operand.name
        return lambda flat: flat[name]
    if isinstance(operand, Scaled):
        name, num, den = operand.field, float(operand.numerator), float(operand.denominator)
        if num == 1.0:
            return lambda flat: flat[name] / den
        return lambda flat: flat[name] * num / den
    assert isinstance(operand, Const)
    value = operand.value
    return lambda flat: value


Truth = Callable[[Flat], bool | None]


def kleene(condition: Condition) -> Truth:
    """A closure giving a condition's value: True, False, or None when unknown."""
    if isinstance(condition, AllOf | AnyOf):
        parts = [kleene(i) for i in condition.items]
        decisive = isinstance(condition, AnyOf)  # any: one True decides; all: one False

        def combine(flat: Flat) -> bool | None:
            result: bool | None = not decisive
            for part in parts:
                value = part(flat)
                if value is decisive:
                    return decisive
                if value is None:
                    result = None
            return result
        return combine
    if isinstance(condition, Not):
        inner = kleene(condition.item)

        def negate(flat: Flat) -> bool | None:
            value = inner(flat)
            return None if value is None else not value
        return negate
    fields = fields_of(condition)
    test = _compare(condition)
    return lambda flat: test(flat) if all(f in flat for f in fields) else None


def _compare(condition: Compare) -> Test:
    name, op = condition.field, condition.op
    if op == "nonempty":
        return lambda flat: len(flat[name]) > 0
    if op == "empty":
        return lambda flat: len(flat[name]) == 0
    right = _operand(condition.operand)
    if op == "contains":
        return lambda flat: right(flat) in flat[name]
    if op == "excludes":
        return lambda flat: right(flat) not in flat[name]
    if op == "in":
        return lambda flat: flat[name] in right(flat)
    if op == "not_in":
        return lambda flat: flat[name] not in right(flat)
    compare = _ORDER[op]
    return lambda flat: bool(compare(flat[name], right(flat)))


def _true(flat: Flat) -> bool | None:
    return True


class _RuleTest:
    __slots__ = ("requirement", "scope")

    def __init__(self, compiled: CompiledRule) -> None:
        self.scope = kleene(compiled.scope) if compiled.scope else _true
        self.requirement = kleene(compiled.requirement) if compiled.requirement else _true

    def status(self, flat: Flat) -> Status:
        scope = self.scope(flat)
        return decide(scope, self.requirement(flat) if scope else None)


class _SubsidyTest:
    """The eligibility table and amount branches of one subsidy rule, in Python."""

    def __init__(self, rule: CompiledRule, rows: tuple[DecisionRow, ...]) -> None:
        subsidy = rule.subsidy
        assert subsidy is not None
        self.id = rule.rule.id
        self.rows = rows
        self.blocks = [kleene(c) for c, _fields in subsidy.blocks]
        self.needs = subsidy.needs
        self.branches = [kleene(b.when) if b.when else _true for b in subsidy.branches]

    def _holds(self, row: DecisionRow, facts: DecisionFacts) -> bool:
        flat = facts.flat
        period = facts.periods.get(self.id)
        return (facts.scopes[self.id].value == row.scope
                and (row.verdict is None or facts.verdict.value == row.verdict)
                and (not row.blocked or any(block(flat) is True for block in self.blocks))
                and (not row.missing or any(f not in flat for f in self.needs))
                and (not row.idle or (period is not None and not period.active)))

    def choose(self, facts: DecisionFacts) -> Choice:
        row = next((i for i, r in enumerate(self.rows) if self._holds(r, facts)), None)
        if row is None:
            raise RuntimeError(f"{self.id}: no row of the eligibility table holds")
        branch = next((j for j, b in enumerate(self.branches) if b(facts.flat) is True), None)
        return Choice(row, branch)


class PlainEvaluator:
    """Evaluates every compiled rule on a flat record in Python."""

    name = "plain"

    def __init__(self, compiled: CompiledRuleset) -> None:
        self._tests = [_RuleTest(rule) for rule in compiled.rules]
        self._subsidies = [_SubsidyTest(r, compiled.decisions) for r in compiled.subsidy_rules]

    def statuses(self, flat: Flat, nested: Mapping[str, Any]) -> list[Status]:
        return [test.status(flat) for test in self._tests]

    def decide(self, facts: DecisionFacts) -> list[Choice]:
        """For each subsidy rule: the eligibility row and the amount branch that hold."""
        return [test.choose(facts) for test in self._subsidies]
