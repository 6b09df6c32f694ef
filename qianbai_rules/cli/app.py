"""The ``qianbai`` command: the parser assembled from one module per command, the
dispatch, and what every run shares (streams that report failure, signals, clean-up).

Exit status: 2 when anything could not be read or evaluated (the rest is still
evaluated and written); else 1 when a record is non_compliant or incomplete; else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import TextIO

from qianbai_rules import __version__
from qianbai_rules.cli import check, evaluate, history, rules, template
from qianbai_rules.cli.common import policy
from qianbai_rules.cli.options import USAGE_ERROR, out_of_range
from qianbai_rules.core.problems import Lang
from qianbai_rules.io import writing
from qianbai_rules.io.streams import Checked, StreamError, checked_stderr, checked_stdout

# Modules that only some commands need are imported by those commands: every import
# counts in the time of checking one record.


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qianbai",
        description="江北区社区养老服务“千百工程”合规检查 / Jiangbei Qianbai compliance engine.",
        epilog="Example: qianbai check examples/ --format json --as-of 2019-12-31")
    parser.add_argument("--version", action="version", version=f"qianbai {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    check.add_parser(commands)
    evaluate.add_parser(commands)
    history.add_parser(commands)
    rules.add_parser(commands)
    template.add_parsers(commands)
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
        print(f"qianbai: {exc.text(_lang(argv))}", file=checked_err)
        status = USAGE_ERROR
    except KeyboardInterrupt:
        status = 130
    except _Terminated as exc:
        status = 128 + exc.signum
    finally:
        writing.cleanup()
    checked_err.flush()
    return max(status, USAGE_ERROR) if checked_err.failed else status


def _lang(argv: Sequence[str] | None) -> Lang:
    """The message language when the arguments could not be acted on (``--lang en``)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    for option, value in itertools.pairwise(arguments):
        if option == "--lang" and value == "en":
            return "en"
    return "zh"


def _main(argv: Sequence[str] | None, out: Checked, err: Checked) -> int:
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            args = _parser().parse_args(argv)
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
    if args.command == "template":
        return template.template_command(args, out, err)
    if args.command == "rules":
        return rules.command(args, out, err)
    return template.schema_command(args, out, err)
