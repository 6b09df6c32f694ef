"""An indicator scheme (绩效评价指标体系) as data: indicators with a formula over the annual
evaluation's figures, a weight and a scoring rule, and the grade bands of the total.

The shipped scheme is ``rules/indicators/example.yaml``, an example (the plan sets no
weights); a finance office writes its own in the same format (docs/indicator-scheme.md).
Formulas and scoring rules are closed sets of kinds, read as data, never evaluated as text:

    formula: {figure: NAME} | {ratio: [NUMERATOR, DENOMINATOR]} | {sum: [NAME, ...]}
    scoring: {proportional: {target: T}}          weight × min(value ÷ T, 1)
           | {bands: [{from: V, share: S}, ...]}  weight × S of the first band value reaches
           | {deduct: {per_unit: P}}              weight − P × value, never below 0

The figure names are checked by the caller (the annual stage knows them): ``known``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from qianbai_rules.core.limits import number_problem
from qianbai_rules.core.problems import (
    At,
    Found,
    Problem,
    RulesError,
    Text,
    collect,
    unknown_keys,
)
from qianbai_rules.core.resources import read_rule_bytes, rules_dir, shipped
from qianbai_rules.core.yamlio import StrictLoadError, load_yaml
from qianbai_rules.texts.suggest import nearest

SCHEME_KEYS: Final = {"name", "issuer", "source", "example", "grades", "indicators"}
GRADES_KEYS: Final = {"source", "bands"}
GRADE_KEYS: Final = {"grade", "from"}
INDICATOR_KEYS: Final = {"id", "level1", "level2", "name", "formula", "weight", "scoring"}
FORMULAS: Final = ("figure", "ratio", "sum")
SCORINGS: Final = ("proportional", "bands", "deduct")
FULL_MARKS: Final = 100  # 财预〔2020〕10号: the total is set at 100 points
MAX_INDICATORS: Final = 200


@dataclass(frozen=True)
class IndicatorFormula:
    """What an indicator measures: one figure, the ratio of two, or the sum of several."""

    kind: str  # one of FORMULAS
    names: tuple[str, ...]  # figure: one; ratio: numerator, denominator; sum: its parts

    def as_json(self) -> dict[str, Any]:
        return {self.kind: self.names[0] if self.kind == "figure" else list(self.names)}


@dataclass(frozen=True)
class ScoreBand:
    start: Fraction  # the band holds values from here up to the previous band's start
    share: Fraction  # of the weight, 0..1


@dataclass(frozen=True)
class ScoringRule:
    kind: str  # one of SCORINGS
    target: Fraction | None = None  # proportional
    per_unit: Fraction | None = None  # deduct
    bands: tuple[ScoreBand, ...] = ()  # bands, highest first

    def as_json(self) -> dict[str, Any]:
        if self.kind == "bands":
            return {"bands": [{"from": _number(b.start), "share": _number(b.share)}
                              for b in self.bands]}
        key, value = ("target", self.target) if self.kind == "proportional" \
            else ("per_unit", self.per_unit)
        return {self.kind: {key: None if value is None else _number(value)}}


@dataclass(frozen=True)
class Indicator:
    id: str
    level1: Text  # 一级指标 (产出指标, 效益指标, ...)
    level2: Text  # 二级指标 (数量指标, 质量指标, 时效指标, ...)
    name: Text
    formula: IndicatorFormula
    weight: Fraction
    scoring: ScoringRule


@dataclass(frozen=True)
class GradeBand:
    grade: Text
    start: Fraction  # a total from here (inclusive) up to the previous band's start


@dataclass(frozen=True)
class IndicatorScheme:
    name: Text
    issuer: Text  # whose scheme it is
    source: Text
    example: bool
    grades: tuple[GradeBand, ...]  # highest first; the last starts at 0
    grades_source: Text
    indicators: tuple[Indicator, ...]
    sha256: str  # of the file's bytes
    file: str

    @property
    def figures(self) -> set[str]:
        return {name for i in self.indicators for name in i.formula.names}


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def load_scheme(path: Path, known: Collection[str]) -> IndicatorScheme:
    """Load and check a scheme file against the figure names ``known``; raise RulesError
    with every problem found, each at its file, indicator and key."""
    file = path.as_posix()
    try:
        data = read_rule_bytes(path)
        raw = load_yaml(data.decode("utf-8"), shipped=shipped(path))
    except StrictLoadError as exc:
        raise RulesError([Problem.in_rules(file, f"cannot read the indicator scheme: {exc}",
                                           line=exc.line)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError([Problem.in_rules(file, f"cannot read the indicator scheme: {exc}")]
                         ) from None
    scheme, problems = collect(_scheme(raw, file, known, hashlib.sha256(data).hexdigest()))
    if problems or scheme is None:
        raise RulesError(problems)
    return scheme


def _at(file: str, indicator: str | None = None) -> At:
    def problem(field: str, message: str) -> Problem:
        return Problem.in_rules(file, message, rule=indicator, field=field,
                                kind="indicator")
    return problem


def _text(raw: Any, where: str, at: At) -> Found[Text | None]:
    text = Text.parse(raw)
    if text is None:
        yield at(where, "a text in both languages: {zh: ..., en: ...}")
    return text


def _fraction(raw: Any, where: str, at: At, low: int = 0, high: int | None = None,
              what: str = "a number") -> Found[Fraction | None]:
    """A number written in the file, exactly (0.1 is one tenth), between low and high."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        yield at(where, what)
        return None
    wrong = number_problem(raw)
    if wrong is not None:
        yield at(where, wrong)
        return None
    value = Fraction(Decimal(repr(raw)))
    if value < low or (high is not None and value > high):
        yield at(where, f"{what} from {low} to {high}" if high is not None
                 else f"{what}, {low} or more")
        return None
    return value


