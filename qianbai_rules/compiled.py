"""The compiled form of a ruleset on one date: the single input of both evaluators.

Compilation resolves every parameter to the value in force on the as-of date and
removes ``not`` (De Morgan), so the durable_rules emitter and the plain evaluator read
exactly the same conditions. The outcome of a rule is decided from four facts, in the
same way for both (:func:`decide`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from .conditions import Condition, fields_of, push_not, resolve
from .parameters import AppliedValue, Scalar
from .problems import RuleProblem, RulesError
from .ruleset import Rule, Ruleset, Severity


class Status(StrEnum):
    passed = "pass"
    failed = "fail"
    not_applicable = "not_applicable"
    unknown = "unknown"


class Verdict(StrEnum):
    compliant = "compliant"
    non_compliant = "non_compliant"
    incomplete = "incomplete"


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    scope: Condition | None
    requirement: Condition | None
    scope_fields: tuple[str, ...]
    requirement_fields: tuple[str, ...]


@dataclass(frozen=True)
class CompiledRuleset:
    ruleset: Ruleset
    as_of: dt.date
    rules: tuple[CompiledRule, ...]
    applied: tuple[AppliedValue, ...]

    @property
    def key(self) -> str:
        """Identifies this compiled form: same rules and parameter values, same key."""
        values = ",".join(f"{a.parameter.name}={a.value}@{a.since}" for a in self.applied)
        return f"{self.ruleset.fingerprint}|{values}"


def compile_ruleset(ruleset: Ruleset, as_of: dt.date) -> CompiledRuleset:
    """Resolve parameters on ``as_of``; raise RulesError if one has no value in force."""
    applied: dict[str, AppliedValue] = {}
    problems: list[RuleProblem] = []
    for rule in ruleset.rules:
        for name in rule.parameters:
            parameter = ruleset.parameters[name]
            current = parameter.at(as_of)
            if current is None or current.value is None:
                first = parameter.values[0].since.isoformat() if parameter.values else "-"
                problems.append(RuleProblem(
                    parameter.file,
                    f"no value in force on {as_of.isoformat()} (first value from {first})",
                    rule=name, kind="parameter"))
                continue
            applied[name] = AppliedValue(parameter, current.value, current.since,
                                         current.reference)
    if problems:
        raise RulesError(sorted(set(problems), key=str))

    def value_of(name: str) -> Scalar:
        return applied[name].value

    compiled = []
    for rule in ruleset.rules:
        scope = push_not(resolve(rule.applies_to, value_of)) if rule.applies_to else None
        requirement = push_not(resolve(rule.requires, value_of)) if rule.requires else None
        compiled.append(CompiledRule(rule, scope, requirement, fields_of(scope),
                                     fields_of(requirement)))
    return CompiledRuleset(ruleset, as_of, tuple(compiled),
                           tuple(applied[k] for k in sorted(applied)))


def decide(scope_known: bool, in_scope: bool, known: bool, passed: bool) -> Status:
    """The outcome of one rule from the four facts every evaluator establishes."""
    if not scope_known:
        return Status.unknown
    if not in_scope:
        return Status.not_applicable
    if not known:
        return Status.unknown
    return Status.passed if passed else Status.failed


def verdict(statuses: list[tuple[Severity, Status]]) -> Verdict:
    """non_compliant if a mandatory rule fails; else incomplete if one is unknown."""
    mandatory = [s for severity, s in statuses if severity is Severity.mandatory]
    if Status.failed in mandatory:
        return Verdict.non_compliant
    if Status.unknown in mandatory:
        return Verdict.incomplete
    return Verdict.compliant
