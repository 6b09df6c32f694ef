"""The command line's parser in its user's language.

Every word the parser shows comes from the catalogue (labels.yaml, ``cli:``): argparse's
own words ("usage:", its headings, its errors) through the one function argparse asks for
them, ``gettext``, swapped for the catalogue's while a parser is built and used
(:func:`speaking`); the help of every command and option by the command's and the
option's name (``cli.command.<command>``, ``cli.option.<command>.<dest>`` then
``cli.option.<dest>``); metavars by their English name (``cli.metavar``). A help text
given in code is used only where the catalogue has none.

The language is known before parsing (:func:`chosen_lang`): ``--lang`` on the command
line, else the ``QIANBAI_LANG`` setting, else Chinese.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.problems import Lang, Text
from qianbai_rules.texts.formats import display_width, label_or, listing
from qianbai_rules.texts.labels import label
from qianbai_rules.texts.suggest import nearest

LANG_SETTING: Final = "QIANBAI_LANG"
LANGS: Final = ("zh", "en")

# argparse's messages (CPython's argparse.py, by their English msgid) -> catalogue keys
# under ``cli.argparse``; argparse fills their %(name)s and %s itself.
_ARGPARSE: Final = {
    "usage: ": "usage",
    "positional arguments": "positionals",
    "options": "options",
    "show this help message and exit": "help",
    "%(prog)s: error: %(message)s\n": "error",
    "argument %(argument_name)s: %(message)s": "argument",
    "the following arguments are required: %s": "required",
    "unrecognized arguments: %s": "unrecognized",
    "expected one argument": "expected_one",
    "expected at most one argument": "expected_at_most_one",
    "expected at least one argument": "expected_at_least_one",
    "expected %s argument": "expected_n",
    "expected %s arguments": "expected_n",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "not allowed with argument %s": "not_allowed_with",
    "ignored explicit argument %r": "ignored_explicit",
    "one of the arguments %s is required": "one_required",
    "invalid %(type)s value: %(value)r": "invalid_value",
}


def chosen_lang(argv: Sequence[str]) -> Lang:
    """The language of this run's messages: ``--lang X`` (or ``--lang=X``) wherever it is
    on the command line, else the ``QIANBAI_LANG`` setting, else Chinese."""
    arguments = list(argv)
    for i, argument in enumerate(arguments):
        value = (arguments[i + 1] if argument == "--lang" and i + 1 < len(arguments)
                 else argument.removeprefix("--lang=") if argument.startswith("--lang=")
                 else None)
        if value in LANGS:
            return "en" if value == "en" else "zh"
    return "en" if os.environ.get(LANG_SETTING, "").strip().lower() == "en" else "zh"


def _argparse_text(message: str, lang: Lang) -> str:
    key = _ARGPARSE.get(message)
    return message if key is None else label(f"cli.argparse.{key}", lang)


@contextlib.contextmanager
def speaking(lang: Lang) -> Iterator[None]:
    """argparse's own words in ``lang`` while the block runs: argparse looks every one up
    through its module's ``_`` and ``ngettext`` (gettext), here the catalogue's."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def gettext(message: str) -> str:
        return _argparse_text(message, lang)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return _argparse_text(singular if n == 1 else plural, lang)

    argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class Refused(QianbaiError, ValueError):
    """A value an option's type function refuses, with why in both languages."""

    def __init__(self, why: Text) -> None:
        super().__init__(why.en)
        self.why = why


_PIECE: Final = re.compile(r" ?[!-~]+| |.")  # an ASCII word (with the space before it), or a character


_NO_LINE_START: Final = frozenset("，。、；：？！）》」』”’")  # closing marks stay on their line


