"""Where a rule can apply and what it reads, told from the rules alone: the record
reference (docs/) and the input template's help sheet both say which facility types
need a field from these."""

from __future__ import annotations

from qianbai_rules.compile.compiled import compile_condition
from qianbai_rules.engines.plain import kleene
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.rules.conditions import Condition, fields_of
from qianbai_rules.rules.parameters import Scalar
from qianbai_rules.rules.rulefile import Rule
from qianbai_rules.rules.ruleset import Ruleset


def _latest(ruleset: Ruleset, name: str) -> Scalar:
    """A parameter's last value in force (the value only matters for where a rule applies)."""
    values = [v.value for v in ruleset.parameters[name].values if v.value is not None]
    return values[-1]


def current(ruleset: Ruleset, condition: Condition | None) -> Condition | None:
    """A condition with each parameter's latest value in place."""
    return compile_condition(condition, lambda name: _latest(ruleset, name))


def applies_to_type(ruleset: Ruleset, rule: Rule, facility_type: str) -> bool:
    """Whether a rule can apply to a facility of this type: its scope is not false for a
    record that says nothing but its type (unknown, where it depends on other fields; a
    comparison with a parameter is unknown whatever the parameter's value)."""
    scope = current(ruleset, rule.applies_to)
    if scope is None:
        return True
    return kleene(scope)(FlatRecord({"facility_type": facility_type})) is not False


def rule_fields(rule: Rule) -> tuple[str, ...]:
    """The fields a rule decides on: its scope and requirement, and what its subsidy reads."""
    named = set(rule.scope_fields) | set(rule.requirement_fields)
    if rule.subsidy is not None:
        spec = rule.subsidy
        named.update(spec.needs)
        named.update(f for f in (spec.period_until, spec.approved, spec.paid) if f)
        named.update(f for condition in spec.ineligible_when for f in fields_of(condition))
    return tuple(sorted(named))
