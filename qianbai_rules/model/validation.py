"""Raw input mappings to validated records, with errors that say which field and why."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from qianbai_rules.core.limits import MAX_AREA_M2, MAX_COUNT, MAX_LIST_ITEMS
from qianbai_rules.core.problems import Text
from qianbai_rules.core.safetext import MAX_QUOTED, clipped, quoted
from qianbai_rules.model.creditcode import CreditCodeError
from qianbai_rules.model.fields import BY_LABEL, FIELDS, GROUPS, FieldSpec, Kind, nest
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.values import MAX_ID_LENGTH, ValueProblem

FieldError = tuple[str | None, Text]


def _flatten(raw: Mapping[Any, Any], prefix: str, out: dict[str, Any],
             errors: list[FieldError]) -> None:
    for key, value in raw.items():
        if not isinstance(key, str):
            shown = quoted(key)
            errors.append((shown, Text(f"字段名应为文本，实际为 {shown}",
                                       f"a field name must be text, got {shown}")))
            continue
        name = key.strip()
        name = BY_LABEL.get(name, name) if not prefix else name
        full = f"{prefix}{name}"
        if full in GROUPS and isinstance(value, Mapping):
            _flatten(value, f"{full}.", out, errors)
        elif full in GROUPS:
            got = quoted(value)
            errors.append((full, Text(f"{full} 应为包含子字段的映射（如 {full}.…），实际为 {got}",
                                      f"{full} must be a mapping of its fields, got {got}")))
        elif full in FIELDS:
            if full in out:
                errors.append((full, Text("同一字段出现了两次", "the field is given twice")))
            elif value is not None and value != "":
                out[full] = value
        else:
            shown = clipped(full, MAX_QUOTED)
            errors.append((shown, _unknown_field(shown)))


def _unknown_field(name: str) -> Text:
    leaf = name.rsplit(".", 1)[-1]
    close = [f for f in FIELDS if f.rsplit(".", 1)[-1] == leaf or f.startswith(f"{name}.")]
    close = close or difflib.get_close_matches(name, [*FIELDS, *BY_LABEL], n=1, cutoff=0.75)
    hint_zh = f"；是否应为 {close[0]}？" if close else ""
    hint_en = f"; did you mean {close[0]}?" if close else ""
    return Text(f"未知字段 {name}{hint_zh}", f"unknown field {name}{hint_en}")


def _expected(spec: FieldSpec) -> Text:
    codes = "、".join(f"{c}（{spec.code_name(c)}）" for c in spec.codes)
    codes_en = ", ".join(spec.codes)
    return {
        Kind.boolean: Text("是/否（true/false）", "true or false"),
        Kind.number: Text(f"大于 0 且不超过 {MAX_AREA_M2} 的数", f"a number > 0 and <= {MAX_AREA_M2}"),
        Kind.integer: Text(f"0 至 {MAX_COUNT} 的整数", f"a whole number from 0 to {MAX_COUNT}"),
        Kind.text: Text("非空文本（不超过 500 字）", "non-empty text of at most 500 characters"),
        Kind.code: Text(f"以下之一：{codes}", f"one of: {codes_en}"),
        Kind.date: Text("日期，格式 YYYY-MM-DD", "a date written YYYY-MM-DD"),
        Kind.text_list: Text(f"不超过 {MAX_LIST_ITEMS} 项的文本列表",
                             f"a list of at most {MAX_LIST_ITEMS} texts"),
        Kind.code_list: Text(f"不超过 {MAX_LIST_ITEMS} 项的列表，每项为以下之一：{codes}",
                             f"a list of at most {MAX_LIST_ITEMS} of: {codes_en}"),
    }[spec.kind]


def _field_name(loc: tuple[int | str, ...]) -> str:
    """The record field an error is about: union members and list indexes stripped."""
    parts = [str(p) for p in loc if not isinstance(p, int)]
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in FIELDS:
            return name
    return ".".join(parts)


def _field_error(error: ErrorDetails) -> FieldError:
    name = _field_name(error["loc"])
    got = error.get("input")
    got_text = quoted(got) if not isinstance(got, Mapping) else "…"
    if error["type"] == "missing":
        return name, Text("缺少必填字段", "required field is missing")
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, CreditCodeError | ValueProblem):  # says what was expected and why
        return name, cause.text
    spec = FIELDS.get(name)
    if spec is None:
        return name or None, Text(f"无效：{error['msg']}", f"invalid: {error['msg']}")
    expected = _expected(spec)
    return name, Text(f"应为{expected.zh}，实际为 {got_text}",
                      f"expected {expected.en}, got {got_text}")


def parse_record(raw: Any) -> FacilityRecord | list[FieldError]:
    """Validate one raw record; return the record or every field error found."""
    if not isinstance(raw, Mapping):
        return [(None, Text(f"一条记录应为键值映射，实际为 {type(raw).__name__}",
                            f"a record must be a mapping, got {type(raw).__name__}"))]
    flat: dict[str, Any] = {}
    errors: list[FieldError] = []
    _flatten(raw, "", flat, errors)
    if errors:
        return errors
    try:
        record = FacilityRecord.model_validate(nest(flat))
    except ValidationError as exc:
        found: dict[str | None, Text] = {}
        for error in exc.errors(include_url=False):
            field, message = _field_error(error)
            found.setdefault(field, message)
        return list(found.items())
    status = record.status
    if status.opened_on and status.closed_on and status.closed_on < status.opened_on:
        return [("status.closed_on", Text(
            f"停运日期 {status.closed_on} 早于开始运营日期 {status.opened_on}",
            f"the closing date {status.closed_on} is before the opening date {status.opened_on}"))]
    return record


def record_label(raw: Any, position: str) -> str:
    """How a record is named in messages: its id when it has one, else its position
    (the position is reported beside it too). Text that UTF-8 cannot hold is escaped."""
    if isinstance(raw, Mapping):
        for key in ("id", "编号"):
            value = raw.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                return clipped(str(value), MAX_ID_LENGTH + 1)
    return position


def column_of(headers: tuple[str, ...], field: str | None) -> str | None:
    """The spreadsheet column (A, B, …, AA) whose header names ``field``."""
    if not headers or field is None:
        return None
    for index, header in enumerate(headers):
        if BY_LABEL.get(header, header) == field:
            return column_letters(index + 1)
    return None


def column_letters(number: int) -> str:
    """A spreadsheet column's name as Excel shows it: 1 is A, 26 Z, 27 AA, 16384 XFD."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