def _scheme(raw: Any, file: str, known: Collection[str], sha256: str
            ) -> Found[IndicatorScheme | None]:
    at = _at(file)
    if not isinstance(raw, dict):
        yield at("", "an indicator scheme is a mapping with "
                 f"{', '.join(sorted(SCHEME_KEYS))}")
        return None
    yield from unknown_keys(raw, SCHEME_KEYS, at)
    for key in sorted(SCHEME_KEYS - set(raw)):
        yield at(key, "missing")
    name = yield from _text(raw.get("name"), "name", at)
    issuer = yield from _text(raw.get("issuer"), "issuer", at)
    source = yield from _text(raw.get("source"), "source", at)
    example = raw.get("example")
    if not isinstance(example, bool):
        yield at("example", "true (an example scheme) or false")
    grades = yield from _grades(raw.get("grades"), at)
    indicators = yield from _indicators(raw.get("indicators"), file, known)
    if None in (name, issuer, source, grades, indicators) or not isinstance(example, bool):
        return None
    assert name and issuer and source and grades and indicators is not None
    return IndicatorScheme(name, issuer, source, example, grades[0], grades[1],
                           indicators, sha256, file)


def _grades(raw: Any, at: At) -> Found[tuple[tuple[GradeBand, ...], Text] | None]:
    if not isinstance(raw, dict):
        yield at("grades", "grades is {source: {zh, en}, bands: [{grade: {zh, en}, from: N}, "
                 "...]}")
        return None
    shape = list(unknown_keys(raw, GRADES_KEYS, at, under="grades"))
    yield from shape
    source = yield from _text(raw.get("source"), "grades.source", at)
    bands = raw.get("bands")
    if not isinstance(bands, list) or not bands:
        yield at("grades.bands", "a list of grades, highest first: {grade: {zh, en}, from: N}")
        return None
    found: list[GradeBand] = []
    wrong = bool(shape)
    for index, band in enumerate(bands):
        where = f"grades.bands[{index}]"
        if not isinstance(band, dict):
            yield at(where, "a grade is {grade: {zh, en}, from: N}")
            wrong = True
            continue
        more = list(unknown_keys(band, GRADE_KEYS, at, under=where))
        yield from more
        grade = yield from _text(band.get("grade"), f"{where}.grade", at)
        start = yield from _fraction(band.get("from"), f"{where}.from", at, 0, FULL_MARKS)
        if more or grade is None or start is None:
            wrong = True
            continue
        if found and start >= found[-1].start:
            yield at(f"{where}.from", "bands overlap or are out of order: each grade starts "
                     f"below the one before it ({_number(found[-1].start)})")
            wrong = True
        found.append(GradeBand(grade, start))
    if found and found[-1].start != 0:
        yield at(f"grades.bands[{len(bands) - 1}].from",
                 "the lowest grade starts at 0, so that every total has a grade")
        wrong = True
    return None if wrong or source is None else (tuple(found), source)


def _indicators(raw: Any, file: str, known: Collection[str]
                ) -> Found[tuple[Indicator, ...] | None]:
    at = _at(file)
    if not isinstance(raw, list) or not raw:
        yield at("indicators", "a list of indicators")
        return None
    if len(raw) > MAX_INDICATORS:
        yield at("indicators", f"at most {MAX_INDICATORS} indicators")
        return None
    found: dict[str, Indicator] = {}
    seen: set[str] = set()
    wrong = False
    for index, item in enumerate(raw):
        name = item["id"] if isinstance(item, dict) and isinstance(item.get("id"), str) \
            and item["id"].strip() else f"#{index + 1}"
        if name in seen:
            yield _at(file, name)("id", f"duplicate indicator id (indicator #{index + 1})")
            wrong = True
            continue
        seen.add(name)
        indicator = yield from _indicator(item, _at(file, name), known)
        if indicator is None:
            wrong = True
        else:
            found[name] = indicator
    if wrong:
        return None
    total = sum((i.weight for i in found.values()), Fraction(0))
    if total != FULL_MARKS:
        yield at("indicators", f"the weights add up to {_number(total)}, not {FULL_MARKS}")
        return None
    return tuple(found.values())


