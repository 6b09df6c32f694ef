"""The inspection's files read and checked: ``--inspection``, ``--attestations`` and
``--waivers`` (YAML, CSV or XLSX) into the :class:`~qianbai_rules.model.inspection.Sidecars`
of a run.

Reading is in two steps, because the inspection's date is the default as-of date of
``qianbai check``, and the rules are compiled for that date: :func:`read_sidecars` reads
and checks each entry on its own (:class:`SidecarFiles`), :meth:`SidecarFiles.checked`
checks the rules they name against the rules of the run. A faulty entry is left out with
a located problem (file, row or entry, field, what was expected); the rest are used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.io.places import joined, place
from qianbai_rules.io.sidecar_entries import (
    Parsed,
    attestation,
    head_date,
    inspection_parts,
    waiver,
)
from qianbai_rules.io.sidecar_fields import SidecarKind, field_label
from qianbai_rules.io.sidecar_tables import Entry, read_entries
from qianbai_rules.model.inspection import (
    Attestation,
    Inspection,
    InspectionItem,
    Sidecars,
    Waiver,
    Where,
)
from qianbai_rules.model.validation import did_you_mean
from qianbai_rules.model.values import id_key
from qianbai_rules.rules.rulefile import Rule, Severity
from qianbai_rules.texts.formats import written_text
from qianbai_rules.texts.labels import text
from qianbai_rules.texts.suggest import nearest


@dataclass(frozen=True)
class _Rule:
    """A rule named by an entry, and where (the entry's ``rule``, or an item of its
    ``items``)."""

    rule: str
    entry: Entry
    under: str | None = None

    def problem(self, message: Text) -> Problem:
        return self.entry.problem("items" if self.under else "rule", message, self.under)


@dataclass
class SidecarFiles:
    """The entries of the three files that passed their own checks, and the problems and
    warnings found reading them."""

    inspections: list[tuple[Inspection, dict[str, _Rule], Entry]] = field(default_factory=list)
    attestations: list[tuple[Attestation, _Rule]] = field(default_factory=list)
    waivers: list[tuple[Waiver, _Rule]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    refused_dates: set[dt.date] = field(default_factory=set)  # of inspections refused

    def dates(self) -> list[dt.date]:
        """The inspections' dates, each once, in order: those refused for another field
        included."""
        return sorted({i.date for i, _, _ in self.inspections if i.date is not None}
                      | self.refused_dates)

    def checked(self, rules: Collection[Rule]) -> tuple[Sidecars, list[Problem]]:
        """The entries that name rules of the run as their kind may (an attestation an
        ordinary requirement, a waiver a mandatory one), by facility; and the problems of
        those that do not."""
        by_id = {rule.id: rule for rule in rules}
        problems: list[Problem] = []

        def wrong(ref: _Rule, allowed: Any) -> bool:
            rule = by_id.get(ref.rule)
            message = (_unknown_rule(ref.rule, by_id) if rule is None else allowed(rule))
            if message is not None:
                problems.append(ref.problem(message))
            return message is not None

        inspections: dict[str, Inspection] = {}
        for found, refs, _ in self.inspections:
            bad = {rule for rule, ref in refs.items() if wrong(ref, lambda _: None)}
            items = {rule: item for rule, item in found.items.items() if rule not in bad}
            inspections[id_key(found.facility)] = Inspection(**{**vars(found), "items": items})
        attestations: dict[str, list[Attestation]] = {}
        for attested, ref in self.attestations:
            if not wrong(ref, _not_attestable):
                attestations.setdefault(id_key(attested.facility), []).append(attested)
        waivers: dict[str, list[Waiver]] = {}
        for waived, ref in self.waivers:
            if not wrong(ref, _not_waivable):
                waivers.setdefault(id_key(waived.facility), []).append(waived)
        return Sidecars(inspections, {k: tuple(v) for k, v in attestations.items()},
                        {k: tuple(v) for k, v in waivers.items()}), problems


def _unknown_rule(rule: str, by_id: Mapping[str, Rule]) -> Text:
    return text("sidecar.problem.unknown_rule", rule=rule,
                hint=did_you_mean(nearest(rule, by_id)))


def _not_attestable(rule: Rule) -> Text | None:
    what = ("entitlement" if rule.entitlement else "info" if rule.severity is Severity.info
            else "subsidy" if rule.subsidy is not None else None)
    return None if what is None else text("sidecar.problem.not_attestable", rule=rule.id,
                                          what=text(f"sidecar.problem.what_{what}"))


def _not_waivable(rule: Rule) -> Text | None:
    if rule.severity is Severity.mandatory:
        return None
    return text("sidecar.problem.not_mandatory", rule=rule.id,
                severity=text(f"severity.{rule.severity.value}"))


def read_sidecars(inspection: str | None = None, attestations: str | None = None,
                  waivers: str | None = None) -> SidecarFiles:
    """The three files (each optional) read, each entry checked on its own."""
    files = SidecarFiles()
    if inspection is not None:
        _read_inspections(inspection, files)
    for source, kind in ((attestations, SidecarKind.attestation),
                         (waivers, SidecarKind.waiver)):
        if source is None:
            continue
        for entry in read_entries(source, kind):
            if isinstance(entry, Problem):
                files.problems.append(entry)
                continue
            read = (attestation if kind is SidecarKind.attestation else waiver)(entry)
            if isinstance(read, Problem):
                files.problems.append(read)
            elif isinstance(read, Attestation):
                files.attestations.append((read, _Rule(read.rule, entry)))
            else:
                files.waivers.append((read, _Rule(read.rule, entry)))
    return files


def _read_inspections(source: str, files: SidecarFiles) -> None:
    """Inspections, one per facility: a YAML entry with its ``items``, or a table's row
    without a rule and the rows with one (its items)."""
    heads: dict[str, tuple[Parsed, Entry]] = {}
    items: dict[str, dict[str, tuple[InspectionItem, _Rule]]] = {}
    facilities: dict[str, tuple[str, Entry]] = {}
    for entry in read_entries(source, SidecarKind.inspection):
        if isinstance(entry, Problem):
            files.problems.append(entry)
            continue
        parts = inspection_parts(entry)
        if isinstance(parts, Problem):
            files.problems.append(parts)
            day = head_date(entry)
            if day is not None:
                files.refused_dates.add(day)
            continue
        head, found = parts
        key = id_key(str(head["facility"]))
        facilities.setdefault(key, (head["facility"], entry))
        if head.get("is_head"):
            if key in heads:
                files.problems.append(entry.problem("facility", text(
                    "sidecar.problem.second_inspection", facility=head["facility"],
                    first=place(heads[key][1].position) or heads[key][1].position)))
                continue
            heads[key] = (head, entry)
        mine = items.setdefault(key, {})
        for rule, (item, under) in found.items():
            if rule in mine:
                first = mine[rule][1].entry
                files.problems.append(entry.problem("rule" if under is None else "items", text(
                    "sidecar.problem.second_item", facility=head["facility"], rule=rule,
                    first=place(first.position) or first.position), under))
                continue
            mine[rule] = (item, _Rule(rule, entry, under))
    for key, (facility, first) in facilities.items():
        head, entry = heads.get(key, ({}, first))
        given = {rule: found for rule, found in items.get(key, {}).items()
                 if not _due_before(found, head.get("date"), files)}
        inspection = Inspection(
            facility=facility, number=head.get("number"), unit=head.get("unit"),
            date=head.get("date"), inspectors=head.get("inspectors", ()),
            method=head.get("method"), receiver=head.get("receiver"),
            items={rule: item for rule, (item, _) in given.items()},
            where=Where(entry.source, entry.position))
        if len(inspection.inspectors) < 2:
            files.warnings.append(entry.problem("inspectors", text(
                "sidecar.warning.few_inspectors", facility=facility,
                count=len(inspection.inspectors))))
        files.inspections.append((inspection, {r: ref for r, (_, ref) in given.items()}, entry))


def _due_before(found: tuple[InspectionItem, _Rule], day: dt.date | None,
                files: SidecarFiles) -> bool:
    """An item due before its inspection's date is refused (it would open overdue)."""
    item, ref = found
    if item.deadline is None or day is None or item.deadline >= day:
        return False
    files.problems.append(ref.entry.problem(
        "deadline" if ref.under is None else "items", text(
            "sidecar.problem.expires_before", end=field_label(SidecarKind.inspection, "deadline"),
            end_date=written_text(item.deadline),
            start=field_label(SidecarKind.inspection, "date"), start_date=written_text(day)),
        ref.under))
    return True


def unknown_facilities(sidecars: Sidecars, evaluated: Collection[str]) -> list[Problem]:
    """A warning for each entry naming a facility that no record of the run has
    (``evaluated``: the ids of the records evaluated, as :func:`id_key` makes them)."""
    found: list[Problem] = []
    known = set(evaluated)
    groups: list[tuple[SidecarKind, Mapping[str, Any]]] = [
        (SidecarKind.inspection, {k: (v,) for k, v in sidecars.inspections.items()}),
        (SidecarKind.attestation, sidecars.attestations),
        (SidecarKind.waiver, sidecars.waivers)]
    for kind, entries in groups:
        for key, named in entries.items():
            if key in known:
                continue
            where = named[0].where
            message = text("sidecar.warning.unknown_facility",
                           kind=text(f"sidecar.kind.{kind.value}"), facility=named[0].facility)
            at = place(where.position) if where is not None else None
            found.append(Problem.in_record(
                where.source if where is not None else "", named[0].facility, "facility",
                joined([text("location.located", where=at, message=message)]) if at
                else message, where.position if where is not None else None))
    return found

