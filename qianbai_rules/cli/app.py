"""The ``qianbai`` command: the parser assembled from one module per command, the
dispatch, and what every run shares (streams that report failure, signals, clean-up).

Exit status: 2 when anything could not be read or evaluated (the rest is still
evaluated and written); else 1 when a record is non_compliant or incomplete; else 0.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import TextIO

from qianbai_rules import __version__
from qianbai_rules.cli import (
    check,
    evaluate,
    history,
    options,
    rectification,
    rules,
    template,
    verify,
)
from qianbai_rules.cli.common import policy
from qianbai_rules.cli.options import USAGE_ERROR, out_of_range
from qianbai_rules.cli.parser import Parser, chosen_lang, speaking
from qianbai_rules.core.problems import Lang
from qianbai_rules.io import writing
from qianbai_rules.io.streams import Checked, StreamError, checked_stderr, checked_stdout
from qianbai_rules.texts.labels import label

# Modules that only some commands need are imported by those commands: every import
# counts in the time of checking one record.


def _parser(lang: Lang) -> Parser:
    parser = Parser(prog="qianbai", lang=lang,
                    description=label("cli.command_description.qianbai", lang),
                    epilog=label("cli.example", lang))
    parser.add_argument("--version", action="version", version=f"qianbai {__version__}")
    options.add_lang(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    check.add_parser(commands)
    evaluate.add_parser(commands)
    history.add_parser(commands)
    rectification.add_parser(commands)
    rules.add_parser(commands)
    template.add_parsers(commands)
    verify.add_parser(commands)
    return parser


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
        print(f"qianbai: {exc.text(chosen_lang(_arguments(argv)))}", file=checked_err)
        status = USAGE_ERROR
    except KeyboardInterrupt:
        status = 130
    except _Terminated as exc:
        status = 128 + exc.signum
    finally:
        writing.cleanup()
    checked_err.flush()
    return max(status, USAGE_ERROR) if checked_err.failed else status


def _arguments(argv: Sequence[str] | None) -> list[str]:
    return list(sys.argv[1:] if argv is None else argv)


def _main(argv: Sequence[str] | None, out: Checked, err: Checked) -> int:
    arguments = _arguments(argv)
    lang = chosen_lang(arguments)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out), speaking(lang):
            args = _parser(lang).parse_args(arguments)
    except SystemExit as exc:
        return USAGE_ERROR if exc.code else 0
    if args.command in ("check", "evaluate"):
        refused = out_of_range(args)
        if refused is not None:
            print(f"qianbai: {refused(args.lang)}", file=err)
            return USAGE_ERROR
        allowed = policy(args, err)
        if allowed is None:
            return USAGE_ERROR
        with writing.output_policy(allowed):
            return check.command(args, out, err) if args.command == "check" \
                else evaluate.command(args, out, err)
    if args.command == "history":
        return history.command(args, out, err)
    if args.command == "rectification":
        return rectification.command(args, out, err)
    if args.command == "verify":
        return verify.command(args, out, err)
    if args.command == "template":
        return template.template_command(args, out, err)
    if args.command == "rules":
        return rules.command(args, out, err)
    return template.schema_command(args, out, err)
