"""Streamed output formats of ``qianbai check``: json, jsonl and text (from a template).

JSON is written with a fixed key order and no timestamps, so the same input and rules
give byte-identical output.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TextIO

from qianbai_rules import __version__
from qianbai_rules.compile.compiled import CompiledRuleset, Verdict
from qianbai_rules.core.jsontext import compact_json, indented_json
from qianbai_rules.core.problems import Lang
from qianbai_rules.pipeline.check import Evaluated, Rejected, Result
from qianbai_rules.reports import render
from qianbai_rules.reports.build import Reporter
from qianbai_rules.reports.model import RecordReport, json_document
from qianbai_rules.rules.readings import applied
from qianbai_rules.texts.labels import labels

# What the text report's first two lines already show of the identity block.
TEXT_HEADLINE = ("id", "name", "facility_type")
FORMATS = ("text", "json", "jsonl", "html", "md", "pdf")
STREAMED = ("text", "json", "jsonl")


@dataclass(frozen=True)
class RunInfo:
    compiled: CompiledRuleset
    engine: str
    year: int
    lang: Lang

    @cached_property
    def text_context(self) -> dict[str, Any]:
        return {"L": labels(self.lang), "run": self.header(), "lang": self.lang}

    def header(self) -> dict[str, Any]:
        ruleset = self.compiled.ruleset
        return {
            "version": __version__,
            "engine": self.engine,
            "ruleset": {
                "name": ruleset.name,
                "version": ruleset.version,
                "source": ruleset.source,
                "fingerprint": ruleset.fingerprint,
                "rules": len(ruleset.rules),
                "parameters": [a.as_json() for a in self.compiled.applied],
            },
            "as_of": self.compiled.as_of.isoformat(),
            "year": self.year,
            "readings": applied(ruleset.readings.values(), False, self.lang),
        }


class Tally:
    """Counts outcomes as they stream past; the exit status derives from it."""

    def __init__(self) -> None:
        self.verdicts: Counter[Verdict] = Counter()
        self.rejected = 0

    def add(self, outcome: Result) -> None:
        if isinstance(outcome, Rejected):
            self.rejected += 1
        else:
            self.verdicts[outcome.verdict] += 1

    def counting(self, outcomes: Iterable[Result]) -> Iterator[Result]:
        """The same outcomes, each counted as it passes."""
        for outcome in outcomes:
            self.add(outcome)
            yield outcome

    def summary(self) -> dict[str, int]:
        return {"records": sum(self.verdicts.values()),
                **{v.value: self.verdicts[v] for v in (Verdict.compliant, Verdict.non_compliant,
                                                       Verdict.incomplete)},
                "rejected": self.rejected}

    @property
    def exit_status(self) -> int:
        if self.rejected:
            return 2
        if self.verdicts[Verdict.non_compliant] or self.verdicts[Verdict.incomplete]:
            return 1
        return 0


_REPORTERS: dict[int, tuple[RunInfo, Reporter]] = {}


def reporter(info: RunInfo) -> Reporter:
    """The run's reporter, made once per run (its findings are kept between records)."""
    kept = _REPORTERS.get(id(info))
    if kept is None or kept[0] is not info:
        if len(_REPORTERS) >= 4:
            _REPORTERS.clear()
        kept = _REPORTERS[id(info)] = (info, Reporter(info.compiled, info.year, info.lang))
    return kept[1]


def record_report(result: Evaluated, info: RunInfo) -> RecordReport:
    """One record's report, the one every format renders."""
    return reporter(info).record(result)


def rejected_json(rejected: Rejected, lang: Lang) -> dict[str, Any]:
    entry: dict[str, Any] = rejected.problem.as_json(lang)
    if len(rejected.errors) > 1:
        entry["errors"] = [{"field": f, "message": m(lang)} for f, m in rejected.errors]
    return entry


@dataclass(frozen=True)
class Piece:
    """One input record's part of the output, rendered: what a worker process sends back."""

    verdict: Verdict | None  # None: the record was rejected
    payload: Any  # a rejected entry; else the record's JSON, JSON line or text block


def render_piece(outcome: Result, fmt: str, info: RunInfo) -> Piece:
    if isinstance(outcome, Rejected):
        return Piece(None, rejected_json(outcome, info.lang))
    report = record_report(outcome, info)
    if fmt == "jsonl":
        return Piece(outcome.verdict, report.as_line())
    if fmt == "text":
        text = render.environment().get_template("text/record.txt").render(
            info.text_context, record=report, identity=report.identity_besides(TEXT_HEADLINE))
        return Piece(outcome.verdict, text)
    return Piece(outcome.verdict, report.as_json())


def write(outcomes: Iterable[Result], fmt: str, info: RunInfo, out: TextIO) -> Tally:
    """Write every outcome in the format; return the tally for the exit status."""
    return write_pieces((render_piece(o, fmt, info) for o in outcomes), fmt, info, out)


def write_pieces(pieces: Iterable[Piece], fmt: str, info: RunInfo, out: TextIO) -> Tally:
    """Assemble rendered pieces, in input order, into the output document."""
    tally = Tally()
    records: list[Any] = []
    rejected: list[Any] = []
    if fmt == "jsonl":
        out.write(compact_json({"header": info.header()}) + "\n")
    elif fmt == "text":
        out.write(render.environment().get_template("text/header.txt").render(info.text_context))
    for piece in pieces:
        if piece.verdict is None:
            tally.rejected += 1
            if fmt == "jsonl":
                out.write(compact_json({"rejected": piece.payload}) + "\n")
            else:
                rejected.append(piece.payload)
            continue
        tally.verdicts[piece.verdict] += 1
        if fmt == "json":
            records.append(piece.payload)
        else:
            out.write(piece.payload + ("\n" if fmt == "jsonl" else ""))
    if fmt == "json":
        document = json_document(info.header(), tally.summary(), records, rejected)
        out.write(indented_json(document) + "\n")
    elif fmt == "jsonl":
        out.write(compact_json({"summary": tally.summary()}) + "\n")
    else:
        out.write(render.environment().get_template("text/footer.txt").render(
            info.text_context, summary=tally.summary(), rejected=rejected))
    return tally
