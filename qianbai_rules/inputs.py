"""Reading record files: every input record comes out as a raw mapping or a problem.

Records are yielded one at a time so that a stream of a million records (JSON Lines)
is read in flat memory. Nothing read is ever dropped: a file that cannot be read at all
yields one problem naming the file.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .problems import RecordProblem, Text
from .yamlio import StrictLoadError, load_json, load_yaml

RECORD_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".csv", ".xlsx")
STDIN = "-"


@dataclass(frozen=True)
class RawRecord:
    source: str
    position: str
    data: Any
    columns: tuple[str, ...] = ()  # a spreadsheet's headers, in column order


Item = RawRecord | RecordProblem


def expand(paths: Iterable[str]) -> Iterator[str | RecordProblem]:
    """Files named, and record files found under folders named, in a stable order."""
    for name in paths:
        if name == STDIN:
            yield STDIN
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(
                (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RECORD_SUFFIXES
                 and not any(part.startswith(".") for part in p.relative_to(path).parts)),
                key=lambda p: p.as_posix(),
            )
            if not found:
                yield _file_problem(name, Text("文件夹中没有记录文件（.yaml/.yml/.json/.jsonl/.csv）",
                                               "the folder holds no record files"))
            yield from (p.as_posix() for p in found)
        elif path.is_file():
            yield name
        elif path.exists():
            yield _file_problem(name, Text("不是普通文件或文件夹", "not a regular file or folder"))
        else:
            yield _file_problem(name, Text("文件不存在", "no such file or folder"))


def _file_problem(source: str, message: Text) -> RecordProblem:
    return RecordProblem(source=source, record=None, field=None, message=message)


def _decode(data: bytes, allow_gb18030: bool) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if allow_gb18030:
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError:
                pass
        raise


def _not_utf8(source: str, exc: UnicodeDecodeError) -> RecordProblem:
    return _file_problem(source, Text(f"不是 UTF-8 编码的文本（第 {exc.start} 字节）",
                                      f"not UTF-8 text (byte {exc.start})"))


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
        from .spreadsheets import read_xlsx

        yield from read_xlsx(source)
        return
    try:
        if suffix == ".jsonl" and source != STDIN:
            yield from _read_jsonl(source, meter)
            return
        data = sys.stdin.buffer.read() if source == STDIN else Path(source).read_bytes()
    except OSError as exc:
        yield _file_problem(source, Text(f"无法读取文件：{exc.strerror}",
                                         f"cannot read the file: {exc.strerror}"))
        return
    if b"\x00" in data[:8192]:
        yield _file_problem(source, Text("不是文本文件", "not a text file"))
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


def _read_jsonl(source: str, meter: Meter | None) -> Iterator[Item]:
    """JSON Lines, one line at a time: memory stays flat however long the file."""
    with open(source, "rb") as handle:
        if b"\x00" in handle.read(8192):
            yield _file_problem(source, Text("不是文本文件", "not a text file"))
            return
        handle.seek(0)
        for number, raw in enumerate(handle, start=1):
            if meter is not None:
                meter.reading(handle.tell())
            position = f"line {number}"
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield RecordProblem(source, position, None, Text(
                    f"不是 UTF-8 编码的文本（第 {exc.start} 字节）", f"not UTF-8 text (byte {exc.start})"))
                continue
            if not line.strip():
                continue
            try:
                yield RawRecord(source, position, load_json(line))
            except StrictLoadError as exc:
                yield RecordProblem(source, position, None, Text(f"JSON 格式错误：{exc}", str(exc)))


def _read_csv(source: str, text: str) -> Iterator[Item]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        yield _file_problem(source, Text(f"CSV 表头无法读取：{exc}", f"cannot read the CSV header: {exc}"))
        return
    if not header:
        yield _file_problem(source, Text("CSV 文件为空", "the CSV file is empty"))
        return
    header = [h.strip() for h in header]
    for column, name in enumerate(header, start=1):
        if not name or name in header[:column - 1]:
            what = Text("表头为空", "an empty header") if not name else Text(
                f"表头“{name}”重复", f"the header {name!r} appears twice")
            yield _file_problem(source, Text(f"第 {column} 列：{what.zh}，无法确定该列是哪个字段",
                                             f"column {column}: {what.en}; which field it holds "
                                             f"is unclear"))
            return
    number = 1
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RecordProblem(source, f"row {number}", None, Text(
                f"该行无法读取：{exc}", f"the row cannot be read: {exc}"), f"row {number}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield RecordProblem(source, f"row {number}", None, Text(
                f"该行有 {len(row)} 列，表头只有 {len(header)} 列",
                f"the row has {len(row)} cells but the header {len(header)}"), f"row {number}")
            continue
        yield RawRecord(source, f"row {number}", dict(zip(header, (c.strip() for c in row),
                                                          strict=False)), tuple(header))
