"""What a record may claim of the subsidies, as every format shows it (contract:
outputs.md, ``subsidy``): the typed claims :mod:`.claims` builds and :mod:`.model` holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ConstructionClaim:
    """What a record may claim of the one-off construction subsidy (outputs.md,
    ``subsidy.construction``): amounts in whole yuan, None where not known."""

    status: str  # a Decision value: eligible, ineligible, undetermined, not_covered
    rule: str | None  # the subsidy rule, for a facility within its scope
    year: int | None  # the year the subsidy belongs to
    in_year: bool | None  # whether that is the evaluated year
    total: int | None
    city: int | None
    district: int | None
    standard: dict[str, int] | None
    approved: int | None
    paid: int | None
    owed: int | None
    overpaid: int | None
    reasons: list[str]
    potential: dict[str, int] | None  # what compliance would bring; shown only when given
    basis: Sequence[dict[str, Any]]  # the parameter values the amounts rest on
    message: str
    readings: list[str]

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "status": self.status, "rule": self.rule, "year": self.year,
            "in_year": self.in_year, "total": self.total, "city": self.city,
            "district": self.district, "standard": self.standard, "approved": self.approved,
            "paid": self.paid, "owed": self.owed, "overpaid": self.overpaid,
            "reasons": self.reasons}
        if self.potential is not None:
            entry["potential"] = self.potential
        entry.update({"basis": self.basis, "message": self.message, "readings": self.readings})
        return entry


@dataclass(frozen=True)
class OperatingClaim:
    """What a record may claim of the yearly operating subsidy (outputs.md,
    ``subsidy.operating``)."""

    status: str
    rule: str
    year: int
    months: int | None  # whole months operated in the year, from the day the rates apply
    amount: int | None
    rate: int | None  # yuan a year
    proration: str | int | float | None  # the parameter's value: monthly or none
    reasons: list[str]
    rates: list[dict[str, Any]]  # {rate, months, since} for each rate in force in the year
    shows_potential: bool  # whether the JSON has the potential amount (it may be null)
    potential: int | None
    basis: Sequence[dict[str, Any]]
    funder: str | None
    message: str
    readings: list[str]

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "status": self.status, "rule": self.rule, "year": self.year,
            "months": self.months, "amount": self.amount, "rate": self.rate,
            "proration": self.proration, "reasons": self.reasons, "rates": self.rates}
        if self.shows_potential:
            entry["potential"] = self.potential
        entry.update({"basis": self.basis, "funder": self.funder, "message": self.message,
                      "readings": self.readings})
        return entry


Claim = ConstructionClaim | OperatingClaim
