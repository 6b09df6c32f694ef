"""The record reference (记录字段说明), worked out from the model and the rules: every field
with its label, kind and accepted values, which facility types need it and by which rules,
and the forms of values the model accepts, found by asking the model itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from qianbai_rules.core.limits import FIRST_DATE, LAST_DATE
from qianbai_rules.core.problems import Lang
from qianbai_rules.engines.scope import applies_to_type, rule_fields
from qianbai_rules.model.codes import CODE_NAMES_EN, LABEL_ALIASES_ZH
from qianbai_rules.model.display import field_name, type_names
from qianbai_rules.model.fields import FIELDS, FieldSpec, Kind
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import parse_record
from qianbai_rules.rules.rulefile import Rule, Severity
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import label

# Candidate spellings of values; the reference lists those the model accepts, so that it
# says what the code does (a form the readers learn appears when the docs are regenerated).
DATE_FORMS: Final[tuple[Any, ...]] = (
    "2019-05-20", "2019/5/20", "2019/05/20", "2019年5月20日", "2019.5.20", "20190520",
)
EXCEL_SERIAL: Final = 43605  # 2019-05-20 as Excel numbers it
TRUE_WORDS: Final = ("是", "有", "true", "yes", "y", "1", "√", "对")
FALSE_WORDS: Final = ("否", "无", "false", "no", "n", "0", "×", "错")
LIST_SEPARATORS: Final = ("、", "，", ",", "；", ";", "/", " ")
GROUPED_NUMBER: Final = "1,500,000"

# What a field is needed for, strongest first: a rule's severity, or a subsidy's amount.
NEEDS: Final = (Severity.mandatory.value, Severity.advisory.value, "subsidy", Severity.info.value)


def _accepts(field: str, value: Any) -> Any:
    """What the model makes of ``value`` in ``field`` of an otherwise minimal record, or
    None when it refuses it."""
    base: dict[str, Any] = {"id": "X", "facility_type": "station"}
    parsed = parse_record({**base, field: value})
    if isinstance(parsed, list):
        return None
    return FlatRecord.of(parsed).get(field)


def _first(kind: Kind) -> str:
    return next(name for name, spec in FIELDS.items() if spec.kind is kind and not spec.required)


def accepted_forms() -> dict[str, Any]:
    """The spellings of dates, yes/no, lists and numbers the model accepts."""
    date, boolean = _first(Kind.date), _first(Kind.boolean)
    codes = next(name for name, spec in FIELDS.items() if spec.kind is Kind.code_list)
    spec = FIELDS[codes]
    two = [spec.code_name(code) for code in spec.codes[:2]]
    number = next(name for name, spec in FIELDS.items() if spec.kind is Kind.integer)
    expected = _accepts(date, DATE_FORMS[0])
    return {
        "dates": [form for form in DATE_FORMS if expected and _accepts(date, form) == expected],
        "serial": _accepts(date, EXCEL_SERIAL) == expected,
        "true": [w for w in TRUE_WORDS if _accepts(boolean, w) is True],
        "false": [w for w in FALSE_WORDS if _accepts(boolean, w) is False],
        "separators": [s for s in LIST_SEPARATORS
                       if _accepts(codes, s.join(two)) == list(spec.codes[:2])],
        "grouped": _accepts(number, GROUPED_NUMBER) == int(GROUPED_NUMBER.replace(",", "")),
    }


def _need(rule: Rule) -> str:
    if rule.subsidy is not None:
        return "subsidy"
    return rule.severity.value


@dataclass(frozen=True)
class FieldUse:
    """What one field is needed for by each facility type, and the rules that read it."""

    needs: dict[str, str | None]  # facility type: the strongest need, or None
    rules: tuple[str, ...]


def field_uses(ruleset: Ruleset) -> dict[str, FieldUse]:
    types = FIELDS["facility_type"].codes
    found: dict[str, dict[str, set[str]]] = {name: {t: set() for t in types} for name in FIELDS}
    readers: dict[str, list[str]] = {name: [] for name in FIELDS}
    for rule in ruleset.rules:
        fields = [f for f in rule_fields(rule) if f != "facility_type"]
        for facility_type in types:
            if applies_to_type(ruleset, rule, facility_type):
                for name in fields:
                    found[name][facility_type].add(_need(rule))
        for name in fields:
            readers[name].append(rule.id)
    return {name: FieldUse(
        {t: next((n for n in NEEDS if n in needs), None) for t, needs in by_type.items()},
        tuple(readers[name])) for name, by_type in found.items()}


def _glossed(written: str, gloss: str, lang: Lang) -> str:
    """What a person types (a Chinese header or code name), with its English gloss in
    English documents: the record is written in Chinese whatever the reader's language."""
    return written if lang == "zh" or gloss == written else f"{written} ({gloss})"


