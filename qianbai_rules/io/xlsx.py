"""A guarded reader of XLSX workbooks: the zip and its XML parts read by this package
itself, so that one malformed cell is one rejected row, never an exception out of a row loop.

openpyxl raises out of its row iterator on a numeric cell holding ``NaN``, a shared-string
index out of range, an impossible date or a bad cell reference, and pads every row to the
width the sheet's dimension claims (A1:XFD1048576: hours). Here rows are read as they are
written, sparsely, with the limits of :mod:`.limits` checked before reading (sizes and
compression ratio of the zip's parts) and while reading (cells, rows, columns). Document
type declarations are refused, so no entity is ever expanded. This module opens the
workbook and reads its parts; :mod:`.xmlparts` parses XML, :mod:`.xlsxcells` reads rows.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

from qianbai_rules.core import limits
from qianbai_rules.core.problems import Text
from qianbai_rules.io.sources import cannot_read_file
from qianbai_rules.io.xlsxcells import Row, SheetReader
from qianbai_rules.io.xmlparts import (
    CHUNK,
    WorkbookError,
    expat_parser,
    guarded,
    guarded_iter,
    normalise,
    parse,
    whole_number,
)
from qianbai_rules.texts.formats import count
from qianbai_rules.texts.labels import text

# Number formats that Chinese (and other East Asian) Excel shows as dates: ids 27-36 and
# 50-58 are locale-defined, absent from openpyxl's table.
_LOCALE_DATE_IDS = frozenset(range(27, 37)) | frozenset(range(50, 59))


class WorkbookReader:
    """An opened workbook: its sheets, shared strings and date styles, checked for size."""

    def __init__(self, path: str) -> None:
        try:
            size = Path(path).stat().st_size
        except OSError as exc:
            raise WorkbookError(cannot_read_file(exc)) from None
        if size > limits.MAX_XLSX_BYTES:
            raise WorkbookError(text("problem.workbook.too_big", size=count(size),
                                     limit=count(limits.MAX_XLSX_BYTES)))
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise WorkbookError(text("problem.workbook.not_xlsx",
                                     reason=type(exc).__name__)) from None
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
            raise WorkbookError(text("problem.workbook.too_many_parts", count=count(len(infos))))
        total = sum(info.file_size for info in infos)
        if total > limits.MAX_XLSX_UNCOMPRESSED:
            raise WorkbookError(text("problem.workbook.too_big_uncompressed", total=count(total),
                                     limit=count(limits.MAX_XLSX_UNCOMPRESSED)))
        for info in infos:
            if info.file_size > limits.MIB and (
                    info.file_size > limits.MAX_XLSX_RATIO * max(info.compress_size, 1)):
                raise WorkbookError(text("problem.workbook.bomb", part=info.filename,
                                         ratio=limits.MAX_XLSX_RATIO))

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
                raise WorkbookError(text("problem.workbook.missing_part", name=name))
            return
        with stream:
            guarded(lambda: parse(stream, start, end, chars), name)

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
            sheets.setdefault(title, normalise(part))
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
                number = whole_number(attrs.get("numFmtId"))
                if number is not None:
                    custom[number] = attrs.get("formatCode", "")
            elif name == "cellXfs":
                depth["xfs"] += 1
            elif name == "xf" and depth["xfs"]:
                formats.append(whole_number(attrs.get("numFmtId")) or 0)

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
            raise WorkbookError(text("problem.workbook.sheet_missing",
                                     sheet=Text(sheet, repr(sheet))))
        reader = SheetReader(self)
        with stream:
            done: list[Row] = reader.done

            def parse() -> Iterator[Row]:
                parser = expat_parser(reader.start, reader.end, reader.chars)
                while True:
                    chunk = stream.read(CHUNK)
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
