"""The operator registry (rules/operators.py): one table that the parser, describe, the
plain evaluator, the durable emitter and the reports all read."""

from __future__ import annotations

import pytest

from qianbai_rules.rules.conditions import Compare, Const, Not, describe, push_not
from qianbai_rules.rules.operators import LIST_END, OPERATORS, WRITTEN
from qianbai_rules.texts.labels import label


def test_rule_files_write_ten_operators_and_negation_adds_two() -> None:
    assert WRITTEN == ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "contains", "nonempty")
    assert set(OPERATORS) - set(WRITTEN) == {"excludes", "empty"}


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_negation_is_an_operator_whose_negation_is_the_first(name: str) -> None:
    negation = OPERATORS[OPERATORS[name].negation]
    assert negation.negation == name
    assert negation.applies_to is OPERATORS[name].applies_to


@pytest.mark.parametrize(("name", "value", "operand"), [
    ("eq", 3, 3), ("ne", 3, 4), ("lt", 2, 3), ("lte", 3, 3), ("gt", 4, 3), ("gte", 3, 3),
    ("in", "a", ("a", "b")), ("not_in", "c", ("a", "b")), ("contains", ["a"], "a"),
    ("excludes", ["a"], "b"), ("nonempty", ["a"], True), ("empty", [], True),
])
def test_each_comparison_holds_and_its_negation_does_not(name: str, value: object,
                                                         operand: object) -> None:
    assert OPERATORS[name].test(value, operand) is True
    assert OPERATORS[OPERATORS[name].negation].test(value, operand) is False


@pytest.mark.parametrize(("name", "operand", "expected"), [
    ("eq", 3, {"f": 3}),
    ("lte", 3, {"$lte": {"f": 3}}),
    ("ne", "x", {"$neq": {"f": "x"}}),
    ("in", ("a",), {"f": "a"}),
    ("in", ("a", "b"), {"$or": [{"f": "a"}, {"f": "b"}]}),
    ("not_in", ("a", "b"), {"$and": [{"$neq": {"f": "a"}}, {"$neq": {"f": "b"}}]}),
    ("contains", "a", {"$iany": {"f": {"$i": "a"}}}),
    ("excludes", "a", {"$iall": {"f": {"$neq": {"$i": "a"}}}}),
    ("nonempty", True, {"$iany": {"f": {"$neq": {"$i": LIST_END}}}}),
    ("empty", True, {"$iall": {"f": {"$i": LIST_END}}}),
])
def test_the_durable_emission_of_each_operator(name: str, operand: object,
                                               expected: object) -> None:
    assert OPERATORS[name].emit("f", operand) == expected


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_operator_has_words_in_both_languages(name: str) -> None:
    for lang in ("zh", "en"):
        assert "{field}" in label(OPERATORS[name].label, lang, value="v")


def test_negation_and_describe_read_the_symbol_from_the_registry() -> None:
    compare = Compare("service_items", "contains", Const("meal"))
    assert describe(push_not(Not(compare))) == "service_items excludes meal"
    assert describe(Compare("x", "lte", Const(3))) == "x <= 3"
