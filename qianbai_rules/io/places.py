"""Where a record is, in the user's own terms: the position each reader gives a record
(``设施!row 3``, ``row 3``, ``record 2``, ``line 5``: the JSON ``position``, a contract) and
the sentence that puts an error there, as the user sees the file: the sheet, the row, the
column letter and the header the user wrote in a spreadsheet; the record (its id, else its
place) and the field's label in a YAML, JSON or JSON Lines file.

``“设施”表第3行AP列（运营日期）：2019年2月没有30日`` / ``sheet 设施, row 3, column AP
(运营日期): 2019 has no 30 February``. The readers make positions only through this module,
and the located texts are made only here, when a record is rejected (never for a valid one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from qianbai_rules.core.problems import Text
from qianbai_rules.model.fields import FIELDS
from qianbai_rules.model.validation import column_index, column_letters
from qianbai_rules.texts.labels import text

_ROW: Final = "row "
_POSITION: Final = re.compile(r"(?:(?P<sheet>.*)!)?(?P<kind>row|record|line) (?P<number>\d+)",
                              re.DOTALL)


def sheet_row(sheet: str, number: int) -> str:
    """The position of a row of a workbook's sheet."""
    return f"{sheet}!{_ROW}{number}"


def table_row(number: int) -> str:
    """The position of a row of a CSV table."""
    return f"{_ROW}{number}"


def document_record(index: int) -> str:
    """The position of the ``index``-th record of a YAML or JSON document."""
    return f"record {index}"


def file_line(number: int) -> str:
    """The position of a line of a JSON Lines file."""
    return f"line {number}"


def place(position: str | None) -> Text | None:
    """How a message names a position: “设施”表第3行, 第3行, 第2条记录 (None: not one of
    the positions this module makes)."""
    found = _POSITION.fullmatch(position) if position else None
    if found is None:
        return None
    number, sheet = int(found["number"]), found["sheet"]
    if sheet is not None:
        return text("location.sheet_row", sheet=sheet, row=number)
    kind = found["kind"]
    return text(f"location.{kind}", **{"row": number, "record": number, "line": number,
                                        "index": number})


def header_place(sheet: str | None, row: int, column: int) -> Text:
    """Where a header is: the header row's cell (“设施”表第1行F列)."""
    at = (text("location.sheet_row", sheet=sheet, row=row) if sheet is not None
          else text("location.row", row=row))
    return text("location.column", place=at, column=column_letters(column))


def located(where: Text | None, message: Text) -> Text:
    """A message with where it is, or the message alone when nothing places it."""
    return message if where is None else text("location.located", where=where, message=message)


def where(position: str | None, label: str | None, columns: Sequence[str],
          field: str | None) -> Text | None:
    """Where a record's error is: in a spreadsheet the row and the column with the header
    the user wrote; in a document the record (by ``label``, its id, where it has one) and
    the field's label."""
    at = place(position)
    if columns:
        if at is None:
            return None
        column = column_index(columns, field)
        if column is None:
            return at
        return text("location.header", place=at, column=column_letters(column + 1),
                    header=columns[column])
    if label is not None and label != position:
        at = text("location.record_id", id=label)
    spec = FIELDS.get(field) if field is not None else None
    if at is None or spec is None:
        return at
    return text("location.field", place=at, field=Text(spec.label_zh, spec.label_en))


def joined(messages: Sequence[Text]) -> Text:
    """Several messages of one record as one text, in order (in Chinese a message that
    ends with its own question mark needs no semicolon after it)."""
    if len(messages) == 1:
        return messages[0]
    separator = text("location.separator")
    zh = "".join(f"{m.zh}{'' if m.zh.endswith('？') else separator.zh}" for m in messages[:-1])
    return Text(zh + messages[-1].zh, separator.en.join(m.en for m in messages))
