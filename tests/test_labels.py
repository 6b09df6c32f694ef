"""Filling label slots: values are text, never templates; unknown slots stay as written."""

from __future__ import annotations

import pytest

from qianbai_rules.texts.labels import fill, label


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
