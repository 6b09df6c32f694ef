"""JSON Lines record files, one line at a time: memory stays flat however long the file,
and a line that cannot be read is that line's problem only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

import orjson

from qianbai_rules.core import limits
from qianbai_rules.core.yamlio import StrictLoadError, load_json
from qianbai_rules.io.encodings import HEAD_BYTES, encoding_problem
from qianbai_rules.io.places import file_line
from qianbai_rules.io.sources import InputItem, RawRecord, line_problem, not_utf8
from qianbai_rules.texts.formats import count
from qianbai_rules.texts.labels import text
from qianbai_rules.texts.loading import load_problem

_JSON_SPACE = " \t\r\n"
EXACT: Final = object()  # what quick_json gives where only the exact reading can tell
# A run of 19 digits could be an integer orjson reads as a float (json keeps it exact).
_DIGITS: Final = bytes.maketrans(b"0123456789", b"0" * 10)
_LONG_NUMBER: Final = b"0" * 19
# A string, and whether a colon follows it (then it is a key): in valid JSON every quote
# outside a string opens one, so matches never start inside a string.
_STRING: Final = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"([ \t\r\n]*:)?', re.DOTALL)
# A quote followed by a blank: one pass over the line (four `in` tests made four).
_QUOTE_BLANK: Final = re.compile(rb'"[ \t\r\n]')


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
            position = file_line(number)
            if len(raw) > limit and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # the rest of the long line
                    raw = handle.readline(limit)
                yield line_problem(source, position, text(
                    "problem.input.line_too_long", limit=count(limit)))
                continue
            quick = quick_json(raw)
            if quick is not EXACT:
                yield RawRecord(source, position, quick)
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield not_utf8(source, exc, position)
                continue
            yield from json_line(source, position, line)


def quick_json(raw: bytes) -> Any:
    """The value of a line as :func:`load_json` reads it, by orjson, or :data:`EXACT` where
    they could differ: orjson keeps the last of two equal keys (so the keys written are
    counted), reads a 20-digit integer as a float, refuses what json accepts (NaN, lone
    surrogates, a BOM: the exact reading then says why, or reads it) and nests deeper."""
    if _LONG_NUMBER in raw.translate(_DIGITS):
        return EXACT
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return EXACT
    kept = _keys_kept(value)
    return value if kept is not None and kept == _keys_written(raw) else EXACT


def _keys_written(raw: bytes) -> int:
    """How many keys a line of valid JSON writes, or more (never fewer): where no quote
    is followed by a blank, each key's closing quote is followed by its colon."""
    if _QUOTE_BLANK.search(raw):
        return sum(1 for match in _STRING.finditer(raw) if match.group(1))
    return raw.count(b'":')


def _keys_kept(value: Any, depth: int = 1) -> int | None:
    """How many keys a parsed value holds; None if it nests deeper than MAX_DEPTH."""
    if type(value) is dict:
        kept = len(value)
        children: Iterable[Any] = value.values()
    elif type(value) is list:
        kept = 0
        children = value
    else:
        return 0
    if depth > limits.MAX_DEPTH:
        return None
    for child in children:
        if type(child) is dict or type(child) is list:
            inner = _keys_kept(child, depth + 1)
            if inner is None:
                return None
            kept += inner
    return kept


def json_line(source: str, position: str, line: str) -> Iterator[InputItem]:
    """The record on one line (a blank line holds none)."""
    if not line.strip(_JSON_SPACE):  # only JSON's own blanks: a line of \x1c is no blank
        return
    try:
        yield RawRecord(source, position, load_json(line))
    except StrictLoadError as exc:
        yield line_problem(source, position, text("problem.input.json_error", error=load_problem(exc)))
