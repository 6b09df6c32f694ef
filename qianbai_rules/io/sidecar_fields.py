"""The fields of the inspection's three files (--inspection, --attestations, --waivers):
for each kind its fields, the headers people write for them (labels.yaml ``sidecar.field``:
the Chinese header, the English one, or the field's own name), and how each value is read.

Values are read by the record's own value types (:mod:`qianbai_rules.model.values`): an id
and a name refuse control, format and invisible characters, text is at most 500 characters,
a date is any form a record's date may take (:mod:`qianbai_rules.model.dates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import cache
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError

from qianbai_rules.core.limits import MAX_LIST_ITEMS
from qianbai_rules.core.problems import Text
from qianbai_rules.io.headers import Vocabulary
from qianbai_rules.model.dates import DateProblem
from qianbai_rules.model.inspection import AttestedStatus, Method, WaiverKind
from qianbai_rules.model.quoting import shown
from qianbai_rules.model.validation import did_you_mean
from qianbai_rules.model.values import Date, Identifier, Name, ShortText, ValueProblem
from qianbai_rules.texts.formats import listing
from qianbai_rules.texts.labels import text
from qianbai_rules.texts.suggest import nearest


class SidecarKind(StrEnum):
    """Which of the three files: its option, its YAML list key and its sheet names."""

    inspection = "inspection"
    attestation = "attestation"
    waiver = "waiver"

    @property
    def list_key(self) -> str:
        return "inspections" if self is SidecarKind.inspection else f"{self.value}s"

    @property
    def sheets(self) -> tuple[str, ...]:
        """The names of a workbook's sheet that holds this kind (else the first sheet)."""
        return _SHEETS[self]


_SHEETS: Final = {
    SidecarKind.inspection: ("检查", "inspections", "inspection"),
    SidecarKind.attestation: ("核查", "现场核查", "attestations", "attestation"),
    SidecarKind.waiver: ("容缺", "waivers", "waiver"),
}


class FieldValue(Enum):
    """How a field's value is read."""

    identifier = "identifier"  # a facility id
    rule = "rule"  # a rule id (checked against the rules of the run later)
    name = "name"  # a person's or a unit's name, a document number
    names = "names"  # names separated by 、，,;； (or a YAML list)
    text = "text"
    date = "date"
    code = "code"
    items = "items"  # an inspection's items (YAML only)


@dataclass(frozen=True)
class Spec:
    field: str
    value: FieldValue
    required: bool = False
    codes: type[StrEnum] | None = None


_I, _A, _W = SidecarKind.inspection, SidecarKind.attestation, SidecarKind.waiver
SPECS: Final[dict[SidecarKind, tuple[Spec, ...]]] = {
    _I: (Spec("facility", FieldValue.identifier, True), Spec("number", FieldValue.name),
         Spec("unit", FieldValue.name), Spec("date", FieldValue.date), Spec("inspectors", FieldValue.names),
         Spec("method", FieldValue.code, codes=Method), Spec("receiver", FieldValue.name),
         Spec("items", FieldValue.items), Spec("rule", FieldValue.rule), Spec("deadline", FieldValue.date)),
    _A: (Spec("facility", FieldValue.identifier, True), Spec("rule", FieldValue.rule, True),
         Spec("status", FieldValue.code, True, AttestedStatus),
         Spec("method", FieldValue.code, True, Method), Spec("evidence", FieldValue.text),
         Spec("note", FieldValue.text), Spec("inspector", FieldValue.name, True),
         Spec("date", FieldValue.date, True), Spec("expires", FieldValue.date)),
    _W: (Spec("facility", FieldValue.identifier, True), Spec("rule", FieldValue.rule, True),
         Spec("kind", FieldValue.code, True, WaiverKind), Spec("justification", FieldValue.text, True),
         Spec("approver", FieldValue.name, True), Spec("approved_on", FieldValue.date, True),
         Spec("expires_on", FieldValue.date, True)),
}
# The fields of an inspection's item (a table row with a rule, a value of YAML ``items``).
ITEM_FIELDS: Final = ("facility", "rule", "method", "deadline")


def field_label(kind: SidecarKind, field: str) -> Text:
    return text(f"sidecar.field.{kind.value}.{field}")


