"""The condition language of rule files, as data, and its type-checking parser.

A condition is one of::

    {field: F, <op>: operand}    op: eq ne lt lte gt gte in not_in contains nonempty
    {all: [condition, ...]}  {any: [condition, ...]}  {not: condition}

An operand is a literal, a list of literals (``in``/``not_in``), ``{param: NAME}``,
``{field: NAME}`` or ``{product: [{field: NAME}, {param: NAME}]}`` (a field times a
numeric parameter). Conditions are checked against the record's field catalogue and the
parameters when they are parsed, before any record is read.

A condition is true, false or unknown (Kleene's three-valued logic): a comparison is
unknown when a field it names is absent; ``all`` is false as soon as one part is false,
``any`` true as soon as one part is true. Both evaluators implement exactly this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from qianbai_rules.core.limits import MAX_LIST_VALUES, RULE_NUMBERS, number_problem
from qianbai_rules.core.yamlio import as_date
from qianbai_rules.model.fields import FIELDS, FieldSpec, Kind
from qianbai_rules.rules.parameters import Parameter, Scalar
from qianbai_rules.texts import formats

ORDERING: Final = ("lt", "lte", "gt", "gte")
OPERATORS: Final = ("eq", "ne", *ORDERING, "in", "not_in", "contains", "nonempty")
# Every operator has a negation; ``excludes`` and ``empty`` exist only in compiled form.
NEGATION: Final = {"eq": "ne", "ne": "eq", "lt": "gte", "gte": "lt", "gt": "lte", "lte": "gt",
                   "in": "not_in", "not_in": "in", "contains": "excludes", "excludes": "contains",
                   "nonempty": "empty", "empty": "nonempty"}
UNJUDGED: Final = ("id",)  # (durable_rules keeps the key ``id`` for itself, too)
SYMBOLS: Final = {"eq": "==", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=",
                  "in": "in", "not_in": "not in", "contains": "contains", "excludes": "excludes",
                  "nonempty": "non-empty", "empty": "empty"}


@dataclass(frozen=True)
class FieldRef:
    name: str


@dataclass(frozen=True)
class ParamRef:
    name: str


@dataclass(frozen=True)
class Product:
    """A field times a parameter; resolved to an exact fraction of the parameter."""

    field: str
    param: str


@dataclass(frozen=True)
class Const:
    """A resolved value, remembering the parameter it came from (if any)."""

    value: Scalar | bool | tuple[Scalar, ...]
    param: str | None = None


@dataclass(frozen=True)
class Scaled:
    """``field * numerator / denominator``: the same float operations in every evaluator."""

    field: str
    numerator: int
    denominator: int
    param: str


Operand = Const | ParamRef | FieldRef | Product | Scaled


@dataclass(frozen=True)
class Compare:
    field: str
    op: str
    operand: Operand


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Compare | AllOf | AnyOf | Not
Report = Callable[[str, str], None]  # (path, message)


def comparisons(condition: Condition | None) -> Iterator[Compare]:
    """Every comparison in a condition, depth first."""
    if condition is None:
        return
    if isinstance(condition, Compare):
        yield condition
    elif isinstance(condition, Not):
        yield from comparisons(condition.item)
    else:
        for item in condition.items:
            yield from comparisons(item)


def fields_of(condition: Condition | None) -> tuple[str, ...]:
    """Every record field a condition names, sorted; the condition is known iff all exist."""
    found: set[str] = set()
    for compare in comparisons(condition):
        found.add(compare.field)
        operand = compare.operand
        if isinstance(operand, FieldRef):
            found.add(operand.name)
        elif isinstance(operand, Product | Scaled):
            found.add(operand.field)
    return tuple(sorted(found))


def params_of(condition: Condition | None) -> tuple[str, ...]:
    """Every parameter a condition names, sorted."""
    found: set[str] = set()
    for compare in comparisons(condition):
        operand = compare.operand
        if isinstance(operand, ParamRef):
            found.add(operand.name)
        elif isinstance(operand, Product | Scaled):
            found.add(operand.param)
        elif isinstance(operand, Const) and operand.param:
            found.add(operand.param)
    return tuple(sorted(found))


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
        unknown = [k for k in ops if k not in OPERATORS]
        if unknown:
            self.report(f"{path}.{unknown[0]}", f"unknown operator {unknown[0]!r}; "
                        f"known: {', '.join(OPERATORS)}, all, any, not")
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
        kind = spec.kind
        if op == "nonempty":
            if raw is not True or not kind.is_list:
                self.report(path, "nonempty: true applies to a list field")
                return None
            return Const(True)
        if op == "contains":
            if not kind.is_list:
                self.report(path, f"contains needs a list field; {spec.name} is {kind}")
                return None
            return self.literal(spec, raw, path)
        if kind.is_list:
            self.report(path, f"{op} does not apply to the list field {spec.name}; "
                              "use contains or nonempty")
            return None
        if op in ORDERING and not kind.is_numeric:
            self.report(path, f"{op} needs a numeric field; {spec.name} is {kind}")
            return None
        if op in ("in", "not_in"):
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


def resolve(condition: Condition, value_of: Callable[[str], Scalar]) -> Condition:
    """Replace parameter references by the values in force (the compiled form)."""
    if isinstance(condition, AllOf):
        return AllOf(tuple(resolve(i, value_of) for i in condition.items))
    if isinstance(condition, AnyOf):
        return AnyOf(tuple(resolve(i, value_of) for i in condition.items))
    if isinstance(condition, Not):
        return Not(resolve(condition.item, value_of))
    operand = condition.operand
    if isinstance(operand, ParamRef):
        operand = Const(value_of(operand.name), operand.name)
    elif isinstance(operand, Product):
        ratio = Fraction(str(value_of(operand.param)))
        operand = Scaled(operand.field, ratio.numerator, ratio.denominator, operand.param)
    return Compare(condition.field, condition.op, operand)


def push_not(condition: Condition, negate: bool = False) -> Condition:
    """An equivalent condition without Not (De Morgan; negated comparison operators).

    Equivalent in three-valued logic too: a comparison and its negation need the same
    fields, so both are unknown together.
    """
    if isinstance(condition, Not):
        return push_not(condition.item, not negate)
    if isinstance(condition, AllOf | AnyOf):
        items = tuple(push_not(i, negate) for i in condition.items)
        flip = isinstance(condition, AllOf) == negate
        return AnyOf(items) if flip else AllOf(items)
    if not negate:
        return condition
    return Compare(condition.field, NEGATION[condition.op], condition.operand)


def describe(condition: Condition | None) -> str:
    """A compact, machine-stable text of a resolved condition, e.g. ``floor_area_m2 >= 200``."""
    if condition is None:
        return "true"
    if isinstance(condition, AllOf | AnyOf):
        word = " and " if isinstance(condition, AllOf) else " or "
        return word.join(f"({describe(i)})" if isinstance(i, AllOf | AnyOf) else describe(i)
                         for i in condition.items)
    if isinstance(condition, Not):
        return f"not ({describe(condition.item)})"
    return f"{condition.field} {SYMBOLS[condition.op]} {_describe_operand(condition)}".rstrip()


def _describe_operand(condition: Compare) -> str:
    operand = condition.operand
    if condition.op in ("nonempty", "empty"):
        return ""
    if isinstance(operand, FieldRef | ParamRef):
        return operand.name
    if isinstance(operand, Product):
        return f"{operand.param} × {operand.field}"
    if isinstance(operand, Scaled):
        return f"{formats.number(Fraction(operand.numerator, operand.denominator))} × {operand.field}"
    return formats.scalar(operand.value)


def can_be_false(condition: Condition | None) -> bool:
    """Whether a condition could be false for some record whose fields it names are present.

    Decided from the field catalogue only, and cautiously: a comparison cannot be false
    only where it lists every value its field can take (``in: [true, false]`` on a yes/no
    field, every code of a code field); anything else is taken to be able to fail.
    """
    if condition is None:
        return False
    pushed = push_not(condition)
    if isinstance(pushed, AllOf):
        return any(can_be_false(i) for i in pushed.items)
    if isinstance(pushed, AnyOf):
        return all(can_be_false(i) for i in pushed.items)
    if isinstance(pushed, Compare) and pushed.op == "in" and isinstance(pushed.operand, Const) \
            and isinstance(pushed.operand.value, tuple):
        spec = FIELDS[pushed.field]
        domain: set[Any] = {True, False} if spec.kind is Kind.boolean else set(spec.codes)
        listed = set(pushed.operand.value)
        if spec.kind is Kind.boolean:
            listed = {v for v in pushed.operand.value if isinstance(v, bool)}
        return not domain or not domain <= listed
    return True
