"""The condition language of rule files, as data (its parser: :mod:`.condition_parser`;
its operators: :mod:`.operators`).

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

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from qianbai_rules.model.fields import FIELDS, Kind
from qianbai_rules.rules.operators import OPERATORS, OperandForm
from qianbai_rules.rules.parameters import Scalar
from qianbai_rules.texts import formats


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
    return Compare(condition.field, OPERATORS[condition.op].negation, condition.operand)


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
    return f"{condition.field} {OPERATORS[condition.op].symbol} {_describe_operand(condition)}".rstrip()


def _describe_operand(condition: Compare) -> str:
    operand = condition.operand
    if OPERATORS[condition.op].operand is OperandForm.flag:
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
