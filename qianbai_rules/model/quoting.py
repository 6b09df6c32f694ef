"""How a message quotes a refused value (one way for every field)."""

from __future__ import annotations

from qianbai_rules.core.problems import Text
from qianbai_rules.core.safetext import MAX_QUOTED, clipped, quoted


def shown(value: object) -> Text | str:
    """A refused value as a message quotes it: text in Chinese quotation marks in Chinese
    (“abc”), as Python writes it in English ('abc'), cut and escaped as
    :func:`~qianbai_rules.core.safetext.quoted` does; other values as they are written."""
    if isinstance(value, str):
        return Text(f"“{clipped(value, MAX_QUOTED)}”", quoted(value))
    return quoted(value)
