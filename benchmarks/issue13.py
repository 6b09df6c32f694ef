"""The figures of issue 13 (end to end as fast as the engine), each against its target.

Every command runs in a fresh process (``harness.measure``); records per second subtract the
start-up, measured as the same command over a file of one record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness import AS_OF, Bench, Run, Target, cli_help, cores, engines, show

RATE = {"plain": Target(5_000, "records/s", at_least=True),
        "durable": Target(2_000, "records/s", at_least=True)}
LINE_BYTES = Target(4_096, "bytes", at_least=False)
JSON_PEAK = Target(300, "MB", at_least=False, strict=True)
EVALUATE_SECONDS = Target(30, "s", at_least=False, strict=True)
YAML_SECONDS = Target(2, "s", at_least=False, strict=True)
JOBS_SPEED_UP = Target(1.7, "×", at_least=True)
FLAT = Target(1.25, "× (flat)", at_least=False)
FORMAT_ENGINE = "plain"  # formats, memory and evaluate: the evaluator that hides formatting least


@dataclass(frozen=True)
class Sizes:
    records: int = 20_000  # the end-to-end runs
    small: int = 2_000  # flat memory: the same format over this many records
    large: int = 100_000  # --format json's memory, evaluate's time; skipped with --quick
    yaml: int = 1_000  # the YAML file


def check(source: Path, form: str, engine: str, *extra: str) -> list[str]:
    return ["check", str(source), "--format", form, "--as-of", AS_OF.isoformat(), "--engine",
            engine, *extra]


@dataclass(frozen=True)
class Rate:
    per_second: float
    run: Run
    start_up: Run

    def __str__(self) -> str:
        if self.run.capped:
            return f"stopped at the memory cap after {self.run.seconds:.0f} s"
        return (f"{self.per_second:>7,.0f} records/s ({self.run.seconds:.1f} s − start-up "
                f"{self.start_up.seconds:.2f} s)")


def rate(bench: Bench, count: int, form: str, engine: str, *extra: str,
         repeat: int | None = None) -> Rate:
    """Records per second of a check over ``count`` generated records, start-up subtracted."""
    start_up = bench.run(check(bench.input(1), form, engine, *extra), bench.short_repeat, suffix=form)
    run = bench.run(check(bench.input(count), form, engine, *extra), repeat, suffix=form)
    busy = run.seconds - start_up.seconds
    return Rate(count / busy if busy > 0 and not run.capped else 0.0, run, start_up)


def findings_shapes() -> tuple[str, list[list[str]]]:
    """The default findings shape's name and the extra arguments of each shape to measure."""
    if "--findings" in cli_help("check"):
        return "lean", [[], ["--findings", "full"]]
    return "full", [[]]


def jsonl_rates(bench: Bench, sizes: Sizes) -> None:
    default, shapes = findings_shapes()
    why = "" if default == "lean" else " (the CLI has no --findings option yet: its only shape)"
    print(f"  findings shape of the targets: the default, {default}{why}; start-up = the same "
          "command over 1 record")
    for extra in shapes:
        for engine in engines():
            found = rate(bench, sizes.records, "jsonl", engine, *extra)
            shape = " ".join(extra) or f"default ({default})"
            show(f"check --format jsonl, {sizes.records:,} records, {engine:>7}, {shape}: {found}",
                 found.per_second, None if extra else RATE[engine])


def lean_bytes(bench: Bench, sizes: Sizes) -> None:
    default, _ = findings_shapes()
    run = rate(bench, sizes.records, "jsonl", FORMAT_ENGINE).run
    if run.record_lines == 0:
        show("JSON Lines bytes per record: no record line written", None, LINE_BYTES)
        return
    average = run.record_bytes / run.record_lines
    show(f"JSON Lines bytes per record, default ({default}) findings, average of "
         f"{run.record_lines:,} record lines (header and summary excluded): {average:,.0f} bytes",
         average, LINE_BYTES)


def json_memory(bench: Bench, sizes: Sizes) -> None:
    figure = f"check --format json, {sizes.large:,} records, {FORMAT_ENGINE}: peak RSS"
    if bench.quick:
        show(f"{figure}: skipped (--quick)", None, JSON_PEAK)
        return
    run = bench.run(check(bench.input(sizes.large), "json", FORMAT_ENGINE), 1, suffix="json")
    if run.capped:
        show(f"{figure} over the {bench.cap_mb:,} MB memory cap (stopped after {run.seconds:.0f} s)",
             float(bench.cap_mb), JSON_PEAK)
        return
    show(f"{figure} {run.peak_mb:,.0f} MB ({run.seconds:.0f} s, start-up included)", run.peak_mb,
         JSON_PEAK)


