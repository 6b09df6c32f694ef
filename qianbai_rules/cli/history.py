"""``qianbai history``: a facility's stored assessments."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any, TextIO

from qianbai_rules.cli import options
from qianbai_rules.cli.common import open_history
from qianbai_rules.cli.options import USAGE_ERROR
from qianbai_rules.core.jsontext import indented_json
from qianbai_rules.core.problems import Lang
from qianbai_rules.history.store import History
from qianbai_rules.reports import render
from qianbai_rules.texts.formats import display_width, label_or, listing, written_date
from qianbai_rules.texts.labels import label, labels


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = commands.add_parser("history")
    history.add_argument("facility", metavar="ID")
    options.add_db(history, required=True)
    options.add_format(history, ("text", "json"))
    options.add_lang(history)
    lang: Lang = getattr(commands, "lang", "zh")
    history.add_argument("--show", type=options.parse_count, metavar="N",
                         help=label("issued.option.show", lang))
    options.add_output(history, help=label("issued.option.output", lang))
    options.add_rules(history)
    options.add_force(history)


def local_time(stamp: str, lang: Lang) -> str:
    """A stored UTC time stamp in this machine's time zone, to the minute:
    ``2019年12月31日 14:05``."""
    moment = dt.datetime.fromisoformat(stamp).astimezone()
    return label("history.local_time", lang, date=written_date(moment.date(), lang),
                 hour=f"{moment.hour:02d}", minute=f"{moment.minute:02d}")


def _row(stored: dict[str, Any], lang: Lang) -> dict[str, str]:
    """One assessment as a person reads it."""
    return {"number": str(stored["number"]), "year": label("history.year_value", lang, year=stored["year"]),
            "as_of": written_date(dt.date.fromisoformat(stored["as_of"]), lang),
            "kind": label_or(f"history.kind.{stored['kind']}", lang, stored["kind"]),
            "verdict": label_or(f"verdict.{stored['verdict']}", lang, stored["verdict"]),
            "recorded_at": local_time(stored["recorded_at"], lang)}


_COLUMNS = ("number", "year", "as_of", "kind", "verdict", "recorded_at")


def _table(rows: list[dict[str, str]], lang: Lang) -> list[str]:
    """The header and the rows, each column as wide as its widest cell."""
    header = {"number": label("issued.number", lang), "year": label("history.year", lang),
              "as_of": label("history.as_of", lang),
              "kind": label("history.kind_header", lang),
              "verdict": label("history.verdict", lang),
              "recorded_at": label("history.recorded_at", lang)}
    table = [header, *rows]
    widths = {c: max(display_width(row[c]) for row in table) for c in _COLUMNS}
    return ["  ".join(row[c] + " " * (widths[c] - display_width(row[c])) for c in _COLUMNS
                      ).rstrip() for row in table]


def command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    history = open_history(args, err, create=False)
    if not isinstance(history, History):
        return USAGE_ERROR if history is not None else 0
    if args.show is not None:
        from qianbai_rules.cli.verify import show
        return show(args, history, out, err)
    with history:
        rows = [{"number": number, **a.as_json()}
                for number, a in enumerate(history.assessments(args.facility), start=1)]
    if args.format == "json":
        out.write(indented_json({"facility": args.facility, "assessments": rows}) + "\n")
    else:
        fingerprints = listing(dict.fromkeys(r["fingerprint"] for r in rows), args.lang)
        out.write(render.render("text/history.txt", {
            "L": labels(args.lang), "facility": args.facility,
            "lines": _table([_row(r, args.lang) for r in rows], args.lang),
            "fingerprints": label("history.fingerprints", args.lang,
                                  fingerprints=fingerprints)}))
    return 0 if rows else 1
