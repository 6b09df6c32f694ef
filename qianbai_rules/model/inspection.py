"""The inspection as data (三（五）“项目检查督导”): what an inspecting unit found on site
and decided, beside the facility record.

Three kinds of file go with the records of ``qianbai check``:

- the inspection itself (:class:`Inspection`): its number, inspecting unit, date, the
  inspectors, the method of each item and who signs for receipt; what the file leaves out
  is asked for in the 检查意见书, never invented;
- attestations (:class:`Attestation`, 现场核查): an inspector's own finding on one rule of
  one facility, with its method and evidence, which decides that rule where the record
  leaves it unknown and overrides the record where the two disagree;
- waivers (:class:`Waiver`, 限期整改 / 容缺受理): an approved exception for one mandatory
  rule of one facility, in force from its approval until its expiry.

These are the values as read and checked (:mod:`qianbai_rules.io.sidecars`); what they do
to a record's outcomes is :mod:`qianbai_rules.pipeline.marks`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Method(StrEnum):
    """How an item was verified (OSCAL's EXAMINE / TEST / INTERVIEW)."""

    document = "document"  # 查阅资料
    site = "site"  # 现场查看
    interview = "interview"  # 访谈


class AttestedStatus(StrEnum):
    """What an inspector found: the rule's requirement met or not (a Status value)."""

    passed = "pass"
    failed = "fail"


class WaiverKind(StrEnum):
    rectification = "rectification"  # 限期整改: a failure to be put right by the expiry
    deferred = "deferred"  # 容缺受理: a document or fact to be supplied by the expiry


@dataclass(frozen=True)
class Evidence:
    """What an attestation rests on: a file (kept by its name and SHA-256, read when the
    attestations are) or a document reference (e.g. 消防验收意见书 江北消验字〔2019〕12号)."""

    name: str | None = None  # the evidence file's name as given
    sha256: str | None = None
    reference: str | None = None

    def as_json(self) -> dict[str, str]:
        entry = {"name": self.name, "sha256": self.sha256, "reference": self.reference}
        return {key: value for key, value in entry.items() if value is not None}


@dataclass(frozen=True)
class Where:
    """Where an entry came from: its file and its place in it (第3行, 记录2)."""

    source: str
    position: str


@dataclass(frozen=True)
class Attestation:
    facility: str  # the facility id as written
    rule: str
    status: AttestedStatus
    method: Method
    inspector: str
    date: dt.date
    evidence: Evidence | None = None
    note: str | None = None
    expires: dt.date | None = None
    where: Where | None = None

    def as_json(self) -> dict[str, Any]:
        """``attested`` of a finding (outputs: ``{by, on, method, evidence}``), with the
        note and expiry where given."""
        entry: dict[str, Any] = {"by": self.inspector, "on": self.date.isoformat(),
                                 "method": self.method.value,
                                 "evidence": self.evidence.as_json() if self.evidence else None}
        if self.note is not None:
            entry["note"] = self.note
        if self.expires is not None:
            entry["expires"] = self.expires.isoformat()
        return entry


@dataclass(frozen=True)
class Waiver:
    facility: str
    rule: str
    kind: WaiverKind
    justification: str
    approver: str
    approved_on: dt.date
    expires_on: dt.date
    where: Where | None = None

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "justification": self.justification,
                "approver": self.approver, "approved_on": self.approved_on.isoformat(),
                "expires_on": self.expires_on.isoformat()}


@dataclass(frozen=True)
class InspectionItem:
    """What the inspection file says of one rule: how it was checked, and by when a failure
    must be put right (else the default period of the rules, a 执行口径)."""

    rule: str
    method: Method | None = None
    deadline: dt.date | None = None


@dataclass(frozen=True)
class Inspection:
    """One inspection of one facility. Every part may be missing: the 检查意见书 then asks
    for it (a blank to fill in), and a warning says so when the file is read."""

    facility: str
    number: str | None = None  # 检查编号, e.g. 江北民养检〔2019〕12号
    unit: str | None = None  # 检查单位, e.g. 重庆市江北区民政局
    date: dt.date | None = None  # the default as-of date of the check
    inspectors: tuple[str, ...] = ()  # at least two; fewer is a warning
    method: Method | None = None  # the method of every item the file does not name
    receiver: str | None = None  # who signs for receipt for the inspected facility
    items: Mapping[str, InspectionItem] = field(default_factory=dict)
    where: Where | None = None

    def method_of(self, rule: str) -> Method | None:
        item = self.items.get(rule)
        return item.method if item is not None and item.method is not None else self.method

    def deadline_of(self, rule: str) -> dt.date | None:
        item = self.items.get(rule)
        return item.deadline if item is not None else None

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "unit": self.unit,
                "date": self.date.isoformat() if self.date else None,
                "inspectors": list(self.inspectors),
                "method": self.method.value if self.method else None,
                "receiver": self.receiver,
                "items": {rule: {"method": item.method.value if item.method else None,
                                 "deadline": item.deadline.isoformat() if item.deadline else None}
                          for rule, item in sorted(self.items.items())}}


@dataclass(frozen=True)
class Sidecars:
    """The inspection, attestations and waivers read for a run, by facility: keys are the
    facilities' ids in their NFKC form (:func:`qianbai_rules.model.values.id_key`), as the
    run compares ids."""

    inspections: Mapping[str, Inspection] = field(default_factory=dict)
    attestations: Mapping[str, tuple[Attestation, ...]] = field(default_factory=dict)
    waivers: Mapping[str, tuple[Waiver, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.inspections or self.attestations or self.waivers)

    def names(self, facility: str) -> bool:
        """Whether anything was read of the facility (its id as ``id_key`` gives it)."""
        return facility in self.inspections or facility in self.attestations \
            or facility in self.waivers
