"""A progress bar on standard error for long runs on a terminal; silent otherwise.

It shows the records done and how fast; when the size of the input is known (files, not
standard input), also the share of it read, as a bar, and the time left.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from qianbai_rules.core.problems import Lang
from qianbai_rules.core.safetext import visible
from qianbai_rules.io.inputs import Meter
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import label

T = TypeVar("T")
EVERY_SECONDS = 0.25
BAR_CELLS = 20
CLEAR = "\r\x1b[K"  # back to the start of the line, and clear it


def _bar(fraction: float) -> str:
    filled = int(fraction * BAR_CELLS)
    return "█" * filled + "·" * (BAR_CELLS - filled)


def progress_line(count: int, elapsed: float, fraction: float | None, lang: Lang) -> str:
    rate = formats.rate(count / max(elapsed, 1e-9))
    if fraction is None or fraction <= 0:
        return label("progress.line", lang, count=formats.count(count), rate=rate)
    left = elapsed * (1 - fraction) / fraction
    return label("progress.bar", lang, bar=_bar(fraction), percent=formats.percent(fraction),
                 count=formats.count(count), rate=rate, left=formats.duration(left))


def progress(items: Iterable[T], stream: TextIO, lang: Lang, enabled: bool,
             meter: Meter | None = None) -> Iterator[T]:
    """Yield the items; on a terminal, show how many have passed, how fast, and how much
    of the input is left (from ``meter``, which the reader of the input keeps up to date)."""
    if not enabled or not stream.isatty():
        yield from items
        return
    start = shown = time.monotonic()
    count = 0
    for count, item in enumerate(items, start=1):
        now = time.monotonic()
        if now - shown >= EVERY_SECONDS:
            shown = now
            fraction = meter.fraction if meter is not None else None
            stream.write(CLEAR + visible(progress_line(count, now - start, fraction, lang)))
            stream.flush()
        yield item
    if shown != start:
        stream.write(CLEAR + visible(label("progress.done", lang, count=formats.count(count))) + "\n")
        stream.flush()
