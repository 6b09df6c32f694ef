"""This year's completions against the plan's yearly targets, facilities completed after
their street's final year, and the completed facilities counted as accepted and compliant.

Counted while records stream (evaluation.py): only counters and the short list of late
facilities are kept. Definitions (issue 16, Deliver 2 and 3):
- completed in the year: ``status.completed_on`` in Y and within the plan period, for a type
  the plan counts, in a street/town the plan lists;
- a street's final year for a type: the last year of its ``by_year`` with a target of that
  type, else the plan period's last year; a facility completed after it, by the cut-off, is late;
- accepted: ``status.accepted_on`` on or before the cut-off; a completed facility without an
  acceptance date is counted as unrecorded, never as not accepted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from qianbai_rules.compile.compiled import Verdict
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.rules.plan import Plan

BUILT_KEYS = ("completed", "accepted", "acceptance_unrecorded", "compliant")


def final_year(plan: Plan, street: str, kind: str) -> int:
    """The year by which ``street`` is to have completed its facilities of type ``kind``."""
    years = [y for y, counts in plan.streets[street].by_year.items() if counts.get(kind)]
    return max(years) if years else plan.end.year


@dataclass(frozen=True)
class LateCase:
    id: str
    name: str | None
    street_town: str
    type: str
    completed_on: dt.date
    final_year: int


@dataclass
class TargetTally:
    """Counts for the yearly targets and for built versus compliant."""

    year_completed: Counter[str] = field(default_factory=Counter)
    street_year_completed: dict[str, Counter[str]] = field(default_factory=dict)
    built: dict[str, Counter[str]] = field(default_factory=dict)  # type -> BUILT_KEYS
    street_built: dict[str, Counter[str]] = field(default_factory=dict)
    late: list[LateCase] = field(default_factory=list)

    def add(self, plan: Plan, year: int, record: FacilityRecord, verdict: Verdict,
            day: dt.date) -> None:
        """A record of a planned street and type, completed by the cut-off ``day``."""
        street, kind = record.street_town or "", record.facility_type.value
        completed = record.status.completed_on
        assert completed is not None
        final = final_year(plan, street, kind)
        if completed.year > final:
            self.late.append(LateCase(record.id, record.name, street, kind, completed, final))
        if not plan.start <= completed <= plan.end:
            return
        if completed.year == year:
            self.year_completed[kind] += 1
            self.street_year_completed.setdefault(street, Counter())[kind] += 1
        accepted = record.status.accepted_on
        counts = Counter({"completed": 1,
                          "accepted": int(accepted is not None and accepted <= day),
                          "acceptance_unrecorded": int(accepted is None),
                          "compliant": int(verdict is Verdict.compliant)})
        self.built.setdefault(kind, Counter()).update(counts)
        self.street_built.setdefault(street, Counter()).update(counts)
