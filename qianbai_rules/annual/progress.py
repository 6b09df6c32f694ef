"""The report's yearly targets and built-versus-compliant parts, built from the counts of
:class:`.TargetTally` (definitions there). Targets come only from the plan file."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from qianbai_rules.annual.evaluation import Evaluation
from qianbai_rules.annual.rates import completion_rate
from qianbai_rules.annual.rectification import street_order
from qianbai_rules.annual.targets import BUILT_KEYS


@dataclass(frozen=True)
class Progress:
    """Facilities completed against a target: the cumulative one, or the year's."""

    target: int
    completed: int

    @property
    def rate(self) -> float | None:
        return completion_rate(self.completed, self.target)

    def as_json(self) -> dict[str, Any]:
        return {"target": self.target, "completed": self.completed, "rate": self.rate}


@dataclass(frozen=True)
class YearProgress:
    """The district's target for the evaluated year (the plan's ``targets``) and completions."""

    year: int
    by_type: dict[str, Progress]
    total: Progress

    def as_json(self) -> dict[str, Any]:
        return {"year": self.year, "by_type": {k: c.as_json() for k, c in self.by_type.items()},
                "total": self.total.as_json()}


@dataclass(frozen=True)
class StreetYear:
    """A street's completions in the year; its target for the year where the plan gives
    ``by_year`` (None otherwise: the plan then sets only the street's period totals)."""

    year: int
    target: dict[str, int] | None
    completed: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LateFacility:
    id: str
    name: str | None
    street_town: str
    type: str
    completed_on: str
    final_year: int


@dataclass(frozen=True)
class BuiltCounts:
    completed: int
    accepted: int
    acceptance_unrecorded: int
    compliant: int


@dataclass(frozen=True)
class StreetBuilt:
    street_town: str
    counts: BuiltCounts


@dataclass(frozen=True)
class BuiltCompliant:
    """Completed (in the plan period, by the cut-off), accepted and compliant, counted apart."""

    by_type: dict[str, BuiltCounts]
    by_street: list[StreetBuilt]
    total: BuiltCounts

    def as_json(self) -> dict[str, Any]:
        return {"by_type": {k: asdict(c) for k, c in self.by_type.items()},
                "by_street": [{"street_town": s.street_town, **asdict(s.counts)}
                              for s in self.by_street],
                "total": asdict(self.total)}


def _counts(counter: Counter[str]) -> BuiltCounts:
    return BuiltCounts(*(counter[key] for key in BUILT_KEYS))


def year_progress(evaluation: Evaluation) -> YearProgress:
    plan, year = evaluation.plan, evaluation.year
    targets, done = plan.targets.get(year, {}), evaluation.targets.year_completed
    by_type = {kind: Progress(targets.get(kind, 0), done[kind]) for kind in plan.types}
    return YearProgress(year, by_type, Progress(sum(c.target for c in by_type.values()),
                                                 sum(c.completed for c in by_type.values())))


def street_year(evaluation: Evaluation, street: str) -> StreetYear:
    plan, year = evaluation.plan, evaluation.year
    by_year = plan.streets[street].by_year
    done = evaluation.targets.street_year_completed.get(street, Counter())
    return StreetYear(year, {kind: by_year.get(year, {}).get(kind, 0) for kind in plan.types}
                      if by_year else None, {kind: done[kind] for kind in plan.types})


def late(evaluation: Evaluation) -> list[LateFacility]:
    order = street_order(list(evaluation.plan.streets))
    return [LateFacility(c.id, c.name, c.street_town, c.type, c.completed_on.isoformat(),
                         c.final_year)
            for c in sorted(evaluation.targets.late,
                            key=lambda c: (order(c.street_town), c.completed_on, c.id))]


def built_compliant(evaluation: Evaluation) -> BuiltCompliant:
    tally, plan = evaluation.targets, evaluation.plan
    total: Counter[str] = Counter()
    for counts in tally.built.values():
        total.update(counts)
    return BuiltCompliant(
        {kind: _counts(tally.built.get(kind, Counter())) for kind in plan.types},
        [StreetBuilt(name, _counts(tally.street_built.get(name, Counter())))
         for name in plan.streets], _counts(total))
