"""The funds of the plan as a finance bureau records them (三（三）资金保障): for each year,
level (市级/区级) and source, what was budgeted, what arrived and what was paid.

The sources are the plan's own terms, a closed set: the city's subsidy funds (市级补助资金),
and the district's welfare-lottery fund (福彩公益金), which pays first, and its pooled funds
and budget (统筹资金和财政预算资金), which pay the rest. A source belongs to one level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class FundLevel(StrEnum):
    city = "city"  # 市级
    district = "district"  # 区级


class FundSource(StrEnum):
    city_subsidy = "city_subsidy"  # 市级补助资金
    lottery_fund = "lottery_fund"  # 福彩公益金
    pooled_and_budget = "pooled_and_budget"  # 统筹资金和财政预算资金

    @property
    def level(self) -> FundLevel:
        return FundLevel.city if self is FundSource.city_subsidy else FundLevel.district


@dataclass(frozen=True)
class FundLine:
    """One row of the funds: amounts in whole yuan; ``position`` where it was read (as the
    record readers give it: 资金!row 3, row 3, record 2)."""

    year: int
    level: FundLevel
    source: FundSource
    budgeted: int
    received: int
    paid: int
    note: str | None = None
    file: str = ""
    position: str = ""

    @property
    def key(self) -> tuple[int, FundLevel, FundSource]:
        return self.year, self.level, self.source


@dataclass(frozen=True)
class FundsGiven:
    """The funds a run was given: the rows that passed their checks, and the file they were
    read from (its SHA-256 None when it could not be read again to take it)."""

    lines: Sequence[FundLine]
    file: str
    sha256: str | None
    refused: int = 0  # rows refused: the funds are then incomplete
