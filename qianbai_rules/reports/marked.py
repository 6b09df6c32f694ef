"""A finding marked by the inspection's attestation or waiver of its rule: the attested
or waived finding is a copy of the shared one (:class:`~.findings.FindingWriter` hands
findings out to many records), with ``attested`` / ``waived`` in its JSON and one line for
people each (``mark_lines``), in the finding's language."""

from __future__ import annotations

import dataclasses
from typing import Any

from qianbai_rules.compile.compiled import Status
from qianbai_rules.core.problems import Lang
from qianbai_rules.pipeline.marks import AttestedUse, Marks, Standing, WaiverUse
from qianbai_rules.reports.model import Finding
from qianbai_rules.texts.formats import written_date
from qianbai_rules.texts.labels import label


def marked(findings: list[Finding], marks: Marks | None) -> list[Finding]:
    """The record's findings, those of attested or waived rules as marked copies."""
    if marks is None or not (marks.attested or marks.waived):
        return findings
    attested, waived = marks.attested, marks.waived
    return [mark(f, attested.get(f.rule), waived.get(f.rule))
            if f.rule in attested or f.rule in waived else f for f in findings]


def mark(finding: Finding, attested: AttestedUse | None, waived: WaiverUse | None) -> Finding:
    lines = []
    if attested is not None:
        lines.append(attested_line(attested, finding.lang))
    if waived is not None:
        lines.append(waived_line(waived, finding.status, finding.lang))
    return dataclasses.replace(
        finding, attested=attested_json(attested) if attested else None,
        waived=waived_json(waived) if waived else None, mark_lines=tuple(lines))


def attested_json(use: AttestedUse) -> dict[str, Any]:
    """``attested`` of a finding: the attestation, its standing, and the record's own
    status where the attestation that counts changed it."""
    entry = {**use.attestation.as_json(), "standing": use.standing.value}
    if use.counts and use.recorded.value != use.attestation.status.value:
        entry["recorded"] = use.recorded.value
    return entry


def waived_json(use: WaiverUse) -> dict[str, Any]:
    return {**use.waiver.as_json(), "standing": use.standing.value}


def attested_line(use: AttestedUse, lang: Lang) -> str:
    a = use.attestation
    detail = label("marks.note", lang, note=a.note) if a.note else ""
    evidence = a.evidence.reference or a.evidence.name if a.evidence else None
    if evidence:
        detail += label("marks.evidence", lang, evidence=evidence)
    discrepancy = label("marks.discrepancy", lang, recorded=label(
        f"marks.recorded.{use.recorded.value}", lang)) if use.discrepancy else ""
    standing = label(f"marks.attested_standing.{use.standing.value}", lang,
                     expires=written_date(a.expires, lang) if a.expires else "")
    return label("marks.attested", lang, date=written_date(a.date, lang), inspector=a.inspector,
                 method=label(f"marks.method.{a.method.value}", lang), detail=detail,
                 discrepancy=discrepancy, standing=standing)


def waived_line(use: WaiverUse, status: str, lang: Lang) -> str:
    w = use.waiver
    which = use.standing.value
    if use.standing is Standing.counts and status not in (Status.failed, Status.unknown):
        which = "moot"  # the rule is met: nothing for the waiver to keep out of the verdict
    return label(f"marks.waived.{which}", lang, kind=label(f"marks.kind.{w.kind.value}", lang),
                 short=label(f"marks.kind_short.{w.kind.value}", lang),
                 expires=written_date(w.expires_on, lang),
                 approved=written_date(w.approved_on, lang), approver=w.approver,
                 justification=w.justification)
