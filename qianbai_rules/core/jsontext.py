"""The JSON text of every output: one spelling, so the same input gives the same bytes."""

from __future__ import annotations

import json
import re
from typing import Any, Final

import orjson

# Where orjson spells a value otherwise than json.dumps: a float below 1e-4 in magnitude
# (orjson 0.00001 or 1e-7, json 1e-05 and 1e-07). A string that only looks like one costs
# a slower encoding, never other bytes. Integers beyond 64 bits, lone surrogates and keys
# that are not strings make orjson refuse. NaN and infinities never reach an output: rule
# numbers and record values are refused unless finite (core/limits.py, model/values.py).
_SPELT_OTHERWISE: Final = re.compile(rb"\de-|(?<![\d.])0\.0000")


def compact_json(value: Any) -> str:
    """One line: JSON Lines records, and the pieces they are assembled from."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def compact_bytes(value: Any) -> bytes:
    """``compact_json(value)`` in UTF-8 (a lone surrogate escaped as the output files and
    standard output write it), made by orjson wherever that gives the same bytes."""
    try:
        data = orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError
        return utf8(compact_json(value))
    if (b"e-" in data or b"0.0000" in data) and _SPELT_OTHERWISE.search(data):  # `in`: fast
        return utf8(compact_json(value))
    # a copy: orjson's own bytes keep the whole buffer it wrote into (about 8 KB), which
    # the findings kept by the writers would hold on to
    return bytes(memoryview(data))


def utf8(text: str) -> bytes:
    """Text as the outputs write it: UTF-8, a character UTF-8 cannot hold escaped."""
    return text.encode("utf-8", "backslashreplace")


def indented_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, separators=(",", ": "))
