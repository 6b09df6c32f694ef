"""The district departments of 三（二）责任分工, as rule data (``ruleset.yaml``).

Each department has the plan's words for its duty and its names by the date they take
effect, so that a later reorganisation (a renamed bureau) is recorded in data and shown
from its date on, without touching the rules that name the department by its code::

    departments:
      health:
        duty: {zh: 负责医养结合和卫生应急工作, en: combining medical and elderly care; ...}
        names:
          2018-12-04: {zh: 区卫生计生委, en: District Health and Family Planning Commission}
          2019-03-01: {zh: 区卫生健康委, en: District Health Commission}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from qianbai_rules.core.problems import Found, Problem, Text, collect, unknown_keys
from qianbai_rules.core.yamlio import as_date

DEPARTMENT_KEYS: Final = {"duty", "names"}


@dataclass(frozen=True)
class Department:
    code: str
    duty: Text  # the plan's words (三（二）), with an English gloss
    names: tuple[tuple[dt.date, Text], ...]  # sorted by the date each name takes effect

    def name(self, day: dt.date) -> Text:
        """The name in effect on ``day``; before the first date, the first name."""
        current = self.names[0][1]
        for since, name in self.names:
            if since <= day:
                current = name
        return current


def names_on(departments: Mapping[str, Department], day: dt.date) -> dict[str, Text]:
    """Every department's name in effect on ``day``, by code."""
    return {code: department.name(day) for code, department in departments.items()}


def parse_departments(raw: Any, file: str) -> Found[dict[str, Department]]:
    if not isinstance(raw, dict) or not raw:
        yield Problem.in_rules(file, "departments maps codes to {duty: {zh, en}, names: "
                                     "{DATE: {zh, en}}}", field="departments")
        return {}
    found: dict[str, Department] = {}
    for code, body in raw.items():
        department, problems = collect(_department(str(code), body, file))
        yield from problems
        if department is not None and not problems:
            found[department.code] = department
    return found


def _department(code: str, body: Any, file: str) -> Found[Department | None]:
    where = f"departments.{code}"

    def problem(field: str, message: str) -> Problem:
        return Problem.in_rules(file, message, field=field)

    if not isinstance(body, dict):
        yield problem(where, "a department is {duty: {zh, en}, names: {DATE: {zh, en}}}")
        return None
    yield from unknown_keys(body, DEPARTMENT_KEYS, problem, under=where)
    duty = Text.parse(body.get("duty"))
    if duty is None:
        yield problem(f"{where}.duty",
                      "the department's duty in the plan's words needs zh and en texts")
    raw_names = body.get("names")
    names: list[tuple[dt.date, Text]] = []
    if not isinstance(raw_names, dict) or not raw_names:
        yield problem(f"{where}.names", "names maps the date a name takes effect to zh and en names")
    else:
        for key, value in raw_names.items():
            since = as_date(key)
            name = Text.parse(value)
            if since is None:
                yield problem(f"{where}.names.{key}", f"{key!r} is not a date (YYYY-MM-DD)")
            elif name is None:
                yield problem(f"{where}.names.{key}", "needs zh and en names")
            else:
                names.append((since, name))
    if duty is None or not names:
        return None
    return Department(code, duty, tuple(sorted(names, key=lambda item: item[0])))
