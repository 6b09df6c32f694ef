"""Records on standard input: YAML or JSON, and JSON Lines or a CSV table recognised by
their first lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qianbai_rules.core.problems import Problem
from qianbai_rules.io.csvtable import read_csv
from qianbai_rules.io.documents import read_document
from qianbai_rules.io.encodings import as_text
from qianbai_rules.io.jsonlines import json_line
from qianbai_rules.io.places import file_line
from qianbai_rules.io.sources import STDIN, InputItem


def read_stdin(data: bytes) -> Iterator[InputItem]:
    """Standard input: YAML or JSON, and JSON Lines or a CSV table recognised by their
    first lines (a table in GB18030 too)."""
    decoded = as_text(STDIN, data, allow_gb18030=True)
    if isinstance(decoded, Problem):
        yield decoded
        return
    kind = _sniff(decoded)
    if kind == ".csv":
        yield from read_csv(STDIN, decoded)
        return
    decoded = as_text(STDIN, data, allow_gb18030=False)  # GB18030 only in a table
    if isinstance(decoded, Problem):
        yield decoded
        return
    text = decoded
    if kind == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            yield from json_line(STDIN, file_line(number), line)
        return
    yield from read_document(STDIN, text, ".yaml")


def _sniff(text: str) -> str:
    """What standard input holds, from its first lines: JSON Lines (several lines each an
    object), a CSV table (a first line of comma-separated headers) or else YAML/JSON."""
    lines = [line.strip() for line in text.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and all(line.startswith("{") and line.endswith("}") for line in lines):
        return ".jsonl"
    first = lines[0] if lines else ""
    if ("," in first and first[0] not in "{[-#'\"&*!|>%@`"
            and not _MAPPING_KEY.search(first)):
        return ".csv"
    return ".yaml"


_MAPPING_KEY = re.compile(r":(\s|$)")