def _wrapped(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, a wide character counting two: Chinese has no
    spaces to break at, so a line breaks between characters, never inside an ASCII word."""
    lines: list[str] = []
    line = ""
    for piece in _PIECE.findall(" ".join(text.split())):
        if line and display_width(line + piece) > width and piece not in _NO_LINE_START:
            lines.append(line)
            line, piece = "", piece.lstrip()
        line += piece
    return [*lines, line] if line else lines


class _Formatter(argparse.HelpFormatter):
    """argparse's layout, measured in columns (a Chinese character takes two)."""

    lang: Lang = "zh"

    class _Section(argparse.HelpFormatter._Section):
        def format_help(self) -> str:
            shown = super().format_help()
            if not isinstance(self.heading, str) or not isinstance(self.formatter, _Formatter):
                return shown
            heading = label("cli.argparse.heading", self.formatter.lang, heading=self.heading)
            return shown.replace(f"{self.heading}:\n", f"{heading}\n", 1)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _wrapped(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in _wrapped(text, width - len(indent)))

    def _format_action(self, action: argparse.Action) -> str:
        """argparse pads an option's name to the help column by its length in characters:
        take back the columns its wide characters (a Chinese metavar) take beyond that."""
        shown = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        extra = display_width(invocation) - len(invocation)
        start = shown.find(invocation)
        if extra and start >= 0:
            end = start + len(invocation)
            padding = len(shown[end:]) - len(shown[end:].lstrip(" "))
            if padding >= extra + 2:
                shown = shown[:end] + shown[end + extra:]
            elif shown[end:end + 1] == " ":  # too wide after all: help on the next line
                column = min(self._action_max_length + 2, self._max_help_position)
                shown = f"{shown[:end]}\n{' ' * column}{shown[end + padding:]}"
        return shown


class _Commands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Subcommands whose help and description are the catalogue's, built in the parser's
    language."""

    lang: Lang = "zh"

    def add_parser(self, name: str, **kwargs: Any) -> Parser:
        command = f"{self._prog_prefix} {name}".split(" ", 1)[1].replace(" ", "_")
        line = label_or(f"cli.command.{command}", self.lang, kwargs.get("help") or "")
        kwargs["help"] = line
        kwargs["description"] = label_or(f"cli.command_description.{command}", self.lang,
                                         kwargs.get("description") or line)
        parser = super().add_parser(name, lang=self.lang, command=command, **kwargs)
        assert isinstance(parser, Parser)
        return parser


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks ``lang`` (build and use it inside :func:`speaking`),
    suggests the nearest choice of a mistyped value, and takes its help texts from the
    catalogue."""

    def __init__(self, *args: Any, lang: Lang = "zh", command: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        self.lang: Lang = lang
        self.command = command
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _Commands)

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter = super()._get_formatter()
        if isinstance(formatter, _Formatter):
            formatter.lang = self.lang
        return formatter

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("metavar", label("cli.metavar.COMMAND", self.lang))
        commands = super().add_subparsers(**kwargs)
        if isinstance(commands, _Commands):
            commands.lang = self.lang
        return commands

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        own = f"cli.option.{self.command}.{action.dest}" if self.command else None
        shared = f"cli.option.{action.dest}"
        for key in (own, shared):
            if key is not None and (found := label_or(key, self.lang, "")):
                action.help = found.replace("%", "%%")
                break
        if isinstance(action.metavar, str):
            action.metavar = label_or(f"cli.metavar.{action.metavar}", self.lang,
                                      action.metavar)
        if action.type is not None and callable(action.type):
            action.type = _typed(action.type, self.lang)
        return action

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """A value outside the choices: the choices, and the nearest one as a suggestion."""
        if action.choices is None or value in action.choices:
            return
        choices = [str(choice) for choice in action.choices]
        message = label("cli.invalid_choice", self.lang, value=value,
                        choices=listing(choices, self.lang))
        near = nearest(str(value), choices)
        if near is not None:
            message += label("cli.did_you_mean", self.lang, word=near)
        raise argparse.ArgumentError(action, message)


def _typed(parse: Callable[[str], object], lang: Lang) -> Callable[[str], object]:
    """``parse`` with its refusal (:class:`Refused`) in ``lang``, as argparse shows it."""
    def parsed(raw: str) -> object:
        try:
            return parse(raw)
        except Refused as exc:
            raise argparse.ArgumentTypeError(exc.why(lang)) from None
    parsed.__name__ = getattr(parse, "__name__", "value")
    return parsed
