"""The annual evaluation scored under an indicator scheme (rules/indicators.py): each
indicator's value from the evaluation's figures, its score and why, the total and the grade.

Scores are exact fractions until they are shown: each indicator's score is rounded to one
decimal place, half up (24.95 is 25.0); the total is the sum of the rounded scores, so the
table adds up; the grade is read from the total as printed, so that the two never disagree.
An indicator whose figures are unknown (None) or whose ratio's denominator is 0 is not
scored (执行口径 RD-SCORE-PARTIAL): the total is out of the scored indicators' weights and no
grade is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any

from qianbai_rules.annual.figures import FigureValue, Unit, figures, names
from qianbai_rules.annual.rates import RATE_PLACES, half_up
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.core.problems import Lang, Problem, RulesError
from qianbai_rules.core.resources import yaml_files
from qianbai_rules.rules.indicators import (
    Indicator,
    IndicatorScheme,
    ScoringRule,
    load_scheme,
    shipped_scheme,
)
from qianbai_rules.rules.plan import TYPES


class ScoreStatus(StrEnum):
    scored = "scored"
    unscored = "unscored"


def shown(value: Fraction | None) -> int | float | None:
    """A number for JSON: whole numbers as integers."""
    if value is None:
        return None
    return int(value) if value.denominator == 1 else float(value)


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator scored: texts in the report's language, numbers exact."""

    indicator: Indicator
    level1: str
    level2: str
    name: str
    figures: dict[str, FigureValue]  # the figures the formula read, by name
    units: dict[str, Unit]  # theirs
    value: Fraction | None  # None: a figure unknown, or a ratio over 0
    unit: Unit  # of the value: a ratio is a rate
    score: Fraction | None  # rounded; None: not scored

    @property
    def status(self) -> ScoreStatus:
        return ScoreStatus.unscored if self.score is None else ScoreStatus.scored

    def as_json(self) -> dict[str, Any]:
        i = self.indicator
        value = self.value  # a rate already to four places, as measured() gives it
        return {"id": i.id, "level1": self.level1, "level2": self.level2, "name": self.name,
                "weight": shown(i.weight), "formula": i.formula.as_json(),
                "scoring": i.scoring.as_json(), "figures": self.figures,
                "value": shown(value), "score": shown(self.score),
                "status": self.status.value}


@dataclass(frozen=True)
class Score:
    """The evaluation's score under a scheme (JSON ``score``)."""

    scheme: IndicatorScheme
    name: str
    issuer: str
    source: str
    grades_source: str
    indicators: tuple[IndicatorScore, ...]
    total: Fraction  # of the scored indicators
    out_of: Fraction  # their weights
    grade: str | None  # None: an indicator not scored
    year: int = 0  # what was scored, for the conclusion's sentence
    plan: str = ""
    readings: tuple[str, ...] = ()  # the readings (执行口径) scoring applies

    @property
    def partial(self) -> bool:
        return any(i.score is None for i in self.indicators)

    def as_json(self) -> dict[str, Any]:
        scheme = self.scheme
        return {"scheme": {"name": self.name, "issuer": self.issuer, "source": self.source,
                           "example": scheme.example, "sha256": scheme.sha256,
                           "grades_source": self.grades_source},
                "indicators": [i.as_json() for i in self.indicators],
                "total": shown(self.total), "out_of": shown(self.out_of), "grade": self.grade}


def _exact(value: FigureValue) -> Fraction | None:
    if value is None:
        return None
    return Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)


def measured(indicator: Indicator, found: Mapping[str, FigureValue]) -> Fraction | None:
    """The indicator's value: its formula over the figures ``found``; None where a figure
    is unknown or a ratio's denominator is 0. A ratio is a rate as the figures give rates
    (four places, half up), so that it scores as it is shown and as the rate figure of the
    same measure would."""
    parts = [_exact(found.get(name)) for name in indicator.formula.names]
    known = [p for p in parts if p is not None]
    if len(known) < len(parts):
        return None
    kind = indicator.formula.kind
    if kind == "ratio":
        return None if known[1] == 0 else half_up(known[0] / known[1], RATE_PLACES)
    return sum(known, Fraction(0))


def points(rule: ScoringRule, weight: Fraction, value: Fraction) -> Fraction:
    """The score of ``value`` under ``rule``, exact (not rounded): never below 0 nor above
    the weight, whatever the figure (a negative count to deduct for scores no bonus)."""
    return min(max(_points(rule, weight, value), Fraction(0)), weight)


def _points(rule: ScoringRule, weight: Fraction, value: Fraction) -> Fraction:
    if rule.kind == "proportional":
        assert rule.target is not None
        return weight * min(max(value, Fraction(0)) / rule.target, Fraction(1))
    if rule.kind == "deduct":
        assert rule.per_unit is not None
        return max(weight - rule.per_unit * value, Fraction(0))
    share = next((b.share for b in rule.bands if value >= b.start), Fraction(0))
    return weight * share


def grade(scheme: IndicatorScheme, total: Fraction, lang: Lang) -> str:
    return next(g.grade(lang) for g in scheme.grades if total >= g.start)


def score_figures(found: Mapping[str, FigureValue], units: Mapping[str, Unit],
                  scheme: IndicatorScheme, lang: Lang) -> Score:
    """The score of figures ``found`` (with their ``units``) under ``scheme``."""
    rows = []
    for indicator in scheme.indicators:
        formula = indicator.formula
        value = measured(indicator, found)
        unit = Unit.rate if formula.kind == "ratio" else units.get(formula.names[0], Unit.count)
        rows.append(IndicatorScore(
            indicator, indicator.level1(lang), indicator.level2(lang), indicator.name(lang),
            {name: found.get(name) for name in formula.names},
            {name: units.get(name, Unit.count) for name in formula.names}, value, unit,
            None if value is None
            else half_up(points(indicator.scoring, indicator.weight, value))))
    scored = [r for r in rows if r.score is not None]
    total = sum((r.score for r in scored if r.score is not None), Fraction(0))
    out_of = sum((r.indicator.weight for r in scored), Fraction(0))
    return Score(scheme, scheme.name(lang), scheme.issuer(lang), scheme.source(lang),
                 scheme.grades_source(lang), tuple(rows), total, out_of,
                 None if len(scored) < len(rows) else grade(scheme, total, lang))


def scored(report: AnnualReport, scheme: IndicatorScheme | None, lang: Lang) -> Score | None:
    """The report's score under ``scheme`` (None without one)."""
    if scheme is None:
        return None
    found = figures(report)
    return replace(score_figures({n: f.value for n, f in found.items()},
                                 {n: f.unit for n, f in found.items()}, scheme, lang),
                   year=report.year, plan=report.plan.name,
                   readings=tuple(r["id"] for r in report.readings if "score" in r["outputs"]))


def scheme_for(path: Path | None, types: Iterable[str]
               ) -> tuple[IndicatorScheme | None, list[Problem]]:
    """The scheme at ``path`` (the shipped example without one), checked against the
    figures of a plan of ``types``; or None and every problem found in it."""
    try:
        return load_scheme(path or shipped_scheme(), names(types)), []
    except RulesError as exc:
        return None, exc.problems


def folder_problems(folder: Path) -> list[Problem]:
    """Every problem of the schemes in a rule folder's ``indicators/`` (``rules lint``),
    checked against the figures of a plan of every facility type."""
    files, wrong = yaml_files(folder / "indicators")
    problems = [Problem.in_rules(path.as_posix(), message) for path, message in wrong]
    for path in files:
        problems += scheme_for(path, TYPES)[1]
    return problems
