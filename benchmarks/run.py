"""Benchmarks of qianbai-rules, run by hand (not in CI): `python benchmarks/run.py`.

Prints, against the targets of the benchmark issue:

1. evaluation: records per second through each evaluator, in this process on one core,
   of records already read and validated: the 46 rule outcomes and the verdict, then
   also the subsidy decisions and amounts;
2. `qianbai check --format jsonl` end to end (read, validate, evaluate, write every
   finding), durable_rules and the plain evaluator side by side, with peak memory, and
   `--jobs 2`;
3. `--million`: peak memory of 1,000,000 records streamed (JSON Lines in and out);
4. one record from the command line, against a bare `python -c "import pydantic, yaml, jinja2"`;
5. the annual evaluation of the largest size;
6. a long differential run: generated records and hypothesis examples through both
   evaluators, with the number of disagreements (must be 0).

Wall times are the best of ``--repeat`` runs (the machine's other work only slows a run
down); each command runs in a fresh process, whose peak memory is its maximum resident
set size. `--quick` is a short run (10,000 records).

`--profile [--size N] [--engine plain|durable]` prints instead where the time of
`check --format jsonl` goes: microseconds per record in each stage of one record's way
through the pipeline, over N generated records (default 2,000), against the whole check
run in the same process (`stage_profile.py`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stage_profile import profile  # noqa: E402 - beside this file

from qianbai_rules.compile.compiled import compile_ruleset  # noqa: E402
from qianbai_rules.core.resources import rules_dir  # noqa: E402
from qianbai_rules.engines import durable  # noqa: E402
from qianbai_rules.engines.evaluator import Evaluator, make_evaluator  # noqa: E402
from qianbai_rules.model.flat import FlatRecord  # noqa: E402
from qianbai_rules.pipeline.check import Rejected, assess, validated  # noqa: E402
from qianbai_rules.rules.ruleset import load_ruleset  # noqa: E402
from tests.generated import records  # noqa: E402 - the repository's own generator

TARGETS = {"durable": 5_000, "plain": 100_000}
PEAK_TARGET_MB = 300
ONE_RECORD_TARGET_S = 0.6
AS_OF = dt.date(2019, 12, 31)

MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "elapsed = time.perf_counter() - start\n"
    "if done.returncode not in (0, 1):  # 1: some record is not compliant, as expected\n"
    "    sys.exit(done.stderr.decode(errors='replace')[-2000:])\n"
    "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def measure(command: list[str], repeat: int = 1) -> tuple[float, float]:
    """Best wall seconds and the peak memory (MB) of a command, each run in a fresh process."""
    best, peak = float("inf"), 0.0
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                              text=True, check=False, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{done.stderr}")
        seconds, kilobytes = done.stdout.split()
        best, peak = min(best, float(seconds)), max(peak, int(kilobytes) / 1024)
    return best, peak


def best_of(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def write_records(path: Path, count: int, completed: bool = False) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for record in records(count, seed=count):
            data = record.model_dump(mode="json", exclude_none=True)
            if completed:
                data.setdefault("status", {}).setdefault("completed_on", "2019-05-01")
            stream.write(json.dumps(data, ensure_ascii=False) + "\n")


def qianbai(*args: str) -> list[str]:
    return [sys.executable, "-m", "qianbai_rules.cli", *args]


def verdict(rate: float, target: float) -> str:
    return f"target {target:,.0f}: {'met' if rate >= target else 'MISSED'}"


def engines() -> Iterator[str]:
    if durable.available():
        yield "durable"
    yield "plain"


def evaluation(source: Path, size: int, repeat: int) -> None:
    """Records/s through each evaluator of records already read, validated and flattened."""
    compiled = compile_ruleset(load_ruleset(rules_dir()), AS_OF)
    flats = [FlatRecord.of(item[1]) for item in validated([str(source)]) if not isinstance(item, Rejected)]
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

        rules, whole = best_of(repeat, rules_only), best_of(repeat, everything)
        print(f"  {size:>9,} records, {engine:>7}: rules and verdict {len(flats) / rules:>9,.0f}/s "
              f"({verdict(len(flats) / rules, TARGETS[engine])}); with subsidy decisions and "
              f"amounts {len(flats) / whole:>8,.0f}/s")


def end_to_end(source: Path, size: int, tmp: Path, repeat: int) -> None:
    line = [f"  {size:>9,} records:"]
    for engine in engines():
        seconds, peak = measure(qianbai("check", str(source), "--format", "jsonl", "--as-of",
                                        AS_OF.isoformat(), "--engine", engine, "--quiet", "-o",
                                        str(tmp / f"{engine}.jsonl"), "--force"), repeat)
        line.append(f"{engine} {size / seconds:>6,.0f}/s, peak {peak:.0f} MB;")
    print(" ".join(line))


def parallel(source: Path, size: int, tmp: Path, repeat: int) -> None:
    command = ["check", str(source), "--format", "jsonl", "--as-of", AS_OF.isoformat(), "--quiet",
               "--force"]
    one, _ = measure(qianbai(*command, "-o", str(tmp / "one.jsonl")), repeat)
    two, peak = measure(qianbai(*command, "--jobs", "2", "-o", str(tmp / "two.jsonl")), repeat)
    same = (tmp / "one.jsonl").read_bytes() == (tmp / "two.jsonl").read_bytes()
    print(f"  --jobs 2 over {size:,} records (durable): {two:.1f} s against {one:.1f} s "
          f"({one / two:.2f}x on {os.cpu_count()} cores), output {'identical' if same else 'DIFFERS'}, "
          f"peak {peak:.0f} MB (largest process)")


def million(tmp: Path) -> None:
    source = tmp / "million.jsonl"
    write_records(source, 1_000_000)
    engine = next(engines())  # the default engine
    seconds, peak = measure(qianbai("check", str(source), "--format", "jsonl", "--as-of",
                                    AS_OF.isoformat(), "--engine", engine, "--quiet", "-o",
                                    str(tmp / "million-out.jsonl"), "--force"))
    print(f"  1,000,000 records streamed, {engine}: {seconds:,.0f} s, peak {peak:.0f} MB "
          f"(target < {PEAK_TARGET_MB} MB: {'met' if peak < PEAK_TARGET_MB else 'MISSED'})")


def one_record(tmp: Path, repeat: int) -> None:
    one = tmp / "one.json"
    one.write_text(json.dumps({"id": "B-1", "facility_type": "station", "floor_area_m2": 210}),
                   encoding="utf-8")
    bare, _ = measure([sys.executable, "-c", "import pydantic, yaml, jinja2"], repeat)
    single, _ = measure(qianbai("check", str(one), "--as-of", AS_OF.isoformat(), "--quiet"), repeat)
    print(f"  one record: {single:.2f} s (bare imports {bare:.2f} s; target {ONE_RECORD_TARGET_S} s: "
          f"{'met' if single <= ONE_RECORD_TARGET_S else 'MISSED'})")


def annual(size: int, tmp: Path) -> None:
    registry = tmp / "registry.jsonl"
    write_records(registry, size, completed=True)
    seconds, peak = measure(qianbai("evaluate", str(registry), "--year", "2019", "--format",
                                    "json", "--quiet", "-o", str(tmp / "evaluation.json"),
                                    "--force"))
    print(f"  annual evaluation of {size:,} records: {seconds:.1f} s ({size / seconds:,.0f}/s), "
          f"peak {peak:.0f} MB")


def differential(count: int, examples: int) -> None:
    if not durable.available():
        print("  durable_rules is not importable here: no differential run")
        return
    compiled = compile_ruleset(load_ruleset(rules_dir()), AS_OF)
    plain, engine = make_evaluator("plain", compiled), make_evaluator("durable", compiled)
    disagreements = 0
    start = time.perf_counter()
    for record in records(count, seed=20261129):
        flat = FlatRecord.of(record)
        for year in (2019, 2020):
            if assess(flat, compiled, plain, year) != assess(flat, compiled, engine, year):
                disagreements += 1
    print(f"  {count:,} generated records x 2 years through both evaluators: {disagreements} "
          f"disagreements ({time.perf_counter() - start:.0f} s)")
    environment = {**os.environ, "QIANBAI_DIFFERENTIAL_EXAMPLES": str(examples)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_differential.py"], cwd=ROOT, env=environment,
                          capture_output=True, text=True)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    print(f"  hypothesis, {examples:,} examples: {summary}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="stream sizes, comma-separated")
    parser.add_argument("--quick", action="store_true", help="10,000 records, shorter runs")
    parser.add_argument("--million", action="store_true", help="add the 1,000,000-record run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure, best kept")
    parser.add_argument("--differential", type=int, default=20_000,
                        help="generated records for the differential run")
    parser.add_argument("--examples", type=int, default=5_000,
                        help="hypothesis examples for the differential run")
    parser.add_argument("--profile", action="store_true",
                        help="only the per-stage profile of check --format jsonl")
    parser.add_argument("--size", type=int, default=2_000, help="records of the profile")
    parser.add_argument("--engine", choices=("durable", "plain"),
                        help="evaluator of the profile (default: each available one)")
    args = parser.parse_args()
    if args.profile:
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {dt.date.today()}")
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / f"r{args.size}.jsonl"
            write_records(source, args.size)
            for engine in [args.engine] if args.engine else list(engines()):
                print(profile(source, engine, AS_OF, args.repeat).table())
        return
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    differential_count = 2_000 if args.quick else args.differential
    examples = 1_000 if args.quick else args.examples
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {dt.date.today()}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        sources = {}
        for size in sizes:
            sources[size] = tmp / f"r{size}.jsonl"
            write_records(sources[size], size)
        print("1. evaluation, one core, records already read and validated")
        for size in sizes:
            evaluation(sources[size], size, args.repeat if size <= 10_000 else 1)
        print("2. `qianbai check --format jsonl` end to end, one core")
        for size in sizes:
            end_to_end(sources[size], size, tmp, args.repeat if size <= 10_000 else 1)
        parallel(sources[sizes[0]], sizes[0], tmp, args.repeat)
        if args.million:
            print("3. memory")
            million(tmp)
        print("4. one record from the command line")
        one_record(tmp, max(args.repeat, 5))
        print("5. annual evaluation")
        annual(max(sizes), tmp)
        print("6. differential")
        differential(differential_count, examples)


if __name__ == "__main__":
    main()
