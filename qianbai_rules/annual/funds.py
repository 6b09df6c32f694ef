"""The funds of the evaluated year beside what the rules say is owed (issue 16, 资金).

From the funds given (:mod:`qianbai_rules.io.funds`): by line (level × source), by level and
in total, what was budgeted, received and paid, 到位率 (received ÷ budgeted), 执行率
(paid ÷ received; each None when its denominator is 0, never 0%) and what is unspent
(received − paid). Beside them what the rules say is owed for the year: the construction
subsidies of the facilities completed in it and the year's operating subsidies, the city's
and the district's parts; the district's part is met first from the welfare-lottery fund
(三（三）“补贴资金优先使用福彩公益金”): ``--lottery-fund`` where it is given, else what the
fund's line received in the year (:func:`lottery_available`, split once by :func:`funding`),
the rest from pooled funds and the budget. The gap is owed − paid (negative: paid beyond what is owed
for the year, e.g. arrears of earlier years).

Per facility, wherever the registry says what was paid of its construction subsidy
(``subsidy.construction_paid_yuan``), whatever year the subsidy belongs to: what is due
(approved or standard), paid, still owed and overpaid. Without funds given, no budget,
receipt or payment is invented: ``given`` is false and the amounts are None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from qianbai_rules.annual.evaluation import Evaluation
from qianbai_rules.annual.rates import completion_rate
from qianbai_rules.model.funds import FundLevel, FundsGiven, FundSource


@dataclass(frozen=True)
class FundAmounts:
    budgeted: int
    received: int
    paid: int

    @property
    def unspent(self) -> int:
        return self.received - self.paid

    @property
    def arrival_rate(self) -> float | None:
        return completion_rate(self.received, self.budgeted)

    @property
    def execution_rate(self) -> float | None:
        return completion_rate(self.paid, self.received)

    @staticmethod
    def summed(lines: Iterable[FundAmounts]) -> FundAmounts:
        found = list(lines)
        return FundAmounts(sum(f.budgeted for f in found), sum(f.received for f in found),
                           sum(f.paid for f in found))

    def as_json(self) -> dict[str, Any]:
        return {"budgeted": self.budgeted, "received": self.received, "paid": self.paid,
                "unspent": self.unspent, "arrival_rate": self.arrival_rate,
                "execution_rate": self.execution_rate}


_AMOUNT_KEYS = ("budgeted", "received", "paid", "unspent", "arrival_rate", "execution_rate")
# The funds table's columns and the facilities' (labels: annual_funds.col), as the report
# and the workbook both show them (funds_paper.py, funds_sheet.py).
LINE_COLUMNS = ("level", "source", *_AMOUNT_KEYS, "owed", "gap", "note")
FACILITY_COLUMNS = ("facility", "name", "street", "year", "due", "facility_paid",
                    "still_owed", "overpaid")


@dataclass(frozen=True)
class FundsLine(FundAmounts):
    level: FundLevel
    source: FundSource
    owed: int  # what the rules say this source pays for the year
    note: str | None

    def as_json(self) -> dict[str, Any]:
        return {"level": self.level.value, "source": self.source.value, **super().as_json(),
                "owed": self.owed, "note": self.note}


@dataclass(frozen=True)
class LevelFunds:
    level: FundLevel
    amounts: FundAmounts | None  # None: no line of the level for the year
    owed: int

    @property
    def gap(self) -> int | None:
        return None if self.amounts is None else self.owed - self.amounts.paid

    def as_json(self) -> dict[str, Any]:
        return {"level": self.level.value,
                **(self.amounts.as_json() if self.amounts else dict.fromkeys(_AMOUNT_KEYS)),
                "owed": self.owed, "gap": self.gap}


@dataclass(frozen=True)
class Funding:
    """Who pays the district's part: the welfare-lottery fund first, then pooled funds and
    the budget."""

    district_owed: int
    lottery_fund: int  # what the fund pays
    city: int
    lottery_fund_available: int

    @property
    def pooled_and_budget(self) -> int:
        return self.district_owed - self.lottery_fund

    @property
    def lottery_fund_unused(self) -> int:
        return self.lottery_fund_available - self.lottery_fund

    def as_json(self) -> dict[str, Any]:
        return {"district_owed": self.district_owed, "lottery_fund": self.lottery_fund,
                "pooled_and_budget": self.pooled_and_budget, "city": self.city,
                "lottery_fund_available": self.lottery_fund_available,
                "lottery_fund_unused": self.lottery_fund_unused}


def funding(evaluation: Evaluation, available: int | None) -> Funding:
    """Who pays what the rules say is owed for the year: the city its part; the district its
    part, from the welfare-lottery fund first, up to ``available`` (none when nothing says
    what the fund had), then from pooled funds and the budget."""
    built, run = evaluation.construction, evaluation.operating
    owed, fund = built.district + run.district, available or 0
    return Funding(owed, min(fund, owed), built.city + run.city, fund)


@dataclass(frozen=True)
class Owed:
    """What the rules say is owed for the year, by who pays it."""

    city: int
    district: int
    lottery_fund: int  # of the district's part, met from the fund's receipts first
    fund_known: bool = True  # False: nothing says what the fund had (none is counted)

    @property
    def pooled_and_budget(self) -> int:
        return self.district - self.lottery_fund

    @property
    def total(self) -> int:
        return self.city + self.district

    def of(self, source: FundSource) -> int:
        return {FundSource.city_subsidy: self.city, FundSource.lottery_fund: self.lottery_fund,
                FundSource.pooled_and_budget: self.pooled_and_budget}[source]

    def as_json(self) -> dict[str, Any]:
        return {"total": self.total, "city": self.city, "district": self.district,
                "lottery_fund": self.lottery_fund, "pooled_and_budget": self.pooled_and_budget,
                "lottery_fund_known": self.fund_known}


@dataclass(frozen=True)
class FacilityPayment:
    """A facility whose record says what was paid of its construction subsidy."""

    id: str
    name: str | None
    street_town: str | None
    year: int | None  # the year the subsidy belongs to
    due: int | None  # approved or standard; 0 when not eligible; None undetermined
    paid: int
    owed: int | None
    overpaid: int | None

    def cells(self) -> tuple[Any, ...]:
        """In the order of :data:`FACILITY_COLUMNS`."""
        return (self.id, self.name, self.street_town, self.year, self.due, self.paid,
                self.owed, self.overpaid)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "street_town": self.street_town,
                "year": self.year, "due": self.due, "paid": self.paid, "owed": self.owed,
                "overpaid": self.overpaid}


@dataclass(frozen=True)
class FundsRow:
    """A row of the funds table: a line (its level and source), a level's subtotal (no
    source) or the total (neither)."""

    level: FundLevel | None
    source: FundSource | None
    amounts: FundAmounts | None
    owed: int
    gap: int | None
    note: str | None = None

    @property
    def total(self) -> bool:
        return self.source is None

    def values(self) -> dict[str, Any]:
        """The amounts by column (:data:`LINE_COLUMNS` after the level and source)."""
        amounts = self.amounts
        return {**{k: None if amounts is None else getattr(amounts, k) for k in _AMOUNT_KEYS},
                "owed": self.owed, "gap": self.gap, "note": self.note}


@dataclass(frozen=True)
class Funds:
    year: int
    given: bool  # funds were given (a file, or the registry's funds sheet)
    lines: list[FundsLine]  # the year's, by level then source, in the plan's order
    by_level: list[LevelFunds]
    owed: Owed
    facilities: list[FacilityPayment]
    file: str | None = None  # the file the funds were read from (its name), and its SHA-256
    sha256: str | None = None
    refused: int = 0  # rows of the file refused: the funds are incomplete

    @property
    def total(self) -> FundAmounts | None:
        return FundAmounts.summed(self.lines) if self.lines else None

    @property
    def counted(self) -> FundAmounts | None:
        """The total as the evaluation's figures count it (indicators, drafted problems):
        None when rows were refused, as the funds are then incomplete."""
        return None if self.refused else self.total

    @property
    def gap(self) -> int | None:
        """What is owed less what was paid, over both levels; None unless both have rows
        (a level without rows is not a level that paid nothing) and none was refused."""
        total = self.counted
        if total is None or any(level.amounts is None for level in self.by_level):
            return None
        return self.owed.total - total.paid

    def table(self) -> list[FundsRow]:
        """Each level's lines then its subtotal (with its gap), then the total."""
        rows: list[FundsRow] = []
        for level in self.by_level:
            rows += [FundsRow(line.level, line.source, line, line.owed, None, line.note)
                     for line in self.lines if line.level is level.level]
            rows.append(FundsRow(level.level, None, level.amounts, level.owed, level.gap))
        rows.append(FundsRow(None, None, self.total, self.owed.total, self.gap))
        return rows

    def as_json(self) -> dict[str, Any]:
        total = self.total
        return {"year": self.year, "given": self.given, "file": self.file,
                "sha256": self.sha256, "refused": self.refused,
                "lines": [line.as_json() for line in self.lines],
                "by_level": [level.as_json() for level in self.by_level],
                "total": None if total is None else total.as_json(),
                "owed": self.owed.as_json(), "gap": self.gap,
                "facilities": [f.as_json() for f in self.facilities]}


