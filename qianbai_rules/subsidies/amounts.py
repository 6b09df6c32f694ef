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
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import Any

from qianbai_rules.compile.compiled import (
    CompiledBranch,
    CompiledRule,
    CompiledRuleset,
    CompiledSubsidy,
    Status,
    Verdict,
)
from qianbai_rules.core.problems import Text
from qianbai_rules.rules.parameters import AppliedValue
from qianbai_rules.rules.ruleset import Severity
from qianbai_rules.rules.subsidy_spec import Decision, ReasonKind, SubsidyKind
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import text


@dataclass(frozen=True)
class Period:
    """How a facility operated in the evaluated year, from the day the rates took effect."""

    active: bool  # in operation on at least one such day of the year
    first: int = 0  # month number (see _month) of the first full month operated in the year
    last: int = -1  # of the last; no full month when last < first
    last_day: dt.date | None = None  # the last day operated in the year, if active
    clamped: bool = False  # operation before the rates took effect was left out

    @property
    def months(self) -> int:
        """Full calendar months in operation."""
        return max(self.last - self.first + 1, 0)

    def month_starts(self) -> list[dt.date]:
        return [dt.date(m // 12, m % 12 + 1, 1) for m in range(self.first, self.last + 1)]


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
    year: int = 0  # the evaluated year


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
        return Period(active=False)
    if opened is None:
        return None
    clamped = subsidy.counts_from is not None and opened < subsidy.counts_from
    if clamped and subsidy.counts_from is not None:
        opened = subsidy.counts_from
    if opened > last:
        return Period(active=False)
    active = closed > max(opened, first)
    # A month counts when it is operated from its first day to its last: it starts on or
    # after the opening date, and the month after it starts on or before the closing date.
    first_full = max(_month(opened) + (opened.day > 1), _month(first))
    last_full = min(_month(closed) - 1, _month(last))
    last_day = min(closed - dt.timedelta(days=1), last) if active else None
    return Period(active, first_full, last_full, last_day, clamped)


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
    return DecisionFacts(flat, verdict, scopes, periods, year)


def yuan_of(applied: AppliedValue | None) -> int:
    """A whole-yuan parameter value; 0 where there is none."""
    return int(applied.value) if applied is not None else 0


@lru_cache(maxsize=256)
def _basis(*values: tuple[str, AppliedValue | None]) -> tuple[dict[str, Any], ...]:
    """The parameter values an amount comes from, each with its role in the amount.

    Worked out once per amount branch; the dicts are shared, and only ever read.
    """
    return tuple({"role": role, **v.as_json()} for role, v in values if v is not None)


def _on(applied: AppliedValue, day: dt.date) -> AppliedValue | None:
    """The same parameter's value in force on ``day``; the first value for a day before it
    (a facility completed before the plan gets the plan's amounts). None where it ended."""
    parameter = applied.parameter
    current = parameter.at(max(day, parameter.values[0].since))
    if current is None or current.value is None:
        return None
    if current.since == applied.since:
        return applied
    return AppliedValue(parameter, current.value, current.since, current.reference)


@dataclass(frozen=True)
class RateSpan:
    """Consecutive full months of the year paid at one yearly rate."""

    rate: AppliedValue
    months: int


def _spans(rate: AppliedValue, period: Period) -> tuple[RateSpan, ...]:
    """Each full month is paid at the rate in force on its first day (none before the rates
    took effect or after they end); consecutive months at one rate form a span."""
    spans: list[RateSpan] = []
    for start in period.month_starts():
        current = rate.parameter.at(start)
        if current is None or current.value is None:
            continue
        applied = rate if current.since == rate.since else AppliedValue(
            rate.parameter, current.value, current.since, current.reference)
        if spans and spans[-1].rate == applied:
            spans[-1] = RateSpan(applied, spans[-1].months + 1)
        else:
            spans.append(RateSpan(applied, 1))
    return tuple(spans)


class Timing(StrEnum):
    """Whether a one-off construction subsidy belongs to the evaluated year."""

    this_year = "this_year"
    other_year = "other_year"
    not_yet = "not_yet"  # completed after the as-of date
    unknown = "unknown"  # no completion date


@dataclass(frozen=True)
class Construction:
    """The one-off construction subsidy: the year it belongs to, its standard amounts, and what
    the record says was approved and paid."""

    completed: dt.date | None
    timing: Timing
    standard: Mapping[str, int] | None  # total, city, district as the rules set them
    approved: int | None
    recorded_paid: int | None
    in_force: bool = True  # False: the amounts had ended by the completion date

    @property
    def year(self) -> int | None:
        return self.completed.year if self.completed else None

    @property
    def in_year(self) -> bool | None:
        return None if self.timing is Timing.unknown else self.timing is Timing.this_year


@dataclass(frozen=True)
class Settlement:
    """What is due of a construction subsidy, paid, still owed, and paid beyond what is due
    (including what was paid to a facility not eligible now). None where eligibility is
    undetermined."""

    due: int | None
    paid: int | None
    owed: int | None
    overpaid: int | None


def _split(standard: Mapping[str, int], approved: int) -> dict[str, int]:
    """An approved amount in place of the standard one (执行口径): where the district pays no
    part of the standard amount (a centre the city funds: “区级财政不再予以补贴”), all of it is
    the city's; otherwise the city's part as the rules set it, never more than the approved
    amount, and the district the rest."""
    city = approved if standard["district"] == 0 else min(standard["city"], approved)
    return {"total": approved, "city": city, "district": approved - city}


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
    spans: tuple[RateSpan, ...] = ()  # operating: the rates the months are paid at
    applies: bool = True  # the subsidy rule covers the facility (its scope is not false)

    def paid(self, key: str) -> int | None:
        """The amount paid under ``key``: the potential if eligible, 0 if not, None if undetermined."""
        if self.decision is Decision.undetermined:
            return None
        if self.decision is Decision.eligible:
            return self.potential[key] if self.potential else None
        return 0

    def settlement(self) -> Settlement | None:
        """A construction subsidy's due, paid, owed and overpaid amounts; None for others."""
        facts = self.construction
        if facts is None:
            return None
        paid = facts.recorded_paid
        due = self.paid("total")
        if due is None:
            return Settlement(None, paid, None, None)
        return Settlement(due, paid, max(due - (paid or 0), 0), max((paid or 0) - due, 0))


def chosen(outcomes: list[Outcome], kind: SubsidyKind) -> Outcome | None:
    """Of a record's subsidy rules of one kind, the one that pays or decides something, else
    the one whose scope covers the facility, else the first."""
    of_kind = [o for o in outcomes if o.rule.subsidy and o.rule.subsidy.spec.kind is kind]
    return next((o for o in of_kind if o.decision is not Decision.not_covered),
                next((o for o in of_kind if o.applies), of_kind[0] if of_kind else None))


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


def _construction(rule: CompiledRule, facts: DecisionFacts, as_of: dt.date,
                  branch: CompiledBranch | None) -> tuple[Construction, tuple[dict[str, Any], ...]]:
    """The one-off subsidy at the amounts in force on the completion date (not the as-of
    date), and the year it belongs to."""
    spec = rule.subsidy.spec if rule.subsidy else None
    assert spec is not None
    completed = _date(facts.flat, spec.completion)
    if completed is None:
        timing = Timing.unknown
    elif completed > as_of:
        timing = Timing.not_yet
    else:
        timing = Timing.this_year if completed.year == facts.year else Timing.other_year
    standard: dict[str, int] | None = None
    basis: tuple[dict[str, Any], ...] = ()
    in_force = True
    if branch is not None:
        day = completed or as_of
        named = [(role, v) for role, v in (("city", branch.city), ("district", branch.district))
                 if v is not None]
        values = [(role, _on(v, day)) for role, v in named]
        if all(v is not None for _role, v in values):  # not ended by the completion date
            amounts = {role: yuan_of(v) for role, v in values}
            city, district = amounts.get("city", 0), amounts.get("district", 0)
            standard = {"total": city + district, "city": city, "district": district}
            basis = _basis(*values)
        else:
            in_force = False
    approved = facts.flat.get(spec.approved) if spec.approved else None
    paid = facts.flat.get(spec.paid) if spec.paid else None
    return Construction(completed, timing, standard, approved, paid, in_force), basis


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
    spans: tuple[RateSpan, ...] = ()
    if subsidy.spec.kind is SubsidyKind.construction:
        construction, basis = _construction(rule, facts, compiled.as_of, branch)
        standard = construction.standard
        if standard is not None:
            potential = dict(standard) if construction.approved is None \
                else _split(standard, construction.approved)
    elif branch is not None and period is not None and subsidy.proration is not None \
            and branch.yuan_per_year is not None:
        rate = branch.yuan_per_year
        if subsidy.proration.value == "none":
            in_force = _on(rate, period.last_day) if period.last_day else None
            amount = yuan_of(in_force) if period.active else 0
            spans = (RateSpan(in_force, period.months),) if in_force else ()
        else:
            spans = _spans(rate, period)
            amount = round_yuan(sum((Fraction(yuan_of(s.rate) * s.months, 12) for s in spans),
                                    Fraction(0)))
        shown = spans[-1].rate if spans else rate
        potential = {"amount": amount, "rate": yuan_of(shown)}
        rates = tuple(dict.fromkeys(s.rate for s in spans)) or (rate,)
        basis = _basis(*(("rate", r) for r in rates), ("proration", subsidy.proration),
                       ("payer", subsidy.payer))
    decision = row.status
    reasons = _reasons(row.reasons, rule, facts, compiled, statuses)
    if construction is not None and decision is not Decision.not_covered and (
            construction.timing is Timing.not_yet or not construction.in_force):
        # Not completed by the as-of date, or no amount in force on the completion date:
        # nothing to pay in any case (the message says which).
        decision, reasons = Decision.not_covered, ()
    elif decision is Decision.eligible and potential is None:
        # Every field the amounts need is present, yet no branch holds, or its amounts were
        # not in force on the completion date: say so rather than invent an amount.
        decision = Decision.undetermined
        reasons = subsidy.needs
    applies = facts.scopes.get(rule.rule.id) is not Status.not_applicable
    return Outcome(rule, decision, reasons, potential, period, basis, construction, spans,
                   applies)


def year_problems(compiled: CompiledRuleset, year: int) -> list[Text]:
    """A year after the as-of date has not been operated yet; a year that ends before an
    operating rate takes effect has no subsidy to compute."""
    problems = []
    as_of = formats.date(compiled.as_of)
    if year > compiled.as_of.year:
        problems.append(text("problem.year_after_as_of", as_of=as_of))
    for rule in compiled.subsidy_rules:
        subsidy = rule.subsidy
        if subsidy is None or subsidy.spec.kind is not SubsidyKind.operating:
            continue
        for branch in subsidy.branches:
            rate = branch.yuan_per_year
            if rate is None:
                continue
            first = formats.date(rate.parameter.values[0].since)
            if dt.date(year, 12, 31) < rate.parameter.values[0].since:
                problems.append(text("problem.rate_not_in_force", year=year,
                                     parameter=rate.parameter.name, since=first))
    return list(dict.fromkeys(problems))
