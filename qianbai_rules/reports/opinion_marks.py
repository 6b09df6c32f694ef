"""How the 检查意见书 marks an attested rule (现场核查) and a waived one (限期整改 /
容缺受理): one worded line each, with what the mark did on the as-of date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qianbai_rules.core.problems import Lang
from qianbai_rules.model.inspection import Evidence
from qianbai_rules.pipeline.marks import AttestedUse, Standing, WaiverUse
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import label


@dataclass(frozen=True)
class AttestedMark:
    counts: bool
    line: str  # 现场核查：符合（现场查看，检查人员张三，2019年12月20日）
    evidence: str | None  # 依据：……
    note: str | None
    discrepancy: str | None  # where the record said the opposite
    standing: str | None  # why it does not count, where it does not


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file by its name and SHA-256, for the appendix (a technical fact)."""

    rule: str
    name: str
    sha256: str


@dataclass(frozen=True)
class WaiverMark:
    counts: bool
    expired: bool
    line: str  # 限期整改：王五于……批准，期限至……（理由）
    standing: str  # 期限内不计入结论 / 已过期，恢复计入 / ……


def _evidence(evidence: Evidence | None, lang: Lang) -> str | None:
    if evidence is None:
        return None
    parts = []
    if evidence.name is not None:
        parts.append(label("opinion.evidence_file", lang, name=evidence.name)
                     if evidence.sha256 else evidence.name)
    if evidence.reference is not None:
        parts.append(evidence.reference)
    return label("opinion.evidence", lang, evidence=formats.listing(parts, lang)) if parts else None


def attested_mark(use: AttestedUse, lang: Lang) -> AttestedMark:
    found = use.attestation
    line = label("opinion.attested", lang, status=label(f"status.{found.status.value}", lang),
                 method=label(f"opinion.method.{found.method.value}", lang),
                 inspector=found.inspector, date=formats.written_date(found.date, lang))
    discrepancy = label("opinion.discrepancy", lang,
                        recorded=label(f"status.{use.recorded.value}", lang)) \
        if use.discrepancy else None
    standing = None
    if use.standing is Standing.expired and found.expires is not None:
        standing = label("opinion.attested_expired", lang,
                         date=formats.written_date(found.expires, lang))
    elif use.standing is not Standing.counts:
        standing = label(f"opinion.attested_{use.standing.value}", lang)
    return AttestedMark(use.counts, line, _evidence(found.evidence, lang), found.note,
                        discrepancy, standing)


def waiver_mark(use: WaiverUse, lang: Lang) -> WaiverMark:
    waiver = use.waiver
    line = label("opinion.waiver", lang, kind=label(f"opinion.kind.{waiver.kind.value}", lang),
                 approver=waiver.approver,
                 approved=formats.written_date(waiver.approved_on, lang),
                 until=formats.written_date(waiver.expires_on, lang),
                 justification=waiver.justification)
    key = {Standing.counts: "waiver_counts", Standing.expired: "waiver_expired"}.get(
        use.standing, "waiver_not_yet")
    return WaiverMark(use.counts, use.standing is Standing.expired, line,
                      label(f"opinion.{key}", lang))


def evidence_files(uses: Iterable[AttestedUse]) -> list[EvidenceFile]:
    """The evidence files of the attestations, each with its SHA-256."""
    return [EvidenceFile(use.attestation.rule, evidence.name, evidence.sha256)
            for use in uses if (evidence := use.attestation.evidence) is not None
            and evidence.name is not None and evidence.sha256 is not None]
