"""A district's construction plan as data: targets by year and type, streets and pilots.

The shipped plan is ``rules/plans/jiangbei-2018-2020.yaml``; another district's plan is
just another file in the same format (see the comments in that file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from qianbai_rules.core.problems import Found, Problem, RulesError, Text, collect, unknown_keys
from qianbai_rules.core.resources import read_rule_bytes, shipped
from qianbai_rules.core.yamlio import StrictLoadError, as_date, load_yaml
from qianbai_rules.model.codes import FacilityType

PLAN_KEYS: Final = {"name", "source", "district", "period", "types", "targets", "streets"}
STREET_KEYS: Final = {"total", "by_year", "pilot"}
PILOT_KEYS: Final = {"type", "year"}
TYPES: Final = tuple(t.value for t in FacilityType)

Counts = dict[str, int]


@dataclass(frozen=True)
class Pilot:
    type: str
    year: int


@dataclass(frozen=True)
class StreetPlan:
    name: str
    total: Counts
    by_year: dict[int, Counts] = field(default_factory=dict)
    pilot: Pilot | None = None

    def target_by(self, year: int) -> Counts | None:
        """The cumulative target at the end of ``year`` where the plan gives years."""
        if not self.by_year:
            return None
        return _sum(c for y, c in self.by_year.items() if y <= year)


@dataclass(frozen=True)
class Plan:
    name: Text
    source: str
    district: str
    start: dt.date
    end: dt.date
    types: tuple[str, ...]
    targets: dict[int, Counts]  # to complete in each year
    streets: dict[str, StreetPlan]
    fingerprint: str
    file: str

    def cumulative(self, year: int) -> Counts:
        """Facilities to have completed by the end of ``year``."""
        return _sum(c for y, c in self.targets.items() if y <= year)


def _nonzero(counts: Counts) -> Counts:
    return {kind: number for kind, number in counts.items() if number}


def _sum(counts: Any) -> Counts:
    total: Counts = {}
    for item in counts:
        for kind, number in item.items():
            total[kind] = total.get(kind, 0) + number
    return total


class _Parser:
    """The parts of a plan file, each a loader of problems (see problems.Found)."""

    def __init__(self, file: str) -> None:
        self.file = file

    def problem(self, where: str, message: str) -> Problem:
        return Problem.in_rules(self.file, message, field=where)

    def counts(self, raw: Any, where: str, types: tuple[str, ...]) -> Found[Counts]:
        if not isinstance(raw, dict):
            yield self.problem(where, "a mapping of facility type to a whole number")
            return {}
        found: Counts = {}
        for kind, number in raw.items():
            if kind not in types:
                yield self.problem(f"{where}.{kind}",
                                   f"not a type this plan counts: {', '.join(types)}")
            elif isinstance(number, bool) or not isinstance(number, int) or number < 0:
                yield self.problem(f"{where}.{kind}", "a whole number, 0 or more")
            else:
                found[kind] = number
        return found

    def years(self, raw: Any, where: str, types: tuple[str, ...]) -> Found[dict[int, Counts]]:
        if not isinstance(raw, dict):
            yield self.problem(where, "a mapping of year to counts by type")
            return {}
        found = {}
        for year, counts in raw.items():
            if isinstance(year, bool) or not isinstance(year, int):
                yield self.problem(f"{where}.{year}", "a year")
                continue
            found[year] = yield from self.counts(counts, f"{where}.{year}", types)
        return found

    def street(self, name: str, raw: Any, types: tuple[str, ...],
               first: int) -> Found[StreetPlan | None]:
        where = f"streets.{name}"
        if not isinstance(raw, dict) or not raw:
            yield self.problem(where, f"a mapping with {', '.join(sorted(STREET_KEYS))}")
            return None
        unknown = list(unknown_keys(raw, STREET_KEYS, self.problem, under=where))
        yield from unknown
        if unknown:
            return None
        by_year = (yield from self.years(raw["by_year"], f"{where}.by_year", types)) \
            if "by_year" in raw else {}
        total = (yield from self.counts(raw["total"], f"{where}.total", types)) if "total" in raw \
            else _sum(by_year.values())
        if by_year and _nonzero(total) != _nonzero(_sum(by_year.values())):
            yield self.problem(f"{where}.total", "the total differs from the sum of by_year")
        pilot = None
        if "pilot" in raw:
            pilot = yield from self.pilot(raw["pilot"], f"{where}.pilot", types, first)
        return StreetPlan(name, total, by_year, pilot)


    def pilot(self, spec: Any, where: str, types: tuple[str, ...],
              first: int) -> Found[Pilot | None]:
        """A street's pilot: ``{type: <a type of the plan>, year: <year>}``."""
        if not isinstance(spec, dict):
            yield self.problem(where, "pilot is {type: <a type of the plan>, year: <year>}")
            return None
        shape = list(unknown_keys(spec, PILOT_KEYS, self.problem, under=where))
        shape += [self.problem(f"{where}.{key}", "missing") for key in sorted(PILOT_KEYS - set(spec))]
        if "type" in spec and spec["type"] not in types:
            shape.append(self.problem(f"{where}.type", "pilot type is a type of the plan"))
        year = spec.get("year")
        if "year" in spec and (not isinstance(year, int) or isinstance(year, bool) or year < first):
            shape.append(self.problem(f"{where}.year", "pilot year is a year of the plan"))
        yield from shape
        return None if shape else Pilot(spec["type"], spec["year"])


