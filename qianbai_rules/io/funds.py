"""The funds (``--funds FILE``, or the registry workbook's sheet 资金): one row per year,
level and source, read by the record readers (:mod:`.csvtable`, :mod:`.registry`, the strict
YAML loader), so a file is refused and a cell located exactly as a record's would be
(“资金”表第3行E列（到位金额（元））：…).

Every row is checked on its own; a faulty row is left out with a located problem and the
others are used. Decisions (docs: the funds file):
- amounts are whole yuan, 0 or more (1,500,000 and 1500000.00 are read; 1.5 and -1 are not);
- a source belongs to one level (市级补助资金: 市级; 福彩公益金, 统筹资金和财政预算资金: 区级);
- a year, level and source given twice: the second row is refused;
- paid beyond what was received is a warning, not a refusal (funds are advanced, 垫付,
  and the books say so), and the row is used.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Final

from qianbai_rules.core.limits import FIRST_DATE, LAST_DATE, MAX_COUNT, MAX_FUNDS_ROWS
from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.io.csvtable import read_csv
from qianbai_rules.io.encodings import as_text
from qianbai_rules.io.entries import listed_entries
from qianbai_rules.io.headers import Vocabulary
from qianbai_rules.io.places import joined, located, place
from qianbai_rules.io.registry import FUNDS_SHEETS, read_xlsx
from qianbai_rules.io.sources import RawRecord, file_problem, read_bytes
from qianbai_rules.io.xlsx import WorkbookReader
from qianbai_rules.io.xmlparts import WorkbookError
from qianbai_rules.model.funds import FundLevel, FundLine, FundsGiven, FundSource
from qianbai_rules.model.quoting import shown
from qianbai_rules.model.validation import column_letters, did_you_mean
from qianbai_rules.texts.formats import listing, money
from qianbai_rules.texts.labels import text
from qianbai_rules.texts.suggest import nearest

FIELDS: Final = ("year", "level", "source", "budgeted", "received", "paid", "note")
REQUIRED: Final = FIELDS[:-1]
_YUAN: Final = re.compile(r"(?:[0-9]+|[0-9]{1,3}(?:[,，][0-9]{3})+)(?:\.0+)?")
_YEAR: Final = re.compile(r"([0-9]{4})(?:年度|年)?")


@dataclass
class FundsRead:
    """The rows that passed their checks, and the problems (rows refused) and warnings."""

    lines: list[FundLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    source: str = ""

    def given(self) -> FundsGiven:
        """The rows read, with the file they came from and its fingerprint."""
        try:
            digest: str | None = hashlib.sha256(Path(self.source).read_bytes()).hexdigest()
        except OSError:
            digest = None
        return FundsGiven(self.lines, self.source, digest, len(self.problems))


def field_label(name: str) -> Text:
    return text(f"annual_funds.field.{name}")


@cache
def vocabulary() -> Vocabulary:
    """The headers of a funds table: each field's Chinese and English header, its name."""
    by_label: dict[str, str] = {}
    for name in FIELDS:
        shown_as = field_label(name)
        for header in (shown_as.zh, shown_as.en, shown_as.en.capitalize(), name):
            by_label[header] = name
    return Vocabulary(by_label, frozenset(FIELDS), frozenset())


def has_funds_sheet(source: str) -> bool:
    """Whether a registry file is a workbook with a funds sheet (资金, 资金到位, funds)."""
    if Path(source).suffix.lower() != ".xlsx" or not Path(source).is_file():
        return False
    try:
        workbook = WorkbookReader(source)
    except WorkbookError:
        return False
    try:
        return any(name in FUNDS_SHEETS for name in workbook.sheets)
    finally:
        workbook.close()


