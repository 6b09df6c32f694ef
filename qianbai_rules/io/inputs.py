"""Reading record files: every input record comes out as a raw mapping or a problem.

Records are yielded one at a time so that a stream of a million records (JSON Lines)
is read in flat memory. Nothing read is ever dropped: a file that cannot be read at all
yields one problem naming the file.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qianbai_rules.core import limits
from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.core.yamlio import StrictLoadError, load_json, load_yaml

RECORD_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".csv", ".xlsx")
STDIN = "-"


@dataclass(frozen=True)
class RawRecord:
    source: str
    position: str
    data: Any
    columns: tuple[str, ...] = ()  # a spreadsheet's headers, in column order


Item = RawRecord | Problem

# What trimming a cell removes: white space, but not the control characters that str.strip
# also counts as space (\x1c-\x1f, \x85): a cell of those is not blank, and is refused.
_BLANKS = "".join(c for c in map(chr, range(0x3001))
                  if c.isspace() and (c in "\t\n\r" or unicodedata.category(c) != "Cc"))


def trim(text: str) -> str:
    """A cell's text without surrounding white space (tables of every format)."""
    return text.strip(_BLANKS)


def expand(paths: Iterable[str]) -> Iterator[str | Problem]:
    """Files named, and record files found under folders named, in a stable order."""
    for name in paths:
        if name == STDIN:
            yield STDIN
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(_walk(path), key=lambda item: item[0])
            if not found:
                yield _file_problem(name, Text("文件夹中没有记录文件（.yaml/.yml/.json/.jsonl/.csv）",
                                               "the folder holds no record files"))
            yield from (item for _, item in found)
        elif path.is_file():
            yield name
        elif path.exists():
            yield _file_problem(name, Text("不是普通文件或文件夹", "not a regular file or folder"))
        else:
            yield _file_problem(name, Text("文件不存在", "no such file or folder"))


def _walk(root: Path) -> Iterator[tuple[str, str | Problem]]:
    """Record files under a folder, symbolic links to folders followed (each folder read
    once: a link back to a folder already read is reported, not followed round a loop),
    hidden entries skipped, and entries that are not regular files reported."""
    seen = {_identity(root)}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            yield folder.as_posix(), _file_problem(folder.as_posix(), Text(
                f"无法读取文件夹：{exc.strerror}", f"cannot read the folder: {exc.strerror}"))
            continue
        for path in reversed(entries):
            if path.name.startswith("."):
                continue
            shown = path.as_posix()
            if path.is_dir():
                identity = _identity(path)
                if identity in seen:
                    yield shown, _file_problem(shown, Text(
                        "符号链接指向已读取的文件夹（或其上级），未重复读取",
                        "a symbolic link to a folder already read (or to a folder above it); "
                        "not read again"))
                else:
                    seen.add(identity)
                    stack.append(path)
            elif path.suffix.lower() not in RECORD_SUFFIXES:
                continue
            elif path.is_file():
                yield shown, shown
            elif path.is_symlink() and not path.exists():
                yield shown, _file_problem(shown, Text("符号链接指向的文件不存在",
                                                       "a symbolic link to a file that does not exist"))
            else:
                yield shown, _file_problem(shown, Text("不是普通文件（如管道或设备），未读取",
                                                       "not a regular file (a pipe or a device); "
                                                       "not read"))


def _identity(path: Path) -> tuple[int, int] | str:
    try:
        info = path.stat()
    except OSError:
        return path.as_posix()
    return info.st_dev, info.st_ino


def _file_problem(source: str, message: Text) -> Problem:
    return Problem.in_record(source=source, record=None, field=None, message=message)


_GB18030_BOM = b"\x84\x31\x95\x33"


def _decode(data: bytes, allow_gb18030: bool) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if allow_gb18030:
            try:
                return data.decode("gb18030").removeprefix("\ufeff")
            except UnicodeDecodeError:
                pass
        raise


def _not_utf8(source: str, exc: UnicodeDecodeError) -> Problem:
    return _file_problem(source, Text(f"不是 UTF-8 编码的文本（第 {exc.start} 字节）",
                                      f"not UTF-8 text (byte {exc.start})"))


