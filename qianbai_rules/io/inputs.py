"""Reading record files: every input record comes out as a raw mapping or a problem.

Records are yielded one at a time so that a stream of a million records (JSON Lines)
is read in flat memory. Nothing read is ever dropped: a file that cannot be read at all
yields one problem naming the file. This is the entry: :func:`expand` finds the files,
:func:`read` chooses the reader for each (one module per format), :class:`Meter` tells
how much has been read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from qianbai_rules.core.problems import Problem
from qianbai_rules.io.csvtable import read_csv
from qianbai_rules.io.documents import read_document
from qianbai_rules.io.encodings import as_text
from qianbai_rules.io.fileid import file_identity
from qianbai_rules.io.jsonlines import read_jsonl
from qianbai_rules.io.sources import (
    RECORD_SUFFIXES,
    STDIN,
    InputItem,
    cannot_read_file,
    file_problem,
    read_bytes,
)
from qianbai_rules.io.stdin import read_stdin
from qianbai_rules.texts.labels import text


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
                yield file_problem(name, text("problem.input.empty_folder"))
            yield from (item for _, item in found)
        elif path.is_file():
            yield name
        elif path.exists():
            yield file_problem(name, text("problem.input.not_regular"))
        else:
            yield file_problem(name, text("problem.input.missing"))


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
            yield folder.as_posix(), file_problem(folder.as_posix(), text(
                "problem.input.folder_unreadable", reason=exc.strerror))
            continue
        for path in reversed(entries):
            if path.name.startswith("."):
                continue
            shown = path.as_posix()
            if path.is_dir():
                identity = _identity(path)
                if identity in seen:
                    yield shown, file_problem(shown, text("problem.input.folder_again"))
                else:
                    seen.add(identity)
                    stack.append(path)
            elif path.suffix.lower() not in RECORD_SUFFIXES:
                continue
            elif path.is_file():
                yield shown, shown
            elif path.is_symlink() and not path.exists():
                yield shown, file_problem(shown, text("problem.input.broken_link"))
            else:
                yield shown, file_problem(shown, text("problem.input.special_file"))


def _identity(path: Path) -> tuple[int, int] | str:
    """The file a path leads to, or the path itself where it leads to none."""
    return file_identity(path) or path.as_posix()


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


def read(source: str, meter: Meter | None = None) -> Iterator[InputItem]:
    """Every record of one source, in order."""
    yield from _read(source, meter)
    if meter is not None:
        meter.finished(source)


def _read(source: str, meter: Meter | None) -> Iterator[InputItem]:
    suffix = ".yaml" if source == STDIN else Path(source).suffix.lower()
    if suffix == ".xlsx":
        from qianbai_rules.io.registry import read_xlsx

        yield from read_xlsx(source)
        return
    if suffix == ".jsonl" and source != STDIN:
        try:
            yield from read_jsonl(source, meter.reading if meter is not None else None)
        except OSError as exc:
            yield file_problem(source, cannot_read_file(exc))
        return
    data = read_bytes(source)
    if isinstance(data, Problem):
        yield data
        return
    if source == STDIN:
        yield from read_stdin(data)
        return
    text = as_text(source, data, allow_gb18030=suffix == ".csv")
    if isinstance(text, Problem):
        yield text
    elif suffix == ".csv":
        yield from read_csv(source, text)
    else:
        yield from read_document(source, text, suffix)
