"""Parameters: thresholds and amounts with values keyed by the date they take effect.

Layout (after OpenFisca): ``rules/parameters/<a>/<b>.yaml`` holds parameters named
``<a>.<b>.<key>``. Each has a description (zh, en), a unit, the plan section it comes
from (``reference``), and ``values`` keyed by ISO date; a value of ``null`` ends it. A parameter
that rests on one of the project's readings names it: ``reading: [RD-...]`` (readings.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qianbai_rules.core.limits import RULE_NUMBERS, number_problem
from qianbai_rules.core.problems import Found, Problem, Text, unknown_keys
from qianbai_rules.core.yamlio import as_date

PARAMETER_KEYS = {"description", "unit", "reference", "values", "reading"}
VALUE_KEYS = {"value", "reference"}
Scalar = int | float | str


@dataclass(frozen=True)
class DatedValue:
    since: dt.date
    value: Scalar | None
    reference: str


@dataclass(frozen=True)
class Parameter:
    name: str
    description: Text
    unit: str
    reference: str
    values: tuple[DatedValue, ...]  # sorted by date
    file: str
    readings: tuple[str, ...] = ()  # ids of the readings (readings.yaml) it carries

    def at(self, when: dt.date) -> DatedValue | None:
        """The value in force on a date, or None before the first or after an end."""
        current = None
        for item in self.values:
            if item.since <= when:
                current = item
        return current if current is not None and current.value is not None else None


@dataclass(frozen=True)
class AppliedValue:
    """A parameter value as applied on one date, for traceability in outputs."""

    parameter: Parameter
    value: Scalar
    since: dt.date
    reference: str

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": self.parameter.name, "value": self.value,
                                 "unit": self.parameter.unit, "since": self.since.isoformat(),
                                 "reference": self.reference}
        if self.parameter.readings:
            entry["readings"] = list(self.parameter.readings)
        return entry


def parse_parameter_file(path: Path, root: Path, doc: Any) -> Found[list[Parameter]]:
    file = path.as_posix()
    prefix = ".".join(path.relative_to(root).with_suffix("").parts)
    if not isinstance(doc, dict):
        yield Problem.in_rules(file, "a parameter file maps parameter names to definitions")
        return []
    found = []
    for key, body in doc.items():
        parameter = yield from _parse_parameter(f"{prefix}.{key}", body, file)
        if parameter is not None:
            found.append(parameter)
    return found


def _parse_parameter(name: str, body: Any, file: str) -> Found[Parameter | None]:
    def problem(field: str | None, message: str) -> Problem:
        return Problem.in_rules(file, message, rule=name, field=field, kind="parameter")

    if not isinstance(body, dict):
        yield problem(None, "a parameter is a mapping with description, unit, reference and values")
        return None
    yield from unknown_keys(body, PARAMETER_KEYS, problem)
    for key in ("description", "unit", "reference", "values"):
        if not body.get(key):
            yield problem(key, f"missing {key}")
    description = Text.parse(body.get("description"))
    if body.get("description") is not None and description is None:
        yield problem("description", "description needs zh and en texts")
    reference = str(body.get("reference") or "")
    readings = body.get("reading", [])
    if not isinstance(readings, list) or not all(isinstance(r, str) for r in readings) \
            or ("reading" in body and not readings):
        yield problem("reading", "reading lists the IDs of readings in readings.yaml")
        readings = []
    values: list[DatedValue] = []
    raw_values = body.get("values")
    if raw_values is not None and not isinstance(raw_values, dict):
        yield problem("values", "values maps effective dates (YYYY-MM-DD) to values")
        raw_values = None
    for key, raw in (raw_values or {}).items():
        since = as_date(key)
        if since is None:
            yield problem(f"values.{key}", f"value key {key!r} is not a date (YYYY-MM-DD)")
            continue
        value_reference = reference
        if isinstance(raw, dict):
            yield from unknown_keys(raw, VALUE_KEYS, problem, under=f"values.{since}")
            value_reference = str(raw.get("reference") or reference)
            raw = raw.get("value")
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int | float | str)):
            yield problem(f"values.{since}", f"value {raw!r} must be a number or a word")
            continue
        refused = number_problem(raw)
        if refused is not None:
            # Reported here; kept, so that the rules naming it are not reported too.
            yield problem(f"values.{since}", f"value {refused}: {RULE_NUMBERS}")
        values.append(DatedValue(since, raw, value_reference))
    if description is None or not values or not body.get("unit") or not reference:
        return None
    return Parameter(
        name=name,
        description=description,
        unit=str(body["unit"]),
        reference=reference,
        values=tuple(sorted(values, key=lambda v: v.since)),
        file=file,
        readings=tuple(readings),
    )
