"""The one output-path policy: every file a run writes goes through here.

- A new file is created exclusively: the document is written whole into a hidden temporary
  file beside it, then linked into place, which fails if anything appeared at that path in
  the meantime (no check-then-rename race between concurrent runs).
- An existing regular file is replaced only with ``--force``; the library default refuses.
- Never through a symbolic link at the final path component, even with ``--force`` (it may
  lead out of the reports folder): refused, unless it leads to a device or FIFO.
- Never over a non-regular file, even with ``--force``: a character device or a FIFO
  (``-o /dev/null``, a pipe) is written into as it is, never replaced or created; a
  directory, socket or block device is refused.
- Never over what the run reads (its inputs, the plan, the history database and its journal
  files), nor anything inside the rule folder, with or without ``--force``; paths are
  compared after resolving symbolic links, and by file identity (hard links).
- Temporary files are removed on every exit: error, Ctrl-C, SIGTERM (see :func:`cleanup`).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO

from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.problems import Text
from qianbai_rules.io.digests import Written, current
from qianbai_rules.io.fileid import file_identity
from qianbai_rules.texts.labels import pair

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_HASHED = re.compile(r"-[0-9a-f]{10}(?:[0-9a-f]{54})?(?:-[0-9]+)?$", re.IGNORECASE)
_RESERVED = {"", "index", "con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}
DB_COMPANIONS = ("", "-journal", "-wal", "-shm")  # a SQLite database and its journal files


class ReportError(QianbaiError):
    """A report or output file cannot be produced (the output policy refuses the file, or
    the PDF extra is not installed); says why in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.text = Text(zh, en)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@dataclass(frozen=True)
class Target:
    """Where a document goes: ``path`` resolved; ``stream`` for a device or FIFO written
    into as it is; ``exists`` for a regular file there now."""

    path: Path
    stream: bool = False
    exists: bool = False


@dataclass(frozen=True)
class OutputPolicy:
    """What a run may write over: an existing regular file only when forced; never a file
    the run reads (``protected``) nor anything inside a ``sealed`` folder (the rules)."""

    force: bool = False
    protected: frozenset[Path] = frozenset()
    sealed: frozenset[Path] = frozenset()

    @cached_property
    def _identities(self) -> frozenset[tuple[int, int]]:
        return frozenset(i for i in map(file_identity, self.protected) if i is not None)

    @cached_property
    def _resolved(self) -> frozenset[Path]:
        return frozenset(p.resolve() for p in self.protected)

    def protects(self, path: Path) -> bool:
        """Whether ``path`` is (or is a hard link to) a file the run reads, or lies in a
        sealed folder."""
        resolved = path.resolve()
        if resolved in self._resolved or any(resolved.is_relative_to(f.resolve())
                                             for f in self.sealed):
            return True
        identity = file_identity(path)  # followed as the system does (also /dev/stdout)
        return identity is not None and identity in self._identities

    def target(self, path: Path) -> Target:
        """Where a document for ``path`` is written, or a ReportError saying why not."""
        if self.protects(path):
            raise ReportError(*pair("problem.output_is_input", path=path))
        # The folders on the way are followed; the final component never is: a symbolic
        # link there is written through only into a device or FIFO (``/dev/stdout``).
        resolved = (path.parent.resolve() / path.name if path.name not in ("", ".", "..")
                    else path.resolve())
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return Target(resolved)
        if stat.S_ISLNK(mode):
            return self._link(path)
        if stat.S_ISREG(mode):
            if not self.force:
                raise ReportError(*pair("problem.output_exists", path=path))
            return Target(resolved, exists=True)
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            return Target(path, stream=True)  # opened as named, never replaced
        raise ReportError(*pair("problem.output_not_regular", path=path))

    @staticmethod
    def _link(path: Path) -> Target:
        """A symbolic link at the final component: a device or FIFO it leads to is written
        into as it is; anything else (a file, possibly outside the reports folder, or
        nothing) is refused, with or without ``--force``: never written through, never
        replaced."""
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            mode = 0
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            return Target(path, stream=True)
        raise ReportError(*pair("problem.output_symlink", path=path))