def load_plan(path: Path) -> Plan:
    """Load and check a plan file; raise RulesError with every problem found."""
    file = path.as_posix()
    try:
        data = read_rule_bytes(path)
        raw = load_yaml(data.decode("utf-8"), shipped=shipped(path))
    except (OSError, UnicodeDecodeError, StrictLoadError) as exc:
        raise RulesError([Problem.in_rules(file, f"cannot read the plan: {exc}")]) from None
    if not isinstance(raw, dict):
        raise RulesError([Problem.in_rules(file, "a plan is a mapping")])
    plan, problems = collect(_plan(_Parser(file), raw, data))
    if problems or plan is None:
        raise RulesError(problems)
    return plan


def _plan(parser: _Parser, raw: dict[Any, Any], data: bytes) -> Found[Plan | None]:
    yield from unknown_keys(raw, PLAN_KEYS, parser.problem)
    for key in sorted(PLAN_KEYS - set(raw)):
        yield parser.problem(key, "missing")
    name = Text.parse(raw.get("name"))
    if name is None:
        yield parser.problem("name", "name needs zh and en")
    period = raw["period"] if isinstance(raw.get("period"), dict) else {}
    start, end = as_date(period.get("from")), as_date(period.get("to"))
    if start is None or end is None or end < start:
        yield parser.problem("period", "period is {from: YYYY-MM-DD, to: YYYY-MM-DD}")
        start = end = dt.date(1, 1, 1)
    types = raw.get("types")
    if not isinstance(types, list) or not types or any(t not in TYPES for t in types):
        yield parser.problem("types", f"types lists facility types: {', '.join(TYPES)}")
        types = []
    kinds = tuple(str(t) for t in types)
    targets = yield from parser.years(raw.get("targets", {}), "targets", kinds)
    streets = {}
    raw_streets = raw.get("streets")
    if not isinstance(raw_streets, dict):
        yield parser.problem("streets", "streets maps each street/town to its targets")
        raw_streets = {}
    for street, spec in raw_streets.items():
        plan = yield from parser.street(str(street), spec, kinds, start.year)
        if plan is not None:
            streets[str(street)] = plan
    if name is None:
        return None
    return Plan(
        name=name, source=str(raw.get("source")),
        district=str(raw.get("district")), start=start, end=end, types=kinds, targets=targets,
        streets=streets, fingerprint=f"sha256:{hashlib.sha256(data).hexdigest()}",
        file=parser.file,
    )
