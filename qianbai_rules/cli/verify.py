"""``qianbai verify REPORT --db FILE``: whether a report file is one the database issued,
unchanged; and ``qianbai history ID --show N``: a stored report made again, byte for byte."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any, TextIO

from qianbai_rules.cli import options
from qianbai_rules.cli.common import (
    guarded,
    load_rules,
    open_history,
    os_reason,
    policy,
    say,
    say_problems,
)
from qianbai_rules.cli.history import local_time
from qianbai_rules.cli.options import USAGE_ERROR
from qianbai_rules.core.jsontext import indented_json
from qianbai_rules.core.problems import Lang, RulesError
from qianbai_rules.history.issued import IssuedReport, by_sha256
from qianbai_rules.history.store import History, HistoryError
from qianbai_rules.io import writing
from qianbai_rules.texts.formats import listing, written_date
from qianbai_rules.texts.labels import label


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lang: Lang = getattr(commands, "lang", "zh")
    verify = commands.add_parser("verify", help=label("issued.command", lang),
                                 description=label("issued.description", lang))
    verify.add_argument("report", metavar="FILE", help=label("issued.option.report", lang))
    options.add_db(verify, required=True)
    options.add_format(verify, ("text", "json"))
    options.add_lang(verify)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _covers(report: IssuedReport) -> dict[str, Any]:
    return {"kind": report.kind, "format": report.format, "issued_at": report.issued_at,
            "as_of": report.settings.get("as_of"), "output": report.settings.get("output"),
            "facilities": [{"id": kept.facility, "name": kept.name} for kept in report.shown]}


def command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang
    report = Path(args.report)
    try:
        # a folder, a FIFO or a device is never a report (and reading one may not end)
        sha256 = _digest(report) if report.is_file() or not report.exists() else None
    except OSError as exc:
        sha256, reason = None, os_reason(exc, lang)
    else:
        reason = label("issued.not_regular", lang)
    if sha256 is None:
        say(f"qianbai: {label('issued.unreadable', lang, path=args.report, reason=reason)}", err)
        return USAGE_ERROR
    history = open_history(args, err, create=False)
    if not isinstance(history, History):
        return USAGE_ERROR
    with history:
        found = by_sha256(history.connection, sha256)
    if args.format == "json":
        out.write(indented_json({"report": args.report, "sha256": sha256, "found": bool(found),
                                 "issued": [_covers(r) for r in found]}) + "\n")
    elif found:
        out.write(_found_text(found[0], lang))
    else:
        out.write(label("issued.not_found", lang) + "\n")
    return 0 if found else 1


def _found_text(report: IssuedReport, lang: Lang) -> str:
    facilities = listing([label("issued.facility", lang, id=k.facility, name=k.name) if k.name
                          else k.facility for k in report.shown], lang) \
        or label("issued.no_facility", lang)
    lines = [label(f"issued.found.{report.kind}", lang),
             label("issued.kind", lang, kind=label(f"issued.kinds.{report.kind}", lang)),
             label("issued.issued_at", lang, time=local_time(report.issued_at, lang)),
             label("issued.facilities", lang, facilities=facilities)]
    if report.settings.get("as_of"):
        as_of = written_date(dt.date.fromisoformat(report.settings["as_of"]), lang)
        lines.append(label("issued.as_of", lang, date=as_of))
    return "\n".join(lines) + "\n"


def show(args: argparse.Namespace, history: History, out: TextIO, err: TextIO) -> int:
    """``history ID --show N``: the report assessment N was issued in, made again."""
    from qianbai_rules.history.reissue import ReissueError, find, reissue

    lang: Lang = args.lang
    args.inputs = []
    allowed = policy(args, err)
    if allowed is None:
        return USAGE_ERROR
    try:
        with history:
            report = find(history, args.facility, args.show)
        ruleset = load_rules(args.rules, err)
        if ruleset is None:
            return USAGE_ERROR
        made = reissue(report, ruleset)
    except ReissueError as exc:
        say(f"qianbai: {exc.why(lang)}", err)
        return exc.status
    except RulesError as exc:
        say_problems(exc.problems, lang, err)
        return USAGE_ERROR
    except HistoryError as exc:
        say(f"qianbai: {exc.why(lang)}", err)
        return USAGE_ERROR

    def body() -> int:
        with writing.output_policy(allowed):
            writing.emit(made.data, args.output, out, binary=report.format in ("pdf", "docx"))
        return 0

    return guarded(args, err, None, body)