_POLICY: ContextVar[OutputPolicy] = ContextVar(
    "output_policy", default=OutputPolicy())  # noqa: B039 - a frozen dataclass


@contextmanager
def output_policy(policy: OutputPolicy) -> Iterator[None]:
    token = _POLICY.set(policy)
    try:
        yield
    finally:
        _POLICY.reset(token)


@dataclass
class _Temporaries:
    """Temporary files of this process, removed on any exit (never a forked child's)."""

    owner: int = field(default_factory=os.getpid)
    names: set[str] = field(default_factory=set)

    def add(self, name: str) -> None:
        self.names.add(name)

    def remove(self, name: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(name)
        self.names.discard(name)

    def cleanup(self) -> None:
        if os.getpid() == self.owner:
            for name in list(self.names):
                self.remove(name)


_TEMPORARIES = _Temporaries()
atexit.register(_TEMPORARIES.cleanup)


def cleanup() -> None:
    """Remove every temporary file this process still holds (on SIGTERM, at exit)."""
    _TEMPORARIES.cleanup()


@contextmanager
def _temporary(folder: Path, name: str, binary: bool) -> Iterator[tuple[Any, str]]:
    """A hidden temporary file in ``folder``, flushed to disk; removed if anything fails."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # told of the file the user named, not of our temporary one
        raise OSError(exc.errno, exc.strerror, str(folder / name)) from None
    _TEMPORARIES.add(temporary)
    try:
        with (os.fdopen(handle, "wb") if binary else
              os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace")) as stream:
            yield stream, temporary
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        _TEMPORARIES.remove(temporary)
        raise


def _place(temporary: str, path: Path, policy: OutputPolicy) -> None:
    """Put a finished temporary file at ``path``: created exclusively, or, when forced,
    replacing a regular file (keeping its mode). The temporary file is gone afterwards."""
    try:
        target = policy.target(path)  # again: something may have appeared meanwhile
        if target.stream:
            raise ReportError(*pair("problem.output_not_replaced", path=path))
        if target.exists:
            os.chmod(temporary, os.stat(target.path).st_mode & 0o7777)
            os.replace(temporary, target.path)
            return
        os.chmod(temporary, 0o666 & ~_umask())
        try:
            os.link(temporary, target.path)  # fails if the path exists: never a clobber
        except FileExistsError:
            raise ReportError(*pair("problem.output_exists", path=path)) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                                 errno.EMLINK):
                raise
            _copy_exclusive(temporary, target.path)  # a file system without hard links
    finally:
        _TEMPORARIES.remove(temporary)


def _copy_exclusive(temporary: str, path: Path) -> None:
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise ReportError(*pair("problem.output_exists", path=path)) from None
    with os.fdopen(handle, "wb") as out, open(temporary, "rb") as source:
        while chunk := source.read(1 << 20):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


@contextmanager
def _into_stream(path: Path, binary: bool) -> Iterator[Any]:
    """A device or FIFO, written into as it is (never created, truncated or replaced)."""
    handle = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    with (os.fdopen(handle, "wb") if binary else
          os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace")) as stream:
        yield stream


@contextmanager
def _atomic(path: Path, binary: bool) -> Iterator[Any]:
    """A file written whole or not at all, under the output policy."""
    policy = _POLICY.get()
    target = policy.target(path)
    digests = current()
    if target.stream:
        with _into_stream(target.path, binary) as stream:
            yield stream if digests is None else digests.hashing(stream, binary, str(path))
        if digests is not None:
            digests.close(str(path))
        return
    with _temporary(target.path.parent, target.path.name, binary) as (stream, temporary):
        yield stream if digests is None else digests.hashing(stream, binary, str(path))
    _place(temporary, path, policy)
    if digests is not None:
        digests.close(str(path))


def atomic_text(path: Path) -> AbstractContextManager[TextIO]:
    """A text file to stream into, written whole or not at all."""
    return _atomic(path, binary=False)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file or nothing."""
    with _atomic(path, binary=True) as stream:
        stream.write(data)


class Batch:
    """Files of one run written into a folder whose names are decided only once all are
    known: each document is kept in a temporary file as it is made; :meth:`place` checks
    every final path first, then puts them all in place. Nothing visible is written when a
    name is refused; temporary files never outlive the batch."""

    def __init__(self, folder: Path) -> None:
        policy = _POLICY.get()
        if policy.protects(folder):
            raise ReportError(*pair("problem.output_folder_is_input", folder=folder))
        self.folder = folder
        self.pending: list[str] = []
        self.digests: list[str] = []  # of each document kept, in order

    def keep(self, data: bytes) -> int:
        """Keep a document; returns its number in the batch."""
        with _temporary(self.folder, "qianbai", binary=True) as (stream, temporary):
            stream.write(data)
        self.pending.append(temporary)
        self.digests.append(hashlib.sha256(data).hexdigest() if current() else "")
        return len(self.pending) - 1

    def place(self, names: Sequence[str]) -> None:
        """Put document ``i`` at ``folder/names[i]``, every path checked before any."""
        policy = _POLICY.get()
        paths = [self.folder / name for name in names]
        for path in paths:
            if policy.target(path).stream:
                raise ReportError(*pair("problem.output_not_replaced", path=path))
        for temporary, path in zip(self.pending, paths, strict=True):
            _place(temporary, path, policy)
        digests = current()
        if digests is not None:
            digests.written.extend(Written(str(path), digest)
                                   for path, digest in zip(paths, self.digests, strict=True))

    def discard(self) -> None:
        for temporary in self.pending:
            _TEMPORARIES.remove(temporary)
        self.pending, self.digests = [], []


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def file_names(ids: Sequence[str]) -> list[str]:
    """File names (without suffix) for the records of a run, safe for any id and unique
    per run by construction (compared without case).

    An id that is already safe, not reserved, shared by no other id (without case) and not
    shaped like a hashed name keeps its name; any other id gets a readable part and a hash
    of the id (ten hex digits, the whole hash if those coincide, and a number if ids are
    equal), so that a name kept as given never equals a hashed one.
    """
    readable = [_UNSAFE.sub("_", i).strip("._")[:60] for i in ids]
    plain = [r if r == i and r.lower() not in _RESERVED and not _HASHED.search(r) else None
             for r, i in zip(readable, ids, strict=True)]
    counts: dict[str, int] = {}
    for name in plain:
        if name is not None:
            counts[name.lower()] = counts.get(name.lower(), 0) + 1
    names: list[str | None] = [n if n is not None and counts[n.lower()] == 1 else None
                               for n in plain]
    taken = {n.lower() for n in names if n is not None}
    for index, name in enumerate(names):
        if name is not None:
            continue
        stem = readable[index] or "record"
        candidate = f"{stem}-{_digest(ids[index], 10)}"
        if candidate.lower() in taken:
            candidate = f"{stem}-{_digest(ids[index], 64)}"
        number = 1
        base = candidate
        while candidate.lower() in taken:
            number += 1
            candidate = f"{base}-{number}"
        taken.add(candidate.lower())
        names[index] = candidate
    return [n for n in names if n is not None]


def emit(data: bytes, target: str | None, out: TextIO, binary: bool = False) -> None:
    """A finished document to its file (atomically) or to standard output; PDF bytes are
    never written to a terminal."""
    if target:
        write_atomically(Path(target), data)
    elif not binary:
        out.write(data.decode("utf-8"))
    else:
        stream = getattr(out, "buffer", None)
        if stream is None or out.isatty():
            raise ReportError(*pair("problem.pdf_to_terminal"))
        stream.write(data)


def is_folder(target: str | None) -> bool:
    """``-o`` names a folder: an existing one, or a path ending with a separator."""
    return bool(target) and (Path(str(target)).is_dir() or str(target).endswith(("/", os.sep)))
