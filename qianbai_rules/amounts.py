"""What a facility may receive: subsidy amounts from the evaluators' decisions.

The evaluators decide, from the verdict, the findings and the record (a decision
ruleset in durable_rules, or the plain decider), which row of the eligibility table holds
for each subsidy rule and which amount branch applies. This module works out the numbers
that follow: the operating period in the year, the prorated amount rounded half up to
the yuan, the city/district split, and the reasons. Amounts are integers in yuan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from .compiled import CompiledRule, CompiledRuleset, CompiledSubsidy, Status, Verdict
from .eligibility import Decision, ReasonKind, SubsidyKind
from .parameters import AppliedValue
from .problems import Text
from .ruleset import Severity


@dataclass(frozen=True)
class Period:
    """How a facility operated in the evaluated year."""

    active: bool  # in operation on at least one day of the year
    months: int  # full calendar months in operation


@dataclass(frozen=True)
class Choice:
    """What an evaluator decided for one subsidy rule."""

    row: int  # index of the eligibility row that holds
    branch: int | None  # index of the amount branch that holds, if any


@dataclass(frozen=True)
class DecisionFacts:
    """Everything the eligibility decision of one record looks at."""

    flat: Mapping[str, Any]
    verdict: Verdict
    scopes: Mapping[str, Status]  # subsidy rule ID -> its own outcome
    periods: Mapping[str, Period | None]  # operating rule ID -> period, None if unknown


def _date(flat: Mapping[str, Any], name: str | None) -> dt.date | None:
    value = flat.get(name) if name else None
    return dt.date.fromisoformat(value) if value else None


def operating_period(flat: Mapping[str, Any], subsidy: CompiledSubsidy, year: int,
                     as_of: dt.date) -> Period | None:
    """Operation runs from the opening date up to the day before the closing date, and is
    counted only up to the as-of date: months after it have not been operated yet. It counts
    only from the day the rates took effect: no subsidy is owed for the months before.

    None when the dates cannot tell: no opening date, and no closing date before the year.
    """
    spec = subsidy.spec
    opened, closed = _date(flat, spec.period_from), _date(flat, spec.period_until)
    known_until = as_of + dt.timedelta(days=1)
    closed = known_until if closed is None or closed > known_until else closed
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if closed is not None and closed <= first:
        return Period(active=False, months=0)
    if opened is None:
        return None
    if subsidy.counts_from is not None and opened < subsidy.counts_from:
        opened = subsidy.counts_from
    if opened > last:
        return Period(active=False, months=0)
    active = closed > max(opened, first)
    # A month counts when it is operated from its first day to its last: it starts on or
    # after the opening date, and the month after it starts on or before the closing date.
    first_full = _month(opened) + (opened.day > 1)
    last_full = _month(closed) - 1
    months = min(last_full, _month(last)) - max(first_full, _month(first)) + 1
    return Period(active, max(months, 0))


def _month(day: dt.date) -> int:
    """Months since the start of year 0: consecutive months have consecutive numbers."""
    return day.year * 12 + day.month - 1


def round_yuan(value: Fraction) -> int:
    """Round half up to the yuan (not Python's round-half-even)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def decision_facts(compiled: CompiledRuleset, statuses: list[Status], verdict: Verdict,
                   flat: Mapping[str, Any], year: int) -> DecisionFacts:
    scopes: dict[str, Status] = {}
    periods: dict[str, Period | None] = {}
    for position, rule, subsidy in compiled.subsidies:
        scopes[rule.rule.id] = statuses[position]
        if subsidy.spec.kind is SubsidyKind.operating:
            periods[rule.rule.id] = operating_period(flat, subsidy, year, compiled.as_of)
    return DecisionFacts(flat, verdict, scopes, periods)


def _value(applied: AppliedValue | None) -> int:
    return int(applied.value) if applied is not None else 0


@lru_cache(maxsize=256)
def _basis(*values: tuple[str, AppliedValue | None]) -> tuple[dict[str, Any], ...]:
    """The parameter values an amount comes from, each with its role in the amount.

    Worked out once per amount branch; the dicts are shared, and only ever read.
    """
    return tuple({"role": role, **v.as_json()} for role, v in values if v is not None)


def _on(applied: AppliedValue | None, day: dt.date) -> AppliedValue | None:
    """The same parameter's value in force on ``day``; the first value for a day before it
    (a facility completed before the plan gets the plan's amounts). None where it ended."""
    if applied is None:
        return None
    parameter = applied.parameter
    first = parameter.values[0].since
    current = parameter.at(max(day, first))
    if current is None or current.value is None:
        return None
    if current.since == applied.since:
        return applied
    return AppliedValue(parameter, current.value, current.since, current.reference)


@dataclass(frozen=True)
class Construction:
    """The one-off construction subsidy's year, and what the record says was approved and paid."""

    completed: dt.date | None
    approved: int | None
    paid: int | None

    @property
    def year(self) -> int | None:
        return self.completed.year if self.completed else None


