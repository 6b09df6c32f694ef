"""What the inspection's files do to one record's outcomes: attestations decide rules,
waivers suspend mandatory outcomes from the verdict until they expire.

The types here are the contract between the readers (:mod:`qianbai_rules.io.sidecars`),
the evaluation (:func:`apply`), the reports and the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from qianbai_rules.compile.compiled import CompiledRuleset, Status, Verdict
from qianbai_rules.model.inspection import Attestation, Inspection, Sidecars, Waiver


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


def attestation_standing(attestation: Attestation, as_of: dt.date) -> Standing:
    """Whether an attestation counts on ``as_of``: dated on or before it and not expired."""
    if attestation.date > as_of:
        return Standing.not_yet
    if attestation.expires is not None and as_of > attestation.expires:
        return Standing.expired
    return Standing.counts


def waiver_standing(waiver: Waiver, as_of: dt.date) -> Standing:
    """Whether a waiver counts on ``as_of``: approved on or before it, expiring on or after."""
    if waiver.approved_on > as_of:
        return Standing.not_yet
    if as_of > waiver.expires_on:
        return Standing.expired
    return Standing.counts


_T = TypeVar("_T", Attestation, Waiver)


def _chosen(entries: Iterable[_T], standing: Callable[[_T], Standing],
            dated: Callable[[_T], dt.date]) -> dict[str, tuple[_T, Standing]]:
    """Per rule, the latest dated entry that counts, else the latest (the later in the file
    of two on one date)."""
    chosen: dict[str, tuple[_T, Standing]] = {}
    for entry in entries:
        own = standing(entry)
        kept = chosen.get(entry.rule)
        if kept is None:
            chosen[entry.rule] = entry, own
            continue
        counts, kept_counts = own is Standing.counts, kept[1] is Standing.counts
        if (counts, dated(entry)) >= (kept_counts, dated(kept[0])):
            chosen[entry.rule] = entry, own
    return chosen


def apply(statuses: list[Status], compiled: CompiledRuleset, sidecars: Sidecars,
          facility: str) -> tuple[list[Status], Verdict, Marks] | None:
    """The record's outcomes with its facility's inspection, attestations and waivers
    applied on the rules' as-of date: the statuses (attested rules decided by the
    attestation that counts), the verdict counting the waivers that count, and the marks;
    None when the sidecars say nothing of the facility (``facility``: its id as
    :func:`~qianbai_rules.model.values.id_key` gives it), whose outcomes stay as they are."""
    if not sidecars.names(facility):
        return None
    inspection = sidecars.inspections.get(facility)
    attestations = sidecars.attestations.get(facility, ())
    waivers = sidecars.waivers.get(facility, ())
    as_of = compiled.as_of
    positions = {rule.rule.id: position for position, rule in enumerate(compiled.rules)}
    attested: dict[str, AttestedUse] = {}
    decided = list(statuses)
    chosen = _chosen((a for a in attestations if a.rule in positions),
                     lambda a: attestation_standing(a, as_of), lambda a: a.date)
    for rule, (attestation, standing) in chosen.items():
        recorded = statuses[positions[rule]]
        if recorded is Status.not_applicable or compiled.rules[positions[rule]].requirement is None:
            # nothing to attest: the rule does not apply, or it only says what applies
            # (a subsidy's or an entitlement's scope), which has no pass or fail of its own
            standing = Standing.not_applicable
        elif standing is Standing.counts:
            decided[positions[rule]] = Status(attestation.status.value)
        attested[rule] = AttestedUse(attestation, recorded, standing)
    waived: dict[str, WaiverUse] = {}
    counted = list(decided)
    chosen_waivers = _chosen((w for w in waivers if w.rule in positions),
                             lambda w: waiver_standing(w, as_of), lambda w: w.approved_on)
    for rule, (waiver, standing) in chosen_waivers.items():
        status = decided[positions[rule]]
        if status is Status.not_applicable:
            standing = Standing.not_applicable
        elif standing is Standing.counts and status in (Status.failed, Status.unknown):
            counted[positions[rule]] = Status.passed  # for the verdict only
        waived[rule] = WaiverUse(waiver, standing)
    unwaived = compiled.verdict(decided)
    return decided, compiled.verdict(counted), Marks(inspection, attested, waived, unwaived)
