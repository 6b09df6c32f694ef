"""`--jobs N`: a large input split across worker processes, output identical to one process.

The parent reads the input in order; batches of records as read go to workers. Each worker
is given the run context (the rules as the parent compiled them) and a renderer factory
(the reports' ``renderer``: this stage does not import the reports), makes its own
evaluator once (durable_rules is not thread-safe and its rulesets cannot be shared) and
its renderer, then checks each record with the one step per record
(:func:`.check.check_item`) and sends the rendered pieces back with the id of each valid
record. The results are taken in input order, so the parent sees the ids in input order
and rejects a duplicate as one process does: the bytes written are the same."""

from __future__ import annotations

import itertools
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, Generic, TypeVar, cast

from qianbai_rules.engines.evaluator import Evaluator, make_evaluator
from qianbai_rules.io.inputs import Meter
from qianbai_rules.io.sources import InputItem
from qianbai_rules.pipeline.check import (
    Identity,
    Result,
    Unique,
    check_item,
    items,
)
from qianbai_rules.pipeline.context import RunContext

BATCH = 200
WINDOW_PER_JOB = 4  # batches in flight per worker

Rendered = TypeVar("Rendered")
# Builds, once per process, what renders one record's result in the run's format: a
# module-level function (the reports' ``renderer``), so that it can be sent to a worker.
RendererFactory = Callable[[RunContext], Callable[[Result], Rendered]]


@dataclass(frozen=True)
class _Worker(Generic[Rendered]):
    context: RunContext
    evaluator: Evaluator
    render: Callable[[Result], Rendered]


_WORKER: _Worker[Any] | None = None


def _start(context: RunContext, make_renderer: RendererFactory[Any]) -> None:
    global _WORKER
    # A worker ends on SIGTERM or SIGHUP as by default, at once, even while it waits on the
    # pool's queue: a Python handler inherited from the parent runs only between bytecodes,
    # and Pool.terminate then waited for ever on a worker blocked on the queue's lock.
    for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None:
            signal.signal(number, signal.SIG_DFL)
    # Its own evaluator: durable_rules is not thread-safe and its rulesets are per process.
    _WORKER = _Worker(context, make_evaluator(context.engine, context.compiled),
                      make_renderer(context))


def _work(batch: list[InputItem]) -> list[tuple[Identity | None, Any]]:
    assert _WORKER is not None, "the worker was started without its rules"
    worker = _WORKER
    done: list[tuple[Identity | None, Any]] = []
    for item in batch:
        identity, result = check_item(item, worker.context.compiled, worker.evaluator,
                                      worker.context.year)
        done.append((identity, worker.render(result)))
    return done


def _batches(items: Iterable[InputItem]) -> Iterator[list[InputItem]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def pieces(paths: Iterable[str], context: RunContext, make_renderer: RendererFactory[Rendered],
           jobs: int, meter: Meter | None = None) -> Iterator[Rendered]:
    """Every input record's rendered piece, in input order, computed by ``jobs`` workers."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    unique = Unique()
    render = make_renderer(context)  # the duplicates, found here
    with multiprocessing.get_context(method).Pool(
            jobs, initializer=_start, initargs=(context, make_renderer)) as pool:
        for batch in _in_order(pool, _batches(items(paths, meter)), WINDOW_PER_JOB * jobs):
            for identity, piece in batch:
                duplicate = unique.duplicate(identity) if identity is not None else None
                yield render(duplicate) if duplicate else cast(Rendered, piece)


def _in_order(pool: Pool, batches: Iterator[list[InputItem]],
              window: int) -> Iterator[list[tuple[Identity | None, Any]]]:
    """The workers' results in input order, with at most ``window`` batches read ahead.

    (``Pool.imap`` keeps every result the writer has not taken yet: memory would grow
    with the input whenever the workers outrun the writer.)
    """
    pending: deque[AsyncResult[list[tuple[Identity | None, Any]]]] = deque()
    for batch in batches:
        pending.append(pool.apply_async(_work, (batch,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
