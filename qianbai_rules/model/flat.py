"""The flat record: a validated record's leaf fields by dotted name, built once per record.

Both evaluators read it, the eligibility decision and the subsidy amounts read it, and
the reports take the observed values from it. Values are as JSON has them: dates as ISO
text, codes as their values, lists as lists; a field the record does not give is not in
it (absent, so unknown to the rules, never false). It is a dict, for the speed of the
evaluators' lookups, that refuses to be changed after it is built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from itertools import groupby
from typing import Any, Final, NoReturn

from qianbai_rules.model.fields import FIELDS, Kind
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
        """The record's leaf fields in catalogue order, as ``model_dump(mode="json",
        exclude_none=True)`` flattened gives them (read from the field table: a third of
        the time). Made once per record: the record remembers it (see :func:`remember`)."""
        flat = record.__dict__.get(_MEMO)
        if flat is None:
            flat = cls(_leaves(record))
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



def _code(value: StrEnum) -> str:
    return str(value)


def _date(value: dt.date) -> str:
    return value.isoformat()


def _codes(value: list[StrEnum]) -> list[str]:
    return [str(code) for code in value]


def _texts(value: list[str]) -> list[str]:
    return list(value)


# How pydantic's JSON mode writes a validated value of each kind (the others as they are).
_JSON: Final[dict[Kind, Callable[[Any], Value]]] = {
    Kind.code: _code, Kind.date: _date, Kind.code_list: _codes, Kind.text_list: _texts}

Leaf = tuple[str, str, Callable[[Any], Value] | None]  # attribute, dotted name, to JSON
# The catalogue in its order, cut where the group a field is in changes: (the path of
# group attributes from the record, that group's leaves).
_RUNS: Final[tuple[tuple[tuple[str, ...], tuple[Leaf, ...]], ...]] = tuple(
    (path, tuple((spec.name.rsplit(".", 1)[-1], spec.name, _JSON.get(spec.kind))
                 for spec in specs))
    for path, specs in groupby(FIELDS.values(), key=lambda spec: tuple(spec.name.split(".")[:-1])))


def _leaves(record: FacilityRecord) -> dict[str, Value]:
    flat: dict[str, Value] = {}
    for path, leaves in _RUNS:
        node: Any = record
        for group in path:
            node = getattr(node, group)
        values = node.__dict__
        for attribute, name, to_json in leaves:
            value = values[attribute]
            if value is not None:
                flat[name] = value if to_json is None else to_json(value)
    return flat


def remember(record: FacilityRecord, flat: FlatRecord) -> None:
    """Keep ``flat`` as the record's flat form, made when the record was (model.fast)."""
    record.__dict__[_MEMO] = flat
