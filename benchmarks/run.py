"""Benchmarks of qianbai-rules, run by hand (not in CI): `python benchmarks/run.py`.

Measures, each in a fresh process:
- records per second of `qianbai check --format jsonl` for generated records, with the
  durable_rules engine and with the plain evaluator side by side;
- peak memory (max RSS) of a streamed run (JSON Lines in and out);
- wall time of checking one record from the command line, against a bare
  `python -c "import pydantic, yaml, jinja2"`;
- the annual evaluation of a registry.

`--sizes 10000,100000` chooses the stream sizes; `--million` adds the 1,000,000-record
memory run (slow). Figures are printed against the targets of the benchmark issue.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.generated import records  # noqa: E402 - the repository's own generator

TARGETS = {"durable": 5_000, "plain": 100_000}
PEAK_TARGET_MB = 300
ONE_RECORD_TARGET_S = 0.6

MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "elapsed = time.perf_counter() - start\n"
    "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of a command run in a fresh process."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    seconds, kilobytes = done.stdout.split()
    return float(seconds), int(kilobytes) / 1024


def write_records(path: Path, count: int, completed: bool = False) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for record in records(count, seed=count):
            data = record.model_dump(mode="json", exclude_none=True)
            if completed:
                data.setdefault("status", {}).setdefault("completed_on", "2019-05-01")
            stream.write(json.dumps(data, ensure_ascii=False) + "\n")


def qianbai(*args: str) -> list[str]:
    return [sys.executable, "-m", "qianbai_rules.cli", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--million", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print("records/s of `check --format jsonl` (one core)")
        for size in sizes:
            source = tmp / f"r{size}.jsonl"
            write_records(source, size)
            line = [f"  {size:>9,} records:"]
            for engine in ("durable", "plain"):
                seconds, peak = measure(qianbai("check", str(source), "--format", "jsonl",
                                                "--as-of", "2019-12-31", "--engine", engine,
                                                "--quiet", "-o", str(tmp / f"{engine}.jsonl"),
                                                "--force"))
                rate = size / seconds
                line.append(f"{engine} {rate:>8,.0f}/s (target {TARGETS[engine]:,}, "
                            f"{'met' if rate >= TARGETS[engine] else 'missed'}), peak {peak:.0f} MB;")
            print(" ".join(line))
        if args.million:
            source = tmp / "million.jsonl"
            write_records(source, 1_000_000)
            seconds, peak = measure(qianbai("check", str(source), "--format", "jsonl", "--as-of",
                                            "2019-12-31", "--engine", "plain", "--quiet", "-o",
                                            str(tmp / "million-out.jsonl"), "--force"))
            print(f"1,000,000 records streamed: {seconds:.0f} s, peak {peak:.0f} MB "
                  f"(target < {PEAK_TARGET_MB} MB)")
        one = tmp / "one.json"
        one.write_text(json.dumps({"id": "B-1", "facility_type": "station", "floor_area_m2": 210}),
                       encoding="utf-8")
        bare, _ = measure([sys.executable, "-c", "import pydantic, yaml, jinja2"])
        single, _ = measure(qianbai("check", str(one), "--as-of", "2019-12-31", "--quiet"))
        print(f"one record from the command line: {single:.2f} s (bare imports {bare:.2f} s; "
              f"target {ONE_RECORD_TARGET_S} s)")
        registry = tmp / "registry.jsonl"
        size = max(sizes) if sizes else 10_000
        write_records(registry, size, completed=True)
        seconds, peak = measure(qianbai("evaluate", str(registry), "--year", "2019", "--format",
                                        "json", "--quiet", "-o", str(tmp / "evaluation.json"),
                                        "--force"))
        print(f"annual evaluation of {size:,} records: {seconds:.1f} s "
              f"({size / seconds:,.0f}/s), peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