def _indicator(raw: Any, at: At, known: Collection[str]) -> Found[Indicator | None]:
    if not isinstance(raw, dict):
        yield at("", f"an indicator is a mapping with {', '.join(sorted(INDICATOR_KEYS))}")
        return None
    shape = list(unknown_keys(raw, INDICATOR_KEYS, at))
    shape += [at(key, "missing") for key in sorted(INDICATOR_KEYS - set(raw))]
    yield from shape
    if shape:
        return None
    if not isinstance(raw["id"], str) or not raw["id"].strip():
        yield at("id", "an indicator id is a text")
    level1 = yield from _text(raw["level1"], "level1", at)
    level2 = yield from _text(raw["level2"], "level2", at)
    name = yield from _text(raw["name"], "name", at)
    formula = yield from _formula(raw["formula"], at, known)
    weight = yield from _fraction(raw["weight"], "weight", at, 0, FULL_MARKS,
                                  "a weight (points of the 100)")
    if weight == 0:
        yield at("weight", "a weight above 0")
        weight = None
    scoring = yield from _scoring(raw["scoring"], at)
    if None in (level1, level2, name, formula, weight, scoring) or \
            not isinstance(raw["id"], str) or not raw["id"].strip():
        return None
    assert level1 and level2 and name and formula and weight and scoring
    return Indicator(raw["id"], level1, level2, name, formula, weight, scoring)


def _one_key(raw: Any, kinds: tuple[str, ...], where: str, at: At) -> Found[str | None]:
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in kinds:
        shown = next(iter(raw)) if isinstance(raw, dict) and len(raw) == 1 else None
        yield at(where, (f"unknown {where} kind {shown!r}; " if shown is not None else "")
                 + f"one of: {', '.join(kinds)}, as {{KIND: ...}}")
        return None
    return str(next(iter(raw)))


def _formula(raw: Any, at: At, known: Collection[str]) -> Found[IndicatorFormula | None]:
    kind = yield from _one_key(raw, FORMULAS, "formula", at)
    if kind is None:
        return None
    value = raw[kind]
    where = f"formula.{kind}"
    names = (value,) if kind == "figure" else value
    size_ok = {"figure": True, "ratio": isinstance(names, list) and len(names) == 2,
               "sum": isinstance(names, list) and len(names) >= 2}[kind]
    if not size_ok or not all(isinstance(n, str) for n in names):
        yield at(where, {"figure": "the name of a figure",
                         "ratio": "[NUMERATOR, DENOMINATOR], two names of figures",
                         "sum": "a list of two or more names of figures"}[kind])
        return None
    unknown = [n for n in names if n not in known]
    for n in unknown:
        near = nearest(n, known)
        yield at(where, f"unknown figure {n!r}" + (f"; did you mean {near!r}?" if near else
                                                   " (docs/indicator-scheme.md lists them)"))
    return None if unknown else IndicatorFormula(kind, tuple(names))


def _scoring(raw: Any, at: At) -> Found[ScoringRule | None]:
    kind = yield from _one_key(raw, SCORINGS, "scoring", at)
    if kind is None:
        return None
    value, where = raw[kind], f"scoring.{kind}"
    if kind == "bands":
        return (yield from _score_bands(value, where, at))
    key = "target" if kind == "proportional" else "per_unit"
    if not isinstance(value, dict) or set(value) != {key}:
        yield at(where, f"{{{key}: N}}")
        return None
    number = yield from _fraction(value[key], f"{where}.{key}", at)
    if number == 0:
        yield at(f"{where}.{key}", "a number above 0")
        return None
    if number is None:
        return None
    return ScoringRule(kind, target=number) if kind == "proportional" \
        else ScoringRule(kind, per_unit=number)


def _score_bands(raw: Any, where: str, at: At) -> Found[ScoringRule | None]:
    if not isinstance(raw, list) or not raw:
        yield at(where, "a list of bands, highest first: {from: VALUE, share: 0..1}")
        return None
    bands: list[ScoreBand] = []
    wrong = False
    for index, band in enumerate(raw):
        here = f"{where}[{index}]"
        if not isinstance(band, dict) or set(band) != {"from", "share"}:
            yield at(here, "a band is {from: VALUE, share: 0..1}")
            wrong = True
            continue
        start = yield from _fraction(band["from"], f"{here}.from", at)
        share = yield from _fraction(band["share"], f"{here}.share", at, 0, 1)
        if start is None or share is None:
            wrong = True
            continue
        if bands and start >= bands[-1].start:
            yield at(f"{here}.from", "bands overlap or are out of order: each band starts "
                     f"below the one before it ({_number(bands[-1].start)})")
            wrong = True
        bands.append(ScoreBand(start, share))
    return None if wrong else ScoringRule("bands", bands=tuple(bands))


def shipped_scheme() -> Path:
    """The example scheme shipped with the package: what ``evaluate`` scores by default."""
    return rules_dir() / "indicators" / "example.yaml"
