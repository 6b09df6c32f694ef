"""The figures of issue 6 (the evaluators' speed), each against its target where it has one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from harness import AS_OF, ROOT, Bench, Target, engines, measure, qianbai, show, write_records

from qianbai_rules.compile.compiled import compile_ruleset
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.engines import durable
from qianbai_rules.engines.evaluator import Evaluator, make_evaluator
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.pipeline.check import Rejected, assess, validated
from qianbai_rules.rules.ruleset import load_ruleset
from tests.generated import records

EVALUATION = {"durable": Target(5_000, "records/s", at_least=True),
              "plain": Target(100_000, "records/s", at_least=True)}
PEAK = Target(300, "MB", at_least=False, strict=True)
ONE_RECORD = Target(0.6, "s", at_least=False)


@dataclass(frozen=True)
class Options:
    sizes: list[int]
    million: bool
    differential: int  # generated records of the differential run
    examples: int  # hypothesis examples of the differential run


def best_of(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def repeat_for(bench: Bench, size: int) -> int:
    return bench.repeat if size <= 10_000 else 1


def evaluation(bench: Bench, options: Options) -> None:
    """Records/s through each evaluator of records already read, validated and flattened."""
    for size in options.sizes:
        _evaluation(bench, size)


def _evaluation(bench: Bench, size: int) -> None:
    compiled = compile_ruleset(load_ruleset(rules_dir()), AS_OF)
    flats = [FlatRecord.of(item[1]) for item in validated([str(bench.input(size))])
             if not isinstance(item, Rejected)]
    for engine in engines():
        evaluator = make_evaluator(engine, compiled)
        for flat in flats[:100]:  # warm up
            assess(flat, compiled, evaluator, 2019)

        def rules_only(evaluator: Evaluator = evaluator) -> None:
            for flat in flats:
                compiled.verdict(evaluator.statuses(flat))

        def everything(evaluator: Evaluator = evaluator) -> None:
            for flat in flats:
                assess(flat, compiled, evaluator, 2019)

        repeat = repeat_for(bench, size)
        rules = len(flats) / best_of(repeat, rules_only)
        whole = len(flats) / best_of(repeat, everything)
        show(f"{size:>9,} records, {engine:>7}: rules and verdict {rules:>9,.0f}/s", rules,
             EVALUATION[engine])
        show(f"{size:>9,} records, {engine:>7}: with subsidy decisions and amounts "
             f"{whole:>8,.0f}/s")


def end_to_end(bench: Bench, options: Options) -> None:
    for size in options.sizes:
        for engine in engines():
            run = bench.run(["check", str(bench.input(size)), "--format", "jsonl", "--as-of",
                             AS_OF.isoformat(), "--engine", engine], repeat_for(bench, size),
                            suffix="jsonl")
            show(f"{size:>9,} records, {engine:>7}: {size / run.seconds:>6,.0f}/s (start-up "
                 f"included), peak {run.peak_mb:.0f} MB")


def parallel(bench: Bench, options: Options) -> None:
    size = options.sizes[0]
    command = ["check", str(bench.input(size)), "--format", "jsonl", "--as-of", AS_OF.isoformat()]
    one = bench.run(command, fresh=True, suffix="jsonl")
    two = bench.run([*command, "--jobs", "2"], fresh=True, suffix="jsonl")
    show(f"--jobs 2 over {size:,} records (default engine): {two.seconds:.1f} s against "
         f"{one.seconds:.1f} s ({one.seconds / two.seconds:.2f}x on {os.cpu_count()} cores), output "
         f"{'identical' if one.digest == two.digest else 'DIFFERS'}, peak {two.peak_mb:.0f} MB "
         "(largest process)")


def million(bench: Bench, options: Options) -> None:
    if not options.million:
        show("1,000,000 records streamed: not run (--million adds it)")
        return
    source = bench.tmp / "million.jsonl"
    write_records(source, 1_000_000)
    engine = next(engines())  # the default engine
    run = bench.run(["check", str(source), "--format", "jsonl", "--as-of", AS_OF.isoformat(),
                     "--engine", engine], 1, suffix="jsonl")
    show(f"1,000,000 records streamed, {engine}: {run.seconds:,.0f} s, peak {run.peak_mb:.0f} MB",
         run.peak_mb if not run.capped else float(bench.cap_mb), PEAK)


def one_record(bench: Bench, options: Options) -> None:
    one = bench.tmp / "one.json"
    one.write_text(json.dumps({"id": "B-1", "facility_type": "station", "floor_area_m2": 210}),
                   encoding="utf-8")
    repeat = max(bench.short_repeat, 5)
    bare = measure([sys.executable, "-c", "import pydantic, yaml, jinja2"], repeat)
    single = measure(qianbai("check", str(one), "--as-of", AS_OF.isoformat(), "--quiet"), repeat)
    show(f"one record: {single.seconds:.2f} s (bare imports {bare.seconds:.2f} s)", single.seconds,
         ONE_RECORD)


def annual(bench: Bench, options: Options) -> None:
    size = max(options.sizes)
    run = bench.run(["evaluate", str(bench.input(size, "registry")), "--year", "2019", "--format",
                     "json"], 1, suffix="json")
    show(f"annual evaluation of {size:,} records: {run.seconds:.1f} s ({size / run.seconds:,.0f}/s), "
         f"peak {run.peak_mb:.0f} MB")


def differential(bench: Bench, options: Options) -> None:
    if not durable.available():
        show("durable_rules is not importable here: no differential run")
        return
    compiled = compile_ruleset(load_ruleset(rules_dir()), AS_OF)
    plain, engine = make_evaluator("plain", compiled), make_evaluator("durable", compiled)
    disagreements = 0
    start = time.perf_counter()
    for record in records(options.differential, seed=20261129):
        flat = FlatRecord.of(record)
        for year in (2019, 2020):
            if assess(flat, compiled, plain, year) != assess(flat, compiled, engine, year):
                disagreements += 1
    show(f"{options.differential:,} generated records x 2 years through both evaluators: "
         f"{disagreements} disagreements ({time.perf_counter() - start:.0f} s)", disagreements,
         Target(0, "disagreements", at_least=False))
    environment = {**os.environ, "QIANBAI_DIFFERENTIAL_EXAMPLES": str(options.examples)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_differential.py"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, check=False)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    show(f"hypothesis, {options.examples:,} examples: {summary}")


FIGURES: tuple[tuple[str, Callable[[Bench, Options], None]], ...] = (
    ("1. evaluation, one core, records already read and validated", evaluation),
    ("2. `qianbai check --format jsonl` end to end, one core", end_to_end),
    ("   --jobs 2", parallel),
    ("3. memory", million),
    ("4. one record from the command line", one_record),
    ("5. annual evaluation", annual),
    ("6. differential", differential),
)


def section(bench: Bench, options: Options) -> None:
    print("Issue 6: the evaluators' speed")
    for title, figure in FIGURES:
        print(title)
        figure(bench, options)
