"""The label catalogue is the one home of user-facing text, read from the source.

No module outside ``texts/`` writes a Chinese text inline as ``Text("中文…", "English…")``:
it looks the text up in reports/templates/labels.yaml (``label``, ``pair``, ``text``), and
every key it looks up by a literal name is there, in both languages.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from qianbai_rules.model.fields import Kind
from qianbai_rules.texts.labels import _catalogue, label

PACKAGE = Path(__file__).resolve().parent.parent / "qianbai_rules"
MODULES = sorted(p for p in PACKAGE.rglob("*.py")
                 if p.relative_to(PACKAGE).parts[0] != "texts")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_LOOKUPS = {"label", "pair", "text"}  # texts.labels' functions: the key comes first


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def inline_texts(source: str) -> list[tuple[int, str]]:
    """Each call of ``Text`` given a string (plain or an f-string's literal part) with a
    Chinese character, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) == "Text":
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                for part in ast.walk(argument):
                    if (isinstance(part, ast.Constant) and isinstance(part.value, str)
                            and _CJK.search(part.value)):
                        found.append((node.lineno, part.value))
    return found


def looked_up(source: str) -> list[tuple[int, str]]:
    """Each catalogue key a ``label``/``pair``/``text`` call names by a string literal."""
    return [(node.lineno, node.args[0].value) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and _name(node.func) in _LOOKUPS and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            and "." in node.args[0].value]


def _entry(key: str) -> object:
    node: object = _catalogue()
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


@pytest.mark.parametrize(("source", "expected"), [
    ('Text("文件不存在", "no such file")', [(1, "文件不存在")]),
    ('x = core.Text(f"第 {n} 行", f"line {n}")', [(1, "第 "), (1, " 行")]),
    ('Text(zh="（无）", en="(none)")', [(1, "（无）")]),
    ('Text(name, repr(name))', []),
    ('Text("U+0041", "LATIN CAPITAL LETTER A")', []),
    ('text("problem.input.missing")', []),
])
def test_the_reader_finds_inline_chinese_texts(source: str, expected: list[object]) -> None:
    assert inline_texts(source) == expected


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_inline_chinese_text_outside_the_catalogue(path: Path) -> None:
    assert inline_texts(path.read_text(encoding="utf-8")) == []


def test_the_reader_finds_the_keys_looked_up() -> None:
    assert looked_up('labels.text("problem.csv.empty")\nlabel("cli.span", lang, first=a)\n'
                     'text(key)\nsay("a.b")') == [(1, "problem.csv.empty"), (2, "cli.span")]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_key_looked_up_is_in_the_catalogue_in_both_languages(path: Path) -> None:
    missing = [(line, key) for line, key in looked_up(path.read_text(encoding="utf-8"))
               if not (isinstance(entry := _entry(key), dict) and set(entry) == {"zh", "en"})]
    assert missing == []


def test_every_kind_of_field_says_what_it_expects() -> None:
    # validation._expected looks these up by the kind's name
    assert [k for k in Kind if not isinstance(_entry(f"problem.value.expected.{k.value}"), dict)
            ] == []
    assert label("problem.value.expected.integer", "zh", max=9) == "0至9的整数"