def read_funds(source: str) -> FundsRead:
    """Every row of a funds file (YAML, CSV in UTF-8 or GB18030, XLSX), checked."""
    found = FundsRead(source=source)
    first: dict[tuple[int, FundLevel, FundSource], str] = {}
    rows = 0
    for row in _rows(source):
        rows += 1
        if rows > MAX_FUNDS_ROWS:
            found.problems.append(file_problem(source, text(
                "annual_funds.problem.too_many", max=f"{MAX_FUNDS_ROWS:,}")))
            break
        if isinstance(row, Problem):
            found.problems.append(row)
            continue
        line = _line(row)
        if isinstance(line, Problem):
            found.problems.append(line)
        elif line.key in first:
            found.problems.append(row.problem("year", text(
                "annual_funds.problem.duplicate", year=line.year, level=_name("level", line.level),
                source=_name("source", line.source), first=place(first[line.key]) or "")))
        else:
            first[line.key] = line.position
            found.lines.append(line)
            if line.paid > line.received:
                found.warnings.append(row.problem("paid", text(
                    "annual_funds.problem.paid_over_received", paid=money(line.paid),
                    received=money(line.received))))
    if not rows:
        found.problems.append(file_problem(source, text("annual_funds.problem.no_rows")))
    return found


@dataclass(frozen=True)
class _Row:
    source: str
    position: str
    values: Mapping[str, Any]
    columns: Mapping[str, tuple[str, str]]  # field -> column letter, header

    def problem(self, name: str | None, message: Text) -> Problem:
        at = place(self.position)
        cell = self.columns.get(name) if name is not None else None
        if at is not None and cell is not None:
            at = text("location.header", place=at, column=cell[0], header=cell[1])
        elif at is not None and name is not None:
            at = text("location.field", place=at, field=field_label(name))
        column = None if cell is None else cell[0]
        return Problem.in_record(self.source, self.position, name, located(at, message),
                                 self.position, column)


def _rows(source: str) -> Iterator[_Row | Problem]:
    path = Path(source)
    suffix = path.suffix.lower()
    if not path.is_file():
        yield file_problem(source, text("sidecar.problem.missing_file"))
        return
    if suffix == ".xlsx":
        for item in read_xlsx(source, FUNDS_SHEETS, vocabulary()):
            yield item if isinstance(item, Problem) else _table_row(item)
        return
    if suffix not in (".csv", ".yaml", ".yml"):
        yield file_problem(source, text("sidecar.problem.suffix", suffix=suffix or "—"))
        return
    data = read_bytes(source)
    decoded = data if isinstance(data, Problem) else as_text(source, data, suffix == ".csv")
    if isinstance(decoded, Problem):
        yield decoded
    elif suffix == ".csv":
        for item in read_csv(source, decoded, vocabulary()):
            yield item if isinstance(item, Problem) else _table_row(item)
    else:
        yield from _document(source, decoded)


def _table_row(row: RawRecord) -> _Row | Problem:
    """A table's row; one with a header that names no field is refused whole."""
    if row.notes:
        return Problem.in_record(row.source, row.position, row.notes[0][0],
                                 joined([message for _, message in row.notes]), row.position)
    columns = {}
    for index, header in enumerate(row.columns):
        name = vocabulary().by_label.get(header)
        if name is not None:
            columns[name] = (column_letters(index + 1), header)
    values = {vocabulary().by_label[h]: v for h, v in row.data.items()
              if h in vocabulary().by_label and v not in (None, "")}
    return _Row(row.source, row.position, values, columns)


def _document(source: str, decoded: str) -> Iterator[_Row | Problem]:
    for found in listed_entries(source, decoded, "funds"):
        if isinstance(found, Problem):
            yield found
            continue
        position, item = found
        unknown = [str(k) for k in item if str(k) not in vocabulary().by_label]
        if unknown:
            hint = did_you_mean(nearest(unknown[0], vocabulary().by_label))
            yield Problem.in_record(source, position, None, located(place(position), text(
                "location.unknown_header", header=unknown[0], hint=hint)), position)
            continue
        yield _Row(source, position, {vocabulary().by_label[str(k)]: v for k, v in item.items()
                                      if v not in (None, "")}, {})