def _encoding_problem(source: str, head: bytes, allow_gb18030: bool) -> Problem | None:
    """A text in an encoding other than UTF-8 (or GB18030 for tables), named as such."""
    name = None
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        name = "UTF-32"
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        name = "UTF-16"
    elif head.startswith(_GB18030_BOM) and not allow_gb18030:
        name = "GB18030"
    if name is not None:
        return _file_problem(source, Text(
            f"是 {name} 编码的文本，请另存为 UTF-8 编码" + ("（表格也可为 GB18030）"
                                                   if not allow_gb18030 else ""),
            f"the text is encoded in {name}; save it as UTF-8"))
    if b"\x00" in head:
        return _file_problem(source, Text("不是文本文件", "not a text file"))
    return None


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte order mark: every other byte zero (for Latin text)."""
    sample = head[:512]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (odd.count(0) >= 0.4 * len(odd) and even.count(0) < 0.1 * len(even)) or (
        even.count(0) >= 0.4 * len(even) and odd.count(0) < 0.1 * len(odd))


class Meter:
    """How much of the input files has been read: what the progress bar shows."""

    def __init__(self, paths: Iterable[str]) -> None:
        sizes = [_size(s) if s != STDIN else None for s in expand(paths) if isinstance(s, str)]
        self.total = None if None in sizes else sum(s for s in sizes if s is not None)
        self._done = 0  # bytes of the files read to their end
        self._current = 0  # bytes read of the file being read

    def reading(self, offset: int) -> None:
        self._current = offset

    def finished(self, source: str) -> None:
        self._current = 0
        self._done += (_size(source) if source != STDIN else None) or 0

    @property
    def fraction(self) -> float | None:
        """The share of the input read so far, if the input's size is known."""
        if not self.total:
            return None
        return min((self._done + self._current) / self.total, 1.0)


def _size(source: str) -> int | None:
    """The size of a file in bytes; None if it cannot be read (that is reported on reading)."""
    try:
        return Path(source).stat().st_size
    except OSError:
        return None


def read(source: str, meter: Meter | None = None) -> Iterator[Item]:
    """Every record of one source, in order."""
    yield from _read(source, meter)
    if meter is not None:
        meter.finished(source)


def _read(source: str, meter: Meter | None) -> Iterator[Item]:
    suffix = ".yaml" if source == STDIN else Path(source).suffix.lower()
    if suffix == ".xlsx":
        from qianbai_rules.io.spreadsheets import read_xlsx

        yield from read_xlsx(source)
        return
    try:
        if suffix == ".jsonl" and source != STDIN:
            yield from _read_jsonl(source, meter)
            return
        data = _read_limited(source)
    except OSError as exc:
        yield _file_problem(source, Text(f"无法读取文件：{exc.strerror}",
                                         f"cannot read the file: {exc.strerror}"))
        return
    if data is None:
        what = Text("标准输入", "the standard input") if source == STDIN else Text("文件", "the file")
        yield _file_problem(source, Text(
            f"{what.zh}超过 {limits.MAX_DOCUMENT_BYTES:,} 字节的上限，未读取",
            f"{what.en} holds more than the limit of {limits.MAX_DOCUMENT_BYTES:,} bytes; not read"))
        return
    if source == STDIN:
        yield from _read_stdin(data)
        return
    problem = _encoding_problem(source, data[:8192], allow_gb18030=suffix == ".csv")
    if problem is not None:
        yield problem
        return
    try:
        text = _decode(data, allow_gb18030=suffix == ".csv")
    except UnicodeDecodeError as exc:
        yield _not_utf8(source, exc)
        return
    if suffix == ".csv":
        yield from _read_csv(source, text)
    else:
        yield from _read_document(source, text, suffix)


def _read_limited(source: str) -> bytes | None:
    """A file's bytes, or None when it holds more than MAX_DOCUMENT_BYTES (a device or a
    pipe without end included: never more than the limit is read)."""
    limit = limits.MAX_DOCUMENT_BYTES
    if source == STDIN:
        data = sys.stdin.buffer.read(limit + 1)
    else:
        with open(source, "rb") as handle:
            data = handle.read(limit + 1)
    return None if len(data) > limit else data


def _stdin_text(data: bytes, allow_gb18030: bool) -> str | Problem:
    """Standard input as text, or why it cannot be read as text."""
    problem = _encoding_problem(STDIN, data[:8192], allow_gb18030=allow_gb18030)
    if problem is not None:
        return problem
    try:
        return _decode(data, allow_gb18030=allow_gb18030)
    except UnicodeDecodeError as exc:
        return _not_utf8(STDIN, exc)


def _read_stdin(data: bytes) -> Iterator[Item]:
    """Standard input: YAML or JSON, and JSON Lines or a CSV table recognised by their
    first lines (a table in GB18030 too)."""
    decoded = _stdin_text(data, allow_gb18030=True)
    if isinstance(decoded, Problem):
        yield decoded
        return
    kind = _sniff(decoded)
    if kind == ".csv":
        yield from _read_csv(STDIN, decoded)
        return
    decoded = _stdin_text(data, allow_gb18030=False)  # GB18030 only in a table
    if isinstance(decoded, Problem):
        yield decoded
        return
    text = decoded
    if kind == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            yield from _json_line(STDIN, f"line {number}", line)
        return
    yield from _read_document(STDIN, text, ".yaml")


