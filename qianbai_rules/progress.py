"""A progress line on standard error for long runs on a terminal; silent otherwise."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from .labels import label
from .problems import Lang

T = TypeVar("T")
EVERY_SECONDS = 0.25


def progress(items: Iterable[T], stream: TextIO, lang: Lang, enabled: bool) -> Iterator[T]:
    """Yield the items; on a terminal, show how many have passed and how fast."""
    if not enabled or not stream.isatty():
        yield from items
        return
    start = shown = time.monotonic()
    count = 0
    for count, item in enumerate(items, start=1):
        now = time.monotonic()
        if now - shown >= EVERY_SECONDS:
            shown = now
            rate = count / max(now - start, 1e-9)
            stream.write("\r" + label("progress.line", lang, count=f"{count:,}", rate=f"{rate:,.0f}"))
            stream.flush()
        yield item
    if shown != start:
        stream.write("\r" + label("progress.done", lang, count=f"{count:,}") + "\n")
        stream.flush()
