"""Filling label slots: values are text, never templates; unknown slots stay as written."""

from __future__ import annotations

import re

import pytest

from qianbai_rules.core.problems import Text
from qianbai_rules.texts.labels import fill, label, pair, text


@pytest.mark.parametrize(("template", "values", "expected"), [
    ("面积 {area} 平方米", {"area": "180"}, "面积 180 平方米"),
    ("{a}{b}{a}", {"a": 1, "b": "x"}, "1x1"),
    ("no slots", {"a": 1}, "no slots"),
    ("{missing} stays", {}, "{missing} stays"),
    ("{a} is {b}", {"a": "{b}", "b": "2"}, "{b} is 2"),  # a value is never filled again
    ("{Upper} {a-b} {}", {"Upper": 1}, "{Upper} {a-b} {}"),  # only {lowercase_names} are slots
    ("", {}, ""),
])
def test_fill(template: str, values: dict[str, object], expected: str) -> None:
    assert fill(template, values) == expected


def test_a_label_in_both_languages() -> None:
    assert label("value.true", "zh") == "是"
    assert label("value.true", "en") == "yes"


def test_a_problem_text_comes_from_the_catalogue_in_both_languages() -> None:
    assert pair("problem.output_exists", path="out/a.html") == (
        "out/a.html已存在；确需覆盖请加 --force", "out/a.html exists; add --force to overwrite it")
    duplicate = text("problem.duplicate_id", id="{first}")
    assert duplicate == Text("编号{first}与前面的记录重复", "duplicate id {first}")


def _leaves(node: object, path: str = "") -> list[tuple[str, dict[str, str]]]:
    if isinstance(node, dict) and set(node) == {"zh", "en"}:
        return [(path, node)]
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, f"{path}.{key}")]
    return []


def test_every_catalogue_text_has_the_same_slots_in_both_languages() -> None:
    from qianbai_rules.texts.labels import _catalogue

    for key, texts in _leaves(_catalogue()):
        slots = {name: sorted(set(re.findall(r"\{([a-z_]+)\}", str(texts[name]))))
                 for name in ("zh", "en")}
        assert slots["zh"] == slots["en"], key
