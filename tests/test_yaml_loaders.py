"""The fast YAML parser used for the shipped files reads each of them as the reference does."""

from __future__ import annotations

from pathlib import Path

import pytest

from qianbai_rules.core.resources import rules_dir, shipped, templates_dir
from qianbai_rules.core.yamlio import StrictLoadError, load_yaml

SHIPPED = sorted([*rules_dir().rglob("*.yaml"), *templates_dir().rglob("*.yaml")])


def test_the_shipped_files_are_found() -> None:
    assert len(SHIPPED) > 20
    assert all(shipped(path) for path in SHIPPED)
    assert not shipped(Path(__file__))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_both_parsers_read_a_shipped_file_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert repr(load_yaml(text, shipped=True)) == repr(load_yaml(text))  # 1, 1.0, True differ


@pytest.mark.parametrize("text", ["a: b: c\n", "a: &x [1, *x]\n", "a: 1\na: 2\n", "a: *nowhere\n"])
def test_a_shipped_file_that_fails_gets_the_reference_parser_s_message(text: str) -> None:
    with pytest.raises(StrictLoadError) as reference:
        load_yaml(text)
    with pytest.raises(StrictLoadError) as fast:
        load_yaml(text, shipped=True)
    assert (str(fast.value), fast.value.line) == (str(reference.value), reference.value.line)
