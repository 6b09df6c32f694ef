"""The ``qianbai`` command: connects the loader, compiler, evaluators and writers.

Exit status: 2 when anything could not be read or evaluated (the rest is still
evaluated and written); else 1 when a record is non_compliant or incomplete; else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TextIO

from qianbai_rules import __version__
from qianbai_rules.compile.compiled import CompiledRuleset, compile_ruleset
from qianbai_rules.core.jsontext import indented_json
from qianbai_rules.core.limits import FIRST_DATE, LAST_DATE, date_problem
from qianbai_rules.core.problems import Lang, RulesError, Text
from qianbai_rules.core.resources import rules_dir, templates_dir
from qianbai_rules.core.safetext import visible, visible_lines
from qianbai_rules.engines.durable import DurableError
from qianbai_rules.history.store import History, HistoryError
from qianbai_rules.io import writing
from qianbai_rules.io.inputs import Meter, expand
from qianbai_rules.io.progress import progress
from qianbai_rules.io.sources import STDIN
from qianbai_rules.io.streams import Checked, StreamError, checked_stderr, checked_stdout
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.pipeline.check import Evaluator, Result, make_evaluator, run
from qianbai_rules.reports import render
from qianbai_rules.reports.output import FORMATS, STREAMED, RunInfo, Tally, write, write_pieces
from qianbai_rules.reports.render import ReportError
from qianbai_rules.rules.ruleset import Ruleset, load_ruleset
from qianbai_rules.subsidies.amounts import year_problems
from qianbai_rules.texts.labels import labels

USAGE_ERROR = 2
# Modules that only some commands need are imported by those commands: every import
# counts in the time of checking one record.


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        year = 0
    if not 1 <= year <= 9999:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}")
    return year  # within the years that are evaluated: see _out_of_range


def _out_of_range(args: argparse.Namespace) -> Text | None:
    """An as-of date or a year outside what is evaluated (limits.py): a year before or
    after it must still be a date."""
    first, last = FIRST_DATE, LAST_DATE
    span = Text(f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日",
                f"{first.isoformat()} to {last.isoformat()}")
    if args.as_of is not None and date_problem(args.as_of) is not None:
        day = args.as_of
        return Text(f"参数适用日期 {day.year}年{day.month}月{day.day}日 超出受理范围（{span.zh}）",
                    f"the as-of date {day.isoformat()} is outside {span.en}")
    if args.year is not None and not first.year <= args.year <= last.year:
        return Text(f"评估年度 {args.year} 年超出受理范围（{first.year}年至{last.year}年）",
                    f"the year {args.year} is outside {first.year} to {last.year}")
    return None


def _yuan(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"not an amount in whole yuan: {text!r}")
    return value


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
    check.add_argument("--db", metavar="FILE", help="history database (SQLite)")
    check.add_argument("--force", action="store_true", help="overwrite existing output files")
    check.add_argument("--quiet", action="store_true", help="no progress line on a terminal")
    check.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="worker processes for text, json and jsonl output (default 1)")
    check.add_argument("--record", action="store_true",
                       help="store each assessment in the history database (--db)")

    evaluation = commands.add_parser(
        "evaluate", help="annual performance evaluation of a registry against the plan",
        description="Annual performance evaluation (年度绩效评价) of every facility in REGISTRY "
                    "against the plan: progress by type and street/town, compliance, "
                    "subsidies and their funding, exit review.")
    evaluation.add_argument("inputs", nargs="+", metavar="REGISTRY")
    evaluation.add_argument("--year", type=_year, required=True, help="evaluated year")
    evaluation.add_argument("--plan", type=Path, metavar="FILE", help="plan file "
                            "(default: the shipped 2018–2020 Jiangbei plan)")
    evaluation.add_argument("--lottery-fund", type=_yuan, default=0, metavar="YUAN",
                            help="welfare-lottery fund available for the year's subsidies")
    evaluation.add_argument("--format", choices=("text", "json", "html", "md", "pdf", "xlsx"),
                            default="text")
    evaluation.add_argument("-o", "--output", metavar="PATH")
    evaluation.add_argument("--as-of", type=_date, metavar="DATE",
                            help="date whose parameter values apply (default: 31 December of "
                                 "--year, or today if that is earlier)")
    evaluation.add_argument("--lang", choices=("zh", "en"), default="zh")
    evaluation.add_argument("--rules", type=Path, metavar="DIR", help="rule folder")
    evaluation.add_argument("--engine", choices=("durable", "plain"), default="durable")
    evaluation.add_argument("--force", action="store_true", help="overwrite existing output files")
    evaluation.add_argument("--quiet", action="store_true", help="no progress line on a terminal")
    evaluation.add_argument("--db", metavar="FILE", help="history database (SQLite): stores "
                            "this evaluation and reads the previous year's")

    history = commands.add_parser("history", help="a facility's stored assessments")
    history.add_argument("facility", metavar="ID")
    history.add_argument("--db", metavar="FILE", required=True)
    history.add_argument("--format", choices=("text", "json"), default="text")
    history.add_argument("--lang", choices=("zh", "en"), default="zh")

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
    template = commands.add_parser("template", help="write an empty registry workbook (XLSX) with "
                                   "Chinese headers, drop-down lists and a help sheet")
    template.add_argument("-o", "--output", metavar="FILE", required=True)
    template.add_argument("--lang", choices=("zh", "en"), default="zh")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def _say(message: object, stream: TextIO) -> None:
    """One message line for people: whatever it quotes (a file name, an id, a key) is made
    visible on this one line, so it cannot act on the terminal or forge another line."""
    print(visible(str(message)), file=stream)


def _load(folder: Path | None, err: TextIO) -> Ruleset | None:
    try:
        return load_ruleset(folder or rules_dir())
    except RulesError as exc:
        for problem in exc.problems:
            _say(problem, err)
        return None


@dataclass(frozen=True)
class _Run:
    compiled: CompiledRuleset
    evaluator: Evaluator
    info: RunInfo


def _prepare(args: argparse.Namespace, as_of: dt.date, err: TextIO) -> _Run | None:
    """Rules loaded and compiled for the date, the year checked, the evaluator chosen."""
    lang: Lang = args.lang
    ruleset = _load(args.rules, err)
    if ruleset is None:
        return None
    try:
        compiled = compile_ruleset(ruleset, as_of)
    except RulesError as exc:
        for problem in exc.problems:
            _say(problem, err)
        return None
    year = args.year if args.year is not None else as_of.year
    too_early = year_problems(compiled, year)
    for message in too_early:
        _say(f"qianbai: --year {year}: {message(lang)}", err)
    if too_early:
        return None
    try:
        evaluator = make_evaluator(args.engine, compiled)
    except DurableError as exc:  # a rule folder beyond what the engine compiles (limits.py)
        _say(f"qianbai: {exc}", err)
        return None
    return _Run(compiled, evaluator, RunInfo(compiled, evaluator.name, year, lang))


def _history(args: argparse.Namespace, err: TextIO, create: bool = True) -> History | int | None:
    if getattr(args, "db", None) is None:
        return None
    try:
        return History(Path(args.db), create)
    except HistoryError as exc:
        _say(f"qianbai: {exc}", err)
        return USAGE_ERROR


def _guarded(args: argparse.Namespace, err: TextIO, history: History | None,
             body: Callable[[], int]) -> int:
    """Run the part of a command that writes; turn what can go wrong there into a clear
    message and exit 2. The history is committed by ``body`` or rolled back here."""
    lang: Lang = args.lang
    try:
        return body()
    except ReportError as exc:
        _say(f"qianbai: {exc.text(lang)}", err)
    except StreamError as exc:
        _say(f"qianbai: {exc.text(lang)}", err)
    except (HistoryError, sqlite3.Error) as exc:
        _say(f"qianbai: {args.db}: {exc}", err)
    except OSError as exc:
        where = exc.filename or args.output
        _say(f"qianbai: {where + ': ' if where else ''}{exc.strerror or exc}", err)
    finally:
        if history is not None:
            history.close()
    if history is not None:
        print(f"qianbai: {_NOT_STORED(lang)}", file=err)
    return USAGE_ERROR


_NOT_STORED = Text("本次结果未存入历史数据库", "nothing of this run was stored in the history "
                   "database")


def _rejected_notice(count: int, lang: Lang, err: TextIO) -> None:
    if count:
        notice = Text(f"{count} 条记录未能评估，原因见输出中的“未能评估的记录”（rejected）",
                      f"{count} record(s) could not be evaluated; the output lists them with "
                      f"the reason (rejected)")
        _say(f"qianbai: {notice(lang)}", err)


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang
    prepared = _prepare(args, args.as_of or _default_as_of(args.year), err)
    if prepared is None:
        return USAGE_ERROR
    if args.record and args.db is None:
        _say("qianbai: --record needs --db FILE", err)
        return USAGE_ERROR
    if args.db is not None and not args.record:
        _say("qianbai: --db FILE goes with --record (check stores only what it is asked to)",
              err)
        return USAGE_ERROR
    history = _history(args, err) if args.record else None
    if isinstance(history, int):
        return history
    info = prepared.info
    if args.jobs < 1 or (args.jobs > 1 and (args.format not in STREAMED or args.record)):
        _say("qianbai: --jobs N (N ≥ 1) parallelises text, json and jsonl output, without "
              "--record", err)
        return USAGE_ERROR
    meter = _meter(args, err)
    outcomes = progress(run(args.inputs, prepared.compiled, prepared.evaluator, info.year, meter),
                        err, lang, not args.quiet, meter)
    if history is not None and args.record:
        outcomes = history.recording(outcomes, prepared.compiled, info.year, "check")

    def body() -> int:
        if args.format not in STREAMED:
            from qianbai_rules.reports.documents import write_reports
            tally = write_reports(outcomes, args.format, info, args.audience, args.output, out)
        elif args.output:
            if writing.is_folder(args.output):
                raise ReportError(f"{args.output} 是文件夹；{args.format} 格式请指定文件名"
                                  "（文件夹用于 html、md、pdf 报告）",
                                  f"{args.output} is a folder; name a file for --format "
                                  f"{args.format} (folders take html, md or pdf reports)")
            with writing.atomic_text(Path(args.output)) as handle:
                tally = _stream(args, info, outcomes, handle, err, meter)
        else:
            tally = _stream(args, info, outcomes, out, err, meter)
        out.flush()  # all written, or nothing stored
        if history is not None:
            history.commit()
        _rejected_notice(tally.rejected, lang, err)
        return tally.exit_status

    return _guarded(args, err, history, body)


def _meter(args: argparse.Namespace, err: TextIO) -> Meter | None:
    """What the progress bar reads the share of the input done from, when it is shown."""
    return Meter(args.inputs) if not args.quiet and err.isatty() else None


def _stream(args: argparse.Namespace, info: RunInfo, outcomes: Iterator[Result],
            out: TextIO, err: TextIO, meter: Meter | None) -> Tally:
    """text/json/jsonl output, in this process or, with --jobs, in worker processes."""
    if args.jobs == 1:
        return write(outcomes, args.format, info, out)
    from qianbai_rules.pipeline.parallel import Settings
    from qianbai_rules.pipeline.parallel import pieces as parallel_pieces
    settings = Settings(args.rules or rules_dir(), info.compiled.as_of, args.engine, info.year,
                        args.lang, args.format)
    pieces = progress(parallel_pieces(args.inputs, settings, info, args.jobs, meter), err,
                      args.lang, not args.quiet, meter)
    return write_pieces(pieces, args.format, info, out)


def _evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qianbai_rules.annual.document import annual_json, write_annual
    from qianbai_rules.annual.evaluation import built_by, cutoff, evaluate
    from qianbai_rules.rules.plan import load_plan

    lang: Lang = args.lang
    prepared = _prepare(args, args.as_of or _default_as_of(args.year), err)
    if prepared is None:
        return USAGE_ERROR
    try:
        plan = load_plan(args.plan or rules_dir() / "plans" / "jiangbei-2018-2020.yaml")
    except RulesError as exc:
        for problem in exc.problems:
            _say(problem, err)
        return USAGE_ERROR
    history = _history(args, err)
    if isinstance(history, int):
        return history
    compiled, year = prepared.compiled, args.year
    meter = _meter(args, err)
    results = progress(run(args.inputs, compiled, prepared.evaluator, year, meter), err, lang,
                       not args.quiet, meter)

    def body() -> int:
        mandatory = {compiled.rules[i].rule.id for i in compiled.mandatory}
        previous = history.non_compliant(year - 1, mandatory) if history else {}
        before = history.evaluation(year - 1) if history else None
        results_ = results
        if history is not None:
            day = cutoff(year, compiled.as_of)
            results_ = history.recording(results, compiled, year, "evaluate",
                                         lambda result: built_by(result.record, day))
        evaluation = evaluate(results_, plan, compiled, year,
                              previous)
        document = annual_json(evaluation, prepared.info, args.lottery_fund, before, history)
        if history is not None:
            history.store_evaluation(year, compiled, plan.fingerprint, document)
        write_annual(document, args.format, prepared.info, args.output, out)
        out.flush()  # all written, or nothing stored
        if history is not None:
            history.commit()
        _rejected_notice(len(evaluation.rejected), lang, err)
        return USAGE_ERROR if evaluation.rejected else 0

    return _guarded(args, err, history, body)


def _show_history(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    history = _history(args, err, create=False)
    if not isinstance(history, History):
        return USAGE_ERROR if history is not None else 0
    with history:
        rows = [a.as_json() for a in history.assessments(args.facility)]
    if args.format == "json":
        out.write(indented_json({"facility": args.facility, "assessments": rows}) + "\n")
    else:
        out.write(render.render("text/history.txt", {"L": labels(args.lang),
                                                     "facility": args.facility, "rows": rows}))
    return 0 if rows else 1


def _rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qianbai_rules.rules.describe import describe_rule, list_rules
    from qianbai_rules.ruletest.cases import load_cases, run_case

    ruleset = _load(args.rules, err)
    if ruleset is None:
        return USAGE_ERROR
    if args.rules_command == "lint":
        cases, problems = load_cases(ruleset.root / "tests")
        for problem in problems:
            _say(problem, err)
        bad = [c for c in cases if c.problems]
        for case in bad:
            _say(f"{case.file}: case {case.name!r}: {'; '.join(case.problems)}", err)
        if problems or bad:
            return USAGE_ERROR
        _say(f"ok: {len(ruleset.rules)} rules, {len(ruleset.parameters)} parameters, "
              f"{len(cases)} test cases", out)
        return 0
    if args.rules_command == "list":
        out.write(visible_lines(list_rules(ruleset, args.lang)))
        return 0
    if args.rules_command == "show":
        rule = ruleset.rule(args.rule_id)
        if rule is None:
            _say(f"qianbai: no rule {args.rule_id!r}; see `qianbai rules list`", err)
            return USAGE_ERROR
        out.write(visible_lines(describe_rule(ruleset, rule, args.lang)))
        return 0
    cases, problems = load_cases(ruleset.root / "tests")
    for problem in problems:
        _say(problem, err)
    failed = 0
    for case in cases:
        failures = run_case(case, ruleset)
        if failures:
            failed += 1
            _say(f"FAILED {case.file}: {case.name}", out)
            for failure in failures:
                _say(f"    {failure}", out)
    _say(f"{len(cases) - failed} passed, {failed} failed", out)
    if problems:
        return USAGE_ERROR
    return 1 if failed else 0


def _input_files(inputs: Sequence[str]) -> frozenset[Path]:
    return frozenset(Path(item).resolve() for item in expand(inputs)
                     if isinstance(item, str) and item != STDIN)


def _policy(args: argparse.Namespace, err: TextIO) -> writing.OutputPolicy | None:
    """What check and evaluate may write: never what they read (records, plan, rules,
    templates), nor the history database and its journal files; ``--db`` naming something
    the run reads is refused (None)."""
    reads = _input_files(args.inputs)
    plan = getattr(args, "plan", None)
    sealed = frozenset(p for p in (rules_dir(), templates_dir(), args.rules) if p)
    policy = writing.OutputPolicy(args.force, reads | ({Path(plan)} if plan else set()),
                                  sealed)
    if args.db is None:
        return policy
    if policy.protects(Path(args.db)):
        refused = Text(f"{args.db} 是本次运行读取的文件（记录、规则或规划），不能用作历史数据库",
                       f"{args.db} is an input of this run (a record, rule or plan file); it "
                       "cannot be the history database")
        _say(f"qianbai: {refused(args.lang)}", err)
        return None
    database = {Path(args.db + suffix) for suffix in writing.DB_COMPANIONS}
    return writing.OutputPolicy(args.force, policy.protected | database, sealed)


def _tolerant(stream: TextIO | None) -> None:
    """Never fail on a character the terminal cannot encode; escape it instead."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


