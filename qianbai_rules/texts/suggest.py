"""Did-you-mean: the nearest of the known words to one a person mistyped (a rule ID, a
field, a code, a spreadsheet header, an option's value)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Final

CUTOFF: Final = 0.6  # difflib's ratio below which a word is too far to be a typing slip


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The known word closest to ``word``, or None when none is close enough. Case is
    ignored in the comparison (``qb-area-station``) but the known word is returned as
    written; ties go to the first in ``choices``' sorted order, so the answer never
    depends on the order of a set."""
    known = sorted(set(choices))
    if not word or not known:
        return None
    folded = {choice.casefold(): choice for choice in reversed(known)}
    found = difflib.get_close_matches(word.casefold(), sorted(folded), n=1, cutoff=CUTOFF)
    return folded[found[0]] if found else None
