"""The problem list (问题清单): every facility that needs action at the cut-off.

A facility is listed when, built by the cut-off and not closed then, it is non-compliant or
its data are incomplete, or when it is in the exit review (两年连续不合规). Each entry names
what is to be done and who answers for it: the failed mandatory items, the mandatory items
it lacks data for, the lead departments of those items and the street/town the facility is
in (三（一）“部门协同、街镇负责”). Built from the list of facilities, so no record is read again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qianbai_rules.annual.facilities import Facility
from qianbai_rules.annual.rectification import street_order
from qianbai_rules.compile.compiled import CompiledRuleset, Verdict
from qianbai_rules.core.problems import Lang, Text

ACTION = (Verdict.non_compliant.value, Verdict.incomplete.value)


@dataclass(frozen=True)
class ProblemItem:
    """A mandatory item of a listed facility: failed, or without the data to decide."""

    rule: str
    title: str | None  # None: a rule no longer in the rules
    department: str | None  # the code of its lead department


@dataclass(frozen=True)
class Responsible:
    department: str  # its code
    name: str  # its name on the as-of date


@dataclass(frozen=True)
class ProblemFacility:
    """One entry of the problem list (``problem_facilities`` of the annual JSON)."""

    id: str
    name: str | None
    street_town: str | None  # also the responsible street/town
    type: str
    operator_name: str | None
    verdict: str
    failed_mandatory: list[ProblemItem]
    missing_mandatory: list[ProblemItem]  # data lacking (an incomplete facility)
    departments: list[Responsible]  # of the items above, in their order
    exit_review: bool
    open_items: int | None  # None: no history given

    def as_json(self) -> dict[str, Any]:
        def items(found: list[ProblemItem]) -> list[dict[str, Any]]:
            return [{"rule": i.rule, "title": i.title, "department": i.department}
                    for i in found]
        return {"id": self.id, "name": self.name, "street_town": self.street_town,
                "type": self.type, "operator_name": self.operator_name,
                "verdict": self.verdict, "failed_mandatory": items(self.failed_mandatory),
                "missing_mandatory": items(self.missing_mandatory),
                "departments": [{"department": d.department, "name": d.name}
                                for d in self.departments],
                "exit_review": self.exit_review, "open_items": self.open_items}


def needs_action(facility: Facility, day: dt.date, exit_review: set[str]) -> bool:
    row = facility.row
    if row.id in exit_review:
        return True
    built = row.completed_on is not None and row.completed_on <= day
    open_then = row.closed_on is None or row.closed_on > day
    return built and open_then and row.verdict in ACTION


def problem_facilities(listed: Iterable[Facility], exit_review: Sequence[str],
                       compiled: CompiledRuleset, departments: Mapping[str, Text],
                       planned: Sequence[str], day: dt.date,
                       lang: Lang) -> list[ProblemFacility]:
    """The facilities needing action at ``day``, by street/town in the plan's order, then id."""
    by_id, reviewed = compiled.by_id, set(exit_review)

    def items(ids: tuple[str, ...]) -> list[ProblemItem]:
        return [ProblemItem(i, by_id[i].rule.title(lang) if i in by_id else None,
                            by_id[i].rule.department if i in by_id else None) for i in ids]
    found = []
    for f in listed:
        if not needs_action(f, day, reviewed):
            continue
        row = f.row
        failed = items(row.failed_mandatory)
        missing = items(row.unknown_mandatory) if row.verdict == Verdict.incomplete.value \
            else []
        codes = dict.fromkeys(i.department for i in (*failed, *missing) if i.department)
        found.append(ProblemFacility(
            row.id, row.name, row.street_town, row.type, row.operator_name, row.verdict,
            failed, missing,
            [Responsible(c, departments[c](lang) if c in departments else c) for c in codes],
            row.id in reviewed, f.open_items))
    order = street_order(planned)
    return sorted(found, key=lambda p: (order(p.street_town), p.id))
