"""What the check reports say of the run in words: the as-of date and the subsidy year as
written, why that date (a line when it was not given, or lies outside the plan's period),
the parameters by their names, and the technical facts for the 技术附注 at the end.

Made once per run; the templates read it as ``about``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from qianbai_rules.core.problems import Lang, RulesError
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.rules.parameters import AppliedValue
from qianbai_rules.rules.plan import load_plan
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import label


@dataclass(frozen=True)
class ParameterRow:
    """One applied parameter value, for a reader (``name``) and for the 技术附注 (``key``)."""

    key: str
    name: str
    value: str
    since: str
    reference: str
    readings: list[str]

    def slots(self) -> dict[str, Any]:
        """Its values by name, for a label's slots."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class RunAbout:
    as_of: str  # 2019年12月31日
    year: str  # 2019年
    note: str  # the as-of date explained, one line; empty when there is nothing to say
    parameters: list[ParameterRow]
    names: dict[str, str]  # parameter key -> its name, for the readings' 相关参数
    version: str


@cache
def plan_period(root: Path) -> tuple[dt.date, dt.date] | None:
    """The period of the plan beside the rules (``plans/*.yaml``, the first by name); None
    where the rule folder has no plan that loads."""
    plans = sorted((root / "plans").glob("*.yaml")) if (root / "plans").is_dir() else []
    if not plans:
        return None
    try:
        plan = load_plan(plans[0])
    except RulesError:
        return None
    return plan.start, plan.end


def as_of_note(as_of: dt.date, year: int, given: bool, period: tuple[dt.date, dt.date] | None,
               lang: Lang, today: dt.date | None = None) -> str:
    """One line on the as-of date: that it defaulted (to today, or to the end of the
    year), and where it, or the year, lies outside the plan's period."""
    written = formats.written_date(as_of, lang)
    notes = []
    if not given:
        key = "as_of_today" if as_of == (today or dt.date.today()) else "as_of_year_end"
        notes.append(label(f"text.{key}", lang, date=written))
    if period is not None:
        start, end = period
        span = {"start": start.year, "end": end.year}
        if as_of > end:
            notes.append(label("text.as_of_after", lang, date=written, **span))
        elif as_of < start:
            notes.append(label("text.as_of_before", lang, date=written, **span))
        elif year > end.year:
            notes.append(label("text.year_after", lang, year=year, **span))
        elif year < start.year:
            notes.append(label("text.year_before", lang, year=year, **span))
    return label("punct.semicolon", lang).join(notes)


def parameter_names(ruleset: Ruleset, lang: Lang) -> dict[str, str]:
    """Each parameter's name in words (its description), by key."""
    return {name: p.description(lang) for name, p in ruleset.parameters.items()}


def _row(applied: AppliedValue, lang: Lang) -> ParameterRow:
    parameter = applied.parameter
    return ParameterRow(parameter.name, parameter.description(lang),
                        formats.measure(applied.value, parameter.unit, lang),
                        formats.written_date(applied.since, lang), applied.reference,
                        list(parameter.readings))


def run_about(context: RunContext, version: str) -> RunAbout:
    compiled = context.compiled
    lang = context.lang
    return RunAbout(
        formats.written_date(context.as_of, lang), label("text.year_value", lang, year=context.year),
        as_of_note(context.as_of, context.year, context.as_of_given,
                   plan_period(compiled.ruleset.root), lang, context.today),
        [_row(a, lang) for a in compiled.applied], parameter_names(compiled.ruleset, lang),
        version)
