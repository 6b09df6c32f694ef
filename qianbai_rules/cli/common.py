"""What the commands share beyond their options: messages, the rules loaded and compiled,
the history opened, the output policy, and the guard around the part that writes."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final, TextIO

from qianbai_rules.cli.options import USAGE_ERROR
from qianbai_rules.compile.compiled import CompiledRuleset, compile_ruleset
from qianbai_rules.core.problems import Lang, Problem, RulesError
from qianbai_rules.core.resources import rules_dir, templates_dir
from qianbai_rules.core.safetext import visible
from qianbai_rules.engines.admit import load_runnable
from qianbai_rules.engines.durable_emit import DurableError
from qianbai_rules.engines.evaluator import Evaluator, make_evaluator
from qianbai_rules.history.store import History, HistoryError, sqlite_problem
from qianbai_rules.io import writing
from qianbai_rules.io.inputs import Meter, expand
from qianbai_rules.io.sidecars import SidecarFiles, read_sidecars, unknown_facilities
from qianbai_rules.io.sources import STDIN
from qianbai_rules.io.streams import StreamError
from qianbai_rules.io.writing import ReportError
from qianbai_rules.model.inspection import Sidecars
from qianbai_rules.model.values import id_key
from qianbai_rules.pipeline.check import Evaluated, Result
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.subsidies.amounts import year_problems
from qianbai_rules.texts.formats import label_or, listing, written_date
from qianbai_rules.texts.labels import label


def say(message: object, stream: TextIO) -> None:
    """One message line for people: whatever it quotes (a file name, an id, a key) is made
    visible on this one line, so it cannot act on the terminal or forge another line."""
    print(visible(str(message)), file=stream)


def say_problems(problems: list[Problem], lang: Lang, err: TextIO) -> None:
    """Problems of the rule files on the as-of date, for the user: a bilingual message with
    its file and item in the user's language; a rule author's English message, and any
    message in English, with its whole place as the problem gives it."""
    for problem in problems:
        if lang == "en" or isinstance(problem.message, str):
            say(problem, err)
        elif problem.item is None:
            say(label("cli.rules_problem", lang, file=problem.file,
                      message=problem.says(lang)), err)
        else:
            kind = label_or(f"cli.problem_kind.{problem.kind}", lang, problem.kind)
            say(label("cli.rules_problem_item", lang, file=problem.file, kind=kind,
                      item=problem.item, message=problem.says(lang)), err)


def load_rules(folder: Path | None, err: TextIO) -> Ruleset | None:
    try:
        return load_runnable(folder or rules_dir())
    except RulesError as exc:
        for problem in exc.problems:
            say(problem, err)
        return None


def parameters_begin(ruleset: Ruleset) -> dt.date | None:
    """The first day on which every parameter the rules use has a value: nothing can be
    evaluated before it."""
    return max((ruleset.parameters[name].values[0].since for rule in ruleset.rules
                for name in rule.parameters if ruleset.parameters[name].values), default=None)


def too_early(ruleset: Ruleset, as_of: dt.date, lang: Lang, err: TextIO) -> bool:
    """An as-of date before the plan's parameters take effect: one line says so (not one
    line per parameter, as compiling would)."""
    begins = parameters_begin(ruleset)
    if begins is None or as_of >= begins:
        return False
    message = label("cli.before_parameters", lang, date=written_date(as_of, lang),
                    first=written_date(begins, lang))
    say(f"qianbai: {message}", err)
    return True


def compiled_on(ruleset: Ruleset, as_of: dt.date, lang: Lang,
                err: TextIO) -> CompiledRuleset | None:
    """The rules compiled for ``as_of``, or None once the reason is told."""
    if too_early(ruleset, as_of, lang, err):
        return None
    try:
        return compile_ruleset(ruleset, as_of)
    except RulesError as exc:
        say_problems(exc.problems, lang, err)
        return None


def prepare(args: argparse.Namespace, as_of: dt.date,
            err: TextIO) -> tuple[RunContext, Evaluator] | None:
    """The run's context (rules loaded and compiled for the date, the year checked, the
    evaluator chosen), and this process's evaluator."""
    lang: Lang = args.lang
    ruleset = load_rules(args.rules, err)
    if ruleset is None:
        return None
    compiled = compiled_on(ruleset, as_of, lang, err)
    if compiled is None:
        return None
    year = args.year if args.year is not None else as_of.year
    begins = parameters_begin(ruleset)
    if begins is not None and year < begins.year:
        early = label("cli.year_before_parameters", lang, year=year,
                      first=written_date(begins, lang))
        say(f"qianbai: {early}", err)
        return None
    if year > as_of.year:
        late = label("cli.year_after_as_of", lang, year=year, date=written_date(as_of, lang))
        say(f"qianbai: {late}", err)
        return None
    refused = year_problems(compiled, year)
    for message in refused:
        say(f"qianbai: {label('cli.year_problem', lang, year=year, message=message)}", err)
    if refused:
        return None
    try:
        evaluator = make_evaluator(args.engine, compiled)
    except DurableError as exc:  # a rule folder beyond what the engine compiles (limits.py)
        say(f"qianbai: {label('cli.engine_cannot_compile', lang, message=exc)}", err)
        return None
    return RunContext(compiled, evaluator.name, year, lang, args.format,
                      getattr(args, "audience", "inspector")), evaluator


