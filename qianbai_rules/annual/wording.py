"""What the annual report says in words rather than in figures, once for every format: the
line at its top that explains the evaluated year or the as-of date against the plan's
period, and the technical note (技术附注) that closes it with what a reader needs only to
reproduce the run (ruleset, plan file, engine, version, the parameter values and their dates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath

from qianbai_rules.annual.evaluation import cutoff
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.core.problems import Lang
from qianbai_rules.texts.formats import quantity, written_date
from qianbai_rules.texts.labels import label


def notice(report: AnnualReport, lang: Lang, today: dt.date | None = None) -> str | None:
    """One line when the evaluated year lies outside the plan's period (read from the plan)
    or the figures stop at another day than 31 December of the year; None otherwise."""
    plan, year, as_of = report.plan, report.year, report.header.as_of
    span = {"year": year, "start": plan.start.year, "end": plan.end.year}
    parts = []
    if year > plan.end.year:
        parts.append(label("annual.notice.after", lang, **span))
    elif year < plan.start.year:
        parts.append(label("annual.notice.before", lang, **span))
    year_end = dt.date(year, 12, 31)
    counted_to = cutoff(year, as_of)
    if counted_to < year_end:
        key = "today" if counted_to == (today or dt.date.today()) else "earlier"
        parts.append(label(f"annual.notice.{key}", lang, year=year,
                           as_of=written_date(counted_to, lang)))
    elif as_of > year_end:
        parts.append(label("annual.notice.later", lang, as_of=written_date(as_of, lang),
                           end=written_date(year_end, lang)))
    return label("annual.notice.separator", lang).join(parts) or None


@dataclass(frozen=True)
class TechnicalNote:
    """The 技术附注: facts as (label, value), then the parameter values applied."""

    heading: str
    facts: list[tuple[str, str]]
    parameters_heading: str
    parameters: list[dict[str, str]]  # name (the parameter's key), value, since


def technical_note(report: AnnualReport, lang: Lang) -> TechnicalNote:
    header, plan = report.header, report.plan
    ruleset = header.ruleset

    def said(key: str, **values: object) -> str:
        return label(f"annual.tech.{key}", lang, **values)

    facts = [
        (said("ruleset"), said("ruleset_value", name=ruleset.name, version=ruleset.version,
                               rules=ruleset.rules)),
        (said("fingerprint"), ruleset.fingerprint),
        (said("plan"), said("plan_value", file=plan.file, fingerprint=plan.fingerprint)),
        (said("engine"), header.engine),
        (said("version"), f"qianbai-rules {header.version}"),
    ]
    if report.funds is not None and report.funds.file is not None:  # where the funds came from
        digest = report.funds.sha256
        facts.append((label("annual_funds.tech", lang), said(
            "plan_value", file=report.funds.file,
            fingerprint=label("annual_funds.unreadable", lang) if digest is None
            else f"sha256:{digest}")))
    if report.score is not None:  # whose indicator scheme scored the evaluation
        scheme = report.score.scheme
        facts.append((label("annual_score.tech", lang), label(
            "annual_score.tech_value", lang, file=PurePath(scheme.file).name,
            digest=f"sha256:{scheme.sha256}")))
    parameters = [{"name": str(p["name"]), "value": quantity(p["value"]),
                   "since": written_date(dt.date.fromisoformat(p["since"]), lang)}
                  for p in ruleset.parameters]
    return TechnicalNote(said("heading"), facts,
                         said("parameters", as_of=written_date(header.as_of, lang)), parameters)
