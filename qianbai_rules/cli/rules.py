"""``qianbai rules list|show|lint|test``: the rules as a reader or a rule author sees them."""

from __future__ import annotations

import argparse
from typing import TextIO

from qianbai_rules.cli import options
from qianbai_rules.cli.common import compiled_on, load_rules, say
from qianbai_rules.cli.options import USAGE_ERROR
from qianbai_rules.core.problems import Lang, Text, collect
from qianbai_rules.core.safetext import visible_lines
from qianbai_rules.rules.rulefile import Rule
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.texts.labels import label
from qianbai_rules.texts.suggest import nearest


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = commands.add_parser("rules")
    options.add_lang(rules)
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    for name in ("list", "show", "lint", "test"):
        sub = rules_commands.add_parser(name)
        if name == "show":
            sub.add_argument("rule_id", metavar="ID")
            options.add_as_of(sub)
        if name == "test":
            sub.add_argument("rule_ids", metavar="ID", nargs="*")
            sub.add_argument("-k", dest="keyword", metavar="TEXT")
        options.add_rules(sub)
        options.add_lang(sub)


def _rules_named(ruleset: Ruleset, ids: list[str], lang: Lang,
                 err: TextIO) -> list[Rule] | None:
    found = [ruleset.rule(rule_id) for rule_id in ids]
    unknown = [rule_id for rule_id, rule in zip(ids, found, strict=True) if rule is None]
    for rule_id in unknown:
        _no_rule(rule_id, ruleset, lang, err)
    return None if unknown else [rule for rule in found if rule is not None]


def _no_rule(rule_id: str, ruleset: Ruleset, lang: Lang, err: TextIO) -> None:
    """No such rule: the nearest rule ID as a suggestion, where one is near."""
    near = nearest(rule_id, (rule.id for rule in ruleset.rules))
    shown = Text(rule_id, repr(rule_id))
    message = (label("cli.no_rule", lang, id=shown) if near is None
               else label("cli.no_rule_near", lang, id=shown, near=near))
    say(f"qianbai: {message}", err)


def _lint(ruleset: Ruleset, lang: Lang, out: TextIO, err: TextIO) -> int:
    from qianbai_rules.annual.scoring import folder_problems
    from qianbai_rules.ruletest.cases import load_cases
    from qianbai_rules.ruletest.coverage import coverage_problems

    cases, problems = collect(load_cases(ruleset.root))
    problems += folder_problems(ruleset.root)  # the indicator schemes
    for problem in problems:
        say(problem, err)
    uncovered = [] if problems else list(coverage_problems(ruleset, cases))
    for problem in uncovered:
        say(problem, err)
    if problems or uncovered:
        return USAGE_ERROR
    say(label("cli.lint_ok", lang, rules=len(ruleset.rules), parameters=len(ruleset.parameters),
              cases=len(cases)), out)
    return 0


def _show(args: argparse.Namespace, ruleset: Ruleset, out: TextIO, err: TextIO) -> int:
    from qianbai_rules.rules.describe import describe_rule
    from qianbai_rules.ruletest.cases import cases_of, load_cases
    from qianbai_rules.ruletest.inspect import describe_cases, describe_compiled

    rule = ruleset.rule(args.rule_id)
    if rule is None:
        _no_rule(args.rule_id, ruleset, args.lang, err)
        return USAGE_ERROR
    as_of = args.as_of or options.default_as_of(None)
    compiled = compiled_on(ruleset, as_of, args.lang, err)
    if compiled is None:
        return USAGE_ERROR
    cases, _ = collect(load_cases(ruleset.root))
    lines = [*describe_cases(cases_of(rule, cases), rule.id, ruleset, args.lang),
             *describe_compiled(compiled.by_id[rule.id], as_of, args.lang)]
    out.write(visible_lines(describe_rule(ruleset, rule, args.lang) + "\n".join(lines) + "\n"))
    return 0


def _test(args: argparse.Namespace, ruleset: Ruleset, out: TextIO, err: TextIO) -> int:
    from qianbai_rules.ruletest.cases import CASE_KIND, load_cases, run_case, select
    rules = _rules_named(ruleset, args.rule_ids, args.lang, err)
    if rules is None:
        return USAGE_ERROR
    cases, problems = collect(load_cases(ruleset.root))
    unread = [p for p in problems if p.kind != CASE_KIND]  # a case's own show where it fails
    for problem in unread:
        say(problem, err)
    chosen = select(cases, rules, args.keyword)
    if not chosen:
        say(f"qianbai: {label('rule_test.none_selected', args.lang)}", err)
        return USAGE_ERROR
    failed = 0
    for case in chosen:
        failures = run_case(case, ruleset)
        if failures:
            failed += 1
            say(label("rule_test.failed", args.lang, file=case.file, name=case.name), out)
            for failure in failures:
                say(f"    {failure}", out)
    say(label("rule_test.summary", args.lang, passed=len(chosen) - failed, failed=failed), out)
    if unread:
        return USAGE_ERROR
    return 1 if failed else 0


def command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qianbai_rules.rules.describe import list_rules

    ruleset = load_rules(args.rules, err)
    if ruleset is None:
        return USAGE_ERROR
    if args.rules_command == "lint":
        return _lint(ruleset, args.lang, out, err)
    if args.rules_command == "list":
        out.write(visible_lines(list_rules(ruleset, args.lang)))
        return 0
    if args.rules_command == "show":
        return _show(args, ruleset, out, err)
    return _test(args, ruleset, out, err)
