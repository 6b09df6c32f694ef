"""Every evaluated facility as one row (the annual evaluation's ``facilities``, 附件：设施清单).

While records stream, a :class:`FacilityRow` keeps only plain values (ids of the failed
mandatory rules, not their titles), so memory grows with the registry by one small row per
record; titles, departments and open rectification items are added when the report is built.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qianbai_rules.compile.compiled import CompiledRuleset, Status
from qianbai_rules.core.problems import Lang, Text
from qianbai_rules.history.rectification import Stored
from qianbai_rules.pipeline.check import Evaluated
from qianbai_rules.pipeline.followup import ItemState
from qianbai_rules.rules.subsidy_spec import Decision, SubsidyKind
from qianbai_rules.subsidies.amounts import SubsidyOutcome, chosen


@dataclass(frozen=True, slots=True)
class FacilityRow:
    """One record's facts for the list, as plain values."""

    id: str
    name: str | None
    street_town: str | None
    type: str
    operator_name: str | None
    operator_kind: str | None
    operator_credit_code: str | None
    completed_on: dt.date | None
    opened_on: dt.date | None
    verdict: str
    failed_mandatory: tuple[str, ...]
    construction_status: str | None  # None: no construction subsidy rule covers it
    construction_amount: int | None
    construction_year: int | None  # the year the subsidy belongs to (of completion)
    operating_status: str | None
    operating_amount: int | None
    # what the registry says was paid of the construction subsidy, and the settlement
    construction_paid: int | None = None
    construction_owed: int | None = None
    construction_overpaid: int | None = None
    # for the problem list (problems.py): mandatory rules without the data to decide, and
    # the day the facility closed
    unknown_mandatory: tuple[str, ...] = ()
    closed_on: dt.date | None = None


def _subsidy(outcome: SubsidyOutcome | None, key: str) -> tuple[str | None, int | None]:
    if outcome is None or outcome.decision is Decision.not_covered:
        return None, None
    return outcome.decision.value, outcome.paid(key)


def row_of(result: Evaluated, compiled: CompiledRuleset) -> FacilityRow:
    record = result.record
    operation = record.operation
    failed = tuple(compiled.rules[i].rule.id for i in compiled.mandatory
                   if result.statuses[i] is Status.failed)
    unknown = tuple(compiled.rules[i].rule.id for i in compiled.mandatory
                    if result.statuses[i] is Status.unknown)
    construction = chosen(result.subsidies, SubsidyKind.construction)
    built_status, built = _subsidy(construction, "total")
    run_status, run = _subsidy(chosen(result.subsidies, SubsidyKind.operating), "amount")
    completed = record.status.completed_on
    settled = None if construction is None or built_status is None \
        else construction.settlement()
    return FacilityRow(
        record.id, record.name, record.street_town, record.facility_type.value,
        operation.operator_name,
        None if operation.operator_kind is None else operation.operator_kind.value,
        operation.operator_credit_code, completed, record.status.opened_on,
        result.verdict.value, failed, built_status, built,
        None if built_status is None or completed is None else completed.year,
        run_status, run, unknown_mandatory=unknown, closed_on=record.status.closed_on,
        **({} if settled is None or settled.paid is None else {
            "construction_paid": settled.paid, "construction_owed": settled.owed,
            "construction_overpaid": settled.overpaid}))


@dataclass(frozen=True)
class FailedItem:
    rule: str
    title: str | None  # None: a rule no longer in the rules


@dataclass(frozen=True)
class Facility:
    """One facility of the list as every format shows it."""

    row: FacilityRow
    failed_mandatory: list[FailedItem]
    departments: list[str]  # the lead departments of the failed mandatory rules, by name
    open_items: int | None  # None: no history given

    def as_json(self) -> dict[str, Any]:
        r = self.row

        def day(value: dt.date | None) -> str | None:
            return None if value is None else value.isoformat()
        return {
            "id": r.id, "name": r.name, "street_town": r.street_town, "type": r.type,
            "operator": {"name": r.operator_name, "kind": r.operator_kind,
                         "credit_code": r.operator_credit_code},
            "completed_on": day(r.completed_on), "opened_on": day(r.opened_on),
            "verdict": r.verdict,
            "failed_mandatory": [{"rule": f.rule, "title": f.title}
                                 for f in self.failed_mandatory],
            "departments": self.departments,
            "construction_subsidy": {"status": r.construction_status,
                                     "amount": r.construction_amount,
                                     "year": r.construction_year},
            "operating_subsidy": {"status": r.operating_status, "amount": r.operating_amount},
            "open_items": self.open_items,
        }


def open_items(items: Iterable[Stored], cutoff: dt.date) -> Counter[str]:
    """Rectification items opened by ``cutoff`` and not closed then, by facility."""
    counts: Counter[str] = Counter()
    for stored in items:
        if stored.item.opened_on <= cutoff and \
                stored.on(cutoff).state is not ItemState.closed:
            counts[stored.item.facility] += 1
    return counts


def facilities(rows: Iterable[FacilityRow], compiled: CompiledRuleset,
               departments: Mapping[str, Text], items: Counter[str] | None,
               lang: Lang) -> list[Facility]:
    """The list in registry order, with rule titles and department names in ``lang``."""
    by_id = compiled.by_id
    listed = []
    for row in rows:
        failed = [FailedItem(i, by_id[i].rule.title(lang) if i in by_id else None)
                  for i in row.failed_mandatory]
        codes = dict.fromkeys(by_id[i].rule.department for i in row.failed_mandatory
                              if i in by_id)
        listed.append(Facility(
            row, failed, [departments[c](lang) if c in departments else c for c in codes],
            None if items is None else items[row.id]))
    return listed
