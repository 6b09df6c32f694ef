"""The JSON text of every output: one spelling, so the same input gives the same bytes."""

from __future__ import annotations

import json
from typing import Any


def compact_json(value: Any) -> str:
    """One line: JSON Lines records, and the pieces they are assembled from."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def indented_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, separators=(",", ": "))
