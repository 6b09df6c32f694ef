"""One entry of the inspection's files made an attestation, a waiver or a part of an
inspection, every field checked: a value refused, a required field missing, an expiry
before its start, an evidence file that is not there. An entry with any of these is one
problem listing each at its place, and is left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from qianbai_rules.core import limits
from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.io.places import joined, located
from qianbai_rules.io.sidecar_fields import (
    ITEM_FIELDS,
    SPECS,
    SidecarKind,
    Spec,
    field_label,
    field_of,
    read_value,
    unknown_header,
)
from qianbai_rules.io.sidecar_tables import Entry
from qianbai_rules.io.sources import STDIN
from qianbai_rules.model.inspection import (
    Attestation,
    Evidence,
    InspectionItem,
    Method,
    Waiver,
    Where,
)
from qianbai_rules.model.values import ValueProblem
from qianbai_rules.texts.formats import count, listing, written_text
from qianbai_rules.texts.labels import text

Parsed = dict[str, Any]
# A value that is meant as a file: it has a folder separator or ends in a file suffix.
_PATH_LIKE: Final = re.compile(r".*[/\\].*|.*\.[A-Za-z0-9]{1,8}", re.DOTALL)
_CHUNK: Final = 1 << 20


class _Fields:
    """An entry's fields as they are read: the values, and each refusal at its place."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self.values: Parsed = {}
        self.errors: list[tuple[str, Text]] = []

    def read(self, specs: tuple[Spec, ...]) -> None:
        for spec in specs:
            raw = self.entry.values.get(spec.field)
            if raw is None:
                if spec.required:
                    self.refuse(spec.field, text("problem.value.missing"))
                continue
            try:
                self.values[spec.field] = read_value(spec, raw)
            except ValueProblem as exc:
                self.refuse(spec.field, exc.text)

    def refuse(self, name: str, message: Text, under: str | None = None) -> None:
        self.errors.append((name, located(self.entry.at(name, under), message)))

    def ordered(self, start: str, end: str) -> None:
        """``end`` (an expiry) not before ``start``."""
        first, last = self.values.get(start), self.values.get(end)
        if first is not None and last is not None and last < first:
            kind = self.entry.kind
            self.refuse(end, text("sidecar.problem.expires_before",
                                  end=field_label(kind, end), end_date=written_text(last),
                                  start=field_label(kind, start), start_date=written_text(first)))

    def problem(self) -> Problem | None:
        if not self.errors:
            return None
        entry = self.entry
        name = self.errors[0][0]
        column = entry.columns[name][0] if name in entry.columns else None
        return Problem.in_record(entry.source, entry.label, name,
                                 joined([message for _, message in self.errors]),
                                 entry.position, column)

    @property
    def where(self) -> Where:
        return Where(self.entry.source, self.entry.position)


def attestation(entry: Entry) -> Attestation | Problem:
    fields = _Fields(entry)
    fields.read(SPECS[SidecarKind.attestation])
    fields.ordered("date", "expires")
    values = fields.values
    evidence = values.get("evidence")
    if evidence is not None:
        values["evidence"] = _evidence(evidence, entry, fields)
    problem = fields.problem()
    if problem is not None:
        return problem
    return Attestation(where=fields.where, **values)


def waiver(entry: Entry) -> Waiver | Problem:
    fields = _Fields(entry)
    fields.read(SPECS[SidecarKind.waiver])
    fields.ordered("approved_on", "expires_on")
    problem = fields.problem()
    return problem if problem is not None else Waiver(where=fields.where, **fields.values)


