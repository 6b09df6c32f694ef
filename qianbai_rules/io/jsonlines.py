"""JSON Lines record files, one line at a time: memory stays flat however long the file,
and a line that cannot be read is that line's problem only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from qianbai_rules.core import limits
from qianbai_rules.core.problems import Problem
from qianbai_rules.core.yamlio import StrictLoadError, load_json
from qianbai_rules.io.encodings import HEAD_BYTES, encoding_problem
from qianbai_rules.io.sources import InputItem, RawRecord, not_utf8
from qianbai_rules.texts.formats import count
from qianbai_rules.texts.labels import text

_JSON_SPACE = " \t\r\n"


def read_jsonl(source: str, on_offset: Callable[[int], None] | None = None,
               start: int = 0, end: int | None = None, first_line: int = 1
               ) -> Iterator[InputItem]:
    """JSON Lines, one line at a time: memory stays flat however long the file, and a line
    longer than MAX_LINE_BYTES is that line's problem only. ``on_offset`` is told how far
    into the file reading has come (what the progress bar shows). With ``start`` and
    ``end`` only the lines from that offset to that one are read, ``first_line`` the number
    of the first (a ``--jobs`` worker's share, :mod:`.ranges`; both offsets begin lines)."""
    limit = limits.MAX_LINE_BYTES
    with open(source, "rb") as handle:
        problem = encoding_problem(source, handle.read(HEAD_BYTES), allow_gb18030=False)
        if problem is not None:
            yield problem
            return
        handle.seek(start)
        number = first_line - 1
        while end is None or handle.tell() < end:
            raw = handle.readline(limit + 1)
            if not raw:
                return
            number += 1
            if on_offset is not None:
                on_offset(handle.tell())
            position = f"line {number}"
            if len(raw) > limit and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # the rest of the long line
                    raw = handle.readline(limit)
                yield Problem.in_record(source, position, None, text(
                    "problem.input.line_too_long", limit=count(limit)))
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield not_utf8(source, exc, position)
                continue
            yield from json_line(source, position, line)


def json_line(source: str, position: str, line: str) -> Iterator[InputItem]:
    """The record on one line (a blank line holds none)."""
    if not line.strip(_JSON_SPACE):  # only JSON's own blanks: a line of \x1c is no blank
        return
    try:
        yield RawRecord(source, position, load_json(line))
    except StrictLoadError as exc:
        yield Problem.in_record(source, position, None, text("problem.input.json_error",
                                                             error=exc))
