"""`--jobs N`: a large input split across worker processes, output identical to one process.

The parent reads and validates the input in order (duplicate ids are an input-wide
question); batches of validated records go to workers, each of which compiles the rules
and registers its own durable_rules rulesets once (durable_rules is not thread-safe and
its rulesets cannot be shared), evaluates and renders them, and sends the rendered
pieces back. ``imap`` keeps the batches in input order, so the bytes written are the
same as with one process.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .check import Evaluator, Rejected, evaluate_record, make_evaluator, validated
from .compiled import CompiledRuleset, compile_ruleset
from .output import Piece, RunInfo, render_piece
from .problems import Lang
from .records import FacilityRecord
from .ruleset import load_ruleset

BATCH = 200

Item = tuple[str, FacilityRecord] | Rejected


@dataclass(frozen=True)
class Settings:
    rules: Path
    as_of: dt.date
    engine: str
    year: int
    lang: Lang
    fmt: str


_WORKER: tuple[CompiledRuleset, Evaluator, RunInfo, Settings] | None = None


def _start(settings: Settings) -> None:
    global _WORKER
    compiled = compile_ruleset(load_ruleset(settings.rules), settings.as_of)
    evaluator = make_evaluator(settings.engine, compiled)
    _WORKER = (compiled, evaluator, RunInfo(compiled, evaluator.name, settings.year,
                                            settings.lang), settings)


def _work(batch: list[Item]) -> list[Piece]:
    assert _WORKER is not None, "the worker was started without its rules"
    compiled, evaluator, info, settings = _WORKER
    return [render_piece(item if isinstance(item, Rejected) else
                         evaluate_record(item[1], item[0], compiled, evaluator, settings.year),
                         settings.fmt, info)
            for item in batch]


def _batches(items: Iterable[Item]) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def pieces(paths: Iterable[str], settings: Settings, jobs: int) -> Iterator[Piece]:
    """Every input record's rendered piece, in input order, computed by ``jobs`` workers."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(jobs, initializer=_start, initargs=(settings,)) as pool:
        for batch in pool.imap(_work, _batches(validated(paths)), chunksize=1):
            yield from batch