def _line(row: _Row) -> FundLine | Problem:
    """A row's values read, or the problem with its first faulty fields (all of them)."""
    read: dict[str, Any] = {}
    errors: list[Problem] = []
    for name in REQUIRED:
        raw = row.values.get(name)
        value = _value(name, raw) if raw is not None else text(
            "annual_funds.problem.missing", field=field_label(name))
        if isinstance(value, Text):
            errors.append(row.problem(name, value))
        else:
            read[name] = value
    if not errors and read["source"].level is not read["level"]:
        errors.append(row.problem("level", text(
            "annual_funds.problem.wrong_level", source=_name("source", read["source"]),
            level=_name("level", read["source"].level), given=_name("level", read["level"]))))
    if errors:
        first = errors[0]
        return Problem.in_record(row.source, row.position, first.field, joined(
            [e.message for e in errors if isinstance(e.message, Text)]), row.position,
            first.column)
    note = row.values.get("note")
    return FundLine(read["year"], read["level"], read["source"], read["budgeted"],
                    read["received"], read["paid"], None if note is None else str(note)[:500],
                    row.source, row.position)


def _value(name: str, raw: Any) -> Any:
    """The value of one field, or the Text saying what was expected."""
    if name == "year":
        return _year(raw)
    if name in ("level", "source"):
        return _code(name, raw)
    return _yuan(raw)


def _year(raw: Any) -> int | Text:
    found = _YEAR.fullmatch(raw.strip()) if isinstance(raw, str) else None
    year = int(found[1]) if found else raw if type(raw) is int else None
    if year is None or not FIRST_DATE.year <= year <= LAST_DATE.year:
        return text("annual_funds.problem.not_year", value=shown(raw))
    return year


def _yuan(raw: Any) -> int | Text:
    value: int | None = None
    if type(raw) is int:
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and _YUAN.fullmatch(raw.strip()):
        value = int(raw.strip().split(".")[0].replace(",", "").replace("，", ""))
    if value is None or not 0 <= value <= MAX_COUNT:
        return text("annual_funds.problem.not_yuan", value=shown(raw))
    return value


def _name(group: str, code: StrEnum) -> Text:
    return text(f"annual_funds.{group}.{code.value}")


def _code(group: str, raw: Any) -> StrEnum | Text:
    """A level or source, as its code (any case), its Chinese or its English name."""
    codes: type[StrEnum] = FundLevel if group == "level" else FundSource
    names: dict[str, StrEnum] = {}
    for code in codes:
        shown_as = _name(group, code)
        for spelling in (code.value, shown_as.zh, shown_as.en):
            names[spelling.casefold()] = code
    if isinstance(raw, str) and raw.strip().casefold() in names:
        return names[raw.strip().casefold()]
    choices = [_name(group, code) for code in codes]
    found = nearest(raw.strip(), [c.zh for c in choices]) if isinstance(raw, str) else None
    return text(f"annual_funds.problem.unknown_{group}", value=shown(raw),
                names=Text(listing([c.zh for c in choices], "zh"),
                           listing([c.en for c in choices], "en")),
                hint=did_you_mean(found))


def run_funds(given: str | None, inputs: Iterable[str]) -> FundsRead | None:
    """The funds of a run: ``--funds`` (the file wins, with a warning, over a funds sheet in
    the registry workbook), else the first registry workbook given with a funds sheet, else
    None (no funds given)."""
    sheet = next((source for source in inputs if has_funds_sheet(source)), None)
    if given is None:
        return None if sheet is None else read_funds(sheet)
    found = read_funds(given)
    if sheet is not None and Path(sheet).resolve() != Path(given).resolve():
        found.warnings.insert(0, file_problem(given, text("annual_funds.problem.both",
                                                          registry=sheet)))
    return found
