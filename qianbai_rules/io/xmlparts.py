"""The zip and XML layer of the guarded XLSX reader (:mod:`.xlsx`): XML parts parsed by
expat in chunks, with document type declarations refused (so no entity is ever defined
or expanded), and every error of reading a part turned into one :class:`WorkbookError`
that names the part.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any, TypeVar
from xml.parsers import expat

from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.problems import Text
from qianbai_rules.texts.labels import text

T = TypeVar("T")
CHUNK = 64 * 1024


class WorkbookError(QianbaiError):
    """The workbook as a whole cannot be read (or reading it must stop)."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.text = message


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _no_doctype(*_: Any) -> None:
    raise WorkbookError(text("problem.workbook.doctype"))


def expat_parser(start: Callable[[str, dict[str, str]], None], end: Callable[[str], None],
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


def parse(stream: IO[bytes], start: Callable[[str, dict[str, str]], None],
           end: Callable[[str], None], chars: Callable[[str], None]) -> None:
    """Feed one XML part to expat in chunks."""
    parser = expat_parser(start, end, chars)
    while True:
        chunk = stream.read(CHUNK)
        parser.Parse(chunk, not chunk)
        if not chunk:
            return


def normalise(part: str) -> str:
    parts: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def whole_number(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _broken(part: str, exc: BaseException) -> WorkbookError:
    if isinstance(exc, WorkbookError):
        return exc
    what: Text | str = (exc.__class__.__name__ if not isinstance(exc, expat.ExpatError)
                        else text("problem.workbook.xml_error", line=exc.lineno,
                                  error=expat.ErrorString(exc.code)))
    return WorkbookError(text("problem.workbook.part_unreadable", part=part, what=what))


_READ_ERRORS = (expat.ExpatError, zipfile.BadZipFile, zlib.error, OSError, EOFError,
                NotImplementedError, RuntimeError, ValueError, UnicodeError, RecursionError,
                MemoryError)


def guarded(action: Callable[[], None], part: str) -> None:
    """Read one part; any error of reading it is one WorkbookError naming the part."""
    try:
        action()
    except WorkbookError:
        raise
    except _READ_ERRORS as exc:
        raise _broken(part, exc) from None


def guarded_iter(rows: Iterator[T], part: str) -> Iterator[T]:
    """The items of a part read lazily, with the errors of :func:`guarded`."""
    try:
        yield from rows
    except WorkbookError:
        raise
    except _READ_ERRORS as exc:
        raise _broken(part, exc) from None
