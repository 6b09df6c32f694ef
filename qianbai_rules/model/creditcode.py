"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

A code has 18 characters from the code alphabet: the digits and the capital letters
without I, O, S, V and Z. The 18th is a check character over the first 17: each
character's value (its place in the alphabet) times its weight, summed; the check value
is 31 − (sum mod 31), where 31 means 0.

Lower-case letters are accepted and upper-cased, because officials type them and a
spreadsheet does not tell the difference at a glance; the code is kept and shown upper-case.
Nothing else is changed: a full-width character, a space or a hyphen inside the code is
refused, so that what is stored is exactly what the certificate shows. Only the check
character is verified, not the registration authority, area or organisation-code parts.
"""

from __future__ import annotations

import string
from typing import Final

from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.problems import Text
from qianbai_rules.model.quoting import shown
from qianbai_rules.texts.labels import text

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH: Final = 18
_VALUE: Final = {character: value for value, character in enumerate(ALPHABET)}
_UPPER: Final = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)  # ASCII only
# The JSON Schema's form of a code (either case, as accepted).
PATTERN: Final = "^[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{18}$"


class CreditCodeError(QianbaiError, ValueError):
    """Why a text is not a unified social credit code, in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def check_character(first17: str) -> str:
    """The check character of the first 17 characters of a code (already validated)."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _expected(reason: Text, given: str) -> CreditCodeError:
    given = given if len(given) <= 40 else given[:40] + "…"
    return CreditCodeError(text("problem.credit_code", given=shown(given), reason=reason))


def normalize(value: str) -> str:
    """The code, upper-cased, or :class:`CreditCodeError` saying what is wrong with it."""
    given = value.strip()
    code = given.translate(_UPPER)
    if len(code) != LENGTH:
        raise _expected(text("problem.credit_code_reason.length", count=len(code)), given)
    for position, character in enumerate(code, start=1):
        if character not in _VALUE:
            char = given[position - 1]
            raise _expected(text("problem.credit_code_reason.character", position=position,
                                 char=Text(char, repr(char))), given)
    expected = check_character(code[:17])
    if code[17] != expected:
        raise _expected(text("problem.credit_code_reason.check", expected=expected,
                             given=code[17]), given)
    return code
