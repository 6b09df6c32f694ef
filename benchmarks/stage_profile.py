"""Where the time goes: one record's way through `check --format jsonl`, stage by stage.

Each stage calls the real functions the pipeline calls, over all records, one stage after
the other: every stage is given what the stage before it produced for every record, so it
sees the same inputs as in the pipeline (and the same order, so the memos the pipeline keeps
hit as often). Each call is timed with ``time.perf_counter_ns``; a stage's figure is its
total over the records, divided by their number. The whole ``check --format jsonl`` is run
in this process for comparison, with the time of a run over no record subtracted (loading
and compiling the rules, the header and the summary).

Stages of no record: rejected records (none in the generated input) are left out, and a
duplicate id would be too.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from qianbai_rules.cli.app import main as qianbai_main
from qianbai_rules.compile.compiled import CompiledRuleset, compile_ruleset
from qianbai_rules.core.jsontext import compact_bytes
from qianbai_rules.core.problems import Lang
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.engines.evaluator import Evaluator, make_evaluator
from qianbai_rules.io.inputs import read
from qianbai_rules.io.sources import InputItem
from qianbai_rules.io.writing import atomic_text
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.pipeline.check import Evaluated, Rejected, Unique, admit
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.reports.build import Reporter
from qianbai_rules.reports.claims import Claims
from qianbai_rules.reports.findings import FindingWriter
from qianbai_rules.reports.lean import LeanWriter
from qianbai_rules.reports.model import RecordReport
from qianbai_rules.reports.output import run_header
from qianbai_rules.rules.ruleset import load_ruleset
from qianbai_rules.subsidies.memo import SubsidyMemo

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Stage:
    name: str
    nanoseconds: int
    part: bool = False  # a part of the stage above it, not counted again in the sum


@dataclass(frozen=True)
class Profile:
    engine: str
    records: int
    stages: list[Stage]
    whole_ns: int  # the whole check --format jsonl, the run over no record subtracted

    @property
    def stages_ns(self) -> int:
        return sum(stage.nanoseconds for stage in self.stages if not stage.part)

    def table(self) -> str:
        """The stages with µs per record, share of the whole, and records per second."""
        n = self.records
        lines = [f"Per-stage profile, {self.engine} evaluator, {n:,} generated records "
                 "(µs per record; share of the whole check)",
                 f"  {'stage':<66} {'µs/record':>10} {'share':>7} {'records/s':>11}"]

        def row(name: str, ns: int) -> str:
            micro = ns / n / 1000
            rate = f"{n / (ns / 1e9):>11,.0f}" if ns else f"{'—':>11}"
            return f"  {name:<66} {micro:>10.1f} {ns / self.whole_ns:>7.1%} {rate}"

        for stage in self.stages:
            lines.append(row(("   of which " if stage.part else "") + stage.name, stage.nanoseconds))
        lines.append(row("sum of the stages", self.stages_ns))
        lines.append(f"  {'rest (generators, tally, pieces, noise): whole − sum':<66} "
                     f"{(self.whole_ns - self.stages_ns) / n / 1000:>10.1f} "
                     f"{(self.whole_ns - self.stages_ns) / self.whole_ns:>7.1%}")
        lines.append(row("whole `check --format jsonl` in this process", self.whole_ns))
        return "\n".join(lines)


def timed(inputs: list[T], call: Callable[[T], R]) -> tuple[list[R], int]:
    """``call`` of every input, each call timed; the results and the total nanoseconds."""
    clock = time.perf_counter_ns
    results: list[R] = []
    total = 0
    for value in inputs:
        start = clock()
        result = call(value)
        total += clock() - start
        results.append(result)
    return results, total


def _read_all(source: Path) -> tuple[list[InputItem], int]:
    """Every item the reader yields, each ``next`` timed (reading, decoding, JSON)."""
    clock = time.perf_counter_ns
    items: list[InputItem] = []
    reader: Iterator[InputItem] = read(str(source))
    total = 0
    while True:
        start = clock()
        item = next(reader, None)
        total += clock() - start
        if item is None:
            return items, total
        items.append(item)


def _whole(source: Path, engine: str, as_of: dt.date, folder: Path, findings: str) -> int:
    """Nanoseconds of ``qianbai check --format jsonl`` over ``source`` in this process."""
    start = time.perf_counter_ns()
    status = qianbai_main(["check", str(source), "--format", "jsonl", "--as-of", as_of.isoformat(),
                           "--engine", engine, "--findings", findings, "--quiet",
                           "-o", str(folder / "whole.jsonl"), "--force"], io.StringIO(), io.StringIO())
    elapsed = time.perf_counter_ns() - start
    if status not in (0, 1):
        raise SystemExit(f"check --format jsonl over {source} ended with status {status}")
    return elapsed


def profile(source: Path, engine: str, as_of: dt.date, repeat: int = 1,
            findings: str = "lean") -> Profile:
    """The per-stage profile of the records in ``source`` (JSON Lines), with ``engine``.
    With ``repeat`` above 1 the stages are those of the fastest of that many runs, the
    whole the fastest of as many, each run of the stages followed by one of the whole.
    ``findings``: the JSON Lines of the run, ``lean`` (the default) or ``full``."""
    compiled = compile_ruleset(load_ruleset(rules_dir()), as_of)
    evaluator = make_evaluator(engine, compiled)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        empty = folder / "empty.jsonl"
        empty.write_bytes(b"")
        _whole(source, engine, as_of, folder, findings)  # warm up: imports, lazy tables
        runs, fulls, empties = [], [], []
        for _ in range(repeat):  # interleaved: the machine's load of the moment hits both alike
            runs.append(_stages(source, compiled, evaluator, as_of.year, folder, findings))
            fulls.append(_whole(source, engine, as_of, folder, findings))
            empties.append(_whole(empty, engine, as_of, folder, findings))
        # each side's fastest on its own: the minimum of differences lets one slow empty run
        # (the durable engine's start-up strays by as much as 200 records take) swallow the whole
        whole = max(min(fulls) - min(empties), 1)
    # the fastest run as a whole (minima of each stage from different runs would add up to
    # less than any run took)
    stages = min(runs, key=lambda run: sum(stage.nanoseconds for stage in run if not stage.part))
    records = sum(1 for _ in read(str(source)))
    return Profile(evaluator.name, records, stages, whole)


def _stages(source: Path, compiled: CompiledRuleset, evaluator: Evaluator, year: int,
            folder: Path, findings: str) -> list[Stage]:
    items, reading = _read_all(source)
    unique = Unique()
    admitted, validating = timed(items, lambda item: admit(item, unique))
    kept = [(identity.source, record) for identity, record in admitted
            if identity is not None and not isinstance(record, Rejected)]
    records: list[FacilityRecord] = [record for _, record in kept]
    flats, flattening = timed(records, FlatRecord.of)
    statuses, evaluating = timed(flats, evaluator.statuses)
    verdicts, judging = timed(statuses, compiled.verdict)
    rows = list(zip(flats, statuses, verdicts, strict=True))
    memo = SubsidyMemo(compiled)  # fresh, as the run's (memo_of) starts
    outcomes, paying = timed(rows, lambda row: memo.outcomes(evaluator, row[0], row[1], row[2],
                                                             year))
    results = [Evaluated(where, record, flat, rule_statuses, verdict, paid)
               for (where, record), flat, rule_statuses, verdict, paid
               in zip(kept, flats, statuses, verdicts, outcomes, strict=True)]
    lang: Lang = "zh"
    reporter = Reporter(compiled, year, lang)
    reports, reporting = timed(results, reporter.record)
    # the report's parts, each on its own, each from fresh memos as the run's start
    writer = FindingWriter(compiled, lang)
    _, finding = timed(results, lambda result: writer.findings(result.statuses, result.flat))
    claims = Claims(compiled, year, lang)
    _, claiming = timed(results, lambda result: claims.subsidy(result.subsidies, result.flat))
    _, entitling = timed(results, lambda result: claims.entitlements(result.statuses))
    context = RunContext(compiled, evaluator.name, year, lang, fmt="jsonl", findings=findings)
    encoder = "RecordReport.line_bytes" if findings == "full" else "LeanWriter.line"
    if findings == "full":
        encode: Callable[[RecordReport], bytes] = RecordReport.line_bytes
    else:
        encode = LeanWriter(reporter.findings.static(), run_header(context).ruleset.parameters).line
    lines, encoding = timed(reports, encode)
    written = folder / "stages.jsonl"
    written.unlink(missing_ok=True)  # a fresh file each run, as a check without --force makes
    with atomic_text(written) as out:
        start = time.perf_counter_ns()
        sink = out.buffer
        sink.write(compact_bytes({"header": {}}) + b"\n")
        writing = time.perf_counter_ns() - start
        _, writing_lines = timed(lines, lambda line: sink.write(line + b"\n"))
        start = time.perf_counter_ns()
    writing += writing_lines + time.perf_counter_ns() - start  # closing: flush, fsync, rename
    return [
        Stage("read and parse the input lines (io.inputs.read)", reading),
        Stage("raw mapping → FacilityRecord, ids (pipeline.check.admit)", validating),
        Stage("FlatRecord.of", flattening),
        Stage("rule statuses (evaluator.statuses)", evaluating),
        Stage("verdict (compiled.verdict)", judging),
        Stage("subsidies (subsidies.memo.SubsidyMemo.outcomes, memo fresh)", paying),
        Stage("run report (reports.build.Reporter.record)", reporting),
        Stage("findings (FindingWriter.findings, memo fresh)", finding, part=True),
        Stage("subsidy claims (reports.claims.Claims.subsidy, memo fresh)", claiming, part=True),
        Stage("entitlements (reports.claims.Claims.entitlements)", entitling, part=True),
        Stage(f"JSON line encoding ({encoder}, {findings})", encoding),
        Stage("writing bytes (io.writing.atomic_text, closing included)", writing),
    ]

