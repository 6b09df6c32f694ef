"""A guarded reader of XLSX workbooks: the zip and its XML parts read by this module itself,
so that one malformed cell is one rejected row, never an exception out of a row loop.

openpyxl raises out of its row iterator on a numeric cell holding ``NaN``, a shared-string
index out of range, an impossible date or a bad cell reference, and pads every row to the
width the sheet's dimension claims (A1:XFD1048576: hours). Here rows are read as they are
written, sparsely, with the limits of :mod:`.limits` checked before reading (sizes and
compression ratio of the zip's parts) and while reading (cells, rows, columns). Document
type declarations are refused, so no entity is ever expanded.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from qianbai_rules.core import limits
from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.problems import Text

_CHUNK = 64 * 1024
_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
# Number formats that Chinese (and other East Asian) Excel shows as dates: ids 27-36 and
# 50-58 are locale-defined, absent from openpyxl's table.
_LOCALE_DATE_IDS = frozenset(range(27, 37)) | frozenset(range(50, 59))


class WorkbookError(QianbaiError):
    """The workbook as a whole cannot be read (or reading it must stop)."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.text = message


@dataclass
class Row:
    """One row as written: its number, its cells by column (1-based), and what is wrong."""

    number: int
    cells: dict[int, Any] = field(default_factory=dict)
    errors: list[tuple[int | None, Text]] = field(default_factory=list)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _no_doctype(*_: Any) -> None:
    raise WorkbookError(Text("工作簿的 XML 部件含有文档类型声明，不予读取",
                             "an XML part of the workbook declares a document type; refused"))


