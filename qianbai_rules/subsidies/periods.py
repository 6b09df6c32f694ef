"""The months of a year a facility operated, and the yearly rates they are paid at.

Operation counts from the opening date up to the day before the closing date, only up to
the as-of date, and only from the day the first rate took effect; a month counts when it
is operated from its first day to its last. Each month is paid at the rate in force on its
first day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qianbai_rules.compile.compiled import CompiledSubsidy
from qianbai_rules.rules.parameters import AppliedValue


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


def date_of(flat: Mapping[str, Any], name: str | None) -> dt.date | None:
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
    opened, closed = date_of(flat, spec.period_from), date_of(flat, spec.period_until)
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


def value_on(applied: AppliedValue, day: dt.date) -> AppliedValue | None:
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


def rate_spans(rate: AppliedValue, period: Period) -> tuple[RateSpan, ...]:
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


def period_fields(subsidy: CompiledSubsidy) -> tuple[str, ...]:
    """The fields of the record an operating period is worked out from
    (:func:`operating_period`): the opening and the closing date."""
    spec = subsidy.spec
    return tuple(f for f in (spec.period_from, spec.period_until) if f)
