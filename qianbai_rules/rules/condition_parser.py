"""The type-checking parser of conditions in rule files.

Conditions are checked against the record's field catalogue, the operators' type rules
(:mod:`.operators`) and the parameters when they are parsed, before any record is read;
every problem is reported with its path in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from qianbai_rules.core.limits import MAX_LIST_VALUES, RULE_NUMBERS, number_problem
from qianbai_rules.core.yamlio import as_date
from qianbai_rules.model.fields import FIELDS, FieldSpec, Kind
from qianbai_rules.rules.conditions import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Const,
    FieldRef,
    Not,
    Operand,
    ParamRef,
    Product,
)
from qianbai_rules.rules.operators import OPERATORS, WRITTEN, AppliesTo, OperandForm
from qianbai_rules.rules.parameters import Parameter

UNJUDGED: Final = ("id",)  # (durable_rules keeps the key ``id`` for itself, too)
Report = Callable[[str, str], None]  # (path, message)


class _Parser:
    def __init__(self, parameters: Mapping[str, Parameter], report: Report) -> None:
        self.parameters = parameters
        self.report = report

    def condition(self, raw: Any, path: str) -> Condition | None:
        if not isinstance(raw, dict):
            self.report(path, "a condition is a mapping: {field: F, <operator>: value}, "
                              "{all: [...]}, {any: [...]} or {not: ...}")
            return None
        if len(raw) == 1 and next(iter(raw)) in ("all", "any"):
            key = next(iter(raw))
            items_raw = raw[key]
            if not isinstance(items_raw, list) or not items_raw:
                self.report(f"{path}.{key}", f"{key} takes a non-empty list of conditions")
                return None
            items = [self.condition(item, f"{path}.{key}[{i}]")
                     for i, item in enumerate(items_raw)]
            if any(item is None for item in items):
                return None
            parts = tuple(item for item in items if item is not None)
            return AllOf(parts) if key == "all" else AnyOf(parts)
        if len(raw) == 1 and "not" in raw:
            inner = self.condition(raw["not"], f"{path}.not")
            return None if inner is None else Not(inner)
        return self.compare(raw, path)

    def compare(self, raw: dict[str, Any], path: str) -> Compare | None:
        ops = [k for k in raw if k != "field"]
        unknown = [k for k in ops if k not in WRITTEN]
        if unknown:
            self.report(f"{path}.{unknown[0]}", f"unknown operator {unknown[0]!r}; "
                        f"known: {', '.join(WRITTEN)}, all, any, not")
            return None
        if "field" not in raw or len(ops) != 1:
            self.report(path, "a comparison has a field and exactly one operator")
            return None
        op = ops[0]
        spec = self.field(raw["field"], f"{path}.field")
        if spec is None:
            return None
        operand = self.operand(spec, op, raw[op], f"{path}.{op}")
        return None if operand is None else Compare(spec.name, op, operand)

    def field(self, name: Any, path: str) -> FieldSpec | None:
        spec = FIELDS.get(name) if isinstance(name, str) else None
        if spec is None:
            self.report(path, f"unknown record field {name!r} (see `qianbai schema`)")
        elif name in UNJUDGED:
            self.report(path, f"{name!r} identifies a record; a rule cannot judge it")
            return None
        return spec

    def operand(self, spec: FieldSpec, op: str, raw: Any, path: str) -> Operand | None:
        kind, rule = spec.kind, OPERATORS[op]
        if rule.operand is OperandForm.flag:
            if raw is not True or not kind.is_list:
                self.report(path, f"{op}: true applies to a list field")
                return None
            return Const(True)
        if rule.applies_to is AppliesTo.lists:
            if not kind.is_list:
                self.report(path, f"{op} needs a list field; {spec.name} is {kind}")
                return None
            return self.literal(spec, raw, path)
        if kind.is_list:
            self.report(path, f"{op} does not apply to the list field {spec.name}; "
                              "use contains or nonempty")
            return None
        if rule.applies_to is AppliesTo.numbers and not kind.is_numeric:
            self.report(path, f"{op} needs a numeric field; {spec.name} is {kind}")
            return None
        if rule.operand is OperandForm.values:
            if not isinstance(raw, list) or not raw:
                self.report(path, f"{op} takes a non-empty list of values")
                return None
            if len(raw) > MAX_LIST_VALUES:
                self.report(path, f"{op} lists {len(raw)} values; at most {MAX_LIST_VALUES} "
                                  f"(durable_rules cannot match longer lists)")
                return None
            values = [self.literal(spec, item, f"{path}[{i}]") for i, item in enumerate(raw)]
            if any(v is None for v in values):
                return None
            return Const(tuple(v.value for v in values if v is not None))  # type: ignore[misc]
        if isinstance(raw, dict) and set(raw) == {"param"}:
            return self.param_ref(spec, raw["param"], path)
        if isinstance(raw, dict) and set(raw) == {"field"}:
            other = self.field(raw["field"], f"{path}.field")
            if other is None:
                return None
            if other.kind != kind and not (kind.is_numeric and other.kind.is_numeric):
                self.report(path, f"{spec.name} ({kind}) cannot be compared with "
                                  f"{other.name} ({other.kind})")
                return None
            return FieldRef(other.name)
        if isinstance(raw, dict) and set(raw) == {"product"}:
            return self.product(spec, raw["product"], f"{path}.product")
        if isinstance(raw, dict):
            self.report(path, "an operand is a value, {param: NAME}, {field: NAME} or "
                              "{product: [{field: NAME}, {param: NAME}]}")
            return None
        return self.literal(spec, raw, path)

    def literal(self, spec: FieldSpec, raw: Any, path: str) -> Const | None:
        kind = spec.kind
        ok = {
            Kind.boolean: isinstance(raw, bool),
            Kind.number: isinstance(raw, int | float) and not isinstance(raw, bool),
            Kind.integer: isinstance(raw, int) and not isinstance(raw, bool),
            Kind.text: isinstance(raw, str), Kind.text_list: isinstance(raw, str),
            Kind.code: raw in spec.codes, Kind.code_list: raw in spec.codes,
            Kind.date: as_date(raw) is not None,
        }[kind]
        if not ok:
            expected = f"one of {', '.join(spec.codes)}" if spec.codes else f"a {kind} value"
            self.report(path, f"{raw!r} is not a valid value of {spec.name}: expected {expected}")
            return None
        refused = number_problem(raw)
        if refused is not None:
            self.report(path, f"{refused}: {RULE_NUMBERS}")
            return None
        return Const(as_date(raw).isoformat() if kind is Kind.date else raw)  # type: ignore[union-attr]

    def param_ref(self, spec: FieldSpec, name: Any, path: str) -> ParamRef | None:
        parameter = self.parameters.get(name) if isinstance(name, str) else None
        if parameter is None:
            self.report(f"{path}.param", f"unknown parameter {name!r}")
            return None
        if spec.kind.is_numeric and not all(
                isinstance(v.value, int | float) for v in parameter.values if v.value is not None):
            self.report(f"{path}.param", f"parameter {name} is not numeric")
            return None
        return ParamRef(parameter.name)

    def product(self, spec: FieldSpec, raw: Any, path: str) -> Product | None:
        if not spec.kind.is_numeric:
            self.report(path, f"product needs a numeric field; {spec.name} is {spec.kind}")
            return None
        if not (isinstance(raw, list) and len(raw) == 2 and isinstance(raw[0], dict)
                and set(raw[0]) == {"field"} and isinstance(raw[1], dict)
                and set(raw[1]) == {"param"}):
            self.report(path, "product takes [{field: NAME}, {param: NAME}]")
            return None
        other = self.field(raw[0]["field"], f"{path}[0].field")
        param = self.param_ref(spec, raw[1]["param"], f"{path}[1]")
        if other is None or param is None:
            return None
        if not other.kind.is_numeric:
            self.report(f"{path}[0].field", f"{other.name} is not numeric")
            return None
        return Product(other.name, param.name)


def parse_condition(raw: Any, path: str, parameters: Mapping[str, Parameter],
                    report: Report) -> Condition | None:
    """Parse and type-check one condition; report every problem with its path."""
    return _Parser(parameters, report).condition(raw, path)

