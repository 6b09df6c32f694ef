"""Standard output and standard error, checked.

A write to standard output that fails (the stream is closed, the reader went away as with
``| head``, the disk is full, a file-size limit) raises :class:`StreamError` naming
标准输出, so that the run ends with exit 2 and a message, never a traceback and never
a truncated document reported as success. Standard error cannot report its own failure:
a failed write there is remembered (``failed``) and the run ends with exit 2.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
from typing import BinaryIO, TextIO

from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.problems import Lang, Text
from qianbai_rules.texts.labels import label, text


class StreamError(QianbaiError):
    """Standard output could not be written."""

    def __init__(self, stream: Text, reason: str | None, number: int | None = None) -> None:
        super().__init__(stream.en)
        self.stream = stream
        self.reason = reason
        self.errno = number

    def text(self, lang: Lang) -> str:
        known = _REASONS.get(self.errno)  # English gives the system's own words
        reason = (label(f"problem.stream.reason.{known}", lang) if known and lang == "zh"
                  else self.reason)
        if self.reason is None:
            return label("problem.stream.closed", lang, stream=self.stream)
        return label("problem.stream.failed", lang, stream=self.stream, reason=reason)


# Failures the catalogue words in Chinese (problem.stream.reason.*), by errno.
_REASONS: dict[int | None, str] = {errno.EPIPE: "epipe", errno.ENOSPC: "enospc",
                                   errno.EFBIG: "efbig", errno.EBADF: "ebadf"}


def _reason(exc: BaseException) -> str | None:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return None  # closed


def _write_all(stream: BinaryIO, data: bytes) -> int:
    """Every byte written, or an error: an unbuffered stream (``python -u``,
    PYTHONUNBUFFERED) may take only part of a write (a file-size limit, a pipe whose
    reader went away midway), which Python's text layer would silently drop."""
    view = memoryview(data)
    while view:
        count = stream.write(view)
        if not count:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        view = view[count:]
    return len(data)


class _Binary:
    """The byte stream under a checked text stream (PDF to standard output)."""

    def __init__(self, owner: Checked) -> None:
        self.owner = owner

    def write(self, data: bytes) -> int:
        return self.owner.guard(lambda: _write_all(self.owner.raw_buffer(), data))


class Checked(io.TextIOBase, TextIO):
    """A text stream whose failures are errors that name it (``strict``) or are
    remembered (standard error: nothing is left to report them on)."""

    def __init__(self, stream: TextIO | None, name: Text, strict: bool) -> None:
        super().__init__()
        self.stream = stream
        self.name_ = name
        self.strict = strict
        self.failed = False

    def guard(self, action: object) -> int:
        if self.failed and self.strict:
            raise StreamError(self.name_, None)
        try:
            if self.stream is None or self.stream.closed:
                raise ValueError("closed")
            result = action() if callable(action) else None
        except (OSError, ValueError) as exc:
            self._failed()
            if self.strict:
                raise StreamError(self.name_, _reason(exc),
                                  exc.errno if isinstance(exc, OSError) else None) from None
            return 0
        return int(result or 0)

    def _failed(self) -> None:
        """Stop writing; point the descriptor at the null device, so that Python's own
        flush at exit neither fails nor prints a second error."""
        self.failed = True
        with contextlib.suppress(Exception):
            if self.stream is not None:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self.stream.fileno())
                os.close(devnull)

    def raw_buffer(self) -> BinaryIO:
        assert self.stream is not None
        return self.stream.buffer

    def write(self, text: str) -> int:
        return self.guard(lambda: self._write(text))

    def _write(self, text: str) -> int:
        stream = self.stream
        assert stream is not None
        buffer = getattr(stream, "buffer", None)
        if buffer is None or os.linesep != "\n":
            return stream.write(text)
        stream.flush()  # whatever the text layer holds goes first
        _write_all(buffer, text.encode(stream.encoding or "utf-8",
                                       getattr(stream, "errors", None) or "strict"))
        return len(text)

    def flush(self) -> None:
        if self.stream is not None and not self.failed:
            self.guard(self.stream.flush)

    def isatty(self) -> bool:
        try:
            return self.stream is not None and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        """Never closes the standard stream (nor flushes it when collected)."""

    @property
    def buffer(self) -> _Binary:  # type: ignore[override]
        if self.stream is None or getattr(self.stream, "buffer", None) is None:
            raise AttributeError("buffer")
        return _Binary(self)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", None) or "utf-8"


def checked_stdout(stream: TextIO | None) -> Checked:
    return Checked(stream, text("problem.stream.stdout"), strict=True)


def checked_stderr(stream: TextIO | None) -> Checked:
    return Checked(stream, text("problem.stream.stderr"), strict=False)