def _code_name(spec: FieldSpec, code: str, lang: Lang) -> str:
    return _glossed(spec.code_name(code), CODE_NAMES_EN.get(code, code), lang)


def _header(name: str, lang: Lang) -> str:
    return _glossed(field_name(name, "zh"), field_name(name, "en"), lang)


def _schemas() -> dict[str, dict[str, Any]]:
    """Each field's JSON Schema (its limits as the model states them), by dotted name."""
    schema = FacilityRecord.model_json_schema()
    found: dict[str, dict[str, Any]] = {}

    def walk(properties: dict[str, Any], prefix: str) -> None:
        for key, node in properties.items():
            ref = node.get("$ref") or next((a.get("$ref") for a in node.get("anyOf", [])
                                            if "$ref" in a), None)
            if ref and "properties" in schema["$defs"][ref.split("/")[-1]]:
                walk(schema["$defs"][ref.split("/")[-1]]["properties"], f"{prefix}{key}.")
                continue
            present = [a for a in node.get("anyOf", [node]) if a.get("type") != "null"]
            found[f"{prefix}{key}"] = {**node, **present[0]} if present else node
    walk(schema["properties"], "")
    return found


def _limits(schema: dict[str, Any]) -> dict[str, str]:
    """The limits of one field's schema, as slots of the catalogue's texts."""
    item = schema.get("items", {})
    found = {"max_length": schema.get("maxLength", item.get("maxLength")),
             "max_items": schema.get("maxItems"), "minimum": schema.get("minimum"),
             "maximum": schema.get("maximum", schema.get("le")), "above": schema.get("gt")}
    return {key: formats.quantity(value) for key, value in found.items() if value is not None}


def _values(spec: FieldSpec, schema: dict[str, Any], lang: Lang) -> str:
    """What a field accepts, in a few words, with the limits the model sets."""
    if spec.codes:
        shown = formats.listing((_code_name(spec, c, lang) for c in spec.codes), lang)
        if spec.kind is Kind.code_list:
            shown += label("reference.record.accepts.code_list", lang, **_limits(schema))
    elif spec.kind is Kind.boolean:
        shown = formats.listing((label("value.true", lang), label("value.false", lang)), lang)
    elif "pattern" in schema:
        shown = label("reference.record.accepts.credit_code", lang)
    else:
        shown = label(f"reference.record.accepts.{spec.kind.value}", lang, **_limits(schema),
                      first=formats.written_date(FIRST_DATE, lang),
                      last=formats.written_date(LAST_DATE, lang))
    if schema.get("default") is not None:
        shown += label("reference.record.accepts.default", lang, value=schema["default"])
    return shown


def _need_word(need: str | None, lang: Lang) -> str:
    if need is None:
        return label("reference.record.not_needed", lang)
    if need == "subsidy":
        return label("reference.record.for_subsidy", lang)
    return label(f"severity.{need}", lang)


def record_context(ruleset: Ruleset, lang: Lang) -> dict[str, Any]:
    """What the record reference template reads."""
    uses = field_uses(ruleset)
    schemas = _schemas()
    types = FIELDS["facility_type"].codes
    fields = [{
        "label": _header(name, lang), "name": name,
        "kind": label(f"reference.record.kind.{spec.kind.value}", lang),
        "required": spec.required, "accepted": _values(spec, schemas[name], lang),
        "needs": [_need_word(uses[name].needs[t], lang) for t in types],
        "rules": formats.listing(uses[name].rules, lang) if uses[name].rules
        else label("reference.record.not_needed", lang),
    } for name, spec in FIELDS.items()]
    codes = [{"label": _header(name, lang), "name": name,
              "codes": [(c, _code_name(spec, c, lang)) for c in spec.codes]}
             for name, spec in FIELDS.items() if spec.codes]
    forms = accepted_forms()
    return {
        "fields": fields, "codes": codes,
        "types": [type_names(lang)[t] for t in types],
        "aliases": [(alias, field_name(name, "zh")) for alias, name in LABEL_ALIASES_ZH.items()],
        "forms": {**forms, **{key: _joined(forms[key], lang)
                              for key in ("dates", "true", "false", "separators")}},
        "grouped": GROUPED_NUMBER,
    }


def _joined(items: Iterable[str], lang: Lang) -> str:
    return label("reference.quoted_separator", lang).join(
        label("reference.quoted", lang, text=item) if item != " "
        else label("reference.record.forms.space", lang) for item in items)
