"""Registries kept as Excel workbooks, read row by row through the guarded reader
(:mod:`.xlsx`): the sheet named 设施 (or facilities), else the first, its first row the
headers (labels or dotted names), each row after it a record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from qianbai_rules.core import limits
from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.io.headers import RECORD, Header, Vocabulary
from qianbai_rules.io.places import joined, located, place, sheet_row
from qianbai_rules.io.sources import InputItem, RawRecord, line_problem, trim
from qianbai_rules.io.xlsx import WorkbookReader
from qianbai_rules.io.xlsxcells import letter
from qianbai_rules.io.xmlparts import WorkbookError
from qianbai_rules.model.fields import BY_LABEL
from qianbai_rules.model.validation import record_label
from qianbai_rules.texts.formats import count
from qianbai_rules.texts.labels import text

SHEET_NAMES = ("设施", "facilities")
# A registry workbook may hold the funds (io/funds.py): never read as facility records.
FUNDS_SHEETS = ("资金", "资金到位", "funds")


def _cell(value: Any) -> Any:
    """A cell as the record model reads it: dates as ISO text, a date-time with a time of
    day as date and time (a date field refuses it: the time is never silently dropped)."""
    if isinstance(value, dt.datetime):  # Excel keeps dates as date-times
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return trim(value)
    return value


def _problem(source: str, message: Text, position: str | None = None,
             column: str | None = None, record: str | None = None,
             field: str | None = None) -> Problem:
    return Problem.in_record(source, record if record is not None else position, field, message,
                         position, column)


def read_xlsx(source: str, sheets: tuple[str, ...] = SHEET_NAMES,
              vocabulary: Vocabulary = RECORD) -> Iterator[InputItem]:
    """Records of a workbook: the sheet named 设施 (or facilities), else the first sheet
    (another table's rows: the first of ``sheets`` present, its headers naming fields of
    ``vocabulary``).

    Positions name the sheet and the row (``设施!row 4``), messages the sheet, row, column
    and header (“设施”表第4行G列（建筑面积（平方米））) so that an official finds them.
    A malformed cell rejects its row (sheet, row, column and why); a workbook that cannot
    be opened is one problem naming the file; reading stops with one problem at a limit.
    """
    try:
        workbook = WorkbookReader(source)
    except WorkbookError as exc:
        yield _problem(source, exc.text)
        return
    try:
        yield from _records(source, workbook, sheets, vocabulary)
    except WorkbookError as exc:
        yield _problem(source, exc.text)
    finally:
        workbook.close()


def _records(source: str, workbook: WorkbookReader, sheets: tuple[str, ...],
             vocabulary: Vocabulary) -> Iterator[InputItem]:
    names = list(workbook.sheets)
    others = [n for n in names if n not in FUNDS_SHEETS or sheets == FUNDS_SHEETS]
    chosen = next((n for n in sheets if n in names), others[0] if others else None)
    if chosen is None:
        yield _problem(source, text("problem.workbook.no_sheet"))
        return
    sheet = Text(chosen, repr(chosen))  # how messages name it: as written, or quoted
    rows = workbook.rows(chosen)
    header: list[str] = []
    for row in rows:
        if row.errors or row.cells:
            header_row = row
            break
    else:
        header_row = None
    if header_row is not None and not header_row.errors:
        width = max(header_row.cells)
        if width > limits.MAX_HEADER_COLUMNS:
            yield _problem(source, text("problem.workbook.header_too_wide", sheet=sheet,
                                        limit=count(limits.MAX_HEADER_COLUMNS)))
            return
        header = [_header_text(header_row.cells.get(c)) for c in range(1, width + 1)]
    elif header_row is not None:
        column, message = header_row.errors[0]
        where = text("problem.workbook.at_column", column=letter(column)) if column else ""
        yield _problem(source, text("problem.workbook.header_unreadable", sheet=sheet,
                                    where=where, message=message))
        return
    if not header:
        yield _problem(source, text("problem.workbook.no_header", sheet=sheet))
        return
    for column, name in enumerate(header, start=1):
        if not name or name in header[:column - 1]:
            at = letter(column)
            what = text("problem.empty_header") if not name else text(
                "problem.workbook.repeated_header", name=Text(name, repr(name)))
            yield Problem.in_record(source, None, None, text(
                "problem.workbook.bad_header", sheet=sheet, column=at, what=what), column=at)
            return
    table = Header(header, chosen, header_row.number if header_row is not None else 1,
                   workbook.date1904, vocabulary)
    for row in rows:
        position = sheet_row(chosen, row.number)
        values = {header[c - 1]: _cell(v) for c, v in row.cells.items() if c <= len(header)}
        values = {k: v for k, v in values.items() if v not in (None, "")}
        label = record_label(values, position)
        if row.errors:
            yield _row_errors(source, position, label, table, row.errors)
            continue
        if any(c > len(header) and _cell(v) not in (None, "") for c, v in row.cells.items()):
            yield line_problem(source, position, text("problem.workbook.beyond_header"))
            continue
        if values:
            notes = table.notes(tuple(values), position) if table.unknown else ()
            yield RawRecord(source, position, table.cells(values), table.names, notes)


def _row_errors(source: str, position: str, label: str, table: Header,
                errors: list[tuple[int | None, Text]]) -> Problem:
    """A row with cells that cannot be read: every one of them, each at its column (the
    first names the field and column of the JSON entry)."""
    located_errors = []
    for bad, message in errors:
        at = place(position)
        if bad and at is not None:
            header = table.names[bad - 1] if bad <= len(table.names) else None
            at = (text("location.header", place=at, column=letter(bad), header=header)
                  if header else text("location.column", place=at, column=letter(bad)))
        located_errors.append(located(at, message))
    bad = errors[0][0]
    label_of = table.names[bad - 1] if bad and bad <= len(table.names) else None
    return _problem(source, joined(located_errors), position, letter(bad) if bad else None,
                    label, BY_LABEL.get(label_of, label_of) if label_of else None)


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return trim(str(value))
