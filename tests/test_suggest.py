"""Did-you-mean (texts/suggest.py): the nearest known word, or none when none is close."""

from __future__ import annotations

import pytest

from qianbai_rules.texts.suggest import nearest

RULES = ["QB-AREA-STATION", "QB-AREA-DEMO", "QB-FIVE-TEAM"]


@pytest.mark.parametrize(("word", "choices", "expected"), [
    ("QB-AREA-STATON", RULES, "QB-AREA-STATION"),
    ("qb-area-station", RULES, "QB-AREA-STATION"),
    ("运营日其", ["运营日期", "建成日期", "停运日期"], "运营日期"),
    ("jsno", ["text", "json", "jsonl", "html", "md", "pdf"], "json"),
    ("something else entirely", RULES, None),
    ("", RULES, None),
    ("QB-AREA-STATON", [], None),
])
def test_the_nearest_known_word_or_none(word: str, choices: list[str], expected: str | None) -> None:
    assert nearest(word, choices) == expected


def test_the_answer_does_not_depend_on_the_order_of_the_choices() -> None:
    assert nearest("ab", ["ac", "aa"]) == nearest("ab", ["aa", "ac"])