@dataclass(frozen=True)
class Outcome:
    """The subsidy one rule gives one record."""

    rule: CompiledRule
    decision: Decision
    reasons: tuple[str, ...]
    potential: dict[str, int] | None  # what is (or would be, once eligible) paid, if known
    period: Period | None
    basis: tuple[dict[str, Any], ...]
    construction: Construction | None = None

    def paid(self, key: str) -> int | None:
        """The amount paid under ``key``: the potential if eligible, 0 if not, None if undetermined."""
        if self.decision is Decision.undetermined:
            return None
        if self.decision is Decision.eligible:
            return self.potential[key] if self.potential else None
        return 0

    def due(self) -> int | None:
        """What an eligible construction subsidy's totals count: the approved amount where the
        record gives one (the plan's "平均每个" amounts are standard amounts, not ceilings),
        else the standard amount."""
        approved = self.construction.approved if self.construction else None
        return approved if approved is not None else self.paid("total")

    def owed(self) -> int | None:
        """What is still to be paid of a construction subsidy: the amount due less what was
        paid; nothing for a facility that is not eligible, and no figure while eligibility is
        undetermined. Negative where more was paid than is due."""
        if self.decision is Decision.undetermined:
            return None
        if self.decision is not Decision.eligible or self.construction is None:
            return 0
        due = self.due()
        return None if due is None else due - (self.construction.paid or 0)


def _reasons(kind: ReasonKind | None, rule: CompiledRule, facts: DecisionFacts,
             compiled: CompiledRuleset, statuses: list[Status]) -> tuple[str, ...]:
    subsidy = rule.subsidy
    assert subsidy is not None
    if kind is ReasonKind.failed_rules or kind is ReasonKind.unknown_rules:
        wanted = Status.failed if kind is ReasonKind.failed_rules else Status.unknown
        return tuple(r.rule.id for r, s in zip(compiled.rules, statuses, strict=True)
                     if s is wanted and r.rule.severity is Severity.mandatory)
    if kind is ReasonKind.missing_fields:
        named = (*rule.scope_fields, *subsidy.needs)
        return tuple(dict.fromkeys(f for f in named if f not in facts.flat))
    if kind is ReasonKind.blocking_fields:
        return tuple(dict.fromkeys(f for _condition, fields in subsidy.blocks for f in fields))
    return ()


def outcome(rule: CompiledRule, choice: Choice, facts: DecisionFacts, compiled: CompiledRuleset,
            statuses: list[Status]) -> Outcome:
    """The amounts that follow from an evaluator's choice for one subsidy rule."""
    subsidy = rule.subsidy
    assert subsidy is not None
    row = compiled.decisions[choice.row]
    branch = subsidy.branches[choice.branch] if choice.branch is not None else None
    period = facts.periods.get(rule.rule.id)
    potential: dict[str, int] | None = None
    basis: tuple[dict[str, Any], ...] = ()
    construction: Construction | None = None
    spec = subsidy.spec
    if spec.kind is SubsidyKind.construction:
        completed = _date(facts.flat, spec.completion)
        construction = Construction(completed, facts.flat.get(spec.approved) if spec.approved else None,
                                    facts.flat.get(spec.paid) if spec.paid else None)
    if branch is not None and construction is not None:
        # One-off: the amounts in force on the completion date, not on the as-of date.
        city_value, district_value = branch.city, branch.district
        if construction.completed is not None:
            city_value = _on(city_value, construction.completed)
            district_value = _on(district_value, construction.completed)
        city, district = _value(city_value), _value(district_value)
        potential = {"total": city + district, "city": city, "district": district}
        basis = _basis(("city", city_value), ("district", district_value))
    elif branch is not None and period is not None and subsidy.proration is not None:
        rate = _value(branch.yuan_per_year)
        if subsidy.proration.value == "none":
            amount = rate if period.active else 0
        else:
            amount = round_yuan(Fraction(rate * period.months, 12))
        potential = {"amount": amount, "rate": rate}
        basis = _basis(("rate", branch.yuan_per_year), ("proration", subsidy.proration),
                       ("payer", subsidy.payer))
    decision = row.status
    reasons = _reasons(row.reasons, rule, facts, compiled, statuses)
    if decision is Decision.eligible and potential is None:
        # Every field the amounts need is present, yet no branch holds: the rule's amounts
        # leave this record uncovered. Say so rather than invent an amount.
        decision = Decision.undetermined
        reasons = subsidy.needs
    return Outcome(rule, decision, reasons, potential, period, basis, construction)


def year_problems(compiled: CompiledRuleset, year: int) -> list[Text]:
    """A year after the as-of date has not been operated yet; a year that ends before an
    operating rate takes effect has no subsidy to compute."""
    problems = []
    as_of = compiled.as_of.isoformat()
    if year > compiled.as_of.year:
        problems.append(Text(f"评估年度晚于参数适用日期 {as_of}，尚未运营的月份不能计入",
                             f"the year is after the as-of date {as_of}: months not yet "
                             f"operated cannot be counted"))
    for rule in compiled.subsidy_rules:
        subsidy = rule.subsidy
        if subsidy is None or subsidy.spec.kind is not SubsidyKind.operating:
            continue
        for branch in subsidy.branches:
            rate = branch.yuan_per_year
            if rate is None:
                continue
            first = rate.parameter.values[0].since.isoformat()
            if dt.date(year, 12, 31) < rate.parameter.values[0].since:
                problems.append(Text(
                    f"{year} 年运营补贴标准尚未施行（{rate.parameter.name} 自 {first} 起）",
                    f"{rate.parameter.name} takes effect on {first}, after the end of {year}; "
                    f"no operating subsidy is in force in {year}"))
    return list(dict.fromkeys(problems))
