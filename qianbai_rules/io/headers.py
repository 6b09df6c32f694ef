"""The header row of a record table (a CSV file, a workbook's sheet) as both table readers
use it: which columns hold dates (a number there is Excel's serial day number), and which
headers name no field of the record.

A header that names no field is explained once per table, with the nearest known header
("表头“运营日其”无法识别，是否为“运营日期”？"), at the first row it rejects; the later rows
it rejects refer to that row. Its cells are not read as fields.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from qianbai_rules.core.limits import SERIALS_1904_OFFSET
from qianbai_rules.io.places import header_place, located, place, where
from qianbai_rules.model.dates import Serial
from qianbai_rules.model.fields import BY_LABEL, FIELDS, GROUPS, Kind
from qianbai_rules.model.validation import FieldError, did_you_mean
from qianbai_rules.texts.labels import text
from qianbai_rules.texts.suggest import nearest

# Digits in a date column of a CSV file: what Excel writes there for a date cell formatted
# as a number (43605 for 2019-05-20).
_SERIAL_TEXT: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)


@dataclass(frozen=True)
class Vocabulary:
    """What a table's headers may name: the facility record's fields (:data:`RECORD`), or
    the fields of another table read by the same readers (an inspection's files)."""

    by_label: Mapping[str, str]  # a header as people write it -> the field it names
    fields: Collection[str]  # the names a header may also be written as
    dates: Collection[str]  # the fields whose cells are dates


RECORD: Final = Vocabulary(BY_LABEL, {*FIELDS, *GROUPS},
                           frozenset(n for n, spec in FIELDS.items() if spec.kind is Kind.date))


class Header:
    """A table's header row: its headers as the user wrote them, in column order."""

    def __init__(self, names: Sequence[str], sheet: str | None = None, row: int = 1,
                 date1904: bool = False, vocabulary: Vocabulary = RECORD) -> None:
        self.names = tuple(names)
        # a number cell of a workbook in Excel's 1904 date system counts from 1904-01-01
        self._offset = SERIALS_1904_OFFSET if date1904 else 0
        self.sheet, self.row = sheet, row
        self._vocabulary = vocabulary
        fields = [vocabulary.by_label.get(name, name) for name in self.names]
        self.dates = tuple(name for name, field in zip(self.names, fields, strict=True)
                           if field in vocabulary.dates)
        self.unknown = {name: column for column, (name, field)
                        in enumerate(zip(self.names, fields, strict=True), start=1)
                        if field not in vocabulary.fields}
        self._explained: dict[str, str] = {}  # an unknown header: the row that explains it

    def cells(self, values: dict[str, Any]) -> dict[str, Any]:
        """A row's cells as the record model reads them: a number in a date column made an
        Excel serial number (:class:`~qianbai_rules.model.dates.Serial`), cells under
        headers that name no field left out (see :meth:`notes`)."""
        for name in self.dates:
            value = values.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                values[name] = Serial(value + self._offset)
            elif isinstance(value, str) and _SERIAL_TEXT.fullmatch(value):
                values[name] = Serial(float(value))
        for name in self.unknown:
            values.pop(name, None)
        return values

    def notes(self, present: Sequence[str], position: str) -> tuple[FieldError, ...]:
        """The errors of a row for the headers among ``present`` that name no field: the
        header explained with a suggestion at the first row, a reference to it after."""
        found: list[FieldError] = []
        for name in present:
            column = self.unknown.get(name)
            if column is None:
                continue
            first = self._explained.get(name)
            if first is None:
                self._explained[name] = position
                known = self._vocabulary
                hint = did_you_mean(nearest(name, [*known.by_label, *known.fields]))
                message = located(header_place(self.sheet, self.row, column),
                                  text("location.unknown_header", header=name, hint=hint))
            else:
                message = located(where(position, None, self.names, name), text(
                    "location.unknown_header_again", header=name, first=place(first) or first))
            found.append((name, message))
        return tuple(found)

