"""The run report: what every output format shows, built once per record.

A :class:`RecordReport` holds one evaluated record as people and programs read it: its
identity, its findings (typed, each with its plan section and observed values), its
subsidy claims (construction, operating) and entitlements, and the groupings the
documents show (sections, what to fix, what to supply, what to improve). JSON, JSON
Lines, text, HTML, Markdown and PDF are renderings of it (``as_json``, ``as_line``, the
templates); none of them re-reads another.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from qianbai_rules import __version__
from qianbai_rules.compile.compiled import Status
from qianbai_rules.core.jsontext import compact_bytes, compact_json
from qianbai_rules.core.problems import Lang
from qianbai_rules.model.display import field_name, render_value
from qianbai_rules.pipeline.check import Rejected
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.pipeline.followup import FollowUp
from qianbai_rules.pipeline.marks import Marks
from qianbai_rules.reports.claimmodel import Claim
from qianbai_rules.reports.identity import identity_rows
from qianbai_rules.rules.readings import applied


@dataclass(frozen=True)
class Observed:
    """One observed field of a finding, for people: its label and its value in words."""

    label: str
    value: str


@dataclass(eq=False)
class Finding:
    """The outcome of one rule on one record, worded (contract: outputs.md, ``findings``).

    Findings are shared between records with the same values (see ``FindingWriter``):
    read them, never change them.
    """

    rule: str
    status: str  # a Status value: pass, fail, unknown, not_applicable
    severity: str
    clause: str
    department: str
    title: str
    observed: dict[str, Any]  # the values of the fields the rule names, None where absent
    required: str  # the condition, machine-stable
    requirement: str
    message: str
    section: str  # the plan section the rule belongs to (not in the JSON)
    lang: Lang
    assisted_by: list[str] | None = None
    entitlement: bool = False
    # A finding that asks for action names who follows it up, the street/town included
    # (三（一）“部门协同、街镇负责”), even when the record does not say which.
    responsible: bool = False
    street_town: str | None = None
    remediation: str | None = None
    interpretation: str | None = None
    interpretation_parameter: str | None = None
    readings: list[str] | None = None
    # Where the inspection attested or waived the rule (reports/marked.py): a per-record
    # copy of the shared finding, with the JSON of each and a line for people each.
    attested: dict[str, Any] | None = None
    waived: dict[str, Any] | None = None
    mark_lines: tuple[str, ...] = ()
    _json: dict[str, Any] = field(init=False, repr=False)
    _bytes: bytes | None = field(init=False, repr=False, default=None)
    lean: bytes | None = field(init=False, repr=False, default=None)  # kept by reports/lean.py

    def __post_init__(self) -> None:
        entry: dict[str, Any] = {"rule": self.rule, "status": self.status,
                                 "severity": self.severity, "clause": self.clause,
                                 "department": self.department}
        if self.assisted_by:
            entry["assisted_by"] = self.assisted_by
        if self.entitlement:
            entry["entitlement"] = True
        if self.responsible:
            entry["street_town"] = self.street_town
        entry.update({"title": self.title, "observed": self.observed, "required": self.required,
                      "requirement": self.requirement, "message": self.message})
        if self.remediation:
            entry["remediation"] = self.remediation
        if self.interpretation is not None:
            entry["interpretation"] = self.interpretation
            if self.interpretation_parameter is not None:
                entry["interpretation_parameter"] = self.interpretation_parameter
            entry["readings"] = self.readings
        if self.attested is not None:
            entry["attested"] = self.attested
        if self.waived is not None:
            entry["waived"] = self.waived
        self._json = entry

    def as_json(self) -> dict[str, Any]:
        """The finding as the JSON shows it (shared: read only)."""
        return self._json

    def as_line(self) -> str:
        """The finding as compact JSON (the writers use :meth:`as_bytes`)."""
        return compact_json(self._json)

    def as_bytes(self) -> bytes:
        """The finding as compact JSON in UTF-8, worked out once."""
        if self._bytes is None:
            self._bytes = compact_bytes(self._json)
        return self._bytes

    @property
    def observed_text(self) -> list[Observed]:
        return [Observed(field_name(name, self.lang), render_value(name, value, self.lang))
                for name, value in self.observed.items()]


@dataclass(frozen=True)
class FindingSection:
    """The findings of one plan section, in plan order."""

    clause: str
    title: str
    findings: list[Finding]


@dataclass(frozen=True)
class RecordReport:
    """One evaluated record, as every format shows it."""

    id: str
    name: str | None
    facility_type: str
    source: str
    verdict: str  # a Verdict value
    findings: list[Finding]
    # The subsidy block and the entitlements (outputs.md); None when the rules have no
    # subsidy rule, and then the JSON has neither key.
    subsidy: dict[str, Claim] | None  # by kind: construction, operating
    entitlements: list[dict[str, str]] | None
    section_titles: Mapping[str, str]  # plan section clause -> title, in plan order
    flat: Mapping[str, Any]  # the record's fields by dotted name, as evaluated
    lang: Lang
    marks: Marks | None = None  # the inspection, attestations and waivers applied
    follow_up: FollowUp | None = None  # rectification items, where a history is kept

    @cached_property
    def type_name(self) -> str:
        """The facility type in words (worked out when a format shows it)."""
        return render_value("facility_type", self.facility_type, self.lang)

    @cached_property
    def identity(self) -> list[dict[str, str]]:
        """The identity block: the {field, label, value} of each identity field it has."""
        return identity_rows(self.flat, self.lang)

    def identity_besides(self, shown: Collection[str]) -> list[dict[str, str]]:
        """The identity block without the fields a report already shows elsewhere."""
        return identity_rows(self.flat, self.lang, shown=shown)

    def _head(self) -> dict[str, Any]:
        head = {"id": self.id, "name": self.name, "facility_type": self.facility_type,
                "source": self.source, "verdict": self.verdict}
        return {**head, **self.marked_head()} if self.marks is not None else head

    def marked_head(self) -> dict[str, Any]:
        """What the inspection adds to the record's keys: the verdict without waivers where
        it differs, and the inspection where one is given."""
        entry: dict[str, Any] = {}
        if self.unwaived_verdict is not None:
            entry["unwaived_verdict"] = self.unwaived_verdict
        if self.marks is not None and self.marks.inspection is not None:
            entry["inspection"] = self.marks.inspection.as_json()
        return entry

    @property
    def unwaived_verdict(self) -> str | None:
        """The verdict without waivers, where waivers changed it (a Verdict value)."""
        unwaived = self.marks.unwaived if self.marks is not None else None
        return unwaived.value if unwaived is not None and unwaived.value != self.verdict \
            else None

    def _tail(self) -> dict[str, Any]:
        if self.subsidy is None:
            return {}
        return {"subsidy": {kind: claim.as_json() for kind, claim in self.subsidy.items()},
                "entitlements": self.entitlements}

    def as_json(self) -> dict[str, Any]:
        """The record as ``--format json`` shows it (contract: outputs.md)."""
        return {**self._head(), "findings": [f.as_json() for f in self.findings],
                **self._tail()}

    def as_line(self) -> str:
        """``compact_json(self.as_json())``: :meth:`line_bytes`, decoded."""
        return self.line_bytes().decode("utf-8")

    def line_bytes(self) -> bytes:
        """``as_line()`` in UTF-8, assembled from findings kept as bytes."""
        tail = self._tail()
        return b"".join((compact_bytes(self._head())[:-1], b',"findings":[',
                         b",".join([f.as_bytes() for f in self.findings]),
                         b"]," + compact_bytes(tail)[1:] if tail else b"]}"))

    @cached_property
    def counts(self) -> dict[str, int]:
        """How many findings have each status (every status, zero included)."""
        return {status.value: 0 for status in Status} | Counter(f.status for f in self.findings)

    @cached_property
    def sections(self) -> list[FindingSection]:
        """The findings grouped by plan section, in plan order; empty sections left out."""
        grouped: dict[str, list[Finding]] = {clause: [] for clause in self.section_titles}
        for finding in self.findings:
            grouped.setdefault(finding.section, []).append(finding)
        return [FindingSection(clause, title, grouped[clause])
                for clause, title in self.section_titles.items() if grouped[clause]]

    @cached_property
    def fix(self) -> list[Finding]:
        """Mandatory failures."""
        return [f for f in self.findings if f.severity == "mandatory" and f.status == "fail"]

    @cached_property
    def supply(self) -> list[Finding]:
        """Mandatory rules that cannot be decided."""
        return [f for f in self.findings if f.severity == "mandatory" and f.status == "unknown"]

    @cached_property
    def missing(self) -> list[str]:
        """The labels of the fields to supply, once each."""
        return list(dict.fromkeys(field_name(name, f.lang) for f in self.supply
                                  for name, value in f.observed.items() if value is None))

    @cached_property
    def waived(self) -> list[Finding]:
        """Mandatory failures and unknowns that a waiver in force keeps out of the verdict."""
        return [f for f in self.fix + self.supply
                if f.waived is not None and f.waived["standing"] == "counts"]

    @cached_property
    def improve(self) -> list[Finding]:
        """Advisory failures."""
        return [f for f in self.findings if f.severity == "advisory" and f.status == "fail"]

    @property
    def title(self) -> str:
        """What a report of this record alone is called: its name, else its id."""
        return self.name or self.id


@dataclass(frozen=True)
class RejectedField:
    """One field's problem in a record rejected for several."""

    field: str | None
    message: str


