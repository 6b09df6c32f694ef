"""Rates as the evaluation shows and stores them: a share to four places, rounded half up
(as a hand count, and a spreadsheet showing it, rounds), never the binary float's half even."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

RATE_PLACES = Decimal("0.0001")


def completion_rate(done: int, target: int) -> float | None:
    """``done`` over ``target`` to four places, half up (as a hand count rounds); None
    without a target."""
    if not target:
        return None
    return float((Decimal(done) / Decimal(target)).quantize(RATE_PLACES, ROUND_HALF_UP))
