"""What every benchmark figure shares: generated inputs, commands timed in fresh processes,
and one way of printing a figure against its target."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's package, before any installed one

from qianbai_rules.engines import durable  # noqa: E402
from tests.generated import records  # noqa: E402 - the repository's own generator

AS_OF = dt.date(2019, 12, 31)
CAPPED = "MEMORY CAP"

# Runs the command given after the cap (MB, 0: none) in a child process, whose address
# space is capped so that a run whose memory grows with its input stops there instead of
# taking a shared machine's memory; prints the wall seconds and the child's peak RSS (KB).
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "cap = int(sys.argv[1]) * 1024 * 1024\n"
    "def limit():\n"
    "    if cap:\n"
    "        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,\n"
    "                      preexec_fn=limit)\n"
    "elapsed = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "error = done.stderr.decode(errors='replace')\n"
    "if cap and (done.returncode < 0 or any(sign in error for sign in\n"
    "        ('MemoryError', 'Cannot allocate memory', 'start new thread'))):\n"
    f"    print(elapsed, peak, '{CAPPED}')\n"
    "elif done.returncode not in (0, 1):  # 1: some record is not compliant, as expected\n"
    "    sys.exit(error[-2000:])\n"
    "else:\n"
    "    print(elapsed, peak)\n"
)


@dataclass(frozen=True)
class Target:
    """A figure's target: ``bound`` in ``unit``, to reach (at_least) or to stay under."""

    bound: float
    unit: str
    at_least: bool
    strict: bool = False  # "<" rather than "≤" (only when not at_least)

    def met(self, value: float) -> bool:
        if self.at_least:
            return value >= self.bound
        return value < self.bound if self.strict else value <= self.bound

    def __str__(self) -> str:
        sign = "≥" if self.at_least else ("<" if self.strict else "≤")
        number = f"{self.bound:,.0f}" if self.bound >= 10 else f"{self.bound:g}"
        return f"{sign}{number}{'' if self.unit.startswith('×') else ' '}{self.unit}"


def show(figure: str, value: float | None = None, target: Target | None = None) -> None:
    """One printed figure: ``figure — target: met/MISSED``; without a value, not measured."""
    if target is None:
        print(f"  {figure}")
    elif value is None:
        print(f"  {figure} — target {target}: not measured")
    else:
        print(f"  {figure} — target {target}: {'met' if target.met(value) else 'MISSED'}")


@dataclass(frozen=True)
class Run:
    """A command's best wall seconds and peak RSS; ``capped`` when it hit the memory cap."""

    seconds: float
    peak_mb: float
    capped: bool = False
    digest: str = ""  # sha256 of the output file
    record_lines: int = 0  # JSON Lines output: lines that are neither header nor summary
    record_bytes: int = 0  # and their bytes, newlines included


def measure(command: list[str], repeat: int = 1, cap_mb: int = 0) -> Run:
    """Best wall seconds and the peak memory (MB) of a command, each run in a fresh process."""
    best, peak = float("inf"), 0.0
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", MEASURE, str(cap_mb), *command],
                              capture_output=True, text=True, check=False, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{done.stderr}")
        seconds, kilobytes, *capped = done.stdout.split(maxsplit=2)
        if capped:
            return Run(float(seconds), int(kilobytes) / 1024, capped=True)
        best, peak = min(best, float(seconds)), max(peak, int(kilobytes) / 1024)
    return Run(best, peak)


def qianbai(*args: str) -> list[str]:
    return [sys.executable, "-m", "qianbai_rules.cli", *args]


def engines() -> Iterator[str]:
    if durable.available():
        yield "durable"
    yield "plain"


def cli_help(command: str) -> str:
    return subprocess.run(qianbai(command, "--help"), capture_output=True, text=True, cwd=ROOT,
                          check=False).stdout


def write_records(path: Path, count: int, completed: bool = False) -> None:
    """``count`` generated records as JSON Lines (``completed``: each with a completion date,
    as a registry for the annual evaluation)."""
    with path.open("w", encoding="utf-8") as stream:
        for data in _dumped(count, completed):
            stream.write(json.dumps(data, ensure_ascii=False) + "\n")


def write_yaml(path: Path, count: int) -> None:
    """``count`` generated records as one YAML document (``facilities:`` and a list)."""
    text = yaml.safe_dump({"facilities": list(_dumped(count, False))}, allow_unicode=True,
                          sort_keys=False)
    path.write_text(text, encoding="utf-8")


def _dumped(count: int, completed: bool) -> Iterator[dict[str, object]]:
    for record in records(count, seed=count):
        data = record.model_dump(mode="json", exclude_none=True)
        if completed:
            data.setdefault("status", {}).setdefault("completed_on", "2019-05-01")
        yield data


def output_facts(path: Path, jsonl: bool) -> tuple[str, int, int]:
    """The output's sha256 and, for JSON Lines, the count and bytes of its record lines."""
    digest = hashlib.sha256()
    lines = size = 0
    with path.open("rb") as stream:
        for line in stream:
            digest.update(line)
            if jsonl and not line.startswith((b'{"header"', b'{"summary"')):
                lines += 1
                size += len(line)
    return digest.hexdigest(), lines, size


@dataclass
class Bench:
    """One benchmark run: its temporary folder, inputs made once, commands measured once."""

    tmp: Path
    repeat: int  # runs of a command over many records, the best kept
    short_repeat: int  # runs of a command of a few seconds (start-up, the YAML file)
    cap_mb: int
    quick: bool
    _inputs: dict[tuple[str, int], Path] = field(default_factory=dict)
    _runs: dict[tuple[str, ...], Run] = field(default_factory=dict)

    def input(self, count: int, kind: str = "jsonl") -> Path:
        """Generated records: kind jsonl, yaml, or registry (JSON Lines, completed)."""
        key = (kind, count)
        if key not in self._inputs:
            path = self.tmp / f"{kind}-{count}.{'yaml' if kind == 'yaml' else 'jsonl'}"
            if kind == "yaml":
                write_yaml(path, count)
            else:
                write_records(path, count, completed=kind == "registry")
            self._inputs[key] = path
        return self._inputs[key]

    def run(self, args: list[str], repeat: int | None = None, fresh: bool = False,
            suffix: str = "out") -> Run:
        """``qianbai *args -o FILE --force --quiet``, measured (once per run of the benchmark
        unless ``fresh``); the output file's facts are kept, the file removed."""
        key = tuple(args)
        if fresh or key not in self._runs:
            output = self.tmp / f"output.{suffix}"
            done = measure(qianbai(*args, "--quiet", "--force", "-o", str(output)),
                           self.repeat if repeat is None else repeat, self.cap_mb)
            if output.exists() and not done.capped:
                digest, lines, size = output_facts(output, "jsonl" in args)
                done = Run(done.seconds, done.peak_mb, False, digest, lines, size)
            output.unlink(missing_ok=True)
            self._runs[key] = done
        return self._runs[key]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