@cache
def vocabulary(kind: SidecarKind) -> Vocabulary:
    """The headers of one kind's tables: each field's Chinese and English header and its
    own name (English headers in any case)."""
    by_label: dict[str, str] = {}
    for spec in SPECS[kind]:
        shown_as = field_label(kind, spec.field)
        for header in (shown_as.zh, shown_as.en, shown_as.en.capitalize(), spec.field):
            by_label[header] = spec.field
    dates = frozenset(spec.field for spec in SPECS[kind] if spec.value is FieldValue.date)
    return Vocabulary(by_label, frozenset(s.field for s in SPECS[kind]), dates)


def field_of(kind: SidecarKind, header: str) -> str | None:
    """The field a header (or a YAML key) names, or None."""
    return vocabulary(kind).by_label.get(header)


def unknown_header(kind: SidecarKind, header: str) -> Text:
    hint = did_you_mean(nearest(header, vocabulary(kind).by_label))
    return text("sidecar.problem.unknown_key", name=header, hint=hint)


_ADAPTERS: Final[dict[FieldValue, TypeAdapter[Any]]] = {
    FieldValue.identifier: TypeAdapter(Identifier), FieldValue.name: TypeAdapter(Name),
    FieldValue.rule: TypeAdapter(Name), FieldValue.text: TypeAdapter(ShortText),
    FieldValue.date: TypeAdapter(Date)}


def read_value(spec: Spec, raw: Any) -> Any:
    """The value of one field, or :class:`ValueProblem` saying what was expected."""
    if spec.value is FieldValue.code:
        return read_code(spec, raw)
    if spec.value is FieldValue.names:
        items = raw if isinstance(raw, list) else _split(raw)
        if not items or len(items) > MAX_LIST_ITEMS:
            raise ValueProblem(_expected_got("sidecar.expected.names", raw))
        return tuple(_adapted(FieldValue.name, item, raw) for item in items)
    return _adapted(spec.value, raw, raw)


def _split(raw: Any) -> list[Any]:
    if not isinstance(raw, str):
        return [raw]
    for separator in "，,；;":
        raw = raw.replace(separator, "、")
    return [part.strip() for part in raw.split("、") if part.strip()]


def _adapted(value: FieldValue, raw: Any, whole: Any) -> Any:
    try:
        return _ADAPTERS[value].validate_python(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, ValueProblem | DateProblem):
            raise ValueProblem(cause.text) from None
        key = ("problem.value.expected.date" if value is FieldValue.date
               else "sidecar.expected.names" if whole is not raw else "sidecar.expected.text")
        raise ValueProblem(_expected_got(key, whole)) from None


def _expected_got(key: str, got: Any) -> Text:
    return text("problem.value.expected_got", expected=text(key, max=MAX_LIST_ITEMS),
                got=shown(got), hint="")


def code_names(codes: type[StrEnum]) -> Mapping[str, StrEnum]:
    """Each code's accepted spellings (the code, its Chinese name) -> the code."""
    names: dict[str, StrEnum] = {}
    group = _CODE_GROUP[codes]
    for code in codes:
        names[code.value] = code
        names[text(f"sidecar.value.{group}.{code.value}").zh] = code
    return names


_CODE_GROUP: Final[dict[type[StrEnum], str]] = {AttestedStatus: "status", Method: "method",
                                                 WaiverKind: "kind"}


def read_code(spec: Spec, raw: Any) -> StrEnum:
    """A code, written as itself (any case) or as its Chinese name (符合, 现场查看, 限期整改)."""
    assert spec.codes is not None
    names = code_names(spec.codes)
    if isinstance(raw, str) and raw.strip() in names:
        return names[raw.strip()]
    if isinstance(raw, str) and raw.strip().casefold() in names:
        return names[raw.strip().casefold()]
    group = _CODE_GROUP[spec.codes]
    # Chinese lists the codes' names (accepted as input), English the codes
    codes = Text(listing([text(f"sidecar.value.{group}.{code.value}").zh for code in spec.codes],
                         "zh"), listing([code.value for code in spec.codes], "en"))
    found = nearest(raw.strip(), names) if isinstance(raw, str) and raw.strip() else None
    hint = text("problem.value.did_you_mean", name=Text(
        text(f"sidecar.value.{group}.{names[found].value}").zh, names[found].value)) if found else ""
    raise ValueProblem(text("problem.value.expected_got", expected=text(
        "sidecar.expected.code", codes=codes), got=shown(raw), hint=hint))
