"""The change of the annual evaluation since the previous year: what the report of a year
and the history's stored evaluation of the year before give to compare, and the difference."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

COMPLIANCE = ("compliant", "non_compliant", "incomplete", "in_service")


@dataclass(frozen=True)
class YearTotals:
    """What the change compares of a year: completed by type, compliance counts and the
    subsidy totals; None where the stored evaluation does not say."""

    year: int | None
    completed: dict[str, int | None]
    compliance: dict[str, int | None]
    construction_total: int | None
    operating_total: int | None

    @classmethod
    def stored(cls, document: Mapping[str, Any]) -> YearTotals:
        """The totals of an evaluation as the history stored it (its JSON, of this version
        or an earlier one: what it lacks is None)."""
        def at(*path: str) -> Any:
            value: Any = document
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            return value
        def number(*path: str) -> int | None:
            value = at(*path)
            return value if isinstance(value, int) else None
        by_type = at("district", "by_type")
        return cls(number("year"),
                   {k: number("district", "by_type", k, "completed")
                    for k in (by_type if isinstance(by_type, dict) else {})},
                   {v: number("compliance", v) for v in COMPLIANCE},
                   number("subsidies", "construction", "total"),
                   number("subsidies", "operating", "total"))


def _delta(now: int | None, before: int | None) -> int | None:
    return now - before if now is not None and before is not None else None


@dataclass(frozen=True)
class Change:
    """Year-over-year change against the stored evaluation of the previous year."""

    previous_year: int | None
    completed: dict[str, int | None]
    compliance: dict[str, int | None]
    construction_total: int | None
    operating_total: int | None

    @classmethod
    def between(cls, now: YearTotals, before: YearTotals) -> Change:
        return cls(before.year,
                   {k: _delta(n, before.completed.get(k)) for k, n in now.completed.items()},
                   {k: _delta(n, before.compliance.get(k)) for k, n in now.compliance.items()},
                   _delta(now.construction_total, before.construction_total),
                   _delta(now.operating_total, before.operating_total))

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
