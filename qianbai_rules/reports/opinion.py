"""The 检查意见书 (and, on a re-inspection, the 复查意见书): the inspector audience's
document of one record, as the HTML, Markdown and PDF templates show it.

Built from the record's report (:class:`~.model.RecordReport`, with the marks of the
inspection, attestations and waivers and the follow-up of earlier items) and the run.
What the inspection file leaves out is a blank to fill in and asked for in a note, never
invented; the deadlines come from :mod:`qianbai_rules.pipeline.rectify`; who is reported to
is the inspecting unit, else the plan's lead department (the ruleset's first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qianbai_rules.compile.compiled import CompiledRuleset, Status
from qianbai_rules.core.problems import Lang
from qianbai_rules.model.inspection import Inspection, Method
from qianbai_rules.pipeline import rectify
from qianbai_rules.pipeline.marks import Marks
from qianbai_rules.reports.model import Finding, FindingSection, RecordReport
from qianbai_rules.reports.opinion_follow import FollowUpView, follow_up_view
from qianbai_rules.reports.opinion_marks import (
    AttestedMark,
    EvidenceFile,
    WaiverMark,
    attested_mark,
    evidence_files,
    waiver_mark,
)
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import label

MIN_INSPECTORS = 2  # signature lines: at least two inspectors sign (blank lines where unnamed)


@dataclass(frozen=True)
class Particular:
    """One fact of the inspection at the head of the document; None is a blank to fill."""

    key: str  # number, unit, date, methods, inspectors
    label: str
    value: str | None


@dataclass(frozen=True)
class FixItem:
    """One numbered item to put right, with its deadline (None: to be filled in)."""

    finding: Finding
    deadline: str | None
    due: dt.date | None
    readings: list[str]  # the deadline's readings where it is the default period (执行口径)


@dataclass(frozen=True)
class Opinion:
    """One facility's 检查意见书 / 复查意见书."""

    report: RecordReport
    particulars: list[Particular]
    ask: str  # the note asking for what the inspection file leaves out; empty if nothing
    conclusion: str
    fix: list[FixItem]
    supply: list[Finding]
    advice: list[Finding]
    attested: dict[str, AttestedMark]  # by rule id
    waived: dict[str, WaiverMark]  # by rule id
    sections: list[FindingSection]  # the applicable findings, in the plan's order
    not_applicable: str  # the one line on the rules that do not apply; empty if none
    inspectors: list[str | None]  # one signature line each, None unnamed
    receiver: str | None
    date: str | None  # the inspection date, written
    copy_to: list[str]
    follow_up: FollowUpView | None  # the 复查 part, on a re-inspection
    evidence: list[EvidenceFile]  # for the appendix

    @property
    def reinspection(self) -> bool:
        return self.follow_up is not None

    @property
    def marked(self) -> list[Finding]:
        """The findings an attestation or a waiver speaks of, in the plan's order."""
        return [f for f in self.report.findings if f.rule in self.attested or f.rule in self.waived]

    @property
    def title(self) -> str:
        return self.report.title

    @property
    def id(self) -> str:
        return self.report.id


def _particulars(inspection: Inspection | None, lang: Lang) -> list[Particular]:
    def of(key: str, value: str | None) -> Particular:
        return Particular(key, label(f"opinion.{key}", lang), value or None)

    if inspection is None:
        return [of(key, None) for key in ("number", "unit", "date", "methods", "inspectors")]
    used = {inspection.method, *(item.method for item in inspection.items.values())}
    shown = [label(f"opinion.method.{m.value}", lang) for m in Method if m in used]  # in the
    # methods' own order, never the file's: the document is the same however its items come
    return [of("number", inspection.number), of("unit", inspection.unit),
            of("date", formats.written_date(inspection.date, lang) if inspection.date else None),
            of("methods", formats.listing(shown, lang)),
            of("inspectors", formats.listing(inspection.inspectors, lang))]


def _ask(particulars: list[Particular], receiver: str | None, lang: Lang) -> str:
    missing = [p.label for p in particulars if p.value is None]
    if receiver is None:
        missing.append(label("opinion.receiver", lang))
    return label("opinion.ask", lang, items=formats.listing(missing, lang)) if missing else ""


def _fix(report: RecordReport, compiled: CompiledRuleset, inspection: Inspection | None,
         opened_on: dt.date) -> list[FixItem]:
    items = []
    period = compiled.ruleset.parameters.get(rectify.PERIOD)
    period_readings = list(period.readings) if period is not None else []
    follow_up = report.follow_up
    # an item opened before and still open keeps the deadline it was given then
    carried = {item.rule: item.deadline for item in (*follow_up.still_open, *follow_up.overdue)} \
        if follow_up is not None else {}
    for finding in report.findings:
        if finding.status != Status.failed.value:
            continue
        rule = compiled.by_id[finding.rule].rule
        if not rectify.opens_item(compiled.ruleset, rule, Status.failed, opened_on):
            continue
        due = None if finding.rule in carried else \
            rectify.deadline(compiled.ruleset, report.marks, finding.rule, opened_on)
        day = carried.get(finding.rule, due.on if due is not None else None)
        items.append(FixItem(finding, formats.written_date(day, report.lang) if day else None, day,
                             period_readings if due is not None and due.reading else []))
    return items


