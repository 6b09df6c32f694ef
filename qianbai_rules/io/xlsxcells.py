"""The rows and cells of one XLSX worksheet part, read as they are written (sparsely):
cell references, values (text, shared strings, numbers, booleans, dates), and the limits
of :mod:`qianbai_rules.core.limits` checked while reading. One malformed cell is an error
of its row, never an exception out of the row loop; a limit passed stops the sheet with
one :class:`~.xmlparts.WorkbookError`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from openpyxl.utils.datetime import from_excel

from qianbai_rules.core import limits
from qianbai_rules.core.problems import Text
from qianbai_rules.io.xmlparts import WorkbookError, whole_number
from qianbai_rules.model.validation import column_letters
from qianbai_rules.texts import labels
from qianbai_rules.texts.formats import count

_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


class CellContext(Protocol):
    """What a cell's value depends on beyond the cell: the workbook's shared strings, the
    styles that show a date, and its date system."""

    shared: list[str | None]
    date_styles: frozenset[int]
    date1904: bool


@dataclass
class Row:
    """One row as written: its number, its cells by column (1-based), and what is wrong."""

    number: int
    cells: dict[int, Any] = field(default_factory=dict)
    errors: list[tuple[int | None, Text]] = field(default_factory=list)


class SheetReader:
    """The state of reading one worksheet part: the row and the cell being read."""

    def __init__(self, workbook: CellContext) -> None:
        self.workbook = workbook
        self.done: list[Row] = []
        self.row: Row | None = None
        self.last_row = 0
        self.column = 0
        self.cells = 0
        self.cell: dict[str, str] | None = None
        self.value: list[str] = []
        self.formula = False
        self.text: list[str] | None = None  # the <v> or <is><t> being read
        self.chars_read = 0
        self.row_chars = 0  # the text of the row being read, all its cells together
        self.row_written = False  # whether the row being read has a cell element
        self.row_overflow = False  # whether it holds more text than MAX_ROW_CHARS
        self.row_broken = False  # whether its number or a cell reference is invalid
        self.broken_rows = 0  # rows whose structure (row number, cell references) is broken
        self.in_data = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "sheetData":
            self.in_data = True
        elif not self.in_data:
            return
        elif name == "row":
            self._start_row(attrs)
        elif name == "c" and self.row is not None:
            self.cells += 1
            if self.cells > limits.MAX_CELLS:
                raise WorkbookError(labels.text("problem.workbook.too_many_cells",
                                                limit=count(limits.MAX_CELLS),
                                                row=self.row.number))
            self.cell, self.value, self.formula, self.chars_read = attrs, [], False, 0
            self.row_written = True
        elif name == "f" and self.cell is not None:
            self.formula = True
        elif name in ("v", "t") and self.cell is not None:
            self.text = self.value

    def _start_row(self, attrs: dict[str, str]) -> None:
        """A new row. A row number beyond Excel's last row, or not after the row before,
        stops reading the sheet (one problem after the rows already read): what follows
        cannot be placed. A row number that is not a number is that row's problem."""
        given = attrs.get("r")
        number = whole_number(given) if given is not None else self.last_row + 1
        row = Row(number if number is not None else self.last_row + 1)
        if number is None:
            shown = (given or "")[:20]
            row.errors.append((None, labels.text("problem.workbook.bad_row_number",
                                                 number=repr(shown),
                                                 limit=count(limits.MAX_ROW))))
            row.number = self.last_row + 1
        elif not 1 <= number <= limits.MAX_ROW or number <= self.last_row:
            shown = str(number) if len(str(number)) <= 20 else str(number)[:20] + "…"
            raise WorkbookError(labels.text("problem.workbook.row_out_of_order", number=shown,
                                            after=count(self.last_row),
                                            limit=count(limits.MAX_ROW)))
        self.last_row = row.number
        self.row, self.column, self.row_chars = row, 0, 0
        self.row_written = self.row_overflow = False
        self.row_broken = bool(row.errors)

    def chars(self, text: str) -> None:
        if self.text is not None:
            self.chars_read += len(text)
            self.row_chars += len(text)
            if (self.chars_read <= limits.MAX_CELL_CHARS + 1
                    and self.row_chars <= limits.MAX_ROW_CHARS + 1):
                self.text.append(text)

    def _row_too_long(self, row: Row) -> None:
        """A row holding more text than MAX_ROW_CHARS: rejected; the cells read before the
        limit are kept (they name the record), no later one."""
        if not self.row_overflow:
            self.row_overflow = True
            row.errors.append((None, labels.text("problem.workbook.row_too_long",
                                                 limit=count(limits.MAX_ROW_CHARS))))

    def _count_broken(self, row: Row) -> None:
        """Stop the sheet, with one problem, after MAX_SHEET_ERRORS rows whose structure is
        broken: never a million rejections from one malformed part."""
        if not self.row_broken:
            return
        self.broken_rows += 1
        if self.broken_rows > limits.MAX_SHEET_ERRORS:
            raise WorkbookError(labels.text("problem.workbook.broken_rows",
                                            limit=count(limits.MAX_SHEET_ERRORS),
                                            row=count(row.number)))

    def end(self, name: str) -> None:
        if not self.in_data:
            return
        if name in ("v", "t"):
            self.text = None
        elif name == "c" and self.row is not None and self.cell is not None:
            self._finish_cell(self.row, self.cell)
            self.cell = None
        elif name == "row" and self.row is not None:
            if self.row_written:  # a row without cells is no record, whatever its number
                self._count_broken(self.row)
                self.done.append(self.row)
            self.row = None
        elif name == "sheetData":
            self.in_data = False

    def _finish_cell(self, row: Row, attrs: dict[str, str]) -> None:
        reference = attrs.get("r")
        column = self.column + 1
        if reference is not None:
            match = _REFERENCE.match(reference)
            at = _column_number(match.group(1)) if match else 0
            if match is None or int(match.group(2)) != row.number or not (
                    self.column < at <= limits.MAX_COLUMN):
                row.errors.append((None, labels.text("problem.workbook.bad_reference",
                                                     reference=repr(reference),
                                                     row=row.number)))
                self.row_broken = True
                return
            column = at
        self.column = column
        text = "".join(self.value)
        if self.chars_read > limits.MAX_CELL_CHARS:
            row.errors.append((column, _too_long()))
            return
        try:
            value = _value(attrs, text, self.formula, self.workbook)
        except _CellError as exc:
            row.errors.append((column, exc.text))
            return
        if isinstance(value, str) and attrs.get("t") == "s":
            self.row_chars += len(value)  # inline text is counted as it is read
        if self.row_overflow or self.row_chars > limits.MAX_ROW_CHARS:
            self._row_too_long(row)
            return
        if value is not None and value != "":
            row.cells[column] = value


