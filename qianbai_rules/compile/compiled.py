"""The compiled form of a ruleset on one date: the single input of both evaluators.

Compilation resolves every parameter to the value in force on the as-of date and
removes ``not`` (De Morgan), so the durable_rules emitter and the plain evaluator read
exactly the same conditions. The outcome of a rule is decided from its scope and its
requirement, each true, false or unknown, in the same way for both
(:mod:`qianbai_rules.compile.decision`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from qianbai_rules.core.limits import date_problem
from qianbai_rules.core.problems import Problem, RulesError, Text
from qianbai_rules.rules.conditions import Condition, fields_of, push_not, resolve
from qianbai_rules.rules.departments import names_on
from qianbai_rules.rules.parameters import AppliedValue, Scalar
from qianbai_rules.rules.rulefile import Rule, Severity
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.rules.subsidy_spec import DecisionRow, SubsidySpec
from qianbai_rules.texts.formats import written_text
from qianbai_rules.texts.labels import text


class Status(StrEnum):
    passed = "pass"
    failed = "fail"
    not_applicable = "not_applicable"
    unknown = "unknown"


# Members bound once for the hot paths: attribute access on an enum class is slow (3.11).
_FAILED, _UNKNOWN = Status.failed, Status.unknown


class Verdict(StrEnum):
    compliant = "compliant"
    non_compliant = "non_compliant"
    incomplete = "incomplete"


@dataclass(frozen=True)
class CompiledBranch:
    when: Condition | None
    city: AppliedValue | None
    district: AppliedValue | None
    yuan_per_year: AppliedValue | None


@dataclass(frozen=True)
class CompiledSubsidy:
    spec: SubsidySpec
    branches: tuple[CompiledBranch, ...]
    blocks: tuple[tuple[Condition, tuple[str, ...]], ...]  # condition and the fields it names
    needs: tuple[str, ...]
    proration: AppliedValue | None
    payer: AppliedValue | None = None
    # Operating: months count only from the day the first rate took effect (no subsidy is
    # owed for months before the plan).
    counts_from: dt.date | None = None


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    scope: Condition | None
    requirement: Condition | None
    scope_fields: tuple[str, ...]
    requirement_fields: tuple[str, ...]
    subsidy: CompiledSubsidy | None = None


@dataclass(frozen=True)
class CompiledRuleset:
    ruleset: Ruleset
    as_of: dt.date
    rules: tuple[CompiledRule, ...]
    applied: tuple[AppliedValue, ...]

    @property
    def decisions(self) -> tuple[DecisionRow, ...]:
        return self.ruleset.decisions

    @cached_property
    def subsidy_rules(self) -> tuple[CompiledRule, ...]:
        return tuple(rule for _position, rule, _subsidy in self.subsidies)

    @cached_property
    def department_names(self) -> dict[str, Text]:
        """Each department's name in effect on the as-of date, by code."""
        return names_on(self.ruleset.departments, self.as_of)

    @cached_property
    def by_id(self) -> dict[str, CompiledRule]:
        return {r.rule.id: r for r in self.rules}

    @cached_property
    def subsidies(self) -> tuple[tuple[int, CompiledRule, CompiledSubsidy], ...]:
        """Each subsidy rule with its position among the rules and its subsidy."""
        return tuple((i, r, r.subsidy) for i, r in enumerate(self.rules) if r.subsidy is not None)

    @cached_property
    def mandatory(self) -> tuple[int, ...]:
        """Positions of the mandatory rules, whose outcomes make the verdict."""
        return tuple(i for i, r in enumerate(self.rules) if r.rule.severity is Severity.mandatory)

    def verdict(self, statuses: list[Status]) -> Verdict:
        """non_compliant if a mandatory rule fails; else incomplete if one is unknown."""
        mandatory = [statuses[i] for i in self.mandatory]
        if _FAILED in mandatory:
            return Verdict.non_compliant
        if _UNKNOWN in mandatory:
            return Verdict.incomplete
        return Verdict.compliant

    @property
    def key(self) -> str:
        """Identifies this compiled form: same rules and parameter values, same key."""
        values = ",".join(f"{a.parameter.name}={a.value}@{a.since}" for a in self.applied)
        return f"{self.ruleset.fingerprint}|{values}"


def compile_ruleset(ruleset: Ruleset, as_of: dt.date) -> CompiledRuleset:
    """Resolve parameters on ``as_of``; raise RulesError if one has no value in force."""
    applied: dict[str, AppliedValue] = {}
    problems: list[Problem] = []
    refused = date_problem(as_of)
    if refused is not None:
        raise RulesError([Problem.in_rules(ruleset.root.as_posix(), f"the as-of date {refused}")])
    for rule in ruleset.rules:
        for name in rule.parameters:
            parameter = ruleset.parameters[name]
            current = parameter.at(as_of)
            if current is None or current.value is None:
                first = (written_text(parameter.values[0].since) if parameter.values
                         else text("rule_show.none"))
                problems.append(Problem(parameter.file, text(
                    "problem.no_value_in_force", date=written_text(as_of),
                    first=first), item=name, kind="parameter"))
                continue
            applied[name] = AppliedValue(parameter, current.value, current.since,
                                         current.reference)
    if problems:
        raise RulesError(sorted(set(problems), key=str))

    def value_of(name: str) -> Scalar:
        return applied[name].value

    def condition(raw: Condition | None) -> Condition | None:
        return compile_condition(raw, value_of)

    def subsidy(spec: SubsidySpec) -> CompiledSubsidy:
        def amount(name: str | None) -> AppliedValue | None:
            return applied[name] if name else None
        branches = []
        for branch in spec.amounts:
            when = condition(branch.when)
            branches.append(CompiledBranch(when, amount(branch.city),
                                           amount(branch.district), amount(branch.yuan_per_year)))
        blocks = []
        for block in spec.ineligible_when:
            compiled_block = condition(block)
            assert compiled_block is not None
            blocks.append((compiled_block, fields_of(compiled_block)))
        rates = [b.yuan_per_year.parameter.values[0].since for b in branches if b.yuan_per_year]
        return CompiledSubsidy(spec, tuple(branches), tuple(blocks), spec.needs,
                               amount(spec.proration), amount(spec.payer),
                               min(rates) if rates else None)

    compiled = []
    for rule in ruleset.rules:
        compiled.append(compile_rule(rule, value_of,
                                     subsidy(rule.subsidy) if rule.subsidy else None))
    return CompiledRuleset(ruleset, as_of, tuple(compiled),
                           tuple(applied[k] for k in sorted(applied)))


def compile_condition(raw: Condition | None,
                      value_of: Callable[[str], Scalar]) -> Condition | None:
    """A condition of a rule file with its parameters' values in place and ``not`` pushed
    down to the comparisons: the form both engines read."""
    return push_not(resolve(raw, value_of)) if raw is not None else None


def compile_rule(rule: Rule, value_of: Callable[[str], Scalar],
                 subsidy: CompiledSubsidy | None = None) -> CompiledRule:
    """One rule's scope and requirement compiled with the parameter values ``value_of`` gives."""
    scope = compile_condition(rule.applies_to, value_of)
    requirement = compile_condition(rule.requires, value_of)
    return CompiledRule(rule, scope, requirement, fields_of(scope), fields_of(requirement), subsidy)

