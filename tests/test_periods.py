"""The operating period's month count, against a count made day by day of each month."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qianbai_rules.compile.compiled import CompiledSubsidy, compile_ruleset
from qianbai_rules.rules.ruleset import load_ruleset
from qianbai_rules.rules.subsidy_spec import SubsidyKind
from qianbai_rules.subsidies.periods import operating_period

ROOT = Path(__file__).resolve().parent.parent
COMPILED = compile_ruleset(load_ruleset(ROOT / "rules"), dt.date(2030, 12, 31))
OPERATING: CompiledSubsidy = next(
    r.subsidy for r in COMPILED.subsidy_rules
    if r.subsidy is not None and r.subsidy.spec.kind is SubsidyKind.operating)
RATES_FROM = OPERATING.counts_from or dt.date.min
DAYS = st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2022, 12, 31))


def months_by_days(opened: dt.date, closed: dt.date, year: int) -> int:
    """Months of ``year`` whose every day is on or after ``opened`` and before ``closed``."""
    count = 0
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if opened <= first and last < closed:
            count += 1
    return count


@settings(max_examples=500, deadline=None)
@given(opened=DAYS, closed=st.one_of(st.none(), DAYS), year=st.integers(2017, 2021),
       as_of=DAYS)
def test_full_months_match_a_count_by_days(opened: dt.date, closed: dt.date | None, year: int,
                                           as_of: dt.date) -> None:
    spec = OPERATING.spec
    assert spec.period_from is not None and spec.period_until is not None
    flat = {spec.period_from: opened.isoformat()}
    if closed is not None:
        flat[spec.period_until] = closed.isoformat()
    period = operating_period(flat, OPERATING, year, as_of)
    until = as_of + dt.timedelta(days=1)
    effective = until if closed is None or closed > until else closed
    # No month before the rates took effect counts (requirements.md §5).
    start = max(opened, RATES_FROM)
    if effective <= dt.date(year, 1, 1) or start > dt.date(year, 12, 31):
        assert period is not None and period.months == 0 and not period.active
        return
    assert period is not None
    assert period.months == months_by_days(start, effective, year)


def test_months_count_from_the_day_the_rates_took_effect() -> None:
    assert dt.date(2018, 12, 4) == RATES_FROM


def _edges(year: int) -> list[dt.date]:
    """The first, second, second-to-last and last day of every month around ``year``."""
    days = []
    for y in (year - 1, year, year + 1):
        for month in range(1, 13):
            last = calendar.monthrange(y, month)[1]
            days += [dt.date(y, month, d) for d in (1, 2, last - 1, last)]
    return days


def test_every_month_edge_in_and_around_the_year() -> None:
    spec = OPERATING.spec
    assert spec.period_from is not None and spec.period_until is not None
    edges = _edges(2020)  # a leap year
    for opened in edges:
        for closed in edges[::3]:
            flat = {spec.period_from: opened.isoformat(), spec.period_until: closed.isoformat()}
            period = operating_period(flat, OPERATING, 2020, dt.date(2030, 1, 1))
            assert period is not None
            assert period.months == months_by_days(opened, closed, 2020), (opened, closed)