def _too_long() -> Text:
    return labels.text("problem.workbook.cell_too_long", limit=count(limits.MAX_CELL_CHARS))


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class _CellError(Exception):
    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def _value(attrs: dict[str, str], text: str, formula: bool, workbook: CellContext) -> Any:
    """A cell's value as Python: text, number, bool, a date or a date-time."""
    kind = attrs.get("t", "n")
    if formula and text == "" and kind != "str":
        raise _CellError(labels.text("problem.workbook.formula_without_value"))
    if kind in ("inlineStr", "str"):
        return text.strip()
    if text == "":
        return None
    if kind == "s":
        index = whole_number(text)
        if index is None or not 0 <= index < len(workbook.shared):
            raise _CellError(labels.text("problem.workbook.shared_string",
                                         index=repr(text[:20])))
        shared = workbook.shared[index]
        if shared is None:
            raise _CellError(_too_long())
        return shared
    if kind == "b":
        if text.strip() not in ("0", "1"):
            raise _CellError(labels.text("problem.workbook.bad_boolean", value=repr(text[:20])))
        return text.strip() == "1"
    if kind == "e":
        return _raise_error_value(text)
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise _CellError(labels.text("problem.workbook.bad_date",
                                         value=repr(text[:40]))) from None
    if kind != "n":
        raise _CellError(labels.text("problem.workbook.cell_type", kind=repr(kind[:20])))
    try:
        number = float(text)
    except ValueError:
        raise _CellError(labels.text("problem.workbook.not_a_number",
                                     value=repr(text[:40]))) from None
    if not math.isfinite(number):
        raise _CellError(labels.text("problem.workbook.not_finite", value=repr(text[:40])))
    if whole_number(attrs.get("s")) in workbook.date_styles:
        return _date(number, workbook.date1904)
    return int(number) if number.is_integer() and abs(number) < 2 ** 63 else number


def _raise_error_value(text: str) -> Any:
    raise _CellError(labels.text("problem.workbook.error_value", value=text[:20]))


def _date(serial: float, date1904: bool) -> dt.datetime | str:
    """A date cell's serial number as a date-time; a time of day alone as its text."""
    try:
        value = (from_excel(serial, epoch=dt.datetime(1904, 1, 1)) if date1904
                 else from_excel(serial))
    except (ValueError, OverflowError, TypeError):
        value = None
    if isinstance(value, dt.time):
        return value.isoformat()
    if not isinstance(value, dt.datetime) or value.year < 1900:
        raise _CellError(labels.text("problem.workbook.bad_date_serial", value=f"{serial:g}"))
    return value


def letter(column: int) -> str:
    """A column's name in a message (A, AB); a number beyond Excel's last column as it is."""
    return column_letters(column) if 1 <= column <= limits.MAX_COLUMN else str(column)