@dataclass(frozen=True)
class RejectedEntry:
    """A record that could not be evaluated, as every format lists it (contract: outputs.md,
    ``rejected``): where it is, which field, why; each field's reason when there are several."""

    source: str
    record: str | None
    field: str | None
    message: str
    position: str | None  # where the record is in its file, when that is not its id
    column: str | None  # a spreadsheet column letter
    errors: list[RejectedField] | None

    @classmethod
    def of(cls, rejected: Rejected, lang: Lang) -> RejectedEntry:
        problem = rejected.problem
        position = problem.position if problem.position != problem.item else None
        errors = [RejectedField(f, m(lang)) for f, m in rejected.errors] \
            if len(rejected.errors) > 1 else None
        return cls(problem.file, problem.item, problem.field, problem.says(lang), position,
                   problem.column, errors)

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"source": self.source, "record": self.record,
                                 "field": self.field, "message": self.message}
        if self.position is not None:
            entry["position"] = self.position
        if self.column is not None:
            entry["column"] = self.column
        if self.errors is not None:
            entry["errors"] = [{"field": e.field, "message": e.message} for e in self.errors]
        return entry


@dataclass(frozen=True)
class RulesetInfo:
    """The rules a run applied: which set, how many rules, and the parameter values."""

    name: str
    version: str
    source: str
    fingerprint: str
    rules: int
    parameters: list[dict[str, Any]]  # each applied value as the JSON shows it

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "source": self.source,
                "fingerprint": self.fingerprint, "rules": self.rules,
                "parameters": self.parameters}


