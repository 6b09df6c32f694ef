"""The JSON Schemas (draft 2020-12) of the rule folder's files, built from the loaders' own
tables (keys, required keys, enums), so that an editor's schema and the loader cannot
drift apart: tests/test_rule_schemas.py checks the shipped files equal what this builds.

Regenerate ``rules/schema/*.schema.json`` after changing a loader's keys::

    python -m tests.rule_schemas
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from qianbai_rules.annual.figures import names
from qianbai_rules.compile.compiled import Status, Verdict
from qianbai_rules.core.limits import FIRST_DATE, LAST_DATE
from qianbai_rules.model.codes import FacilityType
from qianbai_rules.model.fields import FIELDS
from qianbai_rules.rules.indicators import (
    FORMULAS,
    FULL_MARKS,
    GRADE_KEYS,
    GRADES_KEYS,
    INDICATOR_KEYS,
    MAX_INDICATORS,
    SCHEME_KEYS,
    SCORINGS,
)
from qianbai_rules.rules.operators import WRITTEN as OPERATORS
from qianbai_rules.rules.parameters import PARAMETER_KEYS, VALUE_KEYS
from qianbai_rules.rules.plan import PLAN_KEYS, STREET_KEYS, TYPES
from qianbai_rules.rules.readings import READING_ID
from qianbai_rules.rules.rulefile import (
    FILE_KEYS,
    REQUIRED_RULE_KEYS,
    RULE_ID,
    RULE_KEYS,
    SECTION_KEYS,
    TEXT_KEYS,
    Severity,
)
from qianbai_rules.rules.subsidy_spec import FUNDERS, SUBSIDY_KEYS, SubsidyKind
from qianbai_rules.ruletest.cases import CASE_KEYS

ROOT: Final = Path(__file__).resolve().parent.parent
FOLDER: Final = ROOT / "rules" / "schema"
BASE: Final = "https://qianbai-rules.example/schema/"  # an identifier, not fetched
DATE: Final = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
DATE_KEY: Final = r"^\d{4}-\d{2}-\d{2}$"
YEAR_KEY: Final = r"^\d{4}$"
WORDS: Final = {"type": "array", "items": {"type": "string"}}


def _closed(properties: dict[str, Any], required: tuple[str, ...] | list[str] = (),
            **more: Any) -> dict[str, Any]:
    """An object with exactly these keys (the loaders refuse any other)."""
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    schema.update(more)
    return schema


def _text() -> dict[str, Any]:
    nonempty = {"type": "string", "pattern": r"\S"}
    return _closed({"zh": nonempty, "en": nonempty}, ("zh", "en"),
                   description="The same text in Chinese and in English.")


def _condition_defs() -> dict[str, Any]:
    scalar = {"type": ["string", "number", "boolean"]}
    reference = {
        "param": _closed({"param": {"type": "string"}}, ("param",)),
        "field": _closed({"field": {"$ref": "#/$defs/field"}}, ("field",)),
    }
    operand = {"anyOf": [
        scalar,
        {"type": "array", "items": scalar, "minItems": 1},
        {"$ref": "#/$defs/param"},
        {"$ref": "#/$defs/fieldRef"},
        _closed({"product": {"type": "array", "prefixItems": [
            {"$ref": "#/$defs/fieldRef"}, {"$ref": "#/$defs/param"}],
            "minItems": 2, "maxItems": 2}}, ("product",)),
    ]}
    compare = _closed({"field": {"$ref": "#/$defs/field"},
                       **{op: {"$ref": "#/$defs/operand"} for op in OPERATORS}},
                      ("field",), minProperties=2, maxProperties=2,
                      description="{field: F, <operator>: operand}, one operator.")
    items = {"type": "array", "items": {"$ref": "#/$defs/condition"}, "minItems": 1}
    return {
        "field": {"enum": sorted(FIELDS), "description": "A record field (qianbai schema)."},
        "param": reference["param"],
        "fieldRef": reference["field"],
        "operand": operand,
        "condition": {"oneOf": [
            _closed({"all": items}, ("all",)),
            _closed({"any": items}, ("any",)),
            _closed({"not": {"$ref": "#/$defs/condition"}}, ("not",)),
            compare,
        ]},
    }


def _subsidy() -> dict[str, Any]:
    param = {"$ref": "#/$defs/param"}
    date_field = {"type": "string"}
    branch = {"type": "object", "properties": {
        "when": {"$ref": "#/$defs/condition"}, "yuan_per_year": param,
        **{funder: param for funder in FUNDERS}}, "additionalProperties": False}
    properties = {
        "kind": {"enum": list(SubsidyKind)},
        "amounts": {"type": "array", "items": branch, "minItems": 1},
        "proration": param,
        "payer": param,
        "period": _closed({"from": date_field, "until": date_field}, ("from",)),
        "ineligible_when": {"type": "array", "items": {"$ref": "#/$defs/condition"}},
        "completion": date_field,
        "approved": date_field,
        "paid": date_field,
    }
    assert set(properties) == SUBSIDY_KEYS
    return _closed(properties, ("kind", "amounts"))


def rule_file() -> dict[str, Any]:
    nonempty = {"type": "string", "minLength": 1}
    texts = {key: {"$ref": "#/$defs/text"} for key in TEXT_KEYS}
    rule_properties: dict[str, Any] = {
        "id": {"type": "string", "pattern": RULE_ID.pattern},
        "title": {"$ref": "#/$defs/text"},
        "clause": nonempty,
        "department": nonempty,
        "severity": {"enum": list(Severity)},
        "applies_to": {"$ref": "#/$defs/condition"},
        "requires": {"$ref": "#/$defs/condition"},
        "text": _closed(texts, ("requirement",)),
        "reading": {"type": "array", "items": {"type": "string", "pattern": READING_ID.pattern},
                    "minItems": 1},
        "subsidy": _subsidy(),
        "entitlement": {"type": "boolean"},
        "assisted_by": WORDS,
    }
    assert set(rule_properties) == RULE_KEYS
    section = _closed({"clause": {"type": "string"}, "title": {"$ref": "#/$defs/text"}},
                      SECTION_KEYS)
    return _document("rule-file", "A rule file of rules/checks: one section of the plan "
                     "and its rules.", _closed(
                         {"section": section, "rules": {"type": "array",
                                                        "items": {"$ref": "#/$defs/rule"}}},
                         FILE_KEYS), {
        "text": _text(),
        "rule": _closed(rule_properties, REQUIRED_RULE_KEYS),
        **_condition_defs(),
    })


def parameter_file() -> dict[str, Any]:
    value = {"type": ["number", "string", "null"]}
    dated = {"anyOf": [value, _closed({"value": value, "reference": {"type": "string"}},
                                      ())]}
    assert set(dated["anyOf"][1]["properties"]) == VALUE_KEYS
    properties = {
        "description": {"$ref": "#/$defs/text"},
        "unit": {"type": "string", "minLength": 1},
        "reference": {"type": "string", "minLength": 1},
        "reading": {"type": "array", "items": {"type": "string", "pattern": READING_ID.pattern},
                    "minItems": 1},
        "values": {"type": "object", "minProperties": 1,
                   "propertyNames": {"pattern": DATE_KEY}, "additionalProperties": dated},
    }
    assert set(properties) == PARAMETER_KEYS
    return _document("parameter-file", "A parameter file of rules/parameters: parameter names "
                     "(the file's path gives their prefix) to dated values.",
                     {"type": "object", "additionalProperties": {"$ref": "#/$defs/parameter"}},
                     {"text": _text(), "parameter": _closed(
                         properties, ("description", "unit", "reference", "values"))})


def plan_file() -> dict[str, Any]:
    types = [t.value for t in FacilityType]
    counts = {"type": "object", "propertyNames": {"enum": types},
              "additionalProperties": {"type": "integer", "minimum": 0}}
    years = {"type": "object", "propertyNames": {"pattern": YEAR_KEY},
             "additionalProperties": {"$ref": "#/$defs/counts"}}
    street = _closed({"total": {"$ref": "#/$defs/counts"}, "by_year": {"$ref": "#/$defs/years"},
                      "pilot": _closed({"type": {"enum": types}, "year": {"type": "integer"}},
                                       ("type", "year"))}, (), minProperties=1)
    assert set(street["properties"]) == STREET_KEYS
    properties = {
        "name": {"$ref": "#/$defs/text"},
        "source": {"type": "string"},
        "district": {"type": "string"},
        "period": {"type": "object", "properties": {"from": DATE, "to": DATE},
                   "required": ["from", "to"]},
        "types": {"type": "array", "items": {"enum": types}, "minItems": 1},
        "targets": {"$ref": "#/$defs/years"},
        "streets": {"type": "object", "additionalProperties": {"$ref": "#/$defs/street"}},
    }
    assert set(properties) == PLAN_KEYS
    return _document("plan-file", "A district's construction plan (rules/plans): targets by "
                     "year and type, streets and pilots.",
                     _closed(properties, sorted(PLAN_KEYS)),
                     {"text": _text(), "counts": counts, "years": years, "street": street})


def case_file() -> dict[str, Any]:
    properties = {
        "name": {"type": "string", "minLength": 1,
                 "description": "What the case shows, as a sentence."},
        "base": {"type": "string", "description": "A record of fixtures.yaml."},
        "record": {"type": "object", "description": "Dotted fields set over the base."},
        "unset": WORDS,
        "as_of": DATE,
        "year": {"type": "integer", "minimum": FIRST_DATE.year, "maximum": LAST_DATE.year},
        "expect": {"type": "object", "propertyNames": {"pattern": RULE_ID.pattern},
                   "additionalProperties": {"enum": [s.value for s in Status]}},
        "verdict": {"enum": [v.value for v in Verdict]},
        "subsidy": {"type": "object"},
    }
    assert set(properties) == CASE_KEYS
    case = _closed(properties, ("name",), anyOf=[
        {"required": ["expect"], "properties": {"expect": {"minProperties": 1}}},
        {"required": ["verdict"]}])
    return _document("test-file", "A rule test file: cases, each a record (a fixture and "
                     "changes) and the outcomes expected.",
                     _closed({"cases": {"type": "array", "items": {"$ref": "#/$defs/case"}}},
                             ("cases",)), {"case": case})


def indicator_scheme() -> dict[str, Any]:
    """An indicator scheme (rules/indicators): a figure is one of the evaluation's names."""
    text = {"$ref": "#/$defs/text"}
    figure = {"enum": names(TYPES)}
    def one(kind: str, value: dict[str, Any]) -> dict[str, Any]:
        return _closed({kind: value}, (kind,))
    def above_zero(key: str) -> dict[str, Any]:
        return _closed({key: {"type": "number", "exclusiveMinimum": 0}}, (key,))
    formulas: dict[str, dict[str, Any]] = {"figure": figure,
                "ratio": {"type": "array", "items": figure, "minItems": 2, "maxItems": 2},
                "sum": {"type": "array", "items": figure, "minItems": 2}}
    bands = {"type": "array", "minItems": 1, "items": _closed(
        {"from": {"type": "number", "minimum": 0},
         "share": {"type": "number", "minimum": 0, "maximum": 1}}, ("from", "share"))}
    scorings: dict[str, dict[str, Any]] = {"proportional": above_zero("target"), "bands": bands,
                "deduct": above_zero("per_unit")}
    assert tuple(formulas) == FORMULAS and tuple(scorings) == SCORINGS
    indicator_properties = {
        "id": {"type": "string", "pattern": r"\S"}, "level1": text, "level2": text,
        "name": text, "formula": {"oneOf": [one(k, v) for k, v in formulas.items()]},
        "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": FULL_MARKS},
        "scoring": {"oneOf": [one(k, v) for k, v in scorings.items()]}}
    assert set(indicator_properties) == INDICATOR_KEYS
    grade = _closed({"grade": text, "from": {"type": "number", "minimum": 0,
                                             "maximum": FULL_MARKS}}, sorted(GRADE_KEYS))
    properties = {
        "name": text, "issuer": text, "source": text, "example": {"type": "boolean"},
        "grades": _closed({"source": text, "bands": {"type": "array", "items": grade,
                                                     "minItems": 1}}, sorted(GRADES_KEYS)),
        "indicators": {"type": "array", "items": {"$ref": "#/$defs/indicator"},
                       "minItems": 1, "maxItems": MAX_INDICATORS}}
    assert set(properties) == SCHEME_KEYS
    return _document("indicator-scheme", "An indicator scheme of the annual evaluation "
                     "(rules/indicators): indicators, formulas over the evaluation's figures, "
                     "weights, scoring rules and grades.",
                     _closed(properties, sorted(SCHEME_KEYS)),
                     {"text": _text(),
                      "indicator": _closed(indicator_properties, sorted(INDICATOR_KEYS))})


def _document(name: str, title: str, body: dict[str, Any],
              defs: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{BASE}{name}.schema.json", "title": title, **body, "$defs": defs}


SCHEMAS: Final = {"rule-file": rule_file, "parameter-file": parameter_file,
                  "plan-file": plan_file, "test-file": case_file,
                  "indicator-scheme": indicator_scheme}


def rendered(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    FOLDER.mkdir(exist_ok=True)
    for name, build in SCHEMAS.items():
        (FOLDER / f"{name}.schema.json").write_text(rendered(build()), encoding="utf-8")


if __name__ == "__main__":
    main()
