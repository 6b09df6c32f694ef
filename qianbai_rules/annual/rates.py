"""Rounding as the evaluation shows and stores its numbers: half up (as a hand count, and a
spreadsheet showing it, rounds), never the binary float's half even. A rate is a share to
four places; a score has one."""

from __future__ import annotations

from fractions import Fraction
from math import floor

PLACES = 1  # a score's decimal places
RATE_PLACES = 4  # a rate's


def half_up(value: Fraction, places: int = PLACES) -> Fraction:
    """``value`` rounded to ``places`` decimals, halves away from 0 (scores are never
    negative): 24.95 is 25.0, 89.94 is 89.9."""
    scale = 10 ** places
    sign = -1 if value < 0 else 1
    return sign * Fraction(floor(abs(value) * scale + Fraction(1, 2)), scale)


def completion_rate(done: int, target: int) -> float | None:
    """``done`` over ``target`` to four places, half up; None without a target."""
    return float(half_up(Fraction(done, target), RATE_PLACES)) if target else None
