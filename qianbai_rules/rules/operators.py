"""Every comparison operator of the condition language, in one table.

Per operator: its name in rule files, the symbol :func:`.describe` writes, the type rule
the parser applies (which fields it takes, what operand), the plain evaluator's
comparison, the durable_rules expression the emitter writes, its negation (every operator
has one, so ``not`` can be compiled away), and the label key of its words in the label
catalogue. ``excludes`` and ``empty`` are the negations of ``contains`` and ``nonempty``;
they exist only in compiled conditions.

(The table sits with the condition language in ``rules/``, the earliest stage that reads
it: the parser checks types with it, and the compiler and both engines come later.)
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

# Appended to every list in a durable_rules fact: ``$iall`` on an empty array is false in
# durable_rules, and no list is empty there. The record model refuses NUL in text.
LIST_END: Final = "\u0000"


class AppliesTo(StrEnum):
    """The fields an operator applies to."""

    lists = "lists"  # text and code lists
    scalars = "scalars"  # any field but a list
    numbers = "numbers"  # numeric fields


class OperandForm(StrEnum):
    """What an operator compares with."""

    flag = "flag"  # ``true``, nothing to compare (nonempty)
    item = "item"  # one value of the list's items (contains)
    values = "values"  # a non-empty list of values (in, not_in)
    value = "value"  # a value, a parameter, another field, or a field times a parameter


Emit = Callable[[str, Any], dict[str, Any]]  # (field, operand as the engine reads it) -> test


@dataclass(frozen=True)
class Operator:
    name: str
    symbol: str
    negation: str
    applies_to: AppliesTo
    operand: OperandForm
    test: Callable[[Any, Any], bool]  # the plain comparison: test(field value, operand)
    emit: Emit  # the durable_rules test
    written: bool = True  # may be written in a rule file (not only produced by negation)

    @property
    def label(self) -> str:
        """The key of the operator's words in the label catalogue."""
        return f"op.{self.name}"


def _one_or(key: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {key: parts}


def _order(engine_op: str) -> Emit:
    return lambda name, value: {engine_op: {name: value}}


_TABLE: Final = (
    Operator("eq", "==", "ne", AppliesTo.scalars, OperandForm.value, operator.eq,
             lambda name, value: {name: value}),
    Operator("ne", "!=", "eq", AppliesTo.scalars, OperandForm.value, operator.ne, _order("$neq")),
    Operator("lt", "<", "gte", AppliesTo.numbers, OperandForm.value, operator.lt, _order("$lt")),
    Operator("lte", "<=", "gt", AppliesTo.numbers, OperandForm.value, operator.le, _order("$lte")),
    Operator("gt", ">", "lte", AppliesTo.numbers, OperandForm.value, operator.gt, _order("$gt")),
    Operator("gte", ">=", "lt", AppliesTo.numbers, OperandForm.value, operator.ge, _order("$gte")),
    Operator("in", "in", "not_in", AppliesTo.scalars, OperandForm.values,
             lambda value, allowed: value in allowed,
             lambda name, values: _one_or("$or", [{name: v} for v in values])),
    Operator("not_in", "not in", "in", AppliesTo.scalars, OperandForm.values,
             lambda value, allowed: value not in allowed,
             lambda name, values: _one_or("$and", [{"$neq": {name: v}} for v in values])),
    Operator("contains", "contains", "excludes", AppliesTo.lists, OperandForm.item, operator.contains,
             lambda name, value: {"$iany": {name: {"$i": value}}}),
    Operator("excludes", "excludes", "contains", AppliesTo.lists, OperandForm.item,
             lambda held, item: item not in held,
             lambda name, value: {"$iall": {name: {"$neq": {"$i": value}}}}, written=False),
    Operator("nonempty", "non-empty", "empty", AppliesTo.lists, OperandForm.flag,
             lambda held, _: len(held) > 0,
             lambda name, _: {"$iany": {name: {"$neq": {"$i": LIST_END}}}}),
    Operator("empty", "empty", "nonempty", AppliesTo.lists, OperandForm.flag,
             lambda held, _: len(held) == 0,
             lambda name, _: {"$iall": {name: {"$i": LIST_END}}}, written=False),
)

OPERATORS: Final[dict[str, Operator]] = {o.name: o for o in _TABLE}
WRITTEN: Final = tuple(o.name for o in _TABLE if o.written)  # the operators of rule files