def open_history(args: argparse.Namespace, err: TextIO,
                 create: bool = True) -> History | int | None:
    if getattr(args, "db", None) is None:
        return None
    try:
        return History(Path(args.db), create)
    except HistoryError as exc:
        say(f"qianbai: {exc.why(args.lang)}", err)
        return USAGE_ERROR


def guarded(args: argparse.Namespace, err: TextIO, history: History | None,
            body: Callable[[], int]) -> int:
    """Run the part of a command that writes; turn what can go wrong there into a clear
    message and exit 2. The history is committed by ``body`` or rolled back here."""
    lang: Lang = args.lang
    try:
        return body()
    except ReportError as exc:
        say(f"qianbai: {exc.text(lang)}", err)
    except StreamError as exc:
        say(f"qianbai: {exc.text(lang)}", err)
    except HistoryError as exc:
        say(f"qianbai: {exc.why(lang)}", err)
    except sqlite3.Error as exc:
        say(f"qianbai: {sqlite_problem(Path(args.db), exc).why(lang)}", err)
    except OSError as exc:
        where = exc.filename or args.output
        say(f"qianbai: {where + label('punct.colon', lang) if where else ''}"
            f"{os_reason(exc, lang)}", err)
    finally:
        if history is not None:
            history.close()
    if history is not None:
        print(f"qianbai: {label('cli.not_stored', lang)}", file=err)
    return USAGE_ERROR


# The usual reasons a file cannot be written -> the catalogue's (cli.os_error)
_OS_ERRORS: Final = {errno.EACCES: "permission", errno.EPERM: "permission",
                     errno.ENOENT: "missing", errno.ENOSPC: "no_space",
                     errno.EISDIR: "is_folder", errno.ENOTDIR: "not_folder",
                     errno.EROFS: "read_only"}


def os_reason(exc: OSError, lang: Lang) -> str:
    """Why the system refused, in the user's language where the catalogue knows it."""
    key = _OS_ERRORS.get(exc.errno or 0)
    return label(f"cli.os_error.{key}", lang) if key else str(exc.strerror or exc)


def rejected_notice(count: int, lang: Lang, err: TextIO) -> None:
    if count:
        say(f"qianbai: {label('cli.rejected', lang, count=count)}", err)


def meter(args: argparse.Namespace, err: TextIO) -> Meter | None:
    """What the progress bar reads the share of the input done from, when it is shown."""
    return Meter(args.inputs) if not args.quiet and err.isatty() else None


def _input_files(inputs: Sequence[str]) -> frozenset[Path]:
    return frozenset(Path(item).resolve() for item in expand(inputs)
                     if isinstance(item, str) and item != STDIN)


