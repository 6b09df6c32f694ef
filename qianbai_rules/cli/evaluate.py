"""``qianbai evaluate``: the annual performance evaluation of a registry against the plan."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import TextIO

from qianbai_rules.cli import options
from qianbai_rules.cli.common import (
    checked_sidecars,
    guarded,
    inspection_files,
    meter,
    open_history,
    prepare,
    rejected_notice,
    say,
    say_located,
    sidecar_problems,
    watched,
)
from qianbai_rules.cli.options import USAGE_ERROR
from qianbai_rules.core.problems import Lang, RulesError
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.history.issued import Issue
from qianbai_rules.io.progress import progress
from qianbai_rules.pipeline.check import run
from qianbai_rules.texts.formats import money_text
from qianbai_rules.texts.labels import label


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    evaluation = commands.add_parser("evaluate")
    options.add_inputs(evaluation, "REGISTRY")
    options.add_year(evaluation, required=True)
    evaluation.add_argument("--plan", type=Path, metavar="FILE")
    evaluation.add_argument("--lottery-fund", type=options.parse_yuan, metavar="YUAN")
    evaluation.add_argument("--indicators", type=Path, metavar="FILE")
    options.add_format(evaluation, ("text", "json", "html", "md", "pdf", "docx", "xlsx"))
    options.add_output(evaluation)
    options.add_as_of(evaluation)
    options.add_lang(evaluation)
    options.add_rules(evaluation)
    options.add_engine(evaluation)
    options.add_force(evaluation)
    options.add_quiet(evaluation)
    options.add_db(evaluation)
    options.add_sidecars(evaluation)
    evaluation.add_argument("--funds", metavar="FILE")


def command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qianbai_rules.annual.document import without_lists, write_annual
    from qianbai_rules.annual.evaluation import built_by, cutoff, evaluate_year
    from qianbai_rules.annual.funds import lottery_received
    from qianbai_rules.annual.report import annual_report
    from qianbai_rules.annual.scoring import scheme_for
    from qianbai_rules.io.funds import run_funds
    from qianbai_rules.rules.plan import load_plan

    lang: Lang = args.lang
    files = inspection_files(args)
    prepared = prepare(args, args.as_of or options.default_as_of(args.year), err)
    if prepared is None:
        return USAGE_ERROR
    try:
        plan = load_plan(args.plan or rules_dir() / "plans" / "jiangbei-2018-2020.yaml")
    except RulesError as exc:
        for problem in exc.problems:
            say(problem, err)
        return USAGE_ERROR
    scheme, unread = scheme_for(args.indicators, plan.types)  # unread: evaluated, not scored
    for problem in unread:
        say(problem, err)
    history = open_history(args, err)
    if isinstance(history, int):
        return history
    context, evaluator = prepared
    compiled, year = context.compiled, args.year
    sidecars, problems = checked_sidecars(files, compiled, lang, err)
    funds = run_funds(args.funds, args.inputs)
    given = None if funds is None else funds.given()
    if funds is not None:
        say_located(funds.problems, funds.warnings, lang, err)
    received = lottery_received(given, args.year)
    if args.lottery_fund is not None and received not in (None, args.lottery_fund):
        differs = label("annual_funds.problem.lottery_differs", lang,
                        given=money_text(args.lottery_fund, lang),
                        received=money_text(received, lang))
        say(f"qianbai: {differs}", err)
    shown = meter(args, err)
    results = watched(progress(run(args.inputs, compiled, evaluator, year, shown,
                                   sidecars=sidecars), err, lang, not args.quiet, shown),
                      sidecars, lang, err)
    issue = None if history is None else Issue.of(  # the reports kept
        history, "evaluate", context, args.output, args.rules, plan=plan.fingerprint,
        lottery_fund=args.lottery_fund)

    def body(out: TextIO) -> int:
        mandatory = {compiled.rules[i].rule.id for i in compiled.mandatory}
        previous = history.non_compliant(year - 1, mandatory) if history else {}
        before = history.evaluation(year - 1) if history else None
        results_ = results
        if history is not None and issue is not None:
            day = cutoff(year, compiled.as_of)
            results_ = issue.recording(results, partial(
                history.recording, compiled=compiled, year=year, kind="evaluate",
                keep=lambda result: built_by(result.record, day)))
        evaluation = evaluate_year(results_, plan, compiled, year, previous)
        report = annual_report(evaluation, context, args.lottery_fund, before, history,
                               given, scheme)
        if history is not None:
            history.store_evaluation(year, compiled, plan.fingerprint, without_lists(report))
        write_annual(report, context, args.output, out)
        out.flush()  # all written, or nothing stored
        if issue is not None:
            issue.store()
        if history is not None:
            history.commit()
        rejected_notice(len(evaluation.rejected), lang, err)
        sidecar_problems(problems, lang, err)
        refused = 0 if funds is None else len(funds.problems)
        if refused:
            say(f"qianbai: {label('annual_funds.problem.refused', lang, count=refused)}", err)
        if unread:
            say(f"qianbai: {label('annual_score.unread', lang)}", err)
        return USAGE_ERROR if evaluation.rejected or problems or refused or unread else 0

    return guarded(args, err, history,
                   lambda: issue.output(out, body) if issue is not None else body(out))
