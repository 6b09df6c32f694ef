"""CSV record tables, row by row: the first row names the fields (labels or dotted
names), each row after it is a record; a row that cannot be read is rejected on its own.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from qianbai_rules.core.problems import Text
from qianbai_rules.io.headers import RECORD, Header, Vocabulary
from qianbai_rules.io.places import table_row
from qianbai_rules.io.sources import InputItem, RawRecord, file_problem, line_problem, trim
from qianbai_rules.texts import labels
from qianbai_rules.texts.formats import count

# Physical lines of a CSV text: ended by LF or CR LF; a file with no LF at all is a file of
# CR-ended lines (old Mac). A CR alone inside a line of an LF file is no line ending: in an
# unquoted cell it breaks the row (the row is rejected), in a quoted cell it is text.
_LF_LINES = re.compile(r"[^\n]*\n|[^\n]+")
_CR_LINES = re.compile(r"[^\r]*\r|[^\r]+")


def _physical_lines(text: str) -> list[str]:
    return (_CR_LINES if "\n" not in text and "\r" in text else _LF_LINES).findall(text)


def read_csv(source: str, text: str, vocabulary: Vocabulary = RECORD) -> Iterator[InputItem]:
    """A CSV table, row by row, its headers naming fields of ``vocabulary``. A row whose
    quotes do not balance (a quote never closed, or one that would swallow the following
    rows into a cell) is rejected on its own and the following lines are read as rows:
    nothing vanishes into one cell."""
    rows = _CsvRows(_physical_lines(text))
    header, error = rows.next(0)
    if error is not None:
        yield file_problem(source, labels.text("problem.csv.header_unreadable", error=error))
        return
    if not header:
        yield file_problem(source, labels.text("problem.csv.empty"))
        return
    header = [trim(h) for h in header]
    for column, name in enumerate(header, start=1):
        if not name or name in header[:column - 1]:
            what = labels.text("problem.empty_header") if not name else labels.text(
                "problem.csv.repeated_header", name=Text(name, repr(name)))
            yield file_problem(source, labels.text("problem.csv.bad_header", column=column,
                                                   what=what))
            return
    table = Header(header, vocabulary=vocabulary)
    number = 1
    while rows.index < len(rows.lines):
        number += 1
        position = table_row(number)
        row, error = rows.next(len(header))
        if error is not None:
            yield line_problem(source, position, error)
            continue
        if not row or not any(trim(cell) for cell in row):
            continue
        if len(row) != len(header):
            yield line_problem(source, position, labels.text(
                "problem.csv.row_width", cells=len(row), columns=len(header)))
            continue
        notes = table.notes(table.names, position) if table.unknown else ()
        yield RawRecord(source, position, table.cells(dict(zip(
            header, (trim(c) for c in row), strict=False))), table.names, notes)


class _CsvRows:
    """Rows of a CSV text from a physical line on: one csv reader while rows are sound, a
    new one on the line after a row that is not (its state is then discarded)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.index = 0
        self._reader = csv.reader(self._feed(), strict=True)

    def _feed(self) -> Iterator[str]:
        while self.index < len(self.lines):
            self.index += 1
            yield self.lines[self.index - 1]

    def next(self, width: int) -> tuple[list[str], Text | None]:
        """The next row and what is wrong with it (then the row after it begins on the
        line after the one this row began on)."""
        start = self.index
        try:
            row = next(self._reader, [])
        except csv.Error as exc:
            return [], self._restart(start, _csv_error(str(exc), self.index - start))
        used = self.index - start
        if used > 1 and width > 1 and (len(row) != width or any(
                _swallows_rows(cell, width) for cell in row)):
            return [], self._restart(start, _csv_error("swallowed", used))
        return row, None

    def _restart(self, start: int, error: Text) -> Text:
        self.index = start + 1
        self._reader = csv.reader(self._feed(), strict=True)
        return error


def _swallows_rows(cell: str, width: int) -> bool:
    """A quoted cell spanning lines that holds the rest of one row and the start of the next:
    a quote opened in one row and closed in a later one. Its text then holds as many commas
    as a whole row has separators (exactly width - 1 when the merged row happens to be as
    wide as the header), where a cell with a line break, as spreadsheets write it (an
    address on two lines), holds few. At least half a row's separators is a broken quote."""
    return ("\n" in cell or "\r" in cell) and cell.count(",") >= max(1, (width - 1) / 2)


def _csv_error(message: str, lines: int) -> Text:
    if message.startswith("unexpected end of data") or message == "swallowed":
        return labels.text("problem.csv.unclosed_quote", lines=lines - 1)
    if message.startswith("new-line character seen in unquoted field"):
        return labels.text("problem.csv.carriage_return")
    if "expected after" in message:
        return labels.text("problem.csv.quote_then")
    if "field larger than field limit" in message:
        return labels.text("problem.csv.cell_too_long", limit=count(csv.field_size_limit()))
    return labels.text("problem.csv.row_unreadable", reason=message)
