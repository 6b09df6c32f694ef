"""One of the inspection's files read into entries: each entry its fields' raw values and
where it is, or a located problem. YAML (a list, or a mapping whose one key holds it),
CSV and XLSX are read by the record readers (:mod:`.csvtable`, :mod:`.registry`, the
strict YAML loader), so a file is refused and a row located exactly as a record's would be.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.io.csvtable import read_csv
from qianbai_rules.io.encodings import as_text
from qianbai_rules.io.entries import listed_entries
from qianbai_rules.io.places import joined, located, place
from qianbai_rules.io.registry import read_xlsx
from qianbai_rules.io.sidecar_fields import (
    SidecarKind,
    field_label,
    field_of,
    unknown_header,
    vocabulary,
)
from qianbai_rules.io.sources import (
    RawRecord,
    file_problem,
    read_bytes,
)
from qianbai_rules.model.validation import column_letters, record_label
from qianbai_rules.texts.formats import listing
from qianbai_rules.texts.labels import text

SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")


@dataclass(frozen=True)
class Entry:
    """One entry of a file (a row, a YAML list item): its fields' raw values, and where
    it and each of its fields are."""

    source: str
    position: str  # as the record readers give it: row 3, 核查!row 3, record 2
    kind: SidecarKind
    values: Mapping[str, Any]
    columns: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # field -> letter, header

    @property
    def label(self) -> str:
        """How messages name the entry: its facility, else its place."""
        facility = self.values.get("facility")
        if isinstance(facility, str | int) and str(facility):
            return str(facility)
        return self.position

    def at(self, name: str | None, under: str | None = None) -> Text | None:
        """Where a field is: the cell (“核查”表第3行D列（核查日期）) or the entry and the
        field's label (第2条记录的核查日期); ``under``: a key within the field."""
        at = place(self.position)
        if at is None or name is None:
            return at
        if name in self.columns:
            letter, header = self.columns[name]
            return text("location.header", place=at, column=letter, header=header)
        shown = field_label(self.kind, name)
        if under is not None:
            shown = text("sidecar.item_place", place=shown, rule=under)
        return text("location.field", place=at, field=shown)

    def problem(self, name: str | None, message: Text, under: str | None = None) -> Problem:
        column = self.columns[name][0] if name is not None and name in self.columns else None
        return Problem.in_record(self.source, self.label, name,
                                 located(self.at(name, under), message), self.position, column)


def read_entries(source: str, kind: SidecarKind) -> Iterator[Entry | Problem]:
    """Every entry of one file, in order, or the problems that keep entries out; a file
    with neither (a header alone, an empty list, a workbook without the kind's sheet whose
    first sheet has no rows) is a problem too: a file given is never silently ignored."""
    found = False
    for item in _entries(source, kind):
        found = True
        yield item
    if not found:
        sheets = listing([f"“{name}”" for name in kind.sheets], "zh")
        yield file_problem(source, text("sidecar.problem.no_entries", sheets=Text(
            sheets, ", ".join(kind.sheets))))


def _entries(source: str, kind: SidecarKind) -> Iterator[Entry | Problem]:
    path = Path(source)
    suffix = path.suffix.lower()
    if not path.exists():
        yield file_problem(source, text("sidecar.problem.missing_file"))
        return
    if not path.is_file():
        yield file_problem(source, text("sidecar.problem.not_regular"))
        return
    if suffix not in SUFFIXES:
        yield file_problem(source, text("sidecar.problem.suffix", suffix=suffix or "—"))
        return
    if suffix == ".xlsx":
        for item in read_xlsx(source, kind.sheets, vocabulary(kind)):
            yield item if isinstance(item, Problem) else _table_entry(item, kind)
        return
    data = read_bytes(source)
    if isinstance(data, Problem):
        yield data
        return
    decoded = as_text(source, data, allow_gb18030=suffix == ".csv")
    if isinstance(decoded, Problem):
        yield decoded
    elif suffix == ".csv":
        for item in read_csv(source, decoded, vocabulary(kind)):
            yield item if isinstance(item, Problem) else _table_entry(item, kind)
    else:
        yield from _document(source, decoded, kind)


def _table_entry(row: RawRecord, kind: SidecarKind) -> Entry | Problem:
    """A table's row as an entry; a row with a header that names no field (or two headers
    of one field) is refused whole: its value would otherwise be silently ignored."""
    label = record_label(row.data, row.position)
    if row.notes:
        return Problem.in_record(row.source, label, row.notes[0][0],
                                 joined([message for _, message in row.notes]), row.position)
    values: dict[str, Any] = {}
    columns: dict[str, tuple[str, str]] = {}
    for index, header in enumerate(row.columns):
        name = field_of(kind, header)
        if name is None:
            continue
        if name in columns:
            return Problem.in_record(row.source, label, name, located(
                place(row.position), text("sidecar.problem.given_twice",
                                          name=field_label(kind, name))), row.position)
        columns[name] = (column_letters(index + 1), header)
        value = row.data.get(header)
        if value not in (None, ""):
            values[name] = value
    return Entry(row.source, row.position, kind, values, columns)


def _document(source: str, decoded: str, kind: SidecarKind) -> Iterator[Entry | Problem]:
    for found in listed_entries(source, decoded, kind.list_key):
        if isinstance(found, Problem):
            yield found
            continue
        position, item = found
        yield _keyed(source, position, kind, item)


def _keyed(source: str, position: str, kind: SidecarKind,
           item: Mapping[Any, Any]) -> Entry | Problem:
    """A YAML entry, its keys (field names or headers) made fields."""
    values: dict[str, Any] = {}
    problems: list[Text] = []
    for key, value in item.items():
        name = field_of(kind, str(key))
        if name is None:
            problems.append(unknown_header(kind, str(key)))
        elif name in values:
            problems.append(text("sidecar.problem.given_twice", name=field_label(kind, name)))
        elif value is not None and value != "":
            values[name] = value
    entry = Entry(source, position, kind, values)
    if problems:
        return Problem.in_record(source, entry.label, None,
                                 located(place(position), joined(problems)), position)
    return entry
