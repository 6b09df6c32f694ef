"""Benchmarks of qianbai-rules, run by hand (not in CI): `python benchmarks/run.py`.

Two sections, each figure printed against its target ("figure — target: met/MISSED"):

- issue 13 (end to end, `issue13.py`): `check --format jsonl` over 20,000 generated records
  with durable_rules and the plain evaluator side by side, start-up subtracted; JSON Lines
  bytes per record; `--format json` peak memory and `evaluate` time over 100,000 records;
  a YAML file of 1,000 records; `--jobs 2` against one process; text and html records per
  second; peak memory of every streamed format at 2,000 against 20,000 records;
- issue 6 (the evaluators, `issue6.py`): evaluation in this process, `check --format jsonl`
  end to end, `--jobs 2`, `--million`, one record from the command line, the annual
  evaluation, and a differential run of the two evaluators.

Every command runs in a fresh process (its peak memory is its maximum resident set size,
its address space capped by `--memory-cap`); wall times are the best of `--repeat` runs.
`--quick` runs issue 13's section only, once per figure over many records, and skips the
100,000-record runs.

`--profile [--size N] [--engine plain|durable]` prints instead where the time of
`check --format jsonl` goes: microseconds per record in each stage of one record's way
through the pipeline (`stage_profile.py`), or per module when the stages no longer match
the pipeline or with `--by-module` (`module_profile.py`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

import issue6
import issue13
from harness import AS_OF, Bench, cores, engines, write_records


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="issue 13 only, one run per long figure, no 100,000-record runs")
    parser.add_argument("--sections", help="sections to run, comma-separated: 13, 6 "
                        "(default 13,6; with --quick 13)")
    parser.add_argument("--repeat", type=int, help="runs per figure over many records, best kept "
                        "(default 3; 1 with --quick); runs of seconds take at least 3")
    parser.add_argument("--records", type=int, default=20_000, help="issue 13: end-to-end records")
    parser.add_argument("--small", type=int, default=2_000,
                        help="issue 13: records of the flat-memory comparison")
    parser.add_argument("--large", type=int, default=100_000,
                        help="issue 13: records of --format json's memory and evaluate's time")
    parser.add_argument("--yaml-records", type=int, default=1_000, help="issue 13: the YAML file")
    parser.add_argument("--memory-cap", type=int, default=2_048,
                        help="address-space cap (MB) of each measured command, 0 for none")
    parser.add_argument("--sizes", default="10000,100000", help="issue 6: stream sizes")
    parser.add_argument("--million", action="store_true", help="issue 6: the 1,000,000-record run")
    parser.add_argument("--differential", type=int, default=20_000,
                        help="issue 6: generated records for the differential run")
    parser.add_argument("--examples", type=int, default=5_000,
                        help="issue 6: hypothesis examples for the differential run")
    parser.add_argument("--profile", action="store_true",
                        help="only the per-stage profile of check --format jsonl")
    parser.add_argument("--by-module", action="store_true",
                        help="the profile per module (cProfile) instead of per stage")
    parser.add_argument("--size", type=int, default=2_000, help="records of the profile")
    parser.add_argument("--engine", choices=("durable", "plain"),
                        help="evaluator of the profile (default: each available one)")
    return parser.parse_args()


def profile(args: argparse.Namespace) -> None:
    """The per-stage profile, or the per-module one when the stages cannot be followed."""
    import module_profile  # imported here: a renamed pipeline function breaks only this mode

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"r{args.size}.jsonl"
        write_records(source, args.size)
        for engine in [args.engine] if args.engine else list(engines()):
            if not args.by_module:
                try:
                    from stage_profile import profile as stages

                    print(stages(source, engine, AS_OF, args.repeat or 3).table())
                    continue
                except (ImportError, AttributeError, TypeError, ValueError) as exc:
                    print(f"The per-stage profile no longer follows the pipeline ({type(exc).__name__}: "
                          f"{exc}); benchmarks/stage_profile.py needs updating. Per module instead:")
            print(module_profile.profile(source, engine, AS_OF).table())


def main() -> None:
    args = arguments()
    print(f"Python {sys.version.split()[0]}, {cores()} cores, {dt.date.today()}")
    if args.profile:
        profile(args)
        return
    sections = (args.sections or ("13" if args.quick else "13,6")).split(",")
    repeat = args.repeat or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory() as folder:
        bench = Bench(Path(folder), repeat, max(repeat, 3), args.memory_cap, args.quick)
        if "13" in sections:
            issue13.section(bench, issue13.Sizes(args.records, args.small, args.large,
                                                 args.yaml_records))
        if "6" in sections:
            sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
            issue6.section(bench, issue6.Options(
                sizes, args.million, 2_000 if args.quick else args.differential,
                1_000 if args.quick else args.examples))


if __name__ == "__main__":
    main()
