"""What the inspection's files do to one record's outcomes: attestations decide rules,
waivers suspend mandatory outcomes from the verdict until they expire.

The types here are the contract between the readers (:mod:`qianbai_rules.io.sidecars`),
the evaluation (:func:`apply`), the reports and the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from qianbai_rules.compile.compiled import Status, Verdict
from qianbai_rules.model.inspection import Attestation, Inspection, Waiver


class Standing(StrEnum):
    """Whether an attestation or a waiver counts on the as-of date, and if not why."""

    counts = "counts"
    expired = "expired"  # its expiry is before the as-of date: 已过期，恢复计入
    not_yet = "not_yet"  # dated (approved) after the as-of date
    not_applicable = "not_applicable"  # the rule does not apply to this facility


@dataclass(frozen=True)
class AttestedUse:
    """An attestation of one rule of the record, and what it did."""

    attestation: Attestation
    recorded: Status  # the outcome the record's own data gave
    standing: Standing

    @property
    def counts(self) -> bool:
        return self.standing is Standing.counts

    @property
    def discrepancy(self) -> bool:
        """The record declared the opposite of what was found (a site declared sunny,
        found dark): the attestation decided, and the reports show both."""
        return self.counts and self.recorded in (Status.passed, Status.failed) \
            and self.recorded.value != self.attestation.status.value


@dataclass(frozen=True)
class WaiverUse:
    waiver: Waiver
    standing: Standing

    @property
    def counts(self) -> bool:
        return self.standing is Standing.counts


@dataclass(frozen=True)
class Marks:
    """The inspection, attestations and waivers of one record, as applied on the as-of
    date. ``unwaived`` is the verdict with no waiver counted (what the eligibility table
    reads unless a row says otherwise); the record's own verdict counts the waivers."""

    inspection: Inspection | None = None
    attested: Mapping[str, AttestedUse] = field(default_factory=dict)  # by rule id
    waived: Mapping[str, WaiverUse] = field(default_factory=dict)  # by rule id
    unwaived: Verdict | None = None