def lottery_available(given: FundsGiven | None, year: int,
                      lottery_fund: int | None) -> int | None:
    """The welfare-lottery fund available for ``year``'s subsidies: ``lottery_fund``
    (``--lottery-fund``) where it is given, else what the funds say was received of it in
    the year; None when neither says (none is counted, and the report says so)."""
    if lottery_fund is not None:
        return max(lottery_fund, 0)
    return lottery_received(given, year)


def lottery_received(given: FundsGiven | None, year: int) -> int | None:
    """What the funds say the welfare-lottery fund received in ``year``; None without a
    line of it."""
    lines = [line.received for line in (given.lines if given else ())
             if line.year == year and line.source is FundSource.lottery_fund]
    return sum(lines) if lines else None


def funds(evaluation: Evaluation, given: FundsGiven | None, split: Funding,
          fund_known: bool) -> Funds:
    """The funds of the evaluated year (``given`` None: no funds given) beside what is
    owed, split as :func:`funding` splits it (``fund_known``: something said what the
    welfare-lottery fund had)."""
    year = evaluation.year
    mine = sorted((line for line in (given.lines if given else ()) if line.year == year),
                  key=lambda line: list(FundSource).index(line.source))
    owed = Owed(split.city, split.district_owed, split.lottery_fund, fund_known)
    lines = [FundsLine(line.budgeted, line.received, line.paid, line.level, line.source,
                       owed.of(line.source), line.note) for line in mine]
    by_level = [LevelFunds(level, FundAmounts.summed(of) if (of := [
        line for line in lines if line.level is level]) else None,
        owed.city if level is FundLevel.city else owed.district) for level in FundLevel]
    return Funds(year, given is not None, lines, by_level, owed, [
        FacilityPayment(r.id, r.name, r.street_town, r.construction_year,
                        r.construction_amount, r.construction_paid, r.construction_owed,
                        r.construction_overpaid)
        for r in evaluation.facilities if r.construction_paid is not None],
        None if given is None else PurePath(given.file).name,
        None if given is None else given.sha256, 0 if given is None else given.refused)
