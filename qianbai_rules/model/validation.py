"""Raw input mappings to validated records, with errors that say which field and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from qianbai_rules.core.limits import MAX_AREA_M2, MAX_COUNT, MAX_LIST_ITEMS
from qianbai_rules.core.problems import Text
from qianbai_rules.core.safetext import MAX_QUOTED, clipped, quoted
from qianbai_rules.model.creditcode import CreditCodeError
from qianbai_rules.model.dates import DateProblem
from qianbai_rules.model.fields import BY_LABEL, FIELDS, GROUPS, FieldSpec, Kind, nest
from qianbai_rules.model.quoting import shown
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.values import MAX_ID_LENGTH, ValueProblem
from qianbai_rules.texts.formats import listing, written_text
from qianbai_rules.texts.labels import text
from qianbai_rules.texts.suggest import nearest

FieldError = tuple[str | None, Text]


def _flatten(raw: Mapping[Any, Any], prefix: str, out: dict[str, Any],
             errors: list[FieldError]) -> None:
    for key, value in raw.items():
        if not isinstance(key, str):
            shown = quoted(key)
            errors.append((shown, text("problem.value.field_name_not_text", got=shown)))
            continue
        name = key.strip()
        name = BY_LABEL.get(name, name) if not prefix else name
        full = f"{prefix}{name}"
        if full in GROUPS and isinstance(value, Mapping):
            _flatten(value, f"{full}.", out, errors)
        elif full in GROUPS:
            got = quoted(value)
            errors.append((full, text("problem.value.group_not_mapping", field=full, got=got)))
        elif full in FIELDS:
            if full in out:
                errors.append((full, text("problem.value.given_twice")))
            elif value is not None and value != "":
                out[full] = value
        else:
            shown = clipped(full, MAX_QUOTED)
            errors.append((shown, _unknown_field(shown)))


def _unknown_field(name: str) -> Text:
    leaf = name.rsplit(".", 1)[-1]
    close = [f for f in FIELDS if f.rsplit(".", 1)[-1] == leaf or f.startswith(f"{name}.")]
    found = close[0] if close else nearest(name, [*FIELDS, *BY_LABEL])
    return text("problem.value.unknown_field", name=name, hint=did_you_mean(found))


def did_you_mean(found: str | None) -> Text | str:
    """The did-you-mean that ends a message, or nothing when no known word is close."""
    return text("problem.value.did_you_mean", name=found) if found else ""


def _code_hint(spec: FieldSpec, got: object) -> Text | str:
    """The did-you-mean of an unknown code: the nearest code or Chinese name of a code, told
    by its Chinese name in Chinese and by the code in English."""
    if not isinstance(got, str) or not got.strip():
        return ""
    names = {name: code for code, name in spec.code_names_zh}
    found = nearest(got.strip(), [*spec.codes, *names])
    if found is None:
        return ""
    code = names.get(found, found)
    return text("problem.value.did_you_mean", name=Text(spec.code_name(code), code))


def _expected(spec: FieldSpec) -> Text:
    # Chinese lists the codes' names (accepted as input), English the codes
    codes = Text(listing([spec.code_name(c) for c in spec.codes], "zh"),
                 listing(spec.codes, "en"))
    most = {Kind.number: MAX_AREA_M2, Kind.integer: MAX_COUNT, Kind.text_list: MAX_LIST_ITEMS,
            Kind.code_list: MAX_LIST_ITEMS}.get(spec.kind)
    return text(f"problem.value.expected.{spec.kind.value}", max=most, codes=codes)


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
    got_text = shown(got) if not isinstance(got, Mapping) else "…"
    if error["type"] == "missing":
        return name, text("problem.value.missing")
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, CreditCodeError | ValueProblem | DateProblem):  # says what and why
        return name, cause.text
    spec = FIELDS.get(name)
    if spec is None:
        return name or None, text("problem.value.invalid", reason=error["msg"])
    hint = _code_hint(spec, got) if spec.codes else ""
    return name, text("problem.value.expected_got", expected=_expected(spec), got=got_text,
                      hint=hint)


def parse_record(raw: Any, short_way: bool = True) -> FacilityRecord | list[FieldError]:
    """Validate one raw record; return the record or every field error found (a field or
    key that is no field of the record, and each field whose value is refused: all of
    them, in one run). A record written as the model is (see :func:`canonical`) is
    validated as it is: the same record and errors (``short_way=False`` is for the test
    that shows it)."""
    if not isinstance(raw, Mapping):
        return [(None, text("problem.value.not_a_mapping", type=type(raw).__name__))]
    nested = canonical(raw) if short_way else None
    errors: list[FieldError] = []
    if nested is None:
        flat: dict[str, Any] = {}
        _flatten(raw, "", flat, errors)
        nested = nest(flat)
    try:
        record = FacilityRecord.model_validate(nested)
    except ValidationError as exc:
        found: dict[str | None, Text] = dict(errors)
        for error in exc.errors(include_url=False):
            field, message = _field_error(error)
            found.setdefault(field, message)
        return list(found.items())
    if errors:
        return errors
    status = record.status
    if status.opened_on and status.closed_on and status.closed_on < status.opened_on:
        return [("status.closed_on", text("problem.value.closed_before_opened",
                                          closed=written_text(status.closed_on),
                                          opened=written_text(status.opened_on)))]
    return record




@dataclass(frozen=True)
class _Level:
    """The keys of the record or of one of its groups, as the model nests them."""

    names: frozenset[str]
    groups: dict[str, _Level]


def _level(prefix: str) -> _Level:
    names = {name[len(prefix):].split(".")[0] for name in (*FIELDS, *GROUPS)
             if name.startswith(prefix)}
    if not prefix:  # a label is read as the field it names (none is a field's own name)
        names -= {label for label, name in BY_LABEL.items() if label != name}
    return _Level(frozenset(names), {name: _level(f"{prefix}{name}.") for name in names
                                     if f"{prefix}{name}" in GROUPS})


_TOP: Final = _level("")


def canonical(raw: Any, level: _Level = _TOP) -> dict[str, Any] | None:
    """A raw record as :func:`_flatten` and :func:`nest` would give it back, where that is
    the record itself or it without its empty groups; None where they would change more
    (or refuse it). So a record written as the model nests it — its keys the names of
    fields and groups where they belong (no dotted name, label or blank around a name),
    no field given as nothing (None or "") — is validated as it is. Checked a level at a
    time on the keys and the values as a whole."""
    if type(raw) is not dict or not raw.keys() <= level.names:
        return None
    values = raw.values()
    if None in values or "" in values:
        return None
    pruned: dict[str, Any] | None = None
    for name, group in raw.items():
        inner_level = level.groups.get(name)
        if inner_level is None:
            continue
        if type(group) is not dict:
            return None
        if group and not inner_level.groups:  # the common case, checked here: no call
            inside = group.values()
            if group.keys() <= inner_level.names and None not in inside and "" not in inside:
                continue
            return None
        inner = canonical(group, inner_level) if group else None
        if group and inner is None:
            return None
        if inner is not group:  # it held empty groups, or nothing else
            pruned = dict(raw) if pruned is None else pruned
            if inner:
                pruned[name] = inner
            else:
                del pruned[name]
    return raw if pruned is None else pruned


def record_label(raw: Any, position: str) -> str:
    """How a record is named in messages: its id when it has one, else its position
    (the position is reported beside it too). Text that UTF-8 cannot hold is escaped."""
    if isinstance(raw, Mapping):
        for key in ("id", "编号"):
            value = raw.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                return clipped(str(value), MAX_ID_LENGTH + 1)
    return position


def column_of(headers: Sequence[str], field: str | None) -> str | None:
    """The spreadsheet column (A, B, …, AA) whose header names ``field``."""
    index = column_index(headers, field)
    return None if index is None else column_letters(index + 1)


def column_index(headers: Sequence[str], field: str | None) -> int | None:
    """The index of the column whose header names ``field`` (a field's label or dotted
    name), or is it as written (a header that names no field)."""
    if field is None:
        return None
    for index, header in enumerate(headers):
        if BY_LABEL.get(header, header) == field:
            return index
    return None


def column_letters(number: int) -> str:
    """A spreadsheet column's name as Excel shows it: 1 is A, 26 Z, 27 AA, 16384 XFD."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
