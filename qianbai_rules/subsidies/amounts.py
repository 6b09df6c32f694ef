"""What a facility may receive: subsidy amounts from the evaluators' decisions.

The evaluators decide, from the verdict, the findings and the record (a decision
ruleset in durable_rules, or the plain decider), which row of the eligibility table holds
for each subsidy rule and which amount branch applies (:mod:`.compile.decision`). This
module works out the numbers that follow: the prorated amount rounded half up to the yuan
over the operating period (:mod:`.periods`), the city/district split, and the reasons.
Amounts are integers in yuan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import Any, TypeVar

from qianbai_rules.compile.compiled import (
    CompiledBranch,
    CompiledRule,
    CompiledRuleset,
    Status,
    Verdict,
)
from qianbai_rules.compile.decision import Choice, DecisionFacts
from qianbai_rules.core.problems import Text
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.rules.parameters import AppliedValue
from qianbai_rules.rules.subsidy_spec import Decision, ReasonKind, SubsidyKind
from qianbai_rules.subsidies.periods import Period, RateSpan, date_of, operating_period, rate_spans, value_on
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import text

D = TypeVar("D")


def round_yuan(value: Fraction) -> int:
    """Round half up to the yuan (not Python's round-half-even)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class YearFacts:
    """What the subsidies of one record in one year are worked out from: the facts the
    evaluators decide eligibility on, and the operating periods behind their idleness."""

    decision: DecisionFacts
    periods: Mapping[str, Period | None]  # operating rule ID -> period, None if unknown
    year: int  # the evaluated year

    @property
    def flat(self) -> FlatRecord:
        return self.decision.flat

    @property
    def scopes(self) -> Mapping[str, Status]:
        return self.decision.scopes


def decision_facts(compiled: CompiledRuleset, statuses: list[Status], verdict: Verdict,
                   flat: FlatRecord, year: int) -> YearFacts:
    scopes = {rule.rule.id: statuses[position] for position, rule, _subsidy in compiled.subsidies}
    periods = periods_of(compiled, flat, year)
    return YearFacts(DecisionFacts(flat, verdict, scopes, idle_of(periods)), periods, year)


def periods_of(compiled: CompiledRuleset, flat: FlatRecord, year: int) -> dict[str, Period | None]:
    """The operating period in ``year`` of each operating subsidy rule; of the record it
    reads the fields :func:`~.periods.period_fields` names."""
    periods: dict[str, Period | None] = {}
    for _position, rule, subsidy in compiled.subsidies:
        if subsidy.spec.kind is SubsidyKind.operating:
            periods[rule.rule.id] = operating_period(flat, subsidy, year, compiled.as_of)
    return periods


def idle_of(periods: Mapping[str, Period | None]) -> dict[str, bool | None]:
    """Whether the facility was idle all year, by operating rule; None where unknown."""
    return {rule: None if period is None else not period.active for rule, period in periods.items()}


def changed(value: D, **fields: Any) -> D:
    """A copy of a dataclass instance (frozen, without slots) with ``fields`` changed: as
    :func:`dataclasses.replace`, without its checks, which cost more than a memo hit."""
    copy: Any = object.__new__(type(value))
    copy.__dict__.update(value.__dict__)
    copy.__dict__.update(fields)
    return copy  # type: ignore[no-any-return]


def yuan_of(applied: AppliedValue | None) -> int:
    """A whole-yuan parameter value; 0 where there is none."""
    return int(applied.value) if applied is not None else 0


@lru_cache(maxsize=256)
def _basis(*values: tuple[str, AppliedValue | None]) -> tuple[dict[str, Any], ...]:
    """The parameter values an amount comes from, each with its role in the amount.

    Worked out once per amount branch; the dicts are shared, and only ever read.
    """
    return tuple({"role": role, **v.as_json()} for role, v in values if v is not None)


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
class SubsidyOutcome:
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
    # What the outcome was worked out from (the memo's key, :mod:`.memo`), where a memo made
    # it: equal keys, equal outcomes. Not part of the outcome's value.
    key: Hashable | None = field(default=None, compare=False, repr=False)

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


def chosen(outcomes: list[SubsidyOutcome], kind: SubsidyKind) -> SubsidyOutcome | None:
    """Of a record's subsidy rules of one kind, the one that pays or decides something, else
    the one whose scope covers the facility, else the first."""
    first = covering = None
    for found in outcomes:
        subsidy = found.rule.subsidy
        if subsidy is None or subsidy.spec.kind is not kind:
            continue
        if found.decision is not Decision.not_covered:
            return found
        if first is None:
            first = found
        if covering is None and found.applies:
            covering = found
    return covering if covering is not None else first


def reasons_of(kind: ReasonKind | None, rule: CompiledRule, flat: FlatRecord,
               compiled: CompiledRuleset, statuses: list[Status]) -> tuple[str, ...]:
    """The reasons an eligibility row of ``kind`` gives: mandatory rules failed or unknown,
    fields missing, or the fields of the blocking conditions."""
    subsidy = rule.subsidy
    assert subsidy is not None
    if kind is ReasonKind.failed_rules or kind is ReasonKind.unknown_rules:
        wanted = Status.failed if kind is ReasonKind.failed_rules else Status.unknown
        rules = compiled.rules
        return tuple(rules[i].rule.id for i in compiled.mandatory if statuses[i] is wanted)
    if kind is ReasonKind.missing_fields:
        named = (*rule.scope_fields, *subsidy.needs)
        return tuple(dict.fromkeys(f for f in named if f not in flat))
    if kind is ReasonKind.blocking_fields:
        return tuple(dict.fromkeys(f for _condition, fields in subsidy.blocks for f in fields))
    return ()


def amount_fields(rule: CompiledRule) -> tuple[str, ...]:
    """The fields of the record the amounts of a subsidy rule read before they are settled
    (:func:`unsettled`): a one-off subsidy's completion date."""
    spec = rule.subsidy.spec if rule.subsidy else None
    return (spec.completion,) if spec and spec.completion else ()


def settlement_fields(rule: CompiledRule) -> tuple[str, ...]:
    """The fields of the record :func:`settled` reads: what was approved and paid of a
    one-off subsidy."""
    spec = rule.subsidy.spec if rule.subsidy else None
    named = (spec.approved, spec.paid) if spec else ()
    return tuple(dict.fromkeys(f for f in named if f))


def _construction(rule: CompiledRule, flat: FlatRecord, year: int, as_of: dt.date,
                  branch: CompiledBranch | None) -> tuple[Construction, tuple[dict[str, Any], ...]]:
    """The one-off subsidy at the amounts in force on the completion date (not the as-of
    date), and the year it belongs to; what was approved and paid is left to :func:`settled`."""
    spec = rule.subsidy.spec if rule.subsidy else None
    assert spec is not None
    completed = date_of(flat, spec.completion)
    if completed is None:
        timing = Timing.unknown
    elif completed > as_of:
        timing = Timing.not_yet
    else:
        timing = Timing.this_year if completed.year == year else Timing.other_year
    standard: dict[str, int] | None = None
    basis: tuple[dict[str, Any], ...] = ()
    in_force = True
    if branch is not None:
        day = completed or as_of
        named = [(role, v) for role, v in (("city", branch.city), ("district", branch.district))
                 if v is not None]
        values = [(role, value_on(v, day)) for role, v in named]
        if all(v is not None for _role, v in values):  # not ended by the completion date
            amounts = {role: yuan_of(v) for role, v in values}
            city, district = amounts.get("city", 0), amounts.get("district", 0)
            standard = {"total": city + district, "city": city, "district": district}
            basis = _basis(*values)
        else:
            in_force = False
    return Construction(completed, timing, standard, None, None, in_force), basis


def outcome(rule: CompiledRule, choice: Choice, facts: YearFacts, compiled: CompiledRuleset,
            statuses: list[Status]) -> SubsidyOutcome:
    """The amounts that follow from an evaluator's choice for one subsidy rule."""
    rule_id = rule.rule.id
    paid, decided = amounts(rule, compiled, choice, facts.periods.get(rule_id),
                            facts.scopes.get(rule_id), facts.flat, facts.year)
    if decided:
        return paid
    return with_reasons(paid, reasons_of(compiled.decisions[choice.row].reasons, rule,
                                         facts.flat, compiled, statuses))


def with_reasons(paid: SubsidyOutcome, reasons: tuple[str, ...]) -> SubsidyOutcome:
    """An outcome of :func:`amounts` with the reasons its eligibility row gives."""
    return replace(paid, reasons=reasons) if reasons else paid


def amounts(rule: CompiledRule, compiled: CompiledRuleset, choice: Choice, period: Period | None,
            scope: Status | None, flat: FlatRecord, year: int) -> tuple[SubsidyOutcome, bool]:
    """:func:`outcome` from what it reads: the choice, the operating period, the subsidy
    rule's own outcome (``scope``), the year, and of the record only the fields
    :func:`amount_fields` and :func:`settlement_fields` name. Without the reasons of the
    eligibility row, unless the amounts decided them (then True)."""
    found, decided = unsettled(rule, compiled, choice, period, scope, flat, year)
    return settled(found, flat), decided


def settled(found: SubsidyOutcome, flat: FlatRecord) -> SubsidyOutcome:
    """An outcome of :func:`unsettled` with what the record says was approved and paid of a
    one-off subsidy (the fields :func:`settlement_fields` names): an approved amount is
    paid in place of the standard one (:func:`_split`). Whether the subsidy is decided
    does not depend on them: an approved amount stands only where a standard one does."""
    facts = found.construction
    spec = found.rule.subsidy.spec if found.rule.subsidy else None
    if facts is None or spec is None:
        return found
    approved, paid = flat.whole(spec.approved), flat.whole(spec.paid)
    if approved is None and paid is None:
        return found
    potential = found.potential
    if facts.standard is not None and approved is not None:
        potential = _split(facts.standard, approved)
    return changed(found, construction=changed(facts, approved=approved, recorded_paid=paid),
                   potential=potential)


def unsettled(rule: CompiledRule, compiled: CompiledRuleset, choice: Choice, period: Period | None,
              scope: Status | None, flat: FlatRecord, year: int) -> tuple[SubsidyOutcome, bool]:
    """:func:`amounts` before it is :func:`settled`: of the record it reads only the fields
    :func:`amount_fields` names (the memo of amounts is keyed on them, the choice, the
    period, ``scope`` and the year); a one-off subsidy as if nothing were approved or paid."""
    subsidy = rule.subsidy
    assert subsidy is not None
    row = compiled.decisions[choice.row]
    branch = subsidy.branches[choice.branch] if choice.branch is not None else None
    potential: dict[str, int] | None = None
    basis: tuple[dict[str, Any], ...] = ()
    construction: Construction | None = None
    spans: tuple[RateSpan, ...] = ()
    if subsidy.spec.kind is SubsidyKind.construction:
        construction, basis = _construction(rule, flat, year, compiled.as_of, branch)
        if construction.standard is not None:
            potential = dict(construction.standard)
    elif branch is not None and period is not None and subsidy.proration is not None \
            and branch.yuan_per_year is not None:
        rate = branch.yuan_per_year
        if subsidy.proration.value == "none":
            in_force = value_on(rate, period.last_day) if period.last_day else None
            amount = yuan_of(in_force) if period.active else 0
            spans = (RateSpan(in_force, period.months),) if in_force else ()
        else:
            spans = rate_spans(rate, period)
            amount = round_yuan(sum((Fraction(yuan_of(s.rate) * s.months, 12) for s in spans),
                                    Fraction(0)))
        shown = spans[-1].rate if spans else rate
        potential = {"amount": amount, "rate": yuan_of(shown)}
        rates = tuple(dict.fromkeys(s.rate for s in spans)) or (rate,)
        basis = _basis(*(("rate", r) for r in rates), ("proration", subsidy.proration),
                       ("payer", subsidy.payer))
    reasons: tuple[str, ...] = ()
    decision, decided = row.status, False
    if construction is not None and decision is not Decision.not_covered and (
            construction.timing is Timing.not_yet or not construction.in_force):
        # Not completed by the as-of date, or no amount in force on the completion date:
        # nothing to pay in any case (the message says which).
        decision, decided = Decision.not_covered, True
    elif decision is Decision.eligible and potential is None:
        # Every field the amounts need is present, yet no branch holds, or its amounts were
        # not in force on the completion date: say so rather than invent an amount.
        decision, reasons, decided = Decision.undetermined, subsidy.needs, True
    applies = scope is not Status.not_applicable
    return SubsidyOutcome(rule, decision, reasons, potential, period, basis, construction, spans,
                          applies), decided


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
