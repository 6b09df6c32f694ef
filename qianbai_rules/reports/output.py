"""Streamed output formats of ``qianbai check``: json, jsonl and text (from a template).

JSON is written with a fixed key order and no timestamps, so the same input and rules
give byte-identical output.
"""

from __future__ import annotations

import shutil
import tempfile
import textwrap
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any, TextIO

from qianbai_rules.compile.compiled import Verdict
from qianbai_rules.core.jsontext import compact_json, indented_json
from qianbai_rules.pipeline.check import Evaluated, Rejected, Result
from qianbai_rules.pipeline.context import RunContext, Tally
from qianbai_rules.reports import render
from qianbai_rules.reports.build import Reporter
from qianbai_rules.reports.lean import LeanWriter
from qianbai_rules.reports.model import RecordReport, RejectedEntry, RunHeader, RunReport

# What the text report's first two lines already show of the identity block.
TEXT_HEADLINE = ("id", "name", "facility_type")
FORMATS = ("text", "json", "jsonl", "html", "md", "pdf")
STREAMED = ("text", "json", "jsonl")
SPOOL_MEMORY = 16 * 1024 * 1024  # characters of --format json records held in memory


@dataclass(frozen=True)
class _Kept:
    """What rendering keeps for a run from record to record."""

    reporter: Reporter  # with its cache of findings already written
    header: RunHeader
    text_context: dict[str, Any]  # what the text templates read of the run
    lean: LeanWriter  # lean JSON Lines against the header's rules


_KEPT: weakref.WeakKeyDictionary[RunContext, _Kept] = weakref.WeakKeyDictionary()


def _kept(context: RunContext) -> _Kept:
    kept = _KEPT.get(context)
    if kept is None:
        header = RunHeader.of(context)
        reporter = Reporter(context.compiled, context.year, context.lang)
        kept = _KEPT[context] = _Kept(
            reporter, header, render.run_context(context.lang, header.as_json()),
            LeanWriter(reporter.findings.static(), header.ruleset.parameters))
    return kept


def run_header(context: RunContext) -> RunHeader:
    """The run's header, made once per run."""
    return _kept(context).header


def reporter(context: RunContext) -> Reporter:
    """The run's one reporter: its cache of findings lasts as long as the run."""
    return _kept(context).reporter


def text_context(context: RunContext) -> dict[str, Any]:
    """What the text templates read of the run, made once per run."""
    return _kept(context).text_context


def record_report(result: Evaluated, context: RunContext) -> RecordReport:
    """One record's report, the one every format renders."""
    return reporter(context).record(result)


@dataclass(frozen=True)
class Piece:
    """One input record's part of the output, rendered: what a worker process sends back."""

    verdict: Verdict | None  # None: the record was rejected
    payload: Any  # a RejectedEntry; else the record's JSON item, JSON line or text block


def render_piece(result: Result, context: RunContext) -> Piece:
    if isinstance(result, Rejected):
        return Piece(None, RejectedEntry.of(result, context.lang))
    report = record_report(result, context)
    fmt = context.fmt
    if fmt == "jsonl":
        return Piece(result.verdict, report.as_line() if context.findings == "full"
                     else _kept(context).lean.line(report))
    if fmt == "text":
        text = render.environment().get_template("text/record.txt").render(
            text_context(context), record=report, identity=report.identity_besides(TEXT_HEADLINE))
        return Piece(result.verdict, text)
    return Piece(result.verdict, json_item(report.as_json()))


def jsonl_header(context: RunContext) -> dict[str, Any]:
    """The first JSON Lines line's ``header``: lean lines add each rule's static fields."""
    header = run_header(context).as_json()
    if context.findings == "full":
        return header
    return {**header, "rules": reporter(context).findings.static()}


def json_item(record: dict[str, Any]) -> str:
    """A record as it stands in the ``records`` list of the JSON document (two levels in)."""
    return textwrap.indent(indented_json(record), "    ")


def renderer(context: RunContext) -> Callable[[Result], Piece]:
    """The run's records rendered one by one in its format: what each ``--jobs`` worker
    builds once (:func:`.parallel.pieces` is given this function)."""
    return lambda result: render_piece(result, context)


def write(results: Iterable[Result], context: RunContext, out: TextIO) -> Tally:
    """Write every result in the format; return the tally for the exit status."""
    return write_pieces((render_piece(r, context) for r in results), context, out)


def write_pieces(pieces: Iterable[Piece], context: RunContext, out: TextIO) -> Tally:
    """Assemble rendered pieces, in input order, into the output document."""
    fmt = context.fmt
    header = run_header(context)
    if fmt == "json":
        # the records' items are kept until the summary, which comes before them in the
        # document, is known: in memory up to SPOOL_MEMORY, then on disk, so a run's memory
        # stays flat
        with tempfile.SpooledTemporaryFile(SPOOL_MEMORY, "w+", encoding="utf-8") as spool:
            tally, rejected = _assemble(pieces, context, out, spool)
            _write_json(RunReport.document(header, tally.summary(), [], rejected),
                        spool if tally.verdicts else None, out)
        return tally
    if fmt == "jsonl":
        out.write(compact_json({"header": jsonl_header(context)}) + "\n")
    else:
        out.write(render.environment().get_template("text/header.txt").render(text_context(context)))
    tally, rejected = _assemble(pieces, context, out, None)
    if fmt == "jsonl":
        out.write(compact_json({"summary": tally.summary()}) + "\n")
    else:
        out.write(render.environment().get_template("text/footer.txt").render(
            text_context(context), summary=tally.summary(), rejected=rejected))
    return tally


def _assemble(pieces: Iterable[Piece], context: RunContext, out: TextIO,
              spool: IO[str] | None) -> tuple[Tally, list[RejectedEntry]]:
    """Write each record's piece as it comes (to ``spool``, for JSON); count the records and
    keep the rejected ones for the end of the document (JSON Lines writes them in place)."""
    tally = Tally()
    rejected: list[RejectedEntry] = []
    for piece in pieces:
        written_before = bool(tally.verdicts)
        tally.count(piece.verdict)
        if piece.verdict is None:
            if context.fmt == "jsonl":
                out.write(compact_json({"rejected": piece.payload.as_json()}) + "\n")
            else:
                rejected.append(piece.payload)
            continue
        if spool is not None:
            spool.write(",\n" + piece.payload if written_before else piece.payload)
        else:
            out.write(piece.payload + ("\n" if context.fmt == "jsonl" else ""))
    return tally, rejected


_RECORDS = '\n  "records": []'


def _write_json(document: dict[str, Any], spool: IO[str] | None, out: TextIO) -> None:
    """``indented_json`` of the document with the spooled records (None: none) as its
    ``records``: the document is rendered with an empty list, which the items then fill."""
    text = indented_json(document)
    head, tail = text.split(_RECORDS, 1)
    out.write(head + _RECORDS[:-1])
    if spool is not None:
        spool.seek(0)
        out.write("\n")
        shutil.copyfileobj(spool, out)
        out.write("\n  ")
    out.write("]" + tail + "\n")
