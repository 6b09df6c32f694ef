"""The annual performance evaluation (年度绩效评价) of a registry against the plan.

Records stream through the check pipeline once; only counts, sums and short id lists are
kept, so a registry of any size is evaluated in flat memory.

Definitions (requirements.md §7, plan.md):
- completed by the end of Y: ``status.completed_on`` within the plan period and on or
  before 31 December Y, for the facility types the plan counts;
- in service in Y: completed on or before 31 December Y (any type); compliance, open
  failures and the operating subsidy are counted over these; a record without a
  completion date is listed as undated and counted nowhere else;
- construction subsidies: of facilities completed in Y; operating subsidies: for Y;
- funding: what the district pays (its construction part and the operating subsidies)
  comes first from the welfare-lottery fund, the rest from pooled funds and the budget;
- exit review (reading): non-compliant in Y and in the stored assessment of Y-1, for a
  facility in service in both years.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .amounts import Outcome
from .check import Evaluated, Rejected, Result
from .compiled import CompiledRuleset, Status, Verdict
from .eligibility import Decision, SubsidyKind
from .plan import Plan
from .problems import Lang
from .records import FacilityRecord
from .ruleset import Severity


def in_service(record: FacilityRecord, year: int) -> bool:
    """Completed on or before 31 December of ``year``: the facilities a year's evaluation judges."""
    completed = record.status.completed_on
    return completed is not None and completed <= dt.date(year, 12, 31)


def _rate(done: int, target: int) -> float | None:
    return round(done / target, 4) if target else None


@dataclass
class _Money:
    total: int = 0
    city: int = 0
    district: int = 0
    facilities: int = 0
    undetermined: int = 0

    def add(self, outcome: Outcome, key: str, payer: str | None) -> None:
        """Count an eligible amount; ``payer`` is who pays a single amount (operating)."""
        if outcome.decision is Decision.undetermined:
            self.undetermined += 1
            return
        if outcome.decision is not Decision.eligible:
            return
        paid = outcome.paid(key) or 0
        self.facilities += 1
        self.total += paid
        if payer is None:
            self.city += outcome.paid("city") or 0
            self.district += outcome.paid("district") or 0
        elif payer == "city":
            self.city += paid
        else:
            self.district += paid


@dataclass
class Evaluation:
    """Counts gathered from a stream of results."""

    plan: Plan
    compiled: CompiledRuleset
    year: int
    previous: Mapping[str, str] = field(default_factory=dict)  # id -> verdict in Y-1
    completed: Counter[str] = field(default_factory=Counter)
    street_completed: dict[str, Counter[str]] = field(default_factory=dict)
    pilots_done: set[str] = field(default_factory=set)
    verdicts: Counter[str] = field(default_factory=Counter)
    departments: dict[str, Counter[str]] = field(default_factory=dict)
    construction: _Money = field(default_factory=_Money)
    operating: _Money = field(default_factory=_Money)
    exit_review: list[str] = field(default_factory=list)
    unplanned: list[dict[str, Any]] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    records: int = 0

    def add(self, result: Result) -> None:
        if isinstance(result, Rejected):
            self.rejected.append(result)
            return
        self.records += 1
        record = result.record
        street = record.street_town
        if street not in self.plan.streets:
            self.unplanned.append({"id": record.id, "street_town": street})
        completed = record.status.completed_on
        if completed is None:
            self.undated.append(record.id)
            return
        if not in_service(record, self.year):
            return
        kind = record.facility_type.value
        if kind in self.plan.types and self.plan.start <= completed <= self.plan.end:
            self.completed[kind] += 1
            if street in self.plan.streets:
                self.street_completed.setdefault(street, Counter())[kind] += 1
                pilot = self.plan.streets[street].pilot
                if pilot and pilot.type == kind and completed.year <= pilot.year:
                    self.pilots_done.add(street)
        self._in_service(result, completed.year == self.year)

    def _in_service(self, result: Evaluated, completed_this_year: bool) -> None:
        verdict = result.verdict.value
        self.verdicts[verdict] += 1
        two_years = in_service(result.record, self.year - 1)
        if verdict == Verdict.non_compliant and two_years \
                and self.previous.get(result.record.id) == verdict:
            self.exit_review.append(result.record.id)
        departments = self.compiled.ruleset.departments
        for rule, status in zip(self.compiled.rules, result.statuses, strict=True):
            if status is Status.failed and rule.rule.severity is not Severity.info:
                name = departments[rule.rule.department].zh
                self.departments.setdefault(name, Counter())[rule.rule.severity.value] += 1
        for outcome in result.subsidies:
            spec = outcome.rule.subsidy.spec if outcome.rule.subsidy else None
            if spec is None or outcome.decision is Decision.not_covered:
                continue
            if spec.kind is SubsidyKind.construction and completed_this_year:
                self.construction.add(outcome, "total", None)
            elif spec.kind is SubsidyKind.operating:
                self.operating.add(outcome, "amount", spec.payer)

    def as_json(self, lottery_fund: int, lang: Lang) -> dict[str, Any]:
        plan, year = self.plan, self.year
        targets = plan.cumulative(year)
        district = {kind: {"target": targets.get(kind, 0), "completed": self.completed[kind],
                           "rate": _rate(self.completed[kind], targets.get(kind, 0))}
                    for kind in plan.types}
        all_target, all_done = sum(targets.values()), sum(self.completed.values())
        streets = []
        for name, street in plan.streets.items():
            done = self.street_completed.get(name, Counter())
            entry: dict[str, Any] = {
                "street_town": name,
                "targets": {kind: street.total.get(kind, 0) for kind in plan.types},
                "completed": {kind: done[kind] for kind in plan.types},
            }
            by_year = street.target_by(year)
            if by_year is not None:
                entry["targets_by_year"] = {kind: by_year.get(kind, 0) for kind in plan.types}
            pilot = street.pilot
            entry["pilot_on_time"] = None if pilot is None or year < pilot.year \
                else name in self.pilots_done
            streets.append(entry)
        owed = self.construction.district + self.operating.district
        city = self.construction.city + self.operating.city
        from_lottery = min(max(lottery_fund, 0), owed)
        return {
            "year": year,
            "plan": {"name": plan.name(lang), "source": plan.source, "fingerprint": plan.fingerprint},
            "district": {"name": plan.district, "by_type": district,
                         "total": {"target": all_target, "completed": all_done,
                                   "rate": _rate(all_done, all_target)}},
            "streets": streets,
            "compliance": {**{v.value: self.verdicts[v.value] for v in Verdict},
                           "in_service": sum(self.verdicts.values()), "undated": self.undated},
            "subsidies": {
                "construction": vars(self.construction).copy(),
                "operating": vars(self.operating).copy(),
                "funding": {"district_owed": owed, "lottery_fund": from_lottery,
                            "pooled_and_budget": owed - from_lottery, "city": city},
            },
            "exit_review": self.exit_review,
            "departments": {name: dict(counts) for name, counts in sorted(self.departments.items())},
            "unplanned": self.unplanned,
        }


def evaluate(results: Iterable[Result], plan: Plan, compiled: CompiledRuleset, year: int,
             previous: Mapping[str, str]) -> Evaluation:
    evaluation = Evaluation(plan, compiled, year, previous)
    for result in results:
        evaluation.add(result)
    return evaluation