def _lead_unit(compiled: CompiledRuleset, lang: Lang) -> str:
    """The plan's lead department (the ruleset's first), by its name on the as-of date."""
    return next(iter(compiled.department_names.values()))(lang)


def _conclusion(report: RecordReport, marks: Marks | None, fix: list[FixItem],
                unit: str, lang: Lang) -> str:
    subject = label(f"opinion.subject.{report.facility_type}", lang)
    late = {item.rule for item in report.follow_up.overdue} if report.follow_up else set()
    dues = [item.due for item in fix if item.due is not None and item.finding.rule not in late]
    overdue = sum(1 for item in fix if item.finding.rule in late)
    waived = {rule for rule, use in (marks.waived.items() if marks else ()) if use.counts}
    sentences: list[str] = []
    if report.verdict == "non_compliant":
        count = sum(1 for f in report.fix if f.rule not in waived)
        sentences.append(label("opinion.conclusion.non_compliant", lang, subject=subject,
                               count=count, request=_request("fix", dues, lang), unit=unit))
        if overdue:
            sentences.append(label("opinion.conclusion.overdue", lang, count=overdue))
        excused = sum(1 for f in (*report.fix, *report.supply) if f.rule in waived)
        if excused:
            sentences.append(label("opinion.conclusion.also_waived", lang, count=excused))
        supply = sum(1 for f in report.supply if f.rule not in waived)
        if supply:
            sentences.append(label("opinion.conclusion.also_supply", lang, count=supply))
    elif report.verdict == "incomplete":
        count = sum(1 for f in report.supply if f.rule not in waived)
        sentences.append(label("opinion.conclusion.incomplete", lang, subject=subject,
                               count=count, unit=unit))
    elif waived and marks is not None and marks.unwaived not in (None, report.verdict):
        until = [marks.waived[r].waiver.expires_on for r in waived]
        sentences.append(label("opinion.conclusion.waived", lang, subject=subject,
                               count=len(waived), unit=unit,
                               request=_request("fix_or_supply", [*until, *dues], lang)))
    else:
        sentences.append(label("opinion.conclusion.compliant", lang, subject=subject))
    advice = [f for f in report.improve if f.rule not in {i.finding.rule for i in fix}]
    if advice:
        sentences.append(label("opinion.conclusion.also_advice", lang, count=len(advice)))
    return "".join(sentences) if lang == "zh" else " ".join(sentences)


def _request(what: str, dues: list[dt.date], lang: Lang) -> str:
    """By when to act: the one deadline of every item, or, where they differ, the items'
    own deadlines with the earliest named (never more time than the first item has)."""
    if not dues:
        return label(f"opinion.request.{what}.one", lang, deadline=label("opinion.blank", lang))
    staged = "one" if len(set(dues)) == 1 else "staged"
    return label(f"opinion.request.{what}.{staged}", lang,
                 deadline=formats.written_date(min(dues), lang))


def _copy_to(report: RecordReport, fix: list[FixItem]) -> list[str]:
    names: list[str] = []
    for finding in [*(item.finding for item in fix), *report.supply]:
        names += [finding.department, *(finding.assisted_by or [])]
    street = report.flat.get("street_town")
    if isinstance(street, str) and street:
        names.append(street)
    return list(dict.fromkeys(names))


def opinion(report: RecordReport, compiled: CompiledRuleset) -> Opinion:
    """The 检查意见书 of ``report`` (its 复查意见书 when it follows up earlier items)."""
    lang = report.lang
    marks = report.marks
    inspection = marks.inspection if marks else None
    opened_on = inspection.date if inspection and inspection.date else compiled.as_of
    particulars = _particulars(inspection, lang)
    receiver = inspection.receiver if inspection else None
    fix = _fix(report, compiled, inspection, opened_on)
    fixed = {item.finding.rule for item in fix}
    unit = inspection.unit if inspection and inspection.unit else _lead_unit(compiled, lang)
    applicable = [FindingSection(s.clause, s.title, kept) for s in report.sections
                  if (kept := [f for f in s.findings if f.status != "not_applicable"])]
    na = report.counts["not_applicable"]
    named = list(inspection.inspectors) if inspection else []
    follow = report.follow_up
    return Opinion(
        report=report, particulars=particulars, ask=_ask(particulars, receiver, lang),
        conclusion=_conclusion(report, marks, fix, unit, lang), fix=fix,
        supply=report.supply, advice=[f for f in report.improve if f.rule not in fixed],
        attested={rule: attested_mark(use, lang) for rule, use in marks.attested.items()}
        if marks else {},
        waived={rule: waiver_mark(use, lang) for rule, use in marks.waived.items()}
        if marks else {},
        sections=applicable,
        not_applicable=label("opinion.not_applicable", lang, count=na) if na else "",
        inspectors=[*named, *[None] * (MIN_INSPECTORS - len(named))],
        receiver=receiver,
        date=formats.written_date(inspection.date, lang) if inspection and inspection.date
        else None,
        copy_to=_copy_to(report, fix),
        follow_up=follow_up_view(follow, report, compiled.as_of)
        if follow is not None and follow.is_reinspection else None,
        evidence=evidence_files(marks.attested.values()) if marks else [])
