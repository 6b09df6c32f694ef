"""CSV record tables, row by row: the first row names the fields (labels or dotted
names), each row after it is a record; a row that cannot be read is rejected on its own.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.io.sources import InputItem, RawRecord, file_problem, trim

# Physical lines of a CSV text: ended by LF or CR LF; a file with no LF at all is a file of
# CR-ended lines (old Mac). A CR alone inside a line of an LF file is no line ending: in an
# unquoted cell it breaks the row (the row is rejected), in a quoted cell it is text.
_LF_LINES = re.compile(r"[^\n]*\n|[^\n]+")
_CR_LINES = re.compile(r"[^\r]*\r|[^\r]+")


def _physical_lines(text: str) -> list[str]:
    return (_CR_LINES if "\n" not in text and "\r" in text else _LF_LINES).findall(text)


def read_csv(source: str, text: str) -> Iterator[InputItem]:
    """A CSV table, row by row. A row whose quotes do not balance (a quote never closed,
    or one that would swallow the following rows into a cell) is rejected on its own and
    the following lines are read as rows: nothing vanishes into one cell."""
    rows = _CsvRows(_physical_lines(text))
    header, error = rows.next(0)
    if error is not None:
        yield file_problem(source, Text(f"CSV 表头无法读取：{error.zh}",
                                         f"cannot read the CSV header: {error.en}"))
        return
    if not header:
        yield file_problem(source, Text("CSV 文件为空", "the CSV file is empty"))
        return
    header = [trim(h) for h in header]
    for column, name in enumerate(header, start=1):
        if not name or name in header[:column - 1]:
            what = Text("表头为空", "an empty header") if not name else Text(
                f"表头“{name}”重复", f"the header {name!r} appears twice")
            yield file_problem(source, Text(f"第 {column} 列：{what.zh}，无法确定该列是哪个字段",
                                             f"column {column}: {what.en}; which field it holds "
                                             f"is unclear"))
            return
    number = 1
    while rows.index < len(rows.lines):
        number += 1
        row, error = rows.next(len(header))
        if error is not None:
            yield Problem.in_record(source, f"row {number}", None, error, f"row {number}")
            continue
        if not row or not any(trim(cell) for cell in row):
            continue
        if len(row) != len(header):
            yield Problem.in_record(source, f"row {number}", None, Text(
                f"该行有 {len(row)} 列，表头有 {len(header)} 列，无法确定各单元格是哪个字段",
                f"the row has {len(row)} cells but the header {len(header)}; which field each "
                f"cell holds is unclear"), f"row {number}")
            continue
        yield RawRecord(source, f"row {number}", dict(zip(header, (trim(c) for c in row),
                                                          strict=False)), tuple(header))


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
        return Text(f"该行的引号没有闭合（或有多余的引号），其后 {lines - 1} 行会被并入同一单元格；"
                    f"该行未读取，其后各行照常读取",
                    f"a quote in this row is not closed (or is one too many) and would merge the "
                    f"{lines - 1} following line(s) into one cell; the row is rejected and the "
                    f"following lines are read as rows")
    if message.startswith("new-line character seen in unquoted field"):
        return Text("单元格中有单独的回车符（不是行尾），该行在此断开，无法确定各单元格；该行未读取",
                    "a cell holds a carriage return that does not end the line: the row breaks "
                    "there and its cells cannot be told apart; the row is rejected")
    if "expected after" in message:
        return Text("引号后应紧跟逗号或行尾（单元格中的引号应写作两个引号）",
                    "a closing quote must be followed by a comma or the end of the line (a quote "
                    "inside a cell is written as two quotes)")
    if "field larger than field limit" in message:
        return Text(f"单元格超过 {csv.field_size_limit():,} 字的上限",
                    f"a cell holds more than the limit of {csv.field_size_limit():,} characters")
    return Text(f"该行无法读取：{message}", f"the row cannot be read: {message}")
