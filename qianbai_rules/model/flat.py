"""The flat record: a validated record's leaf fields by dotted name, built once per record.

Both evaluators read it, the eligibility decision and the subsidy amounts read it, and
the reports take the observed values from it. Values are as JSON has them: dates as ISO
text, codes as their values, lists as lists; a field the record does not give is not in
it (absent, so unknown to the rules, never false). It is a dict, for the speed of the
evaluators' lookups, that refuses to be changed after it is built.
"""

from __future__ import annotations

from typing import Any, NoReturn

from qianbai_rules.model.fields import flatten
from qianbai_rules.model.record import FacilityRecord

Value = bool | int | float | str | list[Any]  # list items are text or codes


# Where a record keeps its flat form once made. The record is frozen, so it cannot go stale;
# pydantic leaves a name that is not a field out of ==, hashing, dumps and iteration (it is
# how it supports functools.cached_property), and the leading underscore out of __iter__.
_MEMO = "_flat_record"


class FlatRecord(dict[str, Value]):
    """A record's present leaf fields by dotted name (see the field catalogue), read-only."""

    __slots__ = ()

    @classmethod
    def of(cls, record: FacilityRecord) -> FlatRecord:
        """The record's leaf fields in catalogue order; absent (None) fields left out. (Dumped
        by pydantic's core, then flattened: faster than a walk of the model in Python.)
        Made once per record: the record remembers it (see :func:`remember`)."""
        flat = record.__dict__.get(_MEMO)
        if flat is None:
            flat = cls(flatten(record.model_dump(mode="json", exclude_none=True)))
            remember(record, flat)
        return flat

    def whole(self, name: str | None) -> int | None:
        """A whole-number field's value; None where the field is absent or not named."""
        value = self.get(name) if name else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def __reduce__(self) -> tuple[type[FlatRecord], tuple[dict[str, Value]]]:
        return FlatRecord, (dict(self),)

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("a flat record is read-only")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = __ior__ = _refuse



def remember(record: FacilityRecord, flat: FlatRecord) -> None:
    """Keep ``flat`` as the record's flat form, made when the record was (model.fast)."""
    record.__dict__[_MEMO] = flat
