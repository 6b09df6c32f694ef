"""Text from input shown to people without being able to act: one sanitiser for every
human-facing output (terminal messages, text, Markdown and HTML reports, the progress
line) and one for workbook cells.

A character that a terminal, a viewer or Excel would act on rather than show is made
visible as a Python-style escape (ESC as ``\\x1b``, RIGHT-TO-LEFT OVERRIDE as ``\\u202e``):
control characters (C0, DEL, C1, so also line breaks and tabs), format characters
(Unicode category Cf: zero-width space, word joiner, soft hyphen, BOM, bidirectional
controls, ...), line and paragraph separators, lone surrogates and non-characters.
JSON output keeps the exact data: JSON escaping already makes it harmless.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Categories Cc, Cf, Cs, Zl and Zp (Unicode 14, as Python 3.11 knows them) and the
# non-characters U+FDD0–U+FDEF and U+xFFFE/U+xFFFF of every plane; tests/test_hostile_text.py
# checks this class against unicodedata.
_UNSAFE_CLASS: Final = (
    "\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufdd0-\ufdef\ufeff"
    "\ufff9-\ufffb\ufffe-\uffff\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}-{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
)
UNSAFE: Final = re.compile(f"[{_UNSAFE_CLASS}]")
# In a workbook cell a line break is shown as one; everything else unsafe is escaped.
_UNSAFE_IN_CELL: Final = re.compile(f"(?!\n)[{_UNSAFE_CLASS}]")
# In rendered layout (template text) line breaks and tabs are the layout's own.
_UNSAFE_IN_LAYOUT: Final = re.compile(f"(?![\n\t])[{_UNSAFE_CLASS}]")
_SHORT: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# What Excel (or a CSV import of the sheet) would read as the start of a formula (OWASP).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


# Characters shown as nothing or as a blank that is not a space: Default_Ignorable_Code_Point
# (Unicode 15, DerivedCoreProperties.txt: soft hyphen, combining grapheme joiner, Hangul
# fillers U+115F/U+1160/U+3164/U+FFA0, variation selectors, zero-width and bidirectional
# format characters, tags) and U+2800 BRAILLE PATTERN BLANK. An id or a name holding one
# looks exactly like one without it (tests/test_hostile_values.py checks those issue 11 names).
_INVISIBLE_CLASS: Final = (
    "\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
INVISIBLE: Final = re.compile(f"[{_INVISIBLE_CLASS}]")


def escape(char: str) -> str:
    """One character as a visible escape: ``\\n``, ``\\x1b``, ``\\u202e``, ``\\U000e0001``."""
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escaped(match: re.Match[str]) -> str:
    return escape(match.group())


def visible(text: str) -> str:
    """Text on one line with nothing a terminal or viewer acts on: every unsafe character
    (line breaks too) replaced by its escape. Safe text comes back unchanged."""
    if text.isprintable():  # fast path: every unsafe character is non-printable
        return text
    return UNSAFE.sub(_escaped, text)


def visible_lines(text: str) -> str:
    """:func:`visible` for text whose line breaks and tabs are its own layout (a rendered
    template whose record values were each made visible already)."""
    return _UNSAFE_IN_LAYOUT.sub(_escaped, text) if _UNSAFE_IN_LAYOUT.search(text) else text


def first_unsafe(text: str) -> tuple[int, str] | None:
    """The first unsafe character of ``text`` and its position (1-based), if any."""
    match = UNSAFE.search(text)
    return None if match is None else (match.start() + 1, match.group())


def first_invisible(text: str) -> tuple[int, str] | None:
    """The first invisible character of ``text`` (see ``INVISIBLE``) and its position."""
    match = INVISIBLE.search(text)
    return None if match is None else (match.start() + 1, match.group())


MAX_QUOTED: Final = 80  # characters of a value a message quotes


def quoted(value: object, limit: int = MAX_QUOTED) -> str:
    """A value as a message quotes it: its ``repr``, cut to ``limit`` characters with an
    ellipsis (a 200,000-character value is not echoed whole), text UTF-8 cannot hold
    (a lone surrogate) escaped."""
    text = repr(value)
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def clipped(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters with an ellipsis, UTF-8-safe (see :func:`quoted`)."""
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def char_name(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: a character as a message names it."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def cell_text(text: str) -> tuple[str, bool]:
    """A text for a workbook cell: unsafe characters escaped (line breaks kept), and
    whether it must be stored as literal text because Excel would read it as a formula."""
    if _UNSAFE_IN_CELL.search(text):
        text = _UNSAFE_IN_CELL.sub(_escaped, text)
    return text, text.startswith(_FORMULA_START)
