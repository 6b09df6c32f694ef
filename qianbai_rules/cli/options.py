"""The options the commands share, each defined once, and the values they accept."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from qianbai_rules.cli.parser import LANGS, Refused
from qianbai_rules.core.limits import FIRST_DATE, LAST_DATE, date_problem
from qianbai_rules.core.problems import Text
from qianbai_rules.texts.formats import written_text
from qianbai_rules.texts.labels import text

USAGE_ERROR = 2


def parse_year(raw: str) -> int:
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not 1 <= year <= 9999:
        raise Refused(text("cli.not_a_year", value=raw))
    return year  # within the years that are evaluated: see out_of_range


def parse_yuan(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise Refused(text("cli.not_yuan", value=raw))
    return value


def parse_count(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise Refused(text("cli.not_a_count", value=raw))
    return value


def parse_date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Refused(text("cli.not_a_date", value=raw)) from None


def out_of_range(args: argparse.Namespace) -> Text | None:
    """An as-of date or a year outside what is evaluated (limits.py): a year before or
    after it must still be a date."""
    first, last = FIRST_DATE, LAST_DATE
    if args.as_of is not None and date_problem(args.as_of) is not None:
        span = text("cli.span", first=written_text(first), last=written_text(last))
        return text("cli.as_of_out_of_range", date=written_text(args.as_of), span=span)
    if args.year is not None and not first.year <= args.year <= last.year:
        return text("cli.year_out_of_range", year=args.year, first=first.year, last=last.year)
    return None



def default_as_of(year: int | None) -> dt.date:
    """Today; but for an earlier --year, its last day, so that year's values apply."""
    today = dt.date.today()
    return min(today, dt.date(year, 12, 31)) if year is not None else today


# The help of each option is the catalogue's (cli.option, see parser.py).

def add_inputs(parser: argparse.ArgumentParser, metavar: str) -> None:
    parser.add_argument("inputs", nargs="+", metavar=metavar)


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...]) -> None:
    parser.add_argument("--format", choices=choices, default="text")


def add_output(parser: argparse.ArgumentParser, help: str | None = None,
               metavar: str = "PATH", required: bool = False) -> None:
    parser.add_argument("-o", "--output", metavar=metavar, help=help, required=required)


def add_year(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--year", type=parse_year, required=required, metavar="YEAR")


def add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=parse_date, metavar="DATE")


def add_lang(parser: argparse.ArgumentParser) -> None:
    """``--lang``; its default is the language chosen before parsing (parser.chosen_lang),
    so that the ``QIANBAI_LANG`` setting holds where ``--lang`` is not given."""
    parser.add_argument("--lang", choices=LANGS, default=getattr(parser, "lang", "zh"))


def add_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, metavar="DIR")


def add_engine(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=("durable", "plain"), default="durable")


def add_db(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--db", metavar="FILE", required=required)


def add_force(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    parser.add_argument("--force", action="store_true", help=help)


def add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true")


def add_sidecars(parser: argparse.ArgumentParser) -> None:
    """The inspection's files (三（五）): the inspection, attestations, waivers."""
    for name in ("--inspection", "--attestations", "--waivers"):
        parser.add_argument(name, metavar="FILE")