def inspection_parts(entry: Entry) -> tuple[Parsed, dict[str, tuple[InspectionItem, str | None]]] | Problem:
    """What one entry says of a facility's inspection: the inspection's own fields
    (``is_head``: the entry is the inspection, not only items of it) and its items, each
    with the key it was given under in a YAML ``items`` (None: a table's item row)."""
    fields = _Fields(entry)
    specs = {spec.field: spec for spec in SPECS[SidecarKind.inspection]}
    items: dict[str, tuple[InspectionItem, str | None]] = {}
    if "rule" in entry.values:  # a table's item row
        others = [name for name in entry.values if name not in ITEM_FIELDS]
        if others:
            fields.refuse(others[0], text("sidecar.problem.item_row_fields", fields=Text(
                listing([field_label(SidecarKind.inspection, n).zh for n in others], "zh"),
                listing(others, "en"))))
        fields.read(tuple(specs[name] for name in ITEM_FIELDS))
        values = fields.values
        if "rule" in values:
            items[values["rule"]] = (InspectionItem(values["rule"], values.get("method"),
                                                    values.get("deadline")), None)
    else:
        fields.read(tuple(spec for name, spec in specs.items()
                          if name not in ("rule", "deadline", "items")))
        fields.values["is_head"] = True
        raw = entry.values.get("items")
        if raw is not None:
            items = _items(raw, fields, specs)
    problem = fields.problem()
    return problem if problem is not None else (fields.values, items)


def head_date(entry: Entry) -> dt.date | None:
    """The date of an inspection entry refused for another field, where the date itself is
    valid: the run's as-of date still follows the inspection (a faulty receiver must not
    move the evaluation to another day)."""
    raw = entry.values.get("date")
    if "rule" in entry.values or raw is None:
        return None
    spec = next(spec for spec in SPECS[SidecarKind.inspection] if spec.field == "date")
    try:
        value = read_value(spec, raw)
    except ValueProblem:
        return None
    return value if isinstance(value, dt.date) else None


def _items(raw: Any, fields: _Fields,
           specs: Mapping[str, Spec]) -> dict[str, tuple[InspectionItem, str | None]]:
    """A YAML inspection's ``items``: rule -> {method, deadline} (or nothing)."""
    if not isinstance(raw, dict):
        fields.refuse("items", text("sidecar.expected.items"))
        return {}
    items: dict[str, tuple[InspectionItem, str | None]] = {}
    for key, value in raw.items():
        rule = str(key).strip()
        value = {} if value is None else value
        if not isinstance(value, dict):
            fields.refuse("items", text("sidecar.expected.item"), rule)
            continue
        read: Parsed = {}
        for name, given in value.items():
            field = field_of(SidecarKind.inspection, str(name))
            if field not in ("method", "deadline"):
                fields.refuse("items", unknown_header(SidecarKind.inspection, str(name)), rule)
                continue
            try:
                read[field] = read_value(specs[field], given)
            except ValueProblem as exc:
                fields.refuse("items", exc.text, rule)
        method: Method | None = read.get("method")
        deadline: dt.date | None = read.get("deadline")
        items[rule] = (InspectionItem(rule, method, deadline), rule)
    return items


def _evidence(value: str, entry: Entry, fields: _Fields) -> Evidence | None:
    """A file (kept by its name as written and its SHA-256, read in chunks) where the value
    names one, relative to the attestations file's folder or absolute; else a document
    reference. A value that looks like a file but names none is refused."""
    given = Path(value)
    base = None if entry.source == STDIN else Path(entry.source).parent
    path = given if given.is_absolute() else (base / given if base is not None else None)
    try:
        is_file = path is not None and path.is_file()
    except OSError:
        is_file = False
    if path is not None and is_file:
        try:
            digest, size = hashlib.sha256(), 0
            with path.open("rb") as handle:
                while size <= limits.MAX_EVIDENCE_BYTES and (chunk := handle.read(_CHUNK)):
                    digest.update(chunk)
                    size += len(chunk)
        except OSError as exc:
            fields.refuse("evidence", text("sidecar.problem.evidence_unreadable", path=value,
                                           reason=exc.strerror or type(exc).__name__))
            return None
        if size > limits.MAX_EVIDENCE_BYTES:
            fields.refuse("evidence", text("sidecar.problem.evidence_too_large", path=value,
                                           limit=count(limits.MAX_EVIDENCE_BYTES // limits.MIB)))
            return None
        return Evidence(name=value, sha256=digest.hexdigest())
    if not _PATH_LIKE.fullmatch(value):
        return Evidence(reference=value)
    exists = path is not None and (path.exists() or path.is_symlink())
    fields.refuse("evidence", text("sidecar.problem.evidence_not_file" if exists
                                   else "sidecar.problem.evidence_missing", path=value))
    return None
