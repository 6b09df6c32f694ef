"""The SHA-256 of every document a run writes, over the exact bytes written.

A run that keeps its reports in the history (``--db``) collects them here while the one
output-path policy (:mod:`.writing`) writes: each file written whole (``atomic_text``,
``write_atomically``, ``emit``), each file of a folder (``Batch``), and standard output as
one document. Nothing is collected by a run that keeps no history.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TextIO, cast

STDOUT = "-"


@dataclass(frozen=True)
class Written:
    """One document written: the path as the user named it (``-``: standard output)."""

    name: str
    sha256: str


class _HashedBytes:
    """A byte stream whose bytes are hashed as they pass."""

    def __init__(self, stream: Any, digest: Any) -> None:
        self.stream = stream
        self.digest = digest

    def write(self, data: bytes) -> int:
        self.stream.write(data)
        self.digest.update(data)
        return len(data)

    def flush(self) -> None:
        self.stream.flush()


class _HashedText(io.TextIOBase, TextIO):
    """A text stream whose text is hashed as the bytes it becomes (``encoding``, with the
    escapes the run's streams use for what cannot be encoded)."""

    def __init__(self, stream: TextIO, digest: Any, encoding: str) -> None:
        super().__init__()
        self.stream = stream
        self.digest = digest
        self.encoding_ = encoding
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode(self.encoding_, "backslashreplace")
        self.size += len(data)
        self.digest.update(data)
        return self.stream.write(text)

    def writelines(self, lines: Iterable[str]) -> None:  # type: ignore[override]
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        """The stream under it is closed by its owner."""

    @property
    def buffer(self) -> Any:
        return _Counted(self, self.stream.buffer)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.encoding_


class _Counted(_HashedBytes):
    def __init__(self, owner: _HashedText, stream: Any) -> None:
        super().__init__(stream, owner.digest)
        self.owner = owner

    def write(self, data: bytes) -> int:
        count = super().write(data)
        self.owner.size += count
        return count


class Digests:
    """The documents of one run, in the order they were written."""

    def __init__(self) -> None:
        self.written: list[Written] = []
        self._open: dict[str, Any] = {}
        self._stdout: _HashedText | None = None

    def hashing(self, stream: Any, binary: bool, name: str) -> Any:
        """``stream`` (a file being written) with its bytes hashed; :meth:`close` at the end."""
        digest = self._open[name] = hashlib.sha256()
        return _HashedBytes(stream, digest) if binary else _HashedText(stream, digest, "utf-8")

    def close(self, name: str) -> None:
        self.written.append(Written(name, self._open.pop(name).hexdigest()))

    def stdout(self, out: TextIO) -> TextIO:
        """Standard output with what is written to it hashed, as one document."""
        encoding = getattr(out, "encoding", None) or "utf-8"
        self._stdout = _HashedText(out, hashlib.sha256(), encoding)
        return cast(TextIO, self._stdout)

    def documents(self) -> list[Written]:
        """Every document written, standard output (when anything went there) last."""
        out = self._stdout
        return self.written + ([Written(STDOUT, out.digest.hexdigest())]
                               if out is not None and out.size else [])


_DIGESTS: ContextVar[Digests | None] = ContextVar("digests", default=None)


def current() -> Digests | None:
    return _DIGESTS.get()


@contextmanager
def collecting() -> Iterator[Digests]:
    """Collect the SHA-256 of every document written until the end of the block."""
    digests = Digests()
    token = _DIGESTS.set(digests)
    try:
        yield digests
    finally:
        _DIGESTS.reset(token)