def evaluate_time(bench: Bench, sizes: Sizes) -> None:
    engine = ["--engine", FORMAT_ENGINE] if "--engine" in cli_help("evaluate") else []
    figure = (f"evaluate --year 2019 --format json, {sizes.large:,} records, "
              f"{FORMAT_ENGINE if engine else 'default engine (no --engine option)'}")
    if bench.quick:
        show(f"{figure}: skipped (--quick)", None, EVALUATE_SECONDS)
        return
    registry = bench.input(sizes.large, "registry")
    run = bench.run(["evaluate", str(registry), "--year", "2019", "--format", "json", *engine], 1,
                    suffix="json")
    if run.capped:
        show(f"{figure}: stopped at the {bench.cap_mb:,} MB memory cap", None, EVALUATE_SECONDS)
        return
    show(f"{figure}: {run.seconds:.1f} s wall ({sizes.large / run.seconds:,.0f} records/s), "
         f"peak {run.peak_mb:,.0f} MB", run.seconds, EVALUATE_SECONDS)


def yaml_check(bench: Bench, sizes: Sizes) -> None:
    engine = next(engines())
    repeat = bench.repeat if bench.quick else bench.short_repeat
    run = bench.run(check(bench.input(sizes.yaml, "yaml"), "jsonl", engine), repeat, suffix="jsonl")
    show(f"a YAML file of {sizes.yaml:,} records, check --format jsonl -o FILE, {engine}: "
         f"{run.seconds:.2f} s wall, start-up included", run.seconds, YAML_SECONDS)


def jobs(bench: Bench, sizes: Sizes) -> None:
    engine = next(engines())
    command = check(bench.input(sizes.records), "jsonl", engine)
    # measured again right before --jobs 2 (with --quick, the run of the first figure)
    one = bench.run(command, fresh=not bench.quick, suffix="jsonl")
    two = bench.run([*command, "--jobs", "2"], suffix="jsonl")
    available = cores()
    if available < 2:
        print(f"  WARNING: {available} core available: --jobs 2 cannot be faster here")
    same = "identical" if one.digest == two.digest else "DIFFERS"
    show(f"--jobs 2 against one process, {sizes.records:,} records, jsonl, {engine}, {available} "
         f"cores: {two.seconds:.1f} s against {one.seconds:.1f} s = {one.seconds / two.seconds:.2f}×, "
         f"output {same}, peak {two.peak_mb:,.0f} MB (largest process)", one.seconds / two.seconds,
         JOBS_SPEED_UP)


def formats(bench: Bench, sizes: Sizes) -> None:
    for form in ("text", "html"):
        count = sizes.records
        found = rate(bench, count, form, FORMAT_ENGINE, repeat=1)
        if found.run.capped:  # the rate of fewer records then
            count = sizes.small
            found = rate(bench, count, form, FORMAT_ENGINE, repeat=1)
        stopped = "" if count == sizes.records else f" ({sizes.records:,} stopped at the memory cap)"
        show(f"check --format {form:<4} (one file), {count:,} records{stopped}, {FORMAT_ENGINE}: {found}")
    for form in ("jsonl", "json", "text", "html"):
        small = bench.run(check(bench.input(sizes.small), form, FORMAT_ENGINE), 1, suffix=form)
        large = bench.run(check(bench.input(sizes.records), form, FORMAT_ENGINE), 1, suffix=form)
        figure = (f"peak RSS, --format {form:<5}, {FORMAT_ENGINE}: {sizes.small:,} records "
                  f"{small.peak_mb:,.0f} MB, {sizes.records:,} records ")
        if large.capped or small.capped:
            show(f"{figure}over the {bench.cap_mb:,} MB memory cap", float("inf"), FLAT)
        else:
            growth = large.peak_mb / small.peak_mb
            per_record = (large.peak_mb - small.peak_mb) * 1024 / max(1, sizes.records - sizes.small)
            show(f"{figure}{large.peak_mb:,.0f} MB (×{growth:.2f}, {per_record:.2f} KB per added "
                 "record)", growth, FLAT)


FIGURES = (jsonl_rates, lean_bytes, json_memory, evaluate_time, yaml_check, jobs, formats)


def section(bench: Bench, sizes: Sizes) -> None:
    print(f"Issue 13: end to end, one core unless said, best of {bench.repeat} "
          f"({bench.short_repeat} for runs of seconds), memory cap {bench.cap_mb:,} MB")
    for figure in FIGURES:
        figure(bench, sizes)