class _Terminated(BaseException):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so that temporary files are removed and the
    history's transaction is rolled back."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _terminable() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:  # a forked worker (--jobs): end as by default
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise _Terminated(signum)

    wanted = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, handler) for s in wanted}
    try:
        yield
    finally:
        for number, action in previous.items():
            signal.signal(number, action)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    if out is None:
        _tolerant(sys.stdout)
    if err is None:
        _tolerant(sys.stderr)
    checked_out = checked_stdout(sys.stdout if out is None else out)
    checked_err = checked_stderr(sys.stderr if err is None else err)
    try:
        with _terminable():
            status = _main(argv, checked_out, checked_err)
            checked_out.flush()
    except StreamError as exc:
        print(f"qianbai: {exc.text(_lang(argv))}", file=checked_err)
        status = USAGE_ERROR
    except KeyboardInterrupt:
        status = 130
    except _Terminated as exc:
        status = 128 + exc.signum
    finally:
        writing.cleanup()
    checked_err.flush()
    return max(status, USAGE_ERROR) if checked_err.failed else status


def _lang(argv: Sequence[str] | None) -> Lang:
    """The message language when the arguments could not be acted on (``--lang en``)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    for option, value in itertools.pairwise(arguments):
        if option == "--lang" and value == "en":
            return "en"
    return "zh"


def _main(argv: Sequence[str] | None, out: Checked, err: Checked) -> int:
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            args = _parser().parse_args(argv)
    except SystemExit as exc:
        return USAGE_ERROR if exc.code else 0
    if args.command in ("check", "evaluate"):
        refused = _out_of_range(args)
        if refused is not None:
            print(f"qianbai: {refused(args.lang)}", file=err)
            return USAGE_ERROR
        policy = _policy(args, err)
        if policy is None:
            return USAGE_ERROR
        with writing.output_policy(policy):
            return _check(args, out, err) if args.command == "check" \
                else _evaluate(args, out, err)
    if args.command == "history":
        return _show_history(args, out, err)
    if args.command == "template":
        from qianbai_rules.io.template import write_template

        try:
            with writing.output_policy(writing.OutputPolicy(
                    args.force, sealed=frozenset((rules_dir(), templates_dir())))):
                write_template(Path(args.output), args.lang)
        except ReportError as exc:
            _say(f"qianbai: {exc.text(args.lang)}", err)
            return USAGE_ERROR
        except OSError as exc:
            _say(f"qianbai: {args.output}: {exc.strerror or exc}", err)
            return USAGE_ERROR
        return 0
    if args.command == "rules":
        return _rules(args, out, err)
    schema = FacilityRecord.model_json_schema()
    out.write(indented_json(schema) + "\n")
    return 0

