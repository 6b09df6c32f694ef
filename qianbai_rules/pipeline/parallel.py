"""`--jobs N`: a large input split across worker processes, output identical to one process.

A JSON Lines file is not read by the parent: a quick pass over its bytes cuts it into
ranges of whole lines (:mod:`qianbai_rules.io.ranges`), and each worker reads and parses
its ranges itself, through the same reader as one process. Every other input (YAML, JSON
documents, CSV, XLSX, standard input) is read by the parent, and batches of its records
as read go to the workers; a run may mix both, in input order.

Each worker is given the run context (the rules as the parent compiled them) and a
renderer factory (the reports' ``renderer``: this stage does not import the reports),
makes its own evaluator once (durable_rules is not thread-safe and its rulesets cannot be
shared) and its renderer, then checks each record with the one step per record
(:func:`.check.check_item`) and sends back the rendered pieces, as the renderer gives
them, with the id of each valid record. The results are taken in input order, so the
parent sees the ids in input order and rejects a duplicate as one process does: the bytes
written are the same."""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, Generic, TypeVar, cast

from qianbai_rules.core.problems import Problem
from qianbai_rules.engines.evaluator import Evaluator, make_evaluator
from qianbai_rules.io.inputs import Meter, expand
from qianbai_rules.io.ranges import LineRange, line_ranges, read_range
from qianbai_rules.io.sources import InputItem
from qianbai_rules.model.inspection import Sidecars
from qianbai_rules.pipeline.check import (
    Identity,
    Result,
    Unique,
    check_item,
    items,
)
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.texts.labels import text

BATCH = 200  # records read by the parent, or lines of a JSON Lines file, per task
WINDOW_PER_JOB = 4  # tasks in flight per worker

Rendered = TypeVar("Rendered")
# Builds, once per process, what renders one record's result in the run's format: a
# module-level function (the reports' ``renderer``), so that it can be sent to a worker.
RendererFactory = Callable[[RunContext], Callable[[Result], Rendered]]
# A worker's task: records the parent read, or a range of a JSON Lines file to read.
Task = list[InputItem] | LineRange
# What a worker sends back for a task: each record's identity (valid records) and rendered
# piece, and whether its file ends there (it changed or failed: later ranges are dropped).
Done = tuple[list[tuple[Identity | None, Any]], bool]


@dataclass(frozen=True)
class _Worker(Generic[Rendered]):
    context: RunContext
    evaluator: Evaluator
    render: Callable[[Result], Rendered]
    sidecars: Sidecars | None


_WORKER: _Worker[Any] | None = None


def _start(context: RunContext, make_renderer: RendererFactory[Any],
           sidecars: Sidecars | None) -> None:
    global _WORKER
    # A worker ends on SIGTERM or SIGHUP as by default, at once, even while it waits on the
    # pool's queue: a Python handler inherited from the parent runs only between bytecodes,
    # and Pool.terminate then waited for ever on a worker blocked on the queue's lock.
    for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None:
            signal.signal(number, signal.SIG_DFL)
    # Its own evaluator: durable_rules is not thread-safe and its rulesets are per process.
    _WORKER = _Worker(context, make_evaluator(context.engine, context.compiled),
                      make_renderer(context), sidecars)


def _work(task: Task) -> Done:
    assert _WORKER is not None, "the worker was started without its rules"
    worker = _WORKER
    ended = False
    if not isinstance(task, LineRange):
        batch = task
    else:
        batch = []
        try:
            ended = read_range(task, batch)
        except (Exception, RecursionError, MemoryError) as exc:  # as one process's reader guard
            batch.append(Problem.in_record(task.source, None, None, text(
                "problem.internal_error_reading", error=type(exc).__name__)))
            ended = True
    done: list[tuple[Identity | None, Any]] = []
    for item in batch:
        identity, result = check_item(item, worker.context.compiled, worker.evaluator,
                                      worker.context.year, sidecars=worker.sidecars)
        done.append((identity, worker.render(result)))
    return done, ended


# Which input file a task comes from (its place in the expanded input; -1 for records the
# parent read) and, for a range, the range: what the parent needs to drop the rest of a
# file that ended early and to move the progress bar.
_Origin = tuple[int, LineRange | None]


def _tasks(paths: Iterable[str], meter: Meter | None) -> Iterator[tuple[Task, _Origin]]:
    """Every input as tasks, in input order: ranges of JSON Lines files, batches of the
    records of every other input as the parent reads them."""
    batch: list[InputItem] = []
    for place, source in enumerate(expand(paths)):
        if isinstance(source, Problem):
            read: Iterable[InputItem] = [source]
        elif (parts := line_ranges(source, BATCH)) is not None:
            if batch:
                yield batch, (-1, None)
                batch = []
            yield from _ranges(place, source, parts, meter)
            continue
        else:
            read = items([source], meter)
        for item in read:
            batch.append(item)
            if len(batch) >= BATCH:
                yield batch, (-1, None)
                batch = []
    if batch:
        yield batch, (-1, None)


def _ranges(place: int, source: str, parts: Iterator[LineRange],
            meter: Meter | None) -> Iterator[tuple[Task, _Origin]]:
    empty = True
    for part in parts:
        empty = False
        yield part, (place, part)
    if empty and meter is not None:  # no range will tell that the file was read
        meter.finished(source)


def pieces(paths: Iterable[str], context: RunContext, make_renderer: RendererFactory[Rendered],
           jobs: int, meter: Meter | None = None, *, sidecars: Sidecars | None = None
           ) -> Iterator[Rendered]:
    """Every input record's rendered piece, in input order, computed by ``jobs`` workers
    (each given the run's ``sidecars``, as :func:`.check.run` is)."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    unique = Unique()
    render = make_renderer(context)  # the duplicates, found here
    ended: set[int] = set()  # the files that ended early
    with multiprocessing.get_context(method).Pool(
            jobs, initializer=_start, initargs=(context, make_renderer, sidecars)) as pool:
        for (place, part), (done, ends) in _in_order(pool, _tasks(paths, meter),
                                                     WINDOW_PER_JOB * jobs):
            if place in ended:
                continue
            if ends:
                ended.add(place)
            if part is not None and meter is not None:
                if part.last or ends:
                    meter.finished(part.source)
                else:
                    meter.reading(part.end)
            for identity, piece in done:
                duplicate = unique.duplicate(identity) if identity is not None else None
                yield render(duplicate) if duplicate else cast(Rendered, piece)


def _in_order(pool: Pool, tasks: Iterator[tuple[Task, _Origin]],
              window: int) -> Iterator[tuple[_Origin, Done]]:
    """The workers' results in input order, with at most ``window`` tasks read ahead.

    (``Pool.imap`` keeps every result the writer has not taken yet: memory would grow
    with the input whenever the workers outrun the writer.)
    """
    pending: deque[tuple[_Origin, AsyncResult[Done]]] = deque()
    for task, origin in tasks:
        pending.append((origin, pool.apply_async(_work, (task,))))
        if len(pending) >= window:
            origin, result = pending.popleft()
            yield origin, result.get()
    while pending:
        origin, result = pending.popleft()
        yield origin, result.get()
