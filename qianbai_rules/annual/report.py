"""The annual evaluation as every format shows it: one typed report built from the
:class:`.Evaluation` (and the previous year's stored evaluation, for the change).

JSON (``as_json``, what the history stores), text, HTML, Markdown, PDF and the workbook are
renderings of it; none of them re-reads another.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from qianbai_rules.annual.change import COMPLIANCE, Change, YearTotals
from qianbai_rules.annual.drafting import Drafting, drafted
from qianbai_rules.annual.evaluation import ConstructionMoney, Evaluation, Money, cutoff
from qianbai_rules.annual.exit_review import OperatorReview, exit_review
from qianbai_rules.annual.facilities import Facility, facilities, open_items
from qianbai_rules.annual.funds import Funding, Funds, funding, funds, lottery_available
from qianbai_rules.annual.operators import OperatorFacilities, operators
from qianbai_rules.annual.progress import (
    BuiltCompliant,
    LateFacility,
    Progress,
    StreetYear,
    YearProgress,
    built_compliant,
    late,
    street_year,
    year_progress,
)
from qianbai_rules.annual.rectification import (
    Rectification,
    Waived,
    rectification,
    street_order,
    waived,
)
from qianbai_rules.compile.compiled import Verdict
from qianbai_rules.history.store import History
from qianbai_rules.model.display import type_names
from qianbai_rules.model.funds import FundsGiven
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.reports.model import RejectedEntry, RunHeader
from qianbai_rules.reports.output import run_header
from qianbai_rules.rules.readings import applied

if TYPE_CHECKING:  # scoring reads the report's figures: imported where the report is built
    from qianbai_rules.annual.scoring import Score
    from qianbai_rules.rules.indicators import IndicatorScheme


@dataclass(frozen=True)
class PlanInfo:
    name: str
    source: str
    fingerprint: str
    start: dt.date
    end: dt.date
    file: str  # the plan file's name, for the technical note (not in the JSON)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "fingerprint": self.fingerprint,
                "from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class TypeProgress(Progress):
    """One facility type's progress; those completed outside the plan's streets apart."""

    completed_unplanned: int

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "completed_unplanned": self.completed_unplanned}


@dataclass(frozen=True)
class DistrictProgress:
    name: str
    by_type: dict[str, TypeProgress]  # in the plan's order of types
    total: Progress

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "by_type": {k: p.as_json() for k, p in self.by_type.items()},
                "total": self.total.as_json()}


@dataclass(frozen=True)
class StreetProgress:
    street_town: str
    targets: dict[str, int]  # by type, the plan's total
    completed: dict[str, int]
    targets_by_year: dict[str, int] | None  # the plan's target by the evaluated year
    pilot_on_time: bool | None  # None: no pilot, or not due yet
    by_year: StreetYear | None = None  # the evaluated year's target and completions

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"street_town": self.street_town, "targets": self.targets,
                                 "completed": self.completed}
        if self.targets_by_year is not None:
            entry["targets_by_year"] = self.targets_by_year
        entry["pilot_on_time"] = self.pilot_on_time
        if self.by_year is not None:
            entry["by_year"] = self.by_year.as_json()
        return entry


@dataclass(frozen=True)
class Compliance:
    """Verdicts of the facilities built by the cut-off; those without a completion date apart."""

    compliant: int
    non_compliant: int
    incomplete: int
    undated: list[str]

    @property
    def in_service(self) -> int:
        return self.compliant + self.non_compliant + self.incomplete

    def as_json(self) -> dict[str, Any]:
        return {**{v.value: getattr(self, v.value) for v in Verdict},
                "in_service": self.in_service, "undated": self.undated}


@dataclass(frozen=True)
class Subsidies:
    construction: ConstructionMoney
    operating: Money
    funding: Funding

    def __getitem__(self, kind: str) -> Money:
        """The money of a kind by name (construction, operating), as the templates ask."""
        money: Money = {"construction": self.construction, "operating": self.operating}[kind]
        return money

    def as_json(self) -> dict[str, Any]:
        return {"construction": asdict(self.construction), "operating": asdict(self.operating),
                "funding": self.funding.as_json()}


@dataclass(frozen=True)
class StreetTownFailures:
    """Open failures in one street/town (None: facilities that name none)."""

    street_town: str | None
    mandatory: int
    advisory: int


@dataclass(frozen=True)
class Unplanned:
    id: str
    street_town: str | None


@dataclass(frozen=True)
class HistoryNote:
    database: str
    previous_year_found: bool


@dataclass(frozen=True)
class AnnualReport:
    """The annual evaluation of a year, as every format shows it (contract: outputs.md)."""

    header: RunHeader
    year: int
    plan: PlanInfo
    district: DistrictProgress
    streets: list[StreetProgress]
    compliance: Compliance
    subsidies: Subsidies
    exit_review: list[str]
    exit_review_by_operator: list[OperatorReview]
    departments: dict[str, dict[str, int]]  # department name -> severity -> open failures
    street_towns: list[StreetTownFailures]
    unplanned: list[Unplanned]
    records: int
    rejected: list[RejectedEntry]
    history: HistoryNote | None
    change: Change | None
    readings: list[dict[str, Any]]
    rectification: Rectification | None = None  # the year's items, with a history
    waived: Waived | None = None  # where the records came with an inspection's files
    # yearly targets, late completions, built versus compliant (progress.py)
    year_progress: YearProgress | None = None
    late: list[LateFacility] = field(default_factory=list)
    built_compliant: BuiltCompliant | None = None
    facilities: list[Facility] = field(default_factory=list)  # every evaluated record
    operators: list[OperatorFacilities] = field(default_factory=list)  # the facilities by operator
    funds: Funds | None = None  # budgeted, received, paid beside what is owed (funds.py)
    score: Score | None = None  # under the indicator scheme (scoring.py)
    drafting: Drafting = field(default_factory=Drafting)  # 问题清单, 存在问题, 下一步建议

    @property
    def as_of(self) -> str:
        return self.header.as_of.isoformat()

    @property
    def summary(self) -> dict[str, int]:
        return {"records": self.records, "rejected": len(self.rejected)}

    def totals(self) -> YearTotals:
        return YearTotals(self.year, {k: p.completed for k, p in self.district.by_type.items()},
                          {v: getattr(self.compliance, v) for v in COMPLIANCE},
                          self.subsidies.construction.total, self.subsidies.operating.total)

    def as_json(self) -> dict[str, Any]:
        """The evaluation as ``--format json`` prints it and the history stores it."""
        header = self.header
        return {
            "version": header.version, "engine": header.engine,
            "ruleset": header.ruleset.as_json(), "as_of": self.as_of,
            "year": self.year, "plan": self.plan.as_json(),
            "district": self.district.as_json(),
            "streets": [s.as_json() for s in self.streets],
            "compliance": self.compliance.as_json(),
            "subsidies": self.subsidies.as_json(),
            "exit_review": self.exit_review,
            "exit_review_by_operator": [asdict(o) for o in self.exit_review_by_operator],
            "departments": self.departments,
            "street_towns": [asdict(s) for s in self.street_towns],
            "unplanned": [asdict(u) for u in self.unplanned],
            "summary": self.summary,
            "rejected": [r.as_json() for r in self.rejected],
            "history": None if self.history is None else asdict(self.history),
            "change": None if self.change is None else self.change.as_json(),
            "rectification": None if self.rectification is None
            else self.rectification.as_json(),
            "waived": None if self.waived is None else self.waived.as_json(),
            "readings": self.readings,
            "funds": None if self.funds is None else self.funds.as_json(),
            "score": None if self.score is None else self.score.as_json(),
            **self.drafting.as_json(),
            **self._targets_json(),
            "facilities": [f.as_json() for f in self.facilities],
            "operators": [o.as_json() for o in self.operators],
        }

    def _targets_json(self) -> dict[str, Any]:
        progress, built = self.year_progress, self.built_compliant
        return {"year_progress": None if progress is None else progress.as_json(),
                "late": [asdict(f) for f in self.late],
                "built_compliant": None if built is None else built.as_json()}


def _district(evaluation: Evaluation) -> DistrictProgress:
    plan = evaluation.plan
    targets = plan.cumulative(evaluation.year)
    done = evaluation.completed
    return DistrictProgress(
        plan.district,
        {kind: TypeProgress(targets.get(kind, 0), done[kind],
                            evaluation.completed_unplanned[kind]) for kind in plan.types},
        Progress(sum(targets.values()), sum(done.values())))


def _streets(evaluation: Evaluation) -> list[StreetProgress]:
    plan, year = evaluation.plan, evaluation.year
    streets = []
    for name, street in plan.streets.items():
        done = evaluation.street_completed.get(name, Counter())
        by_year = street.target_by(year)
        pilot = street.pilot
        streets.append(StreetProgress(
            name, {kind: street.total.get(kind, 0) for kind in plan.types},
            {kind: done[kind] for kind in plan.types},
            None if by_year is None else {kind: by_year.get(kind, 0) for kind in plan.types},
            None if pilot is None or year < pilot.year else name in evaluation.pilots_done,
            street_year(evaluation, name)))
    return streets


def _subsidies(evaluation: Evaluation, split: Funding) -> Subsidies:
    return Subsidies(replace(evaluation.construction), replace(evaluation.operating), split)


def _street_towns(evaluation: Evaluation) -> list[StreetTownFailures]:
    """Open failures by street/town: the plan's in its order, then others by name, then
    facilities that name none."""
    order = street_order(list(evaluation.plan.streets))
    return [StreetTownFailures(name, counts["mandatory"], counts["advisory"])
            for name, counts in sorted(evaluation.street_towns.items(),
                                       key=lambda i: order(i[0]))]


def annual_report(evaluation: Evaluation, context: RunContext, lottery_fund: int | None,
                  before: Mapping[str, Any] | None, history: History | None,
                  funds_given: FundsGiven | None = None,
                  scheme: IndicatorScheme | None = None) -> AnnualReport:
    """The report of ``evaluation``; ``before`` is the previous year's stored evaluation."""
    lang = context.lang
    departments = evaluation.compiled.department_names
    available = lottery_available(funds_given, evaluation.year, lottery_fund)
    split = funding(evaluation, available)
    listed = facilities(evaluation.facilities, evaluation.compiled, departments,
                        None if history is None else open_items(
                            history.stored_items(),
                            cutoff(evaluation.year, evaluation.compiled.as_of)), lang)
    report = AnnualReport(
        header=run_header(context), year=evaluation.year,
        plan=PlanInfo(evaluation.plan.name(lang), evaluation.plan.source,
                      evaluation.plan.fingerprint, evaluation.plan.start, evaluation.plan.end,
                      PurePath(evaluation.plan.file).name),
        district=_district(evaluation), streets=_streets(evaluation),
        compliance=Compliance(evaluation.verdicts[Verdict.compliant.value],
                              evaluation.verdicts[Verdict.non_compliant.value],
                              evaluation.verdicts[Verdict.incomplete.value], evaluation.undated),
        subsidies=_subsidies(evaluation, split),
        exit_review=evaluation.exit_review,
        exit_review_by_operator=exit_review(evaluation, lang),
        departments={departments[code](lang): dict(counts)
                     for code, counts in sorted(evaluation.departments.items())},
        street_towns=_street_towns(evaluation),
        unplanned=[Unplanned(i, s) for i, s in evaluation.unplanned],
        records=evaluation.records,
        rejected=[RejectedEntry.of(r, lang) for r in evaluation.rejected],
        history=None if history is None else HistoryNote(str(history.path), before is not None),
        change=None,
        readings=applied(context.compiled.ruleset.readings.values(), True, lang),
        rectification=None if history is None else rectification(
            history.stored_items(), evaluation.year,
            cutoff(evaluation.year, evaluation.compiled.as_of), list(evaluation.plan.streets),
            departments, lang),
        waived=waived(evaluation.waived, evaluation.compiled, lang),
        year_progress=year_progress(evaluation), late=late(evaluation),
        built_compliant=built_compliant(evaluation),
        facilities=listed, operators=operators(listed, type_names(lang)),
        funds=funds(evaluation, funds_given, split, available is not None))
    from qianbai_rules.annual.scoring import scored
    report = replace(report, score=scored(report, scheme, lang))
    report = drafted(report, evaluation, lang)
    if before is None:
        return report
    return replace(report, change=Change.between(report.totals(), YearTotals.stored(before)))