def _expat(start: Callable[[str, dict[str, str]], None], end: Callable[[str], None],
           chars: Callable[[str], None]) -> Any:
    """An expat parser giving element and attribute names without their namespace, that
    refuses document type declarations (so no entity is ever defined or expanded)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    parser.StartElementHandler = lambda name, attrs: start(
        _local(name), {_local(k): v for k, v in attrs.items()})
    parser.EndElementHandler = lambda name: end(_local(name))
    parser.CharacterDataHandler = chars
    return parser


def _parse(stream: IO[bytes], start: Callable[[str, dict[str, str]], None],
           end: Callable[[str], None], chars: Callable[[str], None]) -> None:
    """Feed one XML part to expat in chunks."""
    parser = _expat(start, end, chars)
    while True:
        chunk = stream.read(_CHUNK)
        parser.Parse(chunk, not chunk)
        if not chunk:
            return


class Workbook:
    """An opened workbook: its sheets, shared strings and date styles, checked for size."""

    def __init__(self, path: str) -> None:
        try:
            size = Path(path).stat().st_size
        except OSError as exc:
            raise WorkbookError(Text(f"无法读取文件：{exc.strerror}",
                                     f"cannot read the file: {exc.strerror}")) from None
        if size > limits.MAX_XLSX_BYTES:
            raise WorkbookError(Text(
                f"工作簿大小 {size:,} 字节，超过 {limits.MAX_XLSX_BYTES:,} 字节的上限",
                f"the workbook has {size:,} bytes, more than the limit of "
                f"{limits.MAX_XLSX_BYTES:,}"))
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise WorkbookError(Text(f"不是可读取的 XLSX 工作簿：{type(exc).__name__}",
                                     f"not a readable XLSX workbook: {type(exc).__name__}")) from None
        try:
            self._check_sizes()
            self.date1904 = False
            self.sheets = self._sheets()
            self.shared = self._shared_strings()
            self.date_styles = self._date_styles()
        except BaseException:
            self._zip.close()
            raise

    def close(self) -> None:
        self._zip.close()

    def _check_sizes(self) -> None:
        infos = self._zip.infolist()
        if len(infos) > limits.MAX_XLSX_PARTS:
            raise WorkbookError(Text(f"工作簿含有 {len(infos):,} 个部件，超过上限",
                                     f"the workbook holds {len(infos):,} parts, too many"))
        total = sum(info.file_size for info in infos)
        if total > limits.MAX_XLSX_UNCOMPRESSED:
            raise WorkbookError(Text(
                f"工作簿解压后共 {total:,} 字节，超过 {limits.MAX_XLSX_UNCOMPRESSED:,} 字节的上限",
                f"the workbook uncompresses to {total:,} bytes, more than the limit of "
                f"{limits.MAX_XLSX_UNCOMPRESSED:,}"))
        for info in infos:
            if info.file_size > limits.MIB and (
                    info.file_size > limits.MAX_XLSX_RATIO * max(info.compress_size, 1)):
                raise WorkbookError(Text(
                    f"工作簿部件 {info.filename} 的压缩比超过 {limits.MAX_XLSX_RATIO}:1，"
                    f"疑为压缩炸弹，不予读取",
                    f"the workbook part {info.filename} is compressed more than "
                    f"{limits.MAX_XLSX_RATIO}:1, like a decompression bomb; refused"))

    def _open(self, name: str) -> IO[bytes] | None:
        try:
            return self._zip.open(name)
        except KeyError:
            return None

    def _part(self, name: str, start: Callable[[str, dict[str, str]], None],
              end: Callable[[str], None] = lambda _: None,
              chars: Callable[[str], None] = lambda _: None, required: bool = False) -> None:
        stream = self._open(name)
        if stream is None:
            if required:
                raise WorkbookError(Text(f"不是可读取的 XLSX 工作簿：缺少 {name}",
                                         f"not a readable XLSX workbook: {name} is missing"))
            return
        with stream:
            guarded(lambda: _parse(stream, start, end, chars), name)

    def _sheets(self) -> dict[str, str]:
        """Worksheet names to their part names, in workbook order."""
        found: list[tuple[str, str]] = []
        targets: dict[str, str] = {}

        def on_workbook(name: str, attrs: dict[str, str]) -> None:
            if name == "sheet" and "name" in attrs and "id" in attrs:
                found.append((attrs["name"], attrs["id"]))
            elif name == "workbookPr":
                self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")

        def on_rels(name: str, attrs: dict[str, str]) -> None:
            if name == "Relationship" and "Id" in attrs and "Target" in attrs:
                targets[attrs["Id"]] = attrs["Target"]

        self._part("xl/workbook.xml", on_workbook, required=True)
        self._part("xl/_rels/workbook.xml.rels", on_rels)
        sheets: dict[str, str] = {}
        for title, rel in found:
            target = targets.get(rel)
            if target is None or "worksheet" not in target.lower():
                continue  # chart sheets and dialog sheets hold no rows
            part = (target.lstrip("/") if target.startswith("/")
                    else str(PurePosixPath("xl") / target))
            sheets.setdefault(title, _normalise(part))
        return sheets

    def _shared_strings(self) -> list[str | None]:
        """The shared strings, each stripped once here (a cell referring to one shares it,
        never copies it); a string longer than MAX_CELL_CHARS is None (is not kept), and
        the cells that refer to it reject their rows."""
        strings: list[str | None] = []
        state: dict[str, Any] = {"parts": None, "in_t": False, "skip": 0, "chars": 0}

        def start(name: str, _: dict[str, str]) -> None:
            if name == "si":
                state["parts"], state["chars"] = [], 0
            elif name in ("rPh", "phoneticPr"):
                state["skip"] += 1
            elif name == "t" and state["parts"] is not None and not state["skip"]:
                state["in_t"] = True

        def end(name: str) -> None:
            if name == "si" and state["parts"] is not None:
                strings.append("".join(state["parts"]).strip()
                               if state["chars"] <= limits.MAX_CELL_CHARS else None)
                state["parts"] = None
            elif name in ("rPh", "phoneticPr"):
                state["skip"] -= 1
            elif name == "t":
                state["in_t"] = False

        def chars(text: str) -> None:
            if state["in_t"]:
                state["chars"] += len(text)
                if state["chars"] <= limits.MAX_CELL_CHARS:
                    state["parts"].append(text)

        self._part("xl/sharedStrings.xml", start, end, chars)
        return strings

    def _date_styles(self) -> frozenset[int]:
        """Indexes of the cell styles whose number format shows a date or a time."""
        custom: dict[int, str] = {}
        formats: list[int] = []
        depth = {"xfs": 0}

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == "numFmt":
                number = _int(attrs.get("numFmtId"))
                if number is not None:
                    custom[number] = attrs.get("formatCode", "")
            elif name == "cellXfs":
                depth["xfs"] += 1
            elif name == "xf" and depth["xfs"]:
                formats.append(_int(attrs.get("numFmtId")) or 0)

        def end(name: str) -> None:
            if name == "cellXfs":
                depth["xfs"] -= 1

        self._part("xl/styles.xml", start, end)
        dates = set()
        for index, number in enumerate(formats):
            code = custom.get(number, BUILTIN_FORMATS.get(number, ""))
            if number in _LOCALE_DATE_IDS or (code and is_date_format(code)):
                dates.add(index)
        return frozenset(dates)

    def rows(self, sheet: str) -> Iterator[Row]:
        """The rows of one sheet as written (empty rows are not invented)."""
        stream = self._open(self.sheets[sheet])
        if stream is None:
            raise WorkbookError(Text(f"工作表“{sheet}”的内容缺失", f"the sheet {sheet!r} is missing"))
        reader = _SheetReader(self)
        with stream:
            done: list[Row] = reader.done

            def parse() -> Iterator[Row]:
                parser = _expat(reader.start, reader.end, reader.chars)
                while True:
                    chunk = stream.read(_CHUNK)
                    try:
                        parser.Parse(chunk, not chunk)
                    except BaseException:  # the rows read before a failure still count
                        yield from done
                        raise
                    yield from done
                    done.clear()
                    if not chunk:
                        return

            yield from guarded_iter(parse(), self.sheets[sheet])


def _normalise(part: str) -> str:
    parts: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _broken(part: str, exc: BaseException) -> WorkbookError:
    if isinstance(exc, WorkbookError):
        return exc
    what = (f"{exc.__class__.__name__}" if not isinstance(exc, expat.ExpatError)
            else f"XML 第 {exc.lineno} 行：{expat.ErrorString(exc.code)}")
    what_en = (f"{exc.__class__.__name__}" if not isinstance(exc, expat.ExpatError)
               else f"XML line {exc.lineno}: {expat.ErrorString(exc.code)}")
    return WorkbookError(Text(f"工作簿部件 {part} 无法读取（{what}）",
                              f"the workbook part {part} cannot be read ({what_en})"))


_READ_ERRORS = (expat.ExpatError, zipfile.BadZipFile, zlib.error, OSError, EOFError,
                NotImplementedError, RuntimeError, ValueError, UnicodeError, RecursionError,
                MemoryError)


def guarded(action: Callable[[], None], part: str) -> None:
    try:
        action()
    except WorkbookError:
        raise
    except _READ_ERRORS as exc:
        raise _broken(part, exc) from None


def guarded_iter(rows: Iterator[Row], part: str) -> Iterator[Row]:
    try:
        yield from rows
    except WorkbookError:
        raise
    except _READ_ERRORS as exc:
        raise _broken(part, exc) from None


class _SheetReader:
    """The state of reading one worksheet part: the row and the cell being read."""

    def __init__(self, workbook: Workbook) -> None:
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
                raise WorkbookError(Text(
                    f"工作表超过 {limits.MAX_CELLS:,} 个单元格，第 {self.row.number} 行起未读取",
                    f"the sheet has more than {limits.MAX_CELLS:,} cells; not read from row "
                    f"{self.row.number}"))
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
        number = _int(given) if given is not None else self.last_row + 1
        row = Row(number if number is not None else self.last_row + 1)
        if number is None:
            shown = (given or "")[:20]
            row.errors.append((None, Text(
                f"行号 {shown!r} 无效（应为 1 至 {limits.MAX_ROW:,} 之间递增的整数）",
                f"the row number {shown!r} is invalid (expected a whole number from 1 to "
                f"{limits.MAX_ROW:,}, increasing)")))
            row.number = self.last_row + 1
        elif not 1 <= number <= limits.MAX_ROW or number <= self.last_row:
            shown = str(number) if len(str(number)) <= 20 else str(number)[:20] + "…"
            raise WorkbookError(Text(
                f"工作表第 {self.last_row:,} 行之后的行号 {shown} 无效（应在 1 至 "
                f"{limits.MAX_ROW:,} 之间且递增），其后各行未读取",
                f"the row number {shown} after row {self.last_row:,} of the sheet is "
                f"invalid (expected 1 to {limits.MAX_ROW:,}, increasing); the rows from there "
                f"on are not read"))
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
            row.errors.append((None, Text(
                f"该行文本超过 {limits.MAX_ROW_CHARS:,} 字",
                f"the row holds more than {limits.MAX_ROW_CHARS:,} characters of text")))

    def _count_broken(self, row: Row) -> None:
        """Stop the sheet, with one problem, after MAX_SHEET_ERRORS rows whose structure is
        broken: never a million rejections from one malformed part."""
        if not self.row_broken:
            return
        self.broken_rows += 1
        if self.broken_rows > limits.MAX_SHEET_ERRORS:
            raise WorkbookError(Text(
                f"工作表中结构有误的行（行号或单元格引用无效）超过 {limits.MAX_SHEET_ERRORS:,} 行，"
                f"第 {row.number:,} 行起未读取",
                f"more than {limits.MAX_SHEET_ERRORS:,} rows of the sheet have a broken structure "
                f"(invalid row numbers or cell references); not read from row {row.number:,}"))

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
                row.errors.append((None, Text(
                    f"单元格引用 {reference!r} 无效（应为本行 {row.number} 中、列号递增的单元格）",
                    f"the cell reference {reference!r} is invalid (expected a cell of row "
                    f"{row.number}, columns increasing)")))
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
    return Text(f"单元格文本超过 {limits.MAX_CELL_CHARS:,} 字",
                f"the cell holds more than {limits.MAX_CELL_CHARS:,} characters")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class _CellError(Exception):
    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def _value(attrs: dict[str, str], text: str, formula: bool, workbook: Workbook) -> Any:
    """A cell's value as Python: text, number, bool, a date or a date-time."""
    kind = attrs.get("t", "n")
    if formula and text == "" and kind != "str":
        raise _CellError(Text("单元格是公式，但没有计算结果（请在 Excel 中打开并保存后再提交）",
                              "the cell is a formula without a computed value (open and save "
                              "the workbook in Excel first)"))
    if kind in ("inlineStr", "str"):
        return text.strip()
    if text == "":
        return None
    if kind == "s":
        index = _int(text)
        if index is None or not 0 <= index < len(workbook.shared):
            raise _CellError(Text(f"共享字符串编号 {text[:20]!r} 超出范围",
                                  f"the shared-string index {text[:20]!r} is out of range"))
        shared = workbook.shared[index]
        if shared is None:
            raise _CellError(_too_long())
        return shared
    if kind == "b":
        if text.strip() not in ("0", "1"):
            raise _CellError(Text(f"逻辑值 {text[:20]!r} 无效", f"the boolean {text[:20]!r} is invalid"))
        return text.strip() == "1"
    if kind == "e":
        return _raise_error_value(text)
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise _CellError(Text(f"日期 {text[:40]!r} 不存在或无法识别",
                                  f"the date {text[:40]!r} does not exist or cannot be read")
                             ) from None
    if kind != "n":
        raise _CellError(Text(f"单元格类型 {kind[:20]!r} 无法识别",
                              f"the cell type {kind[:20]!r} is unknown"))
    try:
        number = float(text)
    except ValueError:
        raise _CellError(Text(f"数值单元格中的 {text[:40]!r} 不是数",
                              f"{text[:40]!r} in a number cell is not a number")) from None
    if not math.isfinite(number):
        raise _CellError(Text(f"数值单元格中的 {text[:40]!r} 不是有限的数",
                              f"{text[:40]!r} in a number cell is not a finite number"))
    if _int(attrs.get("s")) in workbook.date_styles:
        return _date(number, workbook.date1904)
    return int(number) if number.is_integer() and abs(number) < 2 ** 63 else number


def _raise_error_value(text: str) -> Any:
    raise _CellError(Text(f"单元格是错误值 {text[:20]}", f"the cell holds the error value {text[:20]}"))


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
        raise _CellError(Text(f"日期单元格的值 {serial:g} 不是有效的日期",
                              f"the date cell's value {serial:g} is not a valid date"))
    return value


def letter(column: int) -> str:
    return get_column_letter(column) if 1 <= column <= limits.MAX_COLUMN else str(column)
