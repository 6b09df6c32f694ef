"""``qianbai rules list|show|lint|test``: the rules as a reader or a rule author sees them."""

from __future__ import annotations

import argparse
from typing import TextIO

from qianbai_rules.cli import options
from qianbai_rules.cli.common import load_rules, say
from qianbai_rules.cli.options import USAGE_ERROR
from qianbai_rules.core.safetext import visible_lines


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = commands.add_parser("rules", help="list, show, lint or test the rules")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    for name, text in (("list", "every rule: ID, severity, clause, title"),
                       ("show", "one rule in full, with its parameters by date"),
                       ("lint", "check the rule files; exit 2 on any problem"),
                       ("test", "run the rule test cases; exit 1 on any failure")):
        sub = rules_commands.add_parser(name, help=text, description=text)
        if name == "show":
            sub.add_argument("rule_id", metavar="ID")
        options.add_rules(sub)
        options.add_lang(sub)


def command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qianbai_rules.rules.describe import describe_rule, list_rules
    from qianbai_rules.ruletest.cases import load_cases, run_case

    ruleset = load_rules(args.rules, err)
    if ruleset is None:
        return USAGE_ERROR
    if args.rules_command == "lint":
        cases, problems = load_cases(ruleset.root / "tests")
        for problem in problems:
            say(problem, err)
        bad = [c for c in cases if c.problems]
        for case in bad:
            say(f"{case.file}: case {case.name!r}: {'; '.join(case.problems)}", err)
        if problems or bad:
            return USAGE_ERROR
        say(f"ok: {len(ruleset.rules)} rules, {len(ruleset.parameters)} parameters, "
            f"{len(cases)} test cases", out)
        return 0
    if args.rules_command == "list":
        out.write(visible_lines(list_rules(ruleset, args.lang)))
        return 0
    if args.rules_command == "show":
        rule = ruleset.rule(args.rule_id)
        if rule is None:
            say(f"qianbai: no rule {args.rule_id!r}; see `qianbai rules list`", err)
            return USAGE_ERROR
        out.write(visible_lines(describe_rule(ruleset, rule, args.lang)))
        return 0
    cases, problems = load_cases(ruleset.root / "tests")
    for problem in problems:
        say(problem, err)
    failed = 0
    for case in cases:
        failures = run_case(case, ruleset)
        if failures:
            failed += 1
            say(f"FAILED {case.file}: {case.name}", out)
            for failure in failures:
                say(f"    {failure}", out)
    say(f"{len(cases) - failed} passed, {failed} failed", out)
    if problems:
        return USAGE_ERROR
    return 1 if failed else 0
