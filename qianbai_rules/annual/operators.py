"""Facilities by operator (the plan's 规模化、连锁化运营): how many each operator runs, by type
and by verdict, counted from the list of facilities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qianbai_rules.annual.facilities import Facility
from qianbai_rules.compile.compiled import Verdict


@dataclass(frozen=True)
class OperatorFacilities:
    """One operator (None: facilities whose record names none) and the facilities it runs."""

    name: str | None
    by_type: dict[str, int]  # in the order of the types given
    verdicts: dict[str, int]  # compliant, non_compliant, incomplete
    facilities: list[str]  # ids, in registry order

    def as_json(self) -> dict[str, Any]:
        return {"operator_name": self.name, "facilities": len(self.facilities),
                "by_type": self.by_type, "verdicts": self.verdicts,
                "facility_ids": self.facilities}


def operators(listed: Iterable[Facility], types: Iterable[str]) -> list[OperatorFacilities]:
    """Every operator of the list: most facilities first, then by name; an operator not
    recorded last."""
    kinds = list(types)
    grouped: dict[str | None, list[Facility]] = {}
    for f in listed:
        grouped.setdefault(f.row.operator_name, []).append(f)
    found = []
    for name, runs in grouped.items():
        by_type = Counter(f.row.type for f in runs)
        verdicts = Counter(f.row.verdict for f in runs)
        order = kinds + sorted(k for k in by_type if k not in kinds)
        found.append(OperatorFacilities(name, {k: by_type[k] for k in order if by_type[k]},
                              {v.value: verdicts[v.value] for v in Verdict},
                              [f.row.id for f in runs]))
    return sorted(found, key=lambda o: (o.name is None, -len(o.facilities), o.name or ""))