def policy(args: argparse.Namespace, err: TextIO) -> writing.OutputPolicy | None:
    """What check and evaluate may write: never what they read (records, plan, rules,
    templates), nor the history database and its journal files; ``--db`` naming something
    the run reads is refused (None)."""
    reads = _input_files(args.inputs) | frozenset(
        Path(name).resolve() for name in (getattr(args, "inspection", None),
                                          getattr(args, "attestations", None),
                                          getattr(args, "waivers", None),
                                          getattr(args, "indicators", None),
                                          getattr(args, "funds", None)) if name)
    plan = getattr(args, "plan", None)
    sealed = frozenset(p for p in (rules_dir(), templates_dir(), args.rules) if p)
    policy = writing.OutputPolicy(args.force, reads | ({Path(plan)} if plan else set()),
                                  sealed)
    if args.db is None:
        return policy
    if policy.protects(Path(args.db)):
        say(f"qianbai: {label('cli.db_is_input', args.lang, path=args.db)}", err)
        return None
    database = {Path(args.db + suffix) for suffix in writing.DB_COMPANIONS}
    return writing.OutputPolicy(args.force, policy.protected | database, sealed)


def inspection_files(args: argparse.Namespace) -> SidecarFiles | None:
    """The inspection's files named by --inspection, --attestations and --waivers, read
    (None: none named)."""
    named = (args.inspection, args.attestations, args.waivers)
    return None if named == (None, None, None) else read_sidecars(*named)


def inspection_as_of(args: argparse.Namespace, files: SidecarFiles | None,
                     err: TextIO) -> dt.date | int | None:
    """The as-of date an inspection gives where --as-of is not (None: it gives none);
    inspections on different dates give none, and the user is asked for --as-of (2)."""
    dates = files.dates() if files is not None and args.as_of is None else []
    if len(dates) > 1:
        shown = listing([written_date(day, args.lang) for day in dates], args.lang)
        say(f"qianbai: {label('sidecar.problem.different_dates', args.lang, dates=shown)}", err)
        return USAGE_ERROR
    return dates[0] if dates else None


def checked_sidecars(files: SidecarFiles | None, compiled: CompiledRuleset, lang: Lang,
                     err: TextIO) -> tuple[Sidecars, int]:
    """The Sidecars of the run, each problem (the entry left out) and warning said on
    standard error; and how many problems there were."""
    if files is None:
        return Sidecars(), 0
    sidecars, wrong_rules = files.checked([compiled_rule.rule for compiled_rule in compiled.rules])
    problems = [*files.problems, *wrong_rules]
    say_located(problems, files.warnings, lang, err)
    return sidecars, len(problems)


def say_located(problems: list[Problem], warnings: list[Problem], lang: Lang,
                err: TextIO) -> None:
    """An input file's problems (what was left out) and warnings, each with its file."""
    for problem in problems:
        line = label("sidecar.problem.line", lang, file=problem.file, message=problem.says(lang))
        say(f"qianbai: {line}", err)
    warn(warnings, lang, err)


def warn(warnings: list[Problem], lang: Lang, err: TextIO) -> None:
    for problem in warnings:
        line = label("sidecar.problem.line", lang, file=problem.file, message=problem.says(lang))
        say(f"qianbai: {label('sidecar.warning.line', lang, message=line)}", err)


def sidecar_problems(count: int, lang: Lang, err: TextIO) -> None:
    if count:
        say(f"qianbai: {label('sidecar.problems', lang, count=count)}", err)


def watched(results: Iterator[Result], sidecars: Sidecars, lang: Lang,
            err: TextIO) -> Iterator[Result]:
    """The results as they come; at their end, a warning for each facility the
    inspection's files name that no record evaluated has."""
    if not sidecars:
        yield from results
        return
    seen: set[str] = set()
    for result in results:
        if isinstance(result, Evaluated):
            seen.add(id_key(result.record.id))
        yield result
    warn(unknown_facilities(sidecars, seen), lang, err)
