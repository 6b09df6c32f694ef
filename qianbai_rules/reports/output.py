"""Streamed output formats of ``qianbai check``: json, jsonl (full or lean lines) and text
(each record assembled from lines kept per finding, :mod:`.textout`), written as bytes.

JSON is written with a fixed key order and no timestamps, so the same input and rules
give byte-identical output.
"""

from __future__ import annotations

import codecs
import contextlib
import tempfile
import textwrap
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any, TextIO

from qianbai_rules.compile.compiled import Verdict
from qianbai_rules.core.jsontext import compact_bytes, indented_json, utf8
from qianbai_rules.pipeline.check import Evaluated, Rejected, Result
from qianbai_rules.pipeline.context import RunContext, Tally, rests_on_waiver
from qianbai_rules.reports import render, textout
from qianbai_rules.reports.build import Reporter
from qianbai_rules.reports.lean import LeanWriter
from qianbai_rules.reports.model import RecordReport, RejectedEntry, RunHeader, RunReport
from qianbai_rules.reports.runview import RunAbout, run_about

FORMATS = ("text", "json", "jsonl", "html", "md", "pdf", "docx")
STREAMED = ("text", "json", "jsonl")
SPOOL_MEMORY = 16 * 1024 * 1024  # characters of --format json records held in memory


@dataclass(frozen=True)
class _Kept:
    """What rendering keeps for a run from record to record."""

    reporter: Reporter  # with its cache of findings already written
    header: RunHeader
    about: RunAbout  # the run in words
    text_context: dict[str, Any]  # what the text templates read of the run
    lean: LeanWriter  # lean JSON Lines against the header's rules


_KEPT: weakref.WeakKeyDictionary[RunContext, _Kept] = weakref.WeakKeyDictionary()


def _kept(context: RunContext) -> _Kept:
    kept = _KEPT.get(context)
    if kept is None:
        header = RunHeader.of(context)
        reporter = Reporter(context.compiled, context.year, context.lang)
        about = run_about(context, header.version)
        kept = _KEPT[context] = _Kept(
            reporter, header, about, render.run_context(context.lang, header.as_json(), about=about),
            LeanWriter(reporter.findings.static(), header.ruleset.parameters))
    return kept


def run_header(context: RunContext) -> RunHeader:
    """The run's header, made once per run."""
    return _kept(context).header


def about(context: RunContext) -> RunAbout:
    """The run in words (as-of date, its note, parameters by name), made once per run."""
    return _kept(context).about


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
    # a RejectedEntry; else the record's JSON item or JSON line (UTF-8), or text block
    payload: Any
    waived: bool = False  # the verdict rests on a waiver (the summary counts them)


def render_piece(result: Result, context: RunContext) -> Piece:
    if isinstance(result, Rejected):
        return Piece(None, RejectedEntry.of(result, context.lang))
    report = record_report(result, context)
    fmt = context.fmt
    waived = rests_on_waiver(result)
    if fmt == "jsonl":
        return Piece(result.verdict, report.line_bytes() if context.findings == "full"
                     else _kept(context).lean.line(report), waived)
    if fmt == "text":
        return Piece(result.verdict, utf8(textout.record_text(report, context)), waived)
    return Piece(result.verdict, utf8(json_item(report.as_json())), waived)


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
    with _Sink(out) as sink:
        return _write_pieces(pieces, context, sink)


def _write_pieces(pieces: Iterable[Piece], context: RunContext, out: _Sink) -> Tally:
    fmt = context.fmt
    header = run_header(context)
    if fmt == "json":
        # the records' items are kept until the summary, which comes before them in the
        # document, is known: in memory up to SPOOL_MEMORY, then on disk, so a run's memory
        # stays flat
        with tempfile.SpooledTemporaryFile(SPOOL_MEMORY, "w+b") as spool:
            tally, rejected = _assemble(pieces, context, out, spool)
            _write_json(RunReport.document(header, tally.summary(), [], rejected),
                        spool if tally.verdicts else None, out)
        return tally
    if fmt == "jsonl":
        out.write(compact_bytes({"header": jsonl_header(context)}) + b"\n")
    else:
        out.write(utf8(render.environment().get_template("text/header.txt").render(
            text_context(context))))
    tally, rejected = _assemble(pieces, context, out, None)
    if fmt == "jsonl":
        out.write(compact_bytes({"summary": tally.summary()}) + b"\n")
    else:
        out.write(utf8(render.environment().get_template("text/footer.txt").render(
            text_context(context), summary=tally.summary(), rejected=rejected)))
    return tally


def _assemble(pieces: Iterable[Piece], context: RunContext, out: _Sink,
              spool: IO[bytes] | None) -> tuple[Tally, list[RejectedEntry]]:
    """Write each record's piece as it comes (to ``spool``, for JSON); count the records and
    keep the rejected ones for the end of the document (JSON Lines writes them in place)."""
    tally = Tally()
    rejected: list[RejectedEntry] = []
    jsonl = context.fmt == "jsonl"
    for piece in pieces:
        written_before = bool(tally.verdicts)
        tally.count(piece.verdict, piece.waived)
        payload = piece.payload
        if piece.verdict is None:
            if jsonl:
                out.write(compact_bytes({"rejected": payload.as_json()}) + b"\n")
            else:
                rejected.append(payload)
            continue
        if isinstance(payload, str):
            payload = utf8(payload)
        if spool is not None:
            spool.write(b",\n" + payload if written_before else payload)
        else:
            out.write(payload + b"\n" if jsonl else payload)
    return tally, rejected


_RECORDS = '\n  "records": []'


def _write_json(document: dict[str, Any], spool: IO[bytes] | None, out: _Sink) -> None:
    """``indented_json`` of the document with the spooled records (None: none) as its
    ``records``: the document is rendered with an empty list, which the items then fill."""
    text = indented_json(document)
    head, tail = text.split(_RECORDS, 1)
    out.write(utf8(head + _RECORDS[:-1]))
    if spool is not None:
        spool.seek(0)
        out.write(b"\n")
        while chunk := spool.read(_CHUNK):
            out.write(chunk)
        out.write(b"\n  ")
    out.write(utf8("]" + tail + "\n"))


_CHUNK = 1 << 20  # bytes gathered before a write


class _Sink:
    """The output as bytes, written in chunks of about ``_CHUNK``: to the byte stream
    under ``out`` where it writes UTF-8, else (a StringIO) to ``out`` as text."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.pending: list[bytes] = []
        self.size = 0
        try:
            binary = out.buffer if codecs.lookup(out.encoding).name == "utf-8" else None
        except (AttributeError, LookupError, TypeError):
            binary = None
        self.binary = binary
        self.text = codecs.getincrementaldecoder("utf-8")()  # a chunk may end mid-character

    def __enter__(self) -> _Sink:
        self.out.flush()  # what the text layer holds goes first
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.flush()
            return
        with contextlib.suppress(Exception):  # what was made before the error still goes out
            self.flush()

    def write(self, data: bytes) -> None:
        self.pending.append(data)
        self.size += len(data)
        if self.size >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        data = b"".join(self.pending)
        self.pending, self.size = [], 0
        if self.binary is not None:
            self.binary.write(data)
        else:
            self.out.write(self.text.decode(data))
