"""What every record reader shares: the raw record it yields, the problems it reports
about a whole file, how a cell's text is trimmed, and the size limit of a document.

Each reader (:mod:`.documents`, :mod:`.jsonlines`, :mod:`.csvtable`, :mod:`.stdin`,
:mod:`.registry`) yields :data:`InputItem` values; :mod:`.inputs` chooses the reader.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from qianbai_rules.core import limits
from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.io.places import located, place
from qianbai_rules.texts.formats import count
from qianbai_rules.texts.labels import text

RECORD_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".csv", ".xlsx")
STDIN = "-"


@dataclass(frozen=True)
class RawRecord:
    source: str
    position: str
    data: Any
    columns: tuple[str, ...] = ()  # a spreadsheet's headers, in column order
    # errors the table reader found in the row, already located (a header naming no field)
    notes: tuple[tuple[str | None, Text], ...] = ()


InputItem = RawRecord | Problem

# What trimming a cell removes: white space, but not the control characters that str.strip
# also counts as space (\x1c-\x1f, \x85): a cell of those is not blank, and is refused.
_BLANKS = "".join(c for c in map(chr, range(0x3001))
                  if c.isspace() and (c in "\t\n\r" or unicodedata.category(c) != "Cc"))


def trim(text: str) -> str:
    """A cell's text without surrounding white space (tables of every format)."""
    return text.strip(_BLANKS)


def file_problem(source: str, message: Text) -> Problem:
    """A problem with a whole file (or the standard input): no record, no field."""
    return Problem.in_record(source=source, record=None, field=None, message=message)


def cannot_read_file(exc: OSError) -> Text:
    """Why a file cannot be read, as the system says it."""
    return text("problem.input.unreadable", reason=exc.strerror)


def not_utf8(source: str, exc: UnicodeDecodeError, position: str | None = None) -> Problem:
    """A text (a file, or one line of it at ``position``) that is not UTF-8."""
    return line_problem(source, position, text("problem.input.not_utf8", byte=exc.start))


def line_problem(source: str, position: str | None, message: Text) -> Problem:
    """A record (a line, a row: at ``position``) that cannot be read, saying where it is."""
    return Problem.in_record(source, position, None, located(place(position), message),
                             position)


def read_bytes(source: str) -> bytes | Problem:
    """A file's bytes, or the problem with it: it cannot be read, or it holds more than
    MAX_DOCUMENT_BYTES (a device or a pipe without end included: never more than the limit
    is read)."""
    limit = limits.MAX_DOCUMENT_BYTES
    try:
        if source == STDIN:
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(limit + 1)
    except OSError as exc:
        return file_problem(source, cannot_read_file(exc))
    return too_large(source) if len(data) > limit else data


def too_large(source: str) -> Problem:
    """A document over MAX_DOCUMENT_BYTES, not read."""
    what = text("problem.input.stdin" if source == STDIN else "problem.input.file")
    return file_problem(source, text("problem.input.too_large", what=what,
                                     limit=count(limits.MAX_DOCUMENT_BYTES)))
