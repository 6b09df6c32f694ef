"""The plain-Python evaluator of the compiled rules: the cross-check and the fallback.

It reads the same compiled conditions as the durable_rules emitter and computes the
same three-valued scope and requirement per rule. Each condition becomes one closure
specialised to its operator and operand when the evaluator is built, and each rule one
closure from the record to its outcome, decided as :func:`decision.decide` does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from qianbai_rules.compile.compiled import CompiledRule, CompiledRuleset, Status
from qianbai_rules.compile.decision import Choice, DecisionFacts, decide, decisive
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.rules.conditions import AllOf, AnyOf, Compare, Condition, Const, FieldRef, Not, Scaled
from qianbai_rules.rules.operators import OPERATORS
from qianbai_rules.rules.subsidy_spec import DecisionRow

Flat = FlatRecord
CompiledTest = Callable[[Flat], bool | None]
RuleOutcome = Callable[[Flat], Status]  # a rule, compiled to a closure

_MISSING: Final = object()


def kleene(condition: Condition) -> CompiledTest:
    """A closure giving a condition's value: True, False, or None when unknown."""
    if isinstance(condition, AllOf | AnyOf):
        parts = [kleene(i) for i in condition.items]
        decides = decisive(condition)

        def combine(flat: Flat) -> bool | None:
            result: bool | None = not decides
            for part in parts:
                value = part(flat)
                if value is decides:
                    return decides
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
    return _compare(condition)


def _compare(condition: Compare) -> CompiledTest:
    """A comparison: unknown when a field it names is absent (absent fields are not in flat)."""
    name, test, operand = condition.field, OPERATORS[condition.op].test, condition.operand
    if isinstance(operand, Const):
        constant = operand.value

        def against_constant(flat: Flat) -> bool | None:
            value = flat.get(name, _MISSING)
            return None if value is _MISSING else test(value, constant)
        return against_constant
    if isinstance(operand, FieldRef):
        other, numerator, denominator = operand.name, None, 1.0
    else:
        assert isinstance(operand, Scaled)
        other, denominator = operand.field, float(operand.denominator)
        numerator = None if operand.numerator == 1 else float(operand.numerator)

    def against_field(flat: Flat) -> bool | None:
        value: Any = flat.get(name, _MISSING)
        right: Any = flat.get(other, _MISSING)
        if value is _MISSING or right is _MISSING:
            return None
        if isinstance(operand, Scaled):
            right = (right if numerator is None else right * numerator) / denominator
        return test(value, right)
    return against_field


# The outcomes of the decision table bound once for the specialised closures below (which
# read it without a call): attribute access on an enum class is slow in Python 3.11, too.
_PASSED: Final = decide(True, True)
_FAILED: Final = decide(True, False)
_UNKNOWN: Final = decide(None, None)  # the scope unknown; in scope, the requirement unknown
_NOT_APPLICABLE: Final = decide(False, None)


def _leaf(condition: Condition | None) -> tuple[str, Callable[[Any, Any], bool], Any] | None:
    """A comparison of one field with a constant, as (field, test, constant); else None."""
    if isinstance(condition, Compare) and isinstance(condition.operand, Const):
        return condition.field, OPERATORS[condition.op].test, condition.operand.value
    return None


def rule_outcome(compiled: CompiledRule) -> RuleOutcome:
    """One closure from a flat record to the rule's outcome (as :func:`decision.decide`).

    Most rules compare one field with a constant, within a scope of the same form or none:
    those get a closure of their own, the hot path of the evaluator.
    """
    scope, requirement = compiled.scope, compiled.requirement
    if scope is None and requirement is None:
        return lambda flat: _PASSED
    leaf, scope_leaf = _leaf(requirement), _leaf(scope)
    if leaf is not None and (scope is None or scope_leaf is not None):
        name, test, constant = leaf
        if scope_leaf is None:
            def compare(flat: Flat) -> Status:
                if name not in flat:
                    return _UNKNOWN
                return _PASSED if test(flat[name], constant) else _FAILED
            return compare
        scope_name, scope_test, scope_constant = scope_leaf

        def scoped_compare(flat: Flat) -> Status:
            if scope_name not in flat:
                return _UNKNOWN
            if not scope_test(flat[scope_name], scope_constant):
                return _NOT_APPLICABLE
            if name not in flat:
                return _UNKNOWN
            return _PASSED if test(flat[name], constant) else _FAILED
        return scoped_compare
    in_scope = kleene(scope) if scope is not None else _true
    holds = kleene(requirement) if requirement is not None else _true

    def outcome(flat: Flat) -> Status:
        scoped = in_scope(flat)
        return decide(scoped, holds(flat) if scoped else None)
    return outcome


def _true(flat: Flat) -> bool | None:
    return True


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
        return (facts.scopes[self.id] == row.scope
                and (row.verdict is None
                     or row.reads(facts.verdict, facts.without_waivers) == row.verdict)
                and (not row.blocked or any(block(flat) is True for block in self.blocks))
                and (not row.missing or any(f not in flat for f in self.needs))
                and (not row.idle or facts.idle.get(self.id) is True))

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
        self._outcomes = [rule_outcome(rule) for rule in compiled.rules]
        self._subsidies = [_SubsidyTest(r, compiled.decisions) for r in compiled.subsidy_rules]

    def statuses(self, flat: Flat) -> list[Status]:
        return [outcome(flat) for outcome in self._outcomes]

    def decide(self, facts: DecisionFacts) -> list[Choice]:
        """For each subsidy rule: the eligibility row and the amount branch that hold."""
        return [test.choose(facts) for test in self._subsidies]