@dataclass(frozen=True)
class RunHeader:
    """What every output says of the run before its records (contract: outputs.md)."""

    version: str
    engine: str
    ruleset: RulesetInfo
    as_of: dt.date
    year: int
    readings: list[dict[str, Any]]  # the working interpretations the rules apply

    @classmethod
    def of(cls, context: RunContext) -> RunHeader:
        ruleset = context.compiled.ruleset
        return cls(__version__, context.engine, RulesetInfo(
            ruleset.name, ruleset.version, ruleset.source, ruleset.fingerprint,
            len(ruleset.rules), [a.as_json() for a in context.compiled.applied]),
            context.as_of, context.year,
            applied(ruleset.readings.values(), False, context.lang))

    def as_json(self) -> dict[str, Any]:
        return {"version": self.version, "engine": self.engine,
                "ruleset": self.ruleset.as_json(), "as_of": self.as_of.isoformat(),
                "year": self.year, "readings": self.readings}


@dataclass(frozen=True)
class RunReport:
    """A whole run of ``check``: its header, the records' reports, the rejected records and
    the counts. ``--format json`` is :meth:`document` of it; the other formats render its
    parts as the records stream past (:mod:`.output`, :mod:`.documents`)."""

    header: RunHeader
    records: list[RecordReport]
    rejected: list[RejectedEntry]
    summary: dict[str, int]

    @staticmethod
    def document(header: RunHeader, summary: Mapping[str, int], records: list[dict[str, Any]],
                 rejected: list[RejectedEntry]) -> dict[str, Any]:
        """The whole run as ``--format json`` prints it, from the records' JSON (as the
        ``--jobs`` workers send them back)."""
        return {**header.as_json(), "summary": summary, "records": records,
                "rejected": [r.as_json() for r in rejected]}

    def as_json(self) -> dict[str, Any]:
        return self.document(self.header, self.summary, [r.as_json() for r in self.records],
                             self.rejected)
