"""The ``qianbai`` command: connects the loader, compiler, evaluators and writers.

Exit status: 2 when anything could not be read or evaluated (the rest is still
evaluated and written); else 1 when a record is non_compliant or incomplete; else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .amounts import year_problems
from .casefile import load_cases, run_case
from .check import make_evaluator, run
from .compiled import compile_ruleset
from .output import FORMATS, STREAMED, RunInfo, write
from .problems import Lang, RulesError, Text
from .records import FacilityRecord
from .render import ReportError
from .report import write_reports
from .resources import rules_dir
from .ruleset import Ruleset, load_ruleset
from .rulesinfo import describe_rule, list_rules

USAGE_ERROR = 2


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        year = 0
    if not 1 <= year <= 9999:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}")
    return year


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _default_as_of(year: int | None) -> dt.date:
    """Today; but for an earlier --year, its last day, so that year's values apply."""
    today = dt.date.today()
    return min(today, dt.date(year, 12, 31)) if year is not None else today


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qianbai",
        description="江北区社区养老服务“千百工程”合规检查 / Jiangbei Qianbai compliance engine.",
        epilog="Example: qianbai check examples/ --format json --as-of 2019-12-31")
    parser.add_argument("--version", action="version", version=f"qianbai {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="evaluate every rule on every record",
                                description="Evaluate every rule on every record found in "
                                            "INPUT (files or folders; - reads standard input).")
    check.add_argument("inputs", nargs="+", metavar="INPUT")
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument("-o", "--output", metavar="PATH", help="write there (default: stdout)")
    check.add_argument("--year", type=_year, help="year for the operating subsidy "
                                                "(default: the year of --as-of)")
    check.add_argument("--as-of", type=_date, metavar="DATE",
                       help="date whose parameter values apply (default: today, or the last "
                            "day of --year when that is earlier)")
    check.add_argument("--audience", choices=("inspector", "operator"), default="inspector")
    check.add_argument("--lang", choices=("zh", "en"), default="zh")
    check.add_argument("--rules", type=Path, metavar="DIR", help="rule folder")
    check.add_argument("--engine", choices=("durable", "plain"), default="durable")

    rules = commands.add_parser("rules", help="list, show, lint or test the rules")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    for name, text in (("list", "every rule: ID, severity, clause, title"),
                       ("show", "one rule in full, with its parameters by date"),
                       ("lint", "check the rule files; exit 2 on any problem"),
                       ("test", "run the rule test cases; exit 1 on any failure")):
        sub = rules_commands.add_parser(name, help=text, description=text)
        if name == "show":
            sub.add_argument("rule_id", metavar="ID")
        sub.add_argument("--rules", type=Path, metavar="DIR", help="rule folder")
        sub.add_argument("--lang", choices=("zh", "en"), default="zh")

    commands.add_parser("schema", help="print the JSON Schema of the facility record")
    return parser


def _load(folder: Path | None, err: TextIO) -> Ruleset | None:
    try:
        return load_ruleset(folder or rules_dir())
    except RulesError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        return None


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang
    ruleset = _load(args.rules, err)
    if ruleset is None:
        return USAGE_ERROR
    as_of = args.as_of or _default_as_of(args.year)
    try:
        compiled = compile_ruleset(ruleset, as_of)
    except RulesError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        return USAGE_ERROR
    year = args.year if args.year is not None else as_of.year
    too_early = year_problems(compiled, year)
    for message in too_early:
        print(f"qianbai: --year {year}: {message(lang)}", file=err)
    if too_early:
        return USAGE_ERROR
    evaluator = make_evaluator(args.engine, compiled)
    info = RunInfo(compiled, evaluator.name, year, lang)
    outcomes = run(args.inputs, compiled, evaluator, year)
    try:
        if args.format not in STREAMED:
            tally = write_reports(outcomes, args.format, info, args.audience, args.output, out)
        elif args.output:
            with open(args.output, "w", encoding="utf-8", errors="backslashreplace") as handle:
                tally = write(outcomes, args.format, info, handle)
        else:
            tally = write(outcomes, args.format, info, out)
    except ReportError as exc:
        print(f"qianbai: {exc.text(lang)}", file=err)
        return USAGE_ERROR
    except BrokenPipeError:
        raise
    except OSError as exc:
        print(f"qianbai: {exc.filename or args.output}: {exc.strerror or exc}", file=err)
        return USAGE_ERROR
    if tally.rejected:
        notice = Text(f"{tally.rejected} 条记录未能评估，原因见输出中的“未能评估的记录”（rejected）",
                      f"{tally.rejected} record(s) could not be evaluated; the output lists "
                      f"them with the reason (rejected)")
        print(f"qianbai: {notice(lang)}", file=err)
    return tally.exit_status


def _rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    ruleset = _load(args.rules, err)
    if ruleset is None:
        return USAGE_ERROR
    if args.rules_command == "lint":
        cases, problems = load_cases(ruleset.root / "tests")
        for problem in problems:
            print(problem, file=err)
        bad = [c for c in cases if c.problems]
        for case in bad:
            print(f"{case.file}: case {case.name!r}: {'; '.join(case.problems)}", file=err)
        if problems or bad:
            return USAGE_ERROR
        print(f"ok: {len(ruleset.rules)} rules, {len(ruleset.parameters)} parameters, "
              f"{len(cases)} test cases", file=out)
        return 0
    if args.rules_command == "list":
        out.write(list_rules(ruleset, args.lang))
        return 0
    if args.rules_command == "show":
        rule = ruleset.rule(args.rule_id)
        if rule is None:
            print(f"qianbai: no rule {args.rule_id!r}; see `qianbai rules list`", file=err)
            return USAGE_ERROR
        out.write(describe_rule(ruleset, rule, args.lang))
        return 0
    cases, problems = load_cases(ruleset.root / "tests")
    for problem in problems:
        print(problem, file=err)
    failed = 0
    for case in cases:
        failures = run_case(case, ruleset)
        if failures:
            failed += 1
            print(f"FAILED {case.file}: {case.name}", file=out)
            for failure in failures:
                print(f"    {failure}", file=out)
    print(f"{len(cases) - failed} passed, {failed} failed", file=out)
    if problems:
        return USAGE_ERROR
    return 1 if failed else 0


def _tolerant(stream: TextIO) -> None:
    """Never fail on a character the terminal cannot encode; escape it instead."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    if out is None:
        out = sys.stdout
        _tolerant(out)
    if err is None:
        err = sys.stderr
        _tolerant(err)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            args = _parser().parse_args(argv)
    except SystemExit as exc:
        return USAGE_ERROR if exc.code else 0
    try:
        if args.command == "check":
            return _check(args, out, err)
        if args.command == "rules":
            return _rules(args, out, err)
        schema = FacilityRecord.model_json_schema()
        out.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        return 0
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, without a second error
        # when Python flushes standard output at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
