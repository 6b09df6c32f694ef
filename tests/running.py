"""The command run in this process, as the tests of whole workflows call it: its exit
status, its standard output as bytes (a PDF or a workbook written there stays whole) and
its standard error."""

from __future__ import annotations

import io

from qianbai_rules.cli.app import main


def run(*argv: str) -> tuple[int, bytes, str]:
    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    err = io.StringIO()
    status = main(list(argv), out, err)
    out.flush()
    return status, buffer.getvalue(), err.getvalue()
