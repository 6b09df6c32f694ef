"""The annual performance evaluation (年度绩效评价) of a registry against the plan.

Records stream through the check pipeline once; only counts, sums, short id lists and one
row of plain values per facility (:mod:`.facilities`) are kept.

Definitions (requirements.md §7, plan.md); "the cut-off" is 31 December Y, or the as-of
date when that is earlier:
- completed: ``status.completed_on`` within the plan period and by the cut-off, for the
  facility types the plan counts, in a street/town the plan lists (facilities elsewhere
  are reported as unplanned and counted apart, never dropped); closed facilities still
  count as built;
- built by the cut-off (any type, any street): compliance is counted over these; a
  record without a completion date is listed as undated and counted nowhere else;
- open at the cut-off (built and not closed): open failures, counted by lead department
  and by street/town (三（一）“部门协同、街镇负责”), and the exit review;
- construction subsidies: of facilities completed in Y; operating subsidies: for the
  months of Y operated (amounts.py);
- funding: what the district pays (its construction part and the operating subsidies)
  comes first from the welfare-lottery fund, the rest from pooled funds and the budget;
- exit review (reading): non-compliant in Y and in the stored assessment of Y-1, for a
  facility built by the end of Y-1 and open at the cut-off; grouped by operator (the
  plan's 退出制度 concerns 运营服务机构), each facility with the mandatory rules it failed
  in each of the two years.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from qianbai_rules.annual.facilities import FacilityRow, row_of
from qianbai_rules.annual.rectification import WaivedTally
from qianbai_rules.annual.targets import TargetTally
from qianbai_rules.compile.compiled import CompiledRuleset, Status, Verdict
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.pipeline.check import Evaluated, Rejected, Result
from qianbai_rules.rules.plan import Plan
from qianbai_rules.rules.rulefile import Severity
from qianbai_rules.rules.subsidy_spec import Decision, SubsidyKind
from qianbai_rules.subsidies.amounts import SubsidyOutcome, chosen


def cutoff(year: int, as_of: dt.date) -> dt.date:
    return min(dt.date(year, 12, 31), as_of)


def built_by(record: FacilityRecord, day: dt.date) -> bool:
    """Completed on or before ``day``."""
    completed = record.status.completed_on
    return completed is not None and completed <= day


def open_at(record: FacilityRecord, day: dt.date) -> bool:
    """Built by ``day`` and not closed by then (operation ends the day before closed_on)."""
    closed = record.status.closed_on
    return built_by(record, day) and (closed is None or closed > day)


@dataclass
class Money:
    total: int = 0
    city: int = 0
    district: int = 0
    facilities: int = 0
    undetermined: int = 0

    def add(self, outcome: SubsidyOutcome, key: str, payer: str | None) -> None:
        """Count an eligible amount; ``payer`` is who pays a single amount (operating)."""
        if outcome.decision is Decision.undetermined:
            self.undetermined += 1
            return
        paid = outcome.paid(key) or 0
        if outcome.decision is not Decision.eligible or not paid:
            return
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
class ConstructionMoney(Money):
    """Construction subsidies of the facilities completed in the year: what is due (the
    approved amount where the registry gives one, the standard amount otherwise), the standard
    amounts, what the registry says was paid, what is still owed, and what was paid beyond
    what is due (to a facility eligible for less, or not eligible now)."""

    standard: int = 0
    approved_facilities: int = 0
    paid_facilities: int = 0  # facilities whose record says what was paid
    paid: int = 0
    owed: int = 0  # a facility whose record says nothing of a payment counts as unpaid
    overpaid: int = 0
    unrecorded: int = 0  # facilities with an amount due whose record says nothing paid

    @property
    def recorded_paid(self) -> int | None:
        """What was paid, as far as the registry says: None when no record says it."""
        return self.paid if self.paid_facilities else None

    def add_one_off(self, outcome: SubsidyOutcome) -> None:
        facts, money = outcome.construction, outcome.settlement()
        if facts is not None and money is not None:
            if outcome.decision is Decision.eligible:
                self.standard += facts.standard["total"] if facts.standard else 0
                self.approved_facilities += facts.approved is not None
            if money.paid is not None:
                self.paid_facilities += 1
                self.paid += money.paid
            elif money.due:
                self.unrecorded += 1
            self.owed += money.owed or 0
            self.overpaid += money.overpaid or 0
        self.add(outcome, "total", None)


@dataclass(frozen=True)
class ExitCase:
    """A facility in the exit review: the mandatory rules it failed in each of the years."""

    id: str
    name: str | None
    street_town: str | None
    years: tuple[tuple[int, tuple[str, ...]], ...]


@dataclass
class Evaluation:
    """Counts gathered from a stream of results."""

    plan: Plan
    compiled: CompiledRuleset
    year: int
    # ids non-compliant in the stored Y-1, each with the mandatory rules it failed then
    previous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    completed: Counter[str] = field(default_factory=Counter)
    completed_unplanned: Counter[str] = field(default_factory=Counter)
    street_completed: dict[str, Counter[str]] = field(default_factory=dict)
    pilots_done: set[str] = field(default_factory=set)
    verdicts: Counter[str] = field(default_factory=Counter)
    departments: dict[str, Counter[str]] = field(default_factory=dict)
    street_towns: dict[str | None, Counter[str]] = field(default_factory=dict)
    construction: ConstructionMoney = field(default_factory=ConstructionMoney)
    operating: Money = field(default_factory=Money)
    exit_review: list[str] = field(default_factory=list)
    exit_by_operator: dict[str | None, list[ExitCase]] = field(default_factory=dict)
    unplanned: list[tuple[str, str | None]] = field(default_factory=list)  # id, street/town
    undated: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    records: int = 0
    waived: WaivedTally = field(default_factory=WaivedTally)
    targets: TargetTally = field(default_factory=TargetTally)  # yearly targets (targets.py)
    facilities: list[FacilityRow] = field(default_factory=list)  # every evaluated record

    def add(self, result: Result) -> None:
        if isinstance(result, Rejected):
            self.rejected.append(result)
            return
        self.records += 1
        self.facilities.append(row_of(result, self.compiled))
        record = result.record
        street = record.street_town or ""
        planned = street in self.plan.streets
        if not planned:
            self.unplanned.append((record.id, record.street_town))
        completed = record.status.completed_on
        if completed is None:
            self.undated.append(record.id)
            return
        day = cutoff(self.year, self.compiled.as_of)
        if completed > day:
            return
        kind = record.facility_type.value
        if kind in self.plan.types and self.plan.start <= completed <= self.plan.end:
            if planned:
                self.completed[kind] += 1
                self.street_completed.setdefault(street, Counter())[kind] += 1
                pilot = self.plan.streets[street].pilot
                if pilot and pilot.type == kind and completed.year <= pilot.year:
                    self.pilots_done.add(street)
            else:
                self.completed_unplanned[kind] += 1
        if planned and kind in self.plan.types:
            self.targets.add(self.plan, self.year, record, result.verdict, day)
        self.verdicts[result.verdict.value] += 1
        self.waived.add(result, self.compiled)
        if open_at(record, day):
            self._open(result)
        self._money(result, completed.year == self.year)

    def _open(self, result: Evaluated) -> None:
        """Open failures and the exit review, for a facility open at the cut-off."""
        record = result.record
        failed = [rule.rule for rule, status in zip(self.compiled.rules, result.statuses,
                                                    strict=True)
                  if status is Status.failed and rule.rule.severity is not Severity.info]
        for rule in failed:
            severity = rule.severity.value
            self.departments.setdefault(rule.department, Counter())[severity] += 1
            self.street_towns.setdefault(record.street_town, Counter())[severity] += 1
        if result.verdict is Verdict.non_compliant and record.id in self.previous \
                and built_by(record, dt.date(self.year - 1, 12, 31)):
            self.exit_review.append(record.id)
            now = tuple(r.id for r in failed if r.severity is Severity.mandatory)
            self.exit_by_operator.setdefault(record.operation.operator_name, []).append(ExitCase(
                record.id, record.name, record.street_town,
                ((self.year - 1, self.previous[record.id]), (self.year, now))))

    def _money(self, result: Evaluated, completed_this_year: bool) -> None:
        built = chosen(result.subsidies, SubsidyKind.construction)
        if built is not None and completed_this_year:
            self.construction.add_one_off(built)
        run = chosen(result.subsidies, SubsidyKind.operating)
        subsidy = run.rule.subsidy if run is not None else None
        if run is not None and subsidy is not None and run.decision is not Decision.not_covered:
            payer = subsidy.payer
            self.operating.add(run, "amount", str(payer.value) if payer else None)


def evaluate_year(results: Iterable[Result], plan: Plan, compiled: CompiledRuleset, year: int,
                  previous: Mapping[str, tuple[str, ...]]) -> Evaluation:
    """The annual performance evaluation (年度绩效评价) of ``year`` from every record's result
    (``qianbai evaluate``; not the check of one record, :func:`.check.evaluate_record`)."""
    evaluation = Evaluation(plan, compiled, year, previous)
    for result in results:
        evaluation.add(result)
    return evaluation
