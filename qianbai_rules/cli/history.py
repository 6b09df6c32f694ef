"""``qianbai history``: a facility's stored assessments."""

from __future__ import annotations

import argparse
from typing import TextIO

from qianbai_rules.cli import options
from qianbai_rules.cli.common import open_history
from qianbai_rules.cli.options import USAGE_ERROR
from qianbai_rules.core.jsontext import indented_json
from qianbai_rules.history.store import History
from qianbai_rules.reports import render
from qianbai_rules.texts.labels import labels


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = commands.add_parser("history")
    history.add_argument("facility", metavar="ID")
    options.add_db(history, required=True)
    options.add_format(history, ("text", "json"))
    options.add_lang(history)


def command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    history = open_history(args, err, create=False)
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