def _sniff(text: str) -> str:
    """What standard input holds, from its first lines: JSON Lines (several lines each an
    object), a CSV table (a first line of comma-separated headers) or else YAML/JSON."""
    lines = [line.strip() for line in text.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and all(line.startswith("{") and line.endswith("}") for line in lines):
        return ".jsonl"
    first = lines[0] if lines else ""
    if ("," in first and first[0] not in "{[-#'\"&*!|>%@`"
            and not _MAPPING_KEY.search(first)):
        return ".csv"
    return ".yaml"


_MAPPING_KEY = re.compile(r":(\s|$)")


def _read_document(source: str, text: str, suffix: str) -> Iterator[Item]:
    try:
        doc = load_json(text) if suffix == ".json" else load_yaml(text)
    except StrictLoadError as exc:
        where = f"（第 {exc.line} 行）" if exc.line else ""
        where_en = f" (line {exc.line})" if exc.line else ""
        yield _file_problem(source, Text(f"文件格式错误{where}：{exc}", f"{exc}{where_en}"))
        return
    if isinstance(doc, dict) and "facilities" in doc:
        items = doc["facilities"]
        if not isinstance(items, list):
            yield _file_problem(source, Text("facilities 应为记录列表", "facilities must be a list"))
            return
    elif isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict):
        yield RawRecord(source, "record 1", doc)
        return
    else:
        yield _file_problem(source, Text("文件中没有记录（应为一条记录，或 facilities: 下的记录列表）",
                                         "no record in the file (expected one record, or a list "
                                         "under facilities:)"))
        return
    for index, item in enumerate(items, start=1):
        yield RawRecord(source, f"record {index}", item)


_JSON_SPACE = " \t\r\n"


def _read_jsonl(source: str, meter: Meter | None) -> Iterator[Item]:
    """JSON Lines, one line at a time: memory stays flat however long the file, and a line
    longer than MAX_LINE_BYTES is that line's problem only."""
    limit = limits.MAX_LINE_BYTES
    with open(source, "rb") as handle:
        problem = _encoding_problem(source, handle.read(8192), allow_gb18030=False)
        if problem is not None:
            yield problem
            return
        handle.seek(0)
        number = 0
        while True:
            raw = handle.readline(limit + 1)
            if not raw:
                return
            number += 1
            if meter is not None:
                meter.reading(handle.tell())
            position = f"line {number}"
            if len(raw) > limit and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # the rest of the long line
                    raw = handle.readline(limit)
                yield Problem.in_record(source, position, None, Text(
                    f"该行超过 {limit:,} 字节的上限，未读取",
                    f"the line holds more than the limit of {limit:,} bytes; not read"))
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield Problem.in_record(source, position, None, Text(
                    f"不是 UTF-8 编码的文本（第 {exc.start} 字节）", f"not UTF-8 text (byte {exc.start})"))
                continue
            yield from _json_line(source, position, line)


def _json_line(source: str, position: str, line: str) -> Iterator[Item]:
    if not line.strip(_JSON_SPACE):  # only JSON's own blanks: a line of \x1c is no blank
        return
    try:
        yield RawRecord(source, position, load_json(line))
    except StrictLoadError as exc:
        yield Problem.in_record(source, position, None, Text(f"JSON 格式错误：{exc}", str(exc)))


# Physical lines of a CSV text: ended by LF or CR LF; a file with no LF at all is a file of
# CR-ended lines (old Mac). A CR alone inside a line of an LF file is no line ending: in an
# unquoted cell it breaks the row (the row is rejected), in a quoted cell it is text.
_LF_LINES = re.compile(r"[^\n]*\n|[^\n]+")
_CR_LINES = re.compile(r"[^\r]*\r|[^\r]+")


def _physical_lines(text: str) -> list[str]:
    return (_CR_LINES if "\n" not in text and "\r" in text else _LF_LINES).findall(text)


def _read_csv(source: str, text: str) -> Iterator[Item]:
    """A CSV table, row by row. A row whose quotes do not balance (a quote never closed,
    or one that would swallow the following rows into a cell) is rejected on its own and
    the following lines are read as rows: nothing vanishes into one cell."""
    rows = _CsvRows(_physical_lines(text))
    header, error = rows.next(0)
    if error is not None:
        yield _file_problem(source, Text(f"CSV 表头无法读取：{error.zh}",
                                         f"cannot read the CSV header: {error.en}"))
        return
    if not header:
        yield _file_problem(source, Text("CSV 文件为空", "the CSV file is empty"))
        return
    header = [trim(h) for h in header]
    for column, name in enumerate(header, start=1):
        if not name or name in header[:column - 1]:
            what = Text("表头为空", "an empty header") if not name else Text(
                f"表头“{name}”重复", f"the header {name!r} appears twice")
            yield _file_problem(source, Text(f"第 {column} 列：{what.zh}，无法确定该列是哪个字段",
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
