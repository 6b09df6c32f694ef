"""Standard output and standard error, checked.

A write to standard output that fails (the stream is closed, the reader went away as with
``| head``, the disk is full, a file-size limit) raises :class:`StreamError` naming
标准输出, so that the run ends with exit 2 and a message, never a traceback and never
a truncated document reported as success. Standard error cannot report its own failure:
a failed write there is remembered (``failed``) and the run ends with exit 2.
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import BinaryIO, TextIO

from .problems import Lang, Text

STDOUT = Text("标准输出", "standard output")
STDERR = Text("标准错误输出", "standard error")


class StreamError(Exception):
    """Standard output could not be written."""

    def __init__(self, stream: Text, reason: str | None) -> None:
        super().__init__(stream.en)
        self.stream = stream
        self.reason = reason

    def text(self, lang: Lang) -> str:
        if self.reason is None:
            return Text(f"{self.stream.zh}已关闭，无法写入，输出不完整",
                        f"{self.stream.en} is closed; the output is incomplete")(lang)
        return Text(f"{self.stream.zh}写入失败（{self.reason}），输出不完整",
                    f"{self.stream.en} could not be written ({self.reason}); the output is "
                    "incomplete")(lang)


def _reason(exc: BaseException) -> str | None:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return None  # closed


class _Binary:
    """The byte stream under a checked text stream (PDF to standard output)."""

    def __init__(self, owner: Checked) -> None:
        self.owner = owner

    def write(self, data: bytes) -> int:
        return self.owner.guard(lambda: self.owner.raw_buffer().write(data))


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
                raise StreamError(self.name_, _reason(exc)) from None
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
        return self.guard(lambda: self.stream.write(text) if self.stream else 0)

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
    return Checked(stream, STDOUT, strict=True)


def checked_stderr(stream: TextIO | None) -> Checked:
    return Checked(stream, STDERR, strict=False)
