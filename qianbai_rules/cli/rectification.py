"""``qianbai rectification``: the rectification items kept in the history database, as
they stand on a date, filtered by street/town, department, facility and state.

Exit status: 0 when items are listed, 1 when none matches, 2 on a usage error or a
database that is missing or cannot be read."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

from qianbai_rules.cli import options
from qianbai_rules.cli.common import guarded, load_rules, open_history, say
from qianbai_rules.cli.options import USAGE_ERROR
from qianbai_rules.cli.parser import Refused
from qianbai_rules.core.jsontext import indented_json
from qianbai_rules.core.problems import Lang
from qianbai_rules.core.resources import rules_dir, templates_dir
from qianbai_rules.history import listing
from qianbai_rules.history.rectification import ItemFilter
from qianbai_rules.history.store import History
from qianbai_rules.io import writing
from qianbai_rules.pipeline.followup import ItemState
from qianbai_rules.texts.formats import listing as listing_of
from qianbai_rules.texts.labels import label, text
from qianbai_rules.texts.suggest import nearest


def _words(raw: str) -> list[str]:
    return [word.strip() for word in raw.replace("，", ",").split(",") if word.strip()]


def parse_states(raw: str) -> list[ItemState]:
    """``open``, ``overdue``, ``closed``, or several of them separated by commas."""
    states = []
    for word in _words(raw):
        if word not in ItemState.__members__:
            raise Refused(text("cli.invalid_choice", value=word,
                               choices=", ".join(ItemState.__members__)))
        states.append(ItemState(word))
    return states


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser("rectification")
    options.add_db(command, required=True)
    command.add_argument("--street", action="append", default=[], metavar="TEXT")
    command.add_argument("--department", action="append", default=[], metavar="TEXT")
    command.add_argument("--facility", action="append", default=[], metavar="ID")
    command.add_argument("--state", action="append", type=parse_states, default=[],
                         metavar="STATE")
    options.add_as_of(command)
    options.add_format(command, ("text", "json", "xlsx"))
    options.add_output(command)
    options.add_force(command)
    options.add_rules(command)
    options.add_lang(command)


def command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang
    day: dt.date = args.as_of or dt.date.today()
    ruleset = load_rules(args.rules, err)
    if ruleset is None:
        return USAGE_ERROR
    names = listing.Names.of(ruleset, day)
    departments: set[str] = set()
    for given in args.department:
        code = names.code(given)
        if code is None:
            near = nearest(given, names.known_departments(lang))
            key = "rectification.no_department_near" if near else "rectification.no_department"
            choices = listing_of(names.departments_named(lang), lang)
            say(f"qianbai: {label(key, lang, value=given, near=near or '', choices=choices)}",
                err)
            return USAGE_ERROR
        departments.add(code)
    if args.format == "xlsx" and not args.output:
        say(f"qianbai: {label('problem.workbook_needs_file', lang)}", err)
        return USAGE_ERROR
    history = open_history(args, err, create=False)
    if not isinstance(history, History):
        return USAGE_ERROR
    wanted = ItemFilter(frozenset(args.street), frozenset(departments),
                        frozenset(args.facility),
                        frozenset(state for states in args.state for state in states))
    sealed = frozenset(p for p in (rules_dir(), templates_dir(), args.rules) if p)
    protected = frozenset(Path(args.db + suffix) for suffix in writing.DB_COMPANIONS)

    def body() -> int:
        with history:
            items = history.items(day, wanted)
        with writing.output_policy(writing.OutputPolicy(args.force, protected, sealed)):
            if args.format == "xlsx":
                listing.write_workbook(items, Path(args.output), names, lang)
            elif args.format == "json":
                data = indented_json(listing.as_json(items, day, names, lang)) + "\n"
                writing.emit(data.encode("utf-8"), args.output, out)
            else:
                data = listing.as_text(items, day, names, lang)
                writing.emit(data.encode("utf-8"), args.output, out)
        return 0 if items else 1

    return guarded(args, err, None, body)
