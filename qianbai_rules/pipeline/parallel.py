"""`--jobs N`: a large input split across worker processes, output identical to one process.

The parent reads the input in order; batches of records as read go to workers, each of
which compiles the rules and registers its own durable_rules rulesets once (durable_rules
is not thread-safe and its rulesets cannot be shared), validates, evaluates and renders
them, and sends the rendered pieces back with the id of each valid record. ``imap`` keeps
the batches in input order, so the parent sees the ids in input order and rejects a
duplicate as one process does: the bytes written are the same.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path

from qianbai_rules.compile.compiled import CompiledRuleset, compile_ruleset
from qianbai_rules.core.problems import Lang, RecordProblem
from qianbai_rules.io.inputs import Meter
from qianbai_rules.io.sources import RawRecord
from qianbai_rules.pipeline.check import (
    Evaluator,
    Identity,
    Rejected,
    Unique,
    evaluate_record,
    items,
    make_evaluator,
    validate,
)
from qianbai_rules.reports.output import Piece, RunInfo, render_piece
from qianbai_rules.rules.ruleset import load_ruleset

BATCH = 200
WINDOW_PER_JOB = 4  # batches in flight per worker

Item = RawRecord | RecordProblem


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
    # A worker ends on SIGTERM or SIGHUP as by default, at once, even while it waits on the
    # pool's queue: a Python handler inherited from the parent runs only between bytecodes,
    # and Pool.terminate then waited for ever on a worker blocked on the queue's lock.
    for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None:
            signal.signal(number, signal.SIG_DFL)
    compiled = compile_ruleset(load_ruleset(settings.rules), settings.as_of)
    evaluator = make_evaluator(settings.engine, compiled)
    _WORKER = (compiled, evaluator, RunInfo(compiled, evaluator.name, settings.year,
                                            settings.lang), settings)


def _work(batch: list[Item]) -> list[tuple[Identity | None, Piece]]:
    assert _WORKER is not None, "the worker was started without its rules"
    compiled, evaluator, info, settings = _WORKER
    done: list[tuple[Identity | None, Piece]] = []
    for item in batch:
        checked = validate(item)
        if isinstance(checked, Rejected):
            done.append((None, render_piece(checked, settings.fmt, info)))
        else:
            identity, record = checked
            result = evaluate_record(record, identity.source, compiled, evaluator, settings.year)
            done.append((identity, render_piece(result, settings.fmt, info)))
    return done


def _batches(items: Iterable[Item]) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def pieces(paths: Iterable[str], settings: Settings, info: RunInfo, jobs: int,
           meter: Meter | None = None) -> Iterator[Piece]:
    """Every input record's rendered piece, in input order, computed by ``jobs`` workers."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    unique = Unique()
    with multiprocessing.get_context(method).Pool(jobs, initializer=_start, initargs=(settings,)) as pool:
        for batch in _in_order(pool, _batches(items(paths, meter)), WINDOW_PER_JOB * jobs):
            for identity, piece in batch:
                duplicate = unique.duplicate(identity) if identity is not None else None
                yield render_piece(duplicate, settings.fmt, info) if duplicate else piece


def _in_order(pool: Pool, batches: Iterator[list[Item]],
              window: int) -> Iterator[list[tuple[Identity | None, Piece]]]:
    """The workers' results in input order, with at most ``window`` batches read ahead.

    (``Pool.imap`` keeps every result the writer has not taken yet: memory would grow
    with the input whenever the workers outrun the writer.)
    """
    pending: deque[AsyncResult[list[tuple[Identity | None, Piece]]]] = deque()
    for batch in batches:
        pending.append(pool.apply_async(_work, (batch,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
