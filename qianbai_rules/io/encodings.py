"""A record file's bytes as text: UTF-8 (with or without a byte order mark), and GB18030
for tables; a text in another encoding (UTF-16, UTF-32, GB18030 outside a table) or a
binary file is named as such instead of being read as garbage.
"""

from __future__ import annotations

from qianbai_rules.core.problems import Problem
from qianbai_rules.io.sources import file_problem, not_utf8
from qianbai_rules.texts.labels import text

# How much of the start of a file the encoding is told from.
HEAD_BYTES = 8192
_GB18030_BOM = b"\x84\x31\x95\x33"


def as_text(source: str, data: bytes, allow_gb18030: bool) -> str | Problem:
    """A file's bytes as text, or why they cannot be read as text."""
    problem = encoding_problem(source, data[:HEAD_BYTES], allow_gb18030=allow_gb18030)
    if problem is not None:
        return problem
    try:
        return _decode(data, allow_gb18030=allow_gb18030)
    except UnicodeDecodeError as exc:
        return not_utf8(source, exc)


def _decode(data: bytes, allow_gb18030: bool) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if allow_gb18030:
            try:
                return data.decode("gb18030").removeprefix("\ufeff")
            except UnicodeDecodeError:
                pass
        raise


def encoding_problem(source: str, head: bytes, allow_gb18030: bool) -> Problem | None:
    """A text in an encoding other than UTF-8 (or GB18030 for tables), named as such."""
    name = None
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        name = "UTF-32"
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        name = "UTF-16"
    elif head.startswith(_GB18030_BOM) and not allow_gb18030:
        name = "GB18030"
    if name is not None:
        also = text("problem.input.encoding_table") if not allow_gb18030 else ""
        return file_problem(source, text("problem.input.encoding", name=name, also=also))
    if b"\x00" in head:
        return file_problem(source, text("problem.input.not_text"))
    return None


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte order mark: every other byte zero (for Latin text)."""
    sample = head[:512]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (odd.count(0) >= 0.4 * len(odd) and even.count(0) < 0.1 * len(even)) or (
        even.count(0) >= 0.4 * len(even) and odd.count(0) < 0.1 * len(odd))
