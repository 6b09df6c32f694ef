"""From the pipeline's result to the run report: one :class:`Reporter` per run and
language builds each record's :class:`~qianbai_rules.reports.model.RecordReport` once,
and every format renders that."""

from __future__ import annotations

from qianbai_rules.compile.compiled import CompiledRuleset
from qianbai_rules.core.problems import Lang
from qianbai_rules.pipeline.check import Evaluated
from qianbai_rules.reports.claims import Claims
from qianbai_rules.reports.findings import FindingWriter
from qianbai_rules.reports.marked import marked
from qianbai_rules.reports.model import RecordReport


class Reporter:
    """Builds the reports of one run's records (the findings, claims and entitlements kept
    between records)."""

    def __init__(self, compiled: CompiledRuleset, year: int, lang: Lang) -> None:
        self.compiled = compiled
        self.year = year
        self.lang = lang
        self.findings = FindingWriter(compiled, lang)
        self.claims = Claims(compiled, year, lang)
        self.section_titles = {clause: section.title(lang)
                               for clause, section in compiled.ruleset.sections.items()}

    def record(self, result: Evaluated) -> RecordReport:
        compiled, lang = self.compiled, self.lang
        record = result.record
        has_subsidies = bool(compiled.subsidy_rules)
        return RecordReport(
            id=record.id, name=record.name, facility_type=record.facility_type.value,
            source=result.source, verdict=result.verdict.value,
            findings=marked(self.findings.findings(result.statuses, result.flat), result.marks),
            subsidy=self.claims.subsidy(result.subsidies, result.flat) if has_subsidies else None,
            entitlements=self.claims.entitlements(result.statuses) if has_subsidies else None,
            section_titles=self.section_titles, flat=result.flat, lang=lang,
            marks=result.marks, follow_up=result.follow_up)
