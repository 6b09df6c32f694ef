"""``qianbai check``: every rule on every record, written in one format."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TextIO

from qianbai_rules.cli import options
from qianbai_rules.cli.common import (
    checked_sidecars,
    guarded,
    inspection_as_of,
    inspection_files,
    meter,
    open_history,
    prepare,
    rejected_notice,
    say,
    sidecar_problems,
    watched,
)
from qianbai_rules.cli.options import USAGE_ERROR
from qianbai_rules.core.problems import Lang
from qianbai_rules.history.issued import Issue
from qianbai_rules.io import writing
from qianbai_rules.io.inputs import Meter
from qianbai_rules.io.progress import progress
from qianbai_rules.io.writing import ReportError
from qianbai_rules.pipeline.check import Result, run
from qianbai_rules.pipeline.context import RunContext, Tally
from qianbai_rules.reports.output import FORMATS, STREAMED, renderer, write, write_pieces
from qianbai_rules.texts.labels import label, pair


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser("check")
    options.add_inputs(check, "INPUT")
    options.add_format(check, FORMATS)
    options.add_output(check)
    options.add_year(check)
    options.add_as_of(check)
    check.add_argument("--audience", choices=("inspector", "operator"), default="inspector")
    options.add_lang(check)
    options.add_rules(check)
    options.add_engine(check)
    options.add_db(check)
    options.add_force(check)
    options.add_quiet(check)
    options.add_sidecars(check)
    check.add_argument("--jobs", type=options.parse_count, default=1, metavar="N")
    check.add_argument("--findings", choices=("lean", "full"), default=None)
    check.add_argument("--record", action="store_true")


def command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang
    files = inspection_files(args)
    inspected = inspection_as_of(args, files, err)
    if isinstance(inspected, int):
        return inspected
    prepared = prepare(args, args.as_of or inspected or options.default_as_of(args.year), err)
    if prepared is None:
        return USAGE_ERROR
    if args.record and args.db is None:
        say(f"qianbai: {label('cli.record_needs_db', lang)}", err)
        return USAGE_ERROR
    if args.db is not None and not args.record:
        say(f"qianbai: {label('cli.db_needs_record', lang)}", err)
        return USAGE_ERROR
    history = open_history(args, err) if args.record else None
    if isinstance(history, int):
        return history
    context, evaluator = prepared
    if args.findings is not None and args.format != "jsonl":
        say(f"qianbai: {label('cli.findings', lang)}", err)
        return USAGE_ERROR
    context = replace(context, findings=args.findings or "lean",
                      as_of_given=args.as_of is not None or inspected is not None)
    if args.jobs < 1 or (args.jobs > 1 and (args.format not in STREAMED or args.record)):
        say(f"qianbai: {label('cli.jobs', lang)}", err)
        return USAGE_ERROR
    if args.jobs > 1 and files is not None:
        say(f"qianbai: {label('sidecar.problem.jobs', lang)}", err)
        return USAGE_ERROR
    sidecars, problems = checked_sidecars(files, context.compiled, lang, err)
    shown = meter(args, err)
    outcomes = progress(run(args.inputs, context.compiled, evaluator, context.year, shown,
                            sidecars=sidecars),
                        err, lang, not args.quiet, shown)
    outcomes = watched(outcomes, sidecars, lang, err)
    issue = None
    if history is not None and args.record:
        issue = Issue.of(history, "check", context, args.output, args.rules)  # the reports kept
        outcomes = issue.recording(outcomes, partial(
            history.recording, compiled=context.compiled, year=context.year, kind="check"))

    def body(out: TextIO) -> int:
        if args.format not in STREAMED:
            from qianbai_rules.reports.documents import write_reports
            tally = write_reports(outcomes, context, args.output, out)
        elif args.output:
            if writing.is_folder(args.output):
                raise ReportError(*pair("cli.output_is_folder", path=args.output,
                                        format=args.format))
            with writing.atomic_text(Path(args.output)) as handle:
                tally = _stream(args, context, outcomes, handle, err, shown)
        else:
            tally = _stream(args, context, outcomes, out, err, shown)
        out.flush()  # all written, or nothing stored
        if issue is not None:
            issue.store()
        if history is not None:
            history.commit()
        rejected_notice(tally.rejected, lang, err)
        sidecar_problems(problems, lang, err)
        return USAGE_ERROR if problems else tally.exit_status

    return guarded(args, err, history,
                   lambda: issue.output(out, body) if issue is not None else body(out))


def _stream(args: argparse.Namespace, context: RunContext, outcomes: Iterator[Result],
            out: TextIO, err: TextIO, shown: Meter | None) -> Tally:
    """text/json/jsonl output, in this process or, with --jobs, in worker processes."""
    if args.jobs == 1:
        return write(outcomes, context, out)
    from qianbai_rules.pipeline.parallel import pieces as parallel_pieces
    pieces = progress(parallel_pieces(args.inputs, context, renderer, args.jobs, shown), err,
                      context.lang, not args.quiet, shown)
    return write_pieces(pieces, context, out)
