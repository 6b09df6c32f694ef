"""JSON Lines files cut into ranges of whole lines, so that each range can be read on its
own (by a ``--jobs`` worker) through the one JSON Lines reader, :func:`.jsonlines.read_jsonl`.

A range begins after a line feed (or at the start of the file) and ends after one (or at
the end of the file): it holds whole lines, a UTF-8 character is never cut, and its lines
are numbered as reading the whole file numbers them. The file's size, modification time
and inode as the cut found them travel with each range: a file that changed since is
one problem naming it, not records of two versions of it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from qianbai_rules.io.encodings import HEAD_BYTES, encoding_problem
from qianbai_rules.io.jsonlines import read_jsonl
from qianbai_rules.io.sources import STDIN, InputItem, cannot_read_file, file_problem
from qianbai_rules.texts.labels import text

CHUNK_BYTES = 1 << 20  # read at a time while looking for the line feeds

Stamp = tuple[int, int, int]  # size, modification time (ns), inode


@dataclass(frozen=True)
class LineRange:
    """Whole lines of a file: the bytes from ``start`` to ``end``, the first of them line
    ``first_line``; ``last`` when the range ends at the end of the file."""

    source: str
    start: int
    end: int
    first_line: int
    stamp: Stamp
    last: bool


def _stamp(status: os.stat_result) -> Stamp:
    return status.st_size, status.st_mtime_ns, status.st_ino


def line_ranges(source: str, lines: int) -> Iterator[LineRange] | None:
    """The file cut into ranges of ``lines`` lines (the last may hold fewer), found as they
    are needed; None for a file that is not to be cut (not JSON Lines, standard input, not
    readable, not in UTF-8): its reader reports what is wrong, as in one process."""
    if source == STDIN or Path(source).suffix.lower() != ".jsonl":
        return None
    try:
        handle = open(source, "rb")  # noqa: SIM115 - closed by _cut, or here
    except OSError:
        return None
    try:
        stamp = _stamp(os.fstat(handle.fileno()))
        if encoding_problem(source, handle.read(HEAD_BYTES), allow_gb18030=False) is not None:
            handle.close()
            return None
        handle.seek(0)
    except OSError:
        handle.close()
        return None
    return _cut(source, handle, stamp, lines)


def _cut(source: str, handle: BinaryIO, stamp: Stamp, lines: int) -> Iterator[LineRange]:
    """Ranges of ``lines`` lines, up to the size the file had when it was opened (what it
    holds beyond is a change the workers report)."""
    size = stamp[0]
    with handle:
        start = offset = 0
        first = 1
        needed = lines  # line feeds still to find for the current range
        while offset < size:
            chunk = handle.read(min(CHUNK_BYTES, size - offset))
            if not chunk:
                break  # the file shrank: the workers report it
            found = chunk.count(b"\n")
            at = 0
            while found >= needed:
                for _ in range(needed):
                    at = chunk.index(b"\n", at) + 1
                found -= needed
                end = offset + at
                yield LineRange(source, start, end, first, stamp, end >= size)
                start, first, needed = end, first + lines, lines
            needed -= found
            offset += len(chunk)
        if start < size:
            yield LineRange(source, start, size, first, stamp, True)


def read_range(part: LineRange, into: list[InputItem]) -> bool:
    """The records of a range, as the JSON Lines reader reads them, added to ``into`` as
    they are read; and whether the file ends there: should it have changed since it was
    cut, or be unreadable now, the rest of it (this range included) is one problem naming
    it, and what was read before stands."""
    before = len(into)
    try:
        if _stamp(os.stat(part.source)) == part.stamp:
            into.extend(read_jsonl(part.source, start=part.start, end=part.end,
                                   first_line=part.first_line))
            if _stamp(os.stat(part.source)) == part.stamp:
                return False
        del into[before:]
        into.append(file_problem(part.source, text("problem.input.changed")))
    except OSError as exc:
        del into[before:]
        into.append(file_problem(part.source, cannot_read_file(exc)))
    return True
