"""What the input template tells a person about each field, and the example it shows.

Each field's line says what it means (the catalogue), how it is written and which values
it takes (the field catalogue), and for which facility types a check reads it: that is
derived from the shipped rules, never written by hand, so a new rule updates the template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qianbai_rules.core.problems import Lang
from qianbai_rules.core.resources import rules_dir, templates_dir
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.engines.scope import applies_to_type, rule_fields
from qianbai_rules.model.display import render_value
from qianbai_rules.model.fields import FIELDS, FieldSpec, Kind
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.rules.ruleset import Ruleset, load_ruleset
from qianbai_rules.texts.formats import listing
from qianbai_rules.texts.labels import labels

TYPES = FIELDS["facility_type"].codes
YES_NO = ("true", "false")


@dataclass(frozen=True)
class FieldHelp:
    """One field's line of the help sheet."""

    name: str
    header: str
    meaning: str
    how: str
    values: str
    types: str


def choices(spec: FieldSpec) -> list[str]:
    """What a drop-down list of the field offers, as a person types it (codes by their
    Chinese names, yes/no as 是/否); empty for a field that takes any value."""
    if spec.kind is Kind.boolean:
        return [render_value(spec.name, value == "true", "zh") for value in YES_NO]
    if spec.kind is Kind.code:
        return [spec.code_name(code) for code in spec.codes]
    return []


def field_types(ruleset: Ruleset) -> dict[str, list[str]]:
    """Each field a rule reads, with the facility types (in the catalogue's order) for
    which such a rule can apply."""
    found: dict[str, set[str]] = {}
    for rule in ruleset.rules:
        types = [t for t in TYPES if applies_to_type(ruleset, rule, t)]
        for name in rule_fields(rule):
            found.setdefault(name, set()).update(types)
    return {name: [t for t in TYPES if t in types] for name, types in found.items()}


def _types_text(types: Iterable[str] | None, lang: Lang) -> str:
    words = labels(lang)["workbook"]
    if types is None:
        return str(words["no_rule"])
    named = list(types)
    if len(named) == len(TYPES):
        return str(words["all_types"])
    return listing((render_value("facility_type", t, lang) for t in named), lang)


def help_rows(lang: Lang) -> list[FieldHelp]:
    """The help sheet's line for every field of the record, in the template's order."""
    words = labels(lang)["workbook"]
    types = field_types(load_ruleset(rules_dir()))
    rows = []
    for name, spec in FIELDS.items():
        how = words["kind"][spec.kind.value] + (words["required"] if spec.required else "")
        offered = choices(spec) or (
            [spec.code_name(c) for c in spec.codes] if spec.kind is Kind.code_list else [])
        values = listing(offered, "zh") if offered else (
            words["date_forms"] if spec.kind is Kind.date else "")
        note = words["notes"].get(name)
        values = "；".join(v for v in (values, note) if v) if lang == "zh" else \
            "; ".join(v for v in (values, note) if v)
        rows.append(FieldHelp(name, spec.label_zh, words["meaning"][name], how, values,
                              _types_text(types.get(name), lang)))
    return rows


def example_record() -> FacilityRecord:
    """The example the template shows (``reports/templates/workbook/example.yaml``)."""
    text = (templates_dir() / "workbook" / "example.yaml").read_text(encoding="utf-8")
    return FacilityRecord.model_validate(load_yaml(text, shipped=True))


def cell_value(spec: FieldSpec, value: Any) -> Any:
    """A record's value as a person types it in the template: codes by their Chinese
    names, 是/否, lists joined by 、, dates as date cells, numbers as numbers."""
    if value is None:
        return None
    if spec.kind is Kind.date:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    if spec.kind in (Kind.boolean, Kind.code, Kind.code_list, Kind.text_list):
        return render_value(spec.name, value, "zh")
    return value


def example_row() -> list[Any]:
    """The example record as a row of the template, one cell per field."""
    flat = FlatRecord.of(example_record())
    return [cell_value(spec, flat.get(name)) for name, spec in FIELDS.items()]
