"""libyaml's fast path (core/yamlfast.py) reads a YAML document exactly as the strict
reference loader does, or leaves it to the reference: the same value, types and key order
included, or the same error on the same line. Compared on a corpus: generated records in
several styles, every YAML file of the project, the files written by the command-line
cases, hostile record files, tricky snippets, and seeded mutations of all of these.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from qianbai_rules.core import limits, yamlfast
from qianbai_rules.core.yamlio import StrictLoadError, load_yaml, load_yaml_strictly, read_plain
from tests.cli_cases import load_cli_cases
from tests.generated import records

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(path for folder in ("rules", "reports", "examples", "tests")
               for path in (ROOT / folder).rglob("*.y*ml"))
MUTATIONS = int(os.environ.get("QIANBAI_FUZZ_EXAMPLES", "3000"))


def _dumps(count: int = 12) -> dict[str, str]:
    docs = [record.model_dump(mode="json", exclude_none=True)
            for record in records(count, seed=13)]
    styles: dict[str, dict[str, Any]] = {
        "block": {}, "flow": {"default_flow_style": True, "width": 10**6},
        "narrow flow": {"default_flow_style": True}, "narrow": {"width": 12},
        "explicit": {"explicit_start": True, "explicit_end": True, "indent": 4}}
    dumps = {f"generated records, {name}": yaml.safe_dump(docs, allow_unicode=True,
                                                            sort_keys=False, **options)
             for name, options in styles.items()}
    dumps["generated records, CR LF"] = dumps["generated records, block"].replace("\n", "\r\n")
    dumps["generated records, escaped"] = yaml.safe_dump(docs, sort_keys=False)
    dumps["generated records under facilities"] = yaml.safe_dump(
        {"facilities": docs}, allow_unicode=True, sort_keys=False)
    return dumps


def _embedded() -> dict[str, str]:
    """The YAML files that the command-line cases write, as the readers would see their text."""
    found = {}
    for case_file in sorted((ROOT / "tests" / "cases" / "cli").rglob("*.yaml")):
        for case in load_cli_cases(case_file):
            for name, content in (case.spec.get("files") or {}).items():
                if not str(name).endswith((".yaml", ".yml")):
                    continue
                if isinstance(content, dict) and "hex" in content:
                    data = bytes.fromhex(content["hex"])
                elif isinstance(content, dict):
                    (encoding, text), = content.items()
                    data = str(text).encode(encoding)
                else:
                    data = str(content).encode("utf-8")
                found[f"written by {case_file.name}: {case.name}: {name}"] = data.decode(
                    "utf-8", "surrogateescape")
    return found


TRICKY = {
    "tab indentation": "a:\n\tb: 1\n", "tab after a colon": "a:\t1\n", "tab in a value": "a: x\ty\n",
    "byte order mark": "\ufeffid: X\n", "byte order mark inside": "id: X\ufeff\n",
    "complex key": "? a\n: b\n", "complex list key": "? [a, b]\n: c\n",
    "complex mapping key": "? {a: 1}\n: c\n", "two documents": "a: 1\n---\nb: 2\n",
    "document markers": "---\na: 1\n...\n", "empty": "", "only a comment": "# nothing\n",
    "empty document": "---\n", "anchor and alias": "a: &x 1\nb: *x\n",
    "anchor on a mapping": "a: &m {k: v}\nb: *m\n", "merge key": "a: &m {k: v}\nb: {<<: *m}\n",
    "merge key without alias": "<<: {k: v}\n", "undefined alias": "a: *nowhere\n",
    "tag": "a: !!str 1\n", "python tag": "a: !!python/object:os.system x\n",
    "local tag": "a: !x 1\n", "non-specific tag": "a: ! 1\n", "binary": "a: !!binary aGk=\n",
    "set": "a: !!set {x, y}\n", "omap": "a: !!omap [x: 1]\n",
    "flow styles": "{id: Y-1, facility_type: station, list: [a, b, 'c d', \"e\"], m: {}}\n",
    "flow over lines": "a: [1,\n  2]\nb: {x: 1,\n  y: 2}\n", "flow question mark": "a: [x?y]\n",
    "flow question key": "a: {? x: y}\n", "flow colon": "a: [x:y, {p:q}]\n",
    "flow colon value": "a: {x: :y}\n", "flow dash": "a: [-x, - y, --z]\n",
    "flow hash": "a: [x#y, z #c]\n", "flow empty entries": "a: [x, , y]\n",
    "flow trailing comma": "a: [x, y,]\nb: {k: v,}\n", "flow pair": "a: [k: v]\n",
    "flow unclosed": "a: [x, y\n", "big int": "a: 123456789012345678901234567890\n",
    "huge int": "a: " + "9" * 5000 + "\n", "infinity": "a: .inf\nb: -.inf\nc: .nan\n",
    "tilde": "a: ~\nb: null\nc: Null\nd:\n", "octal": "a: 0o17\nb: 017\nc: 0x10\nd: 0b11\n",
    "sexagesimal": "a: 1:20\nb: 190:20:30\nc: 1:20.5\n", "underscores": "a: 1_000\nb: 1_0.5\n",
    "timestamps": "a: 2019-12-31\nb: 2019-12-31T10:00:00Z\nc: 2019-13-45\nd: 2001-12-14 21:59:43.10 -5\n",
    "booleans": "a: yes\nb: on\nc: off\nd: No\ne: true\nf: FALSE\ng: y\nh: tRUE\n",
    "numbers": "a: 1\nb: -1\nc: -0\nd: 1.5\ne: -0.0\nf: 1.\ng: .5\nh: 1e3\ni: 1.0e+3\nj: +1\nk: 1E-2\n",
    "equals": "a: =\n", "NUL": "a: x\x00y\n", "control character": "a: x\x1by\n",
    "escape in double quotes": 'a: "x\\ty\\u00e9\\x41\\/\\N\\_"\n', "backslash plain": "a: x\\y\n",
    "non-UTF-8 read as surrogates": "a: \udcc4\udce3\n",
    "non-UTF-8 read as Latin-1": "a: 社区".encode().decode("latin-1") + "\n",
    "next line break": "a: x\x85b: y\n", "line separator": "a: x\u2028y\n",
    "lone CR": "a: 1\rb: 2\r", "CR LF": "a: 1\r\nb: |\r\n  x\r\n  y\r\n",
    "duplicate key": "a: 1\na: 2\n", "duplicate number key": "1: a\n1.0: b\n",
    "duplicate boolean key": "1: a\ntrue: b\n", "null key": "~: a\n: b\n",
    "directive": "%YAML 1.1\n---\na: 1\n", "tag directive": "%TAG !e! tag:e,2000:\n---\na: 1\n",
    "block scalar comment": "a: >#c\n  x\n", "block scalar header": "a: |2-  # c\n    x\nb: >+\n  y\n\n",
    "block scalar indentation": "a: |\n    x\n  y\n", "folded": "a: >\n  x\n  y\n\n   z\n  w\n",
    "long key": "k" * 1500 + ": 1\n", "long quoted key": '"' + "k" * 1100 + '": 1\n',
    "multi-line plain": "a: x\n  y\n\n  z\n", "multi-line quoted": "a: 'x\n  y'\nb: \"p\n\n  q\"\n",
    "document marker in a scalar": "a: 'x\n---\ny'\n", "comment right after a quote": "a: 'x'#c\n",
    "mapping value in a plain scalar": "a: b: c\n", "bad indentation": "a:\n  b: 1\n c: 2\n",
    "list at a mapping's indentation": "a:\n- 1\n- 2\n", "nested lists": "- - - x\n  - y\n",
    "unicode keys": "编号: JB-1\n类型: station\n", "zero-width space": "a: \u200b\n",
    "deep": "[" * (limits.MAX_DEPTH + 1) + "]" * (limits.MAX_DEPTH + 1),
    "deep at the limit": "[" * (limits.MAX_DEPTH - 1) + "]" * (limits.MAX_DEPTH - 1),
    "deep block": "".join("  " * i + "k:\n" for i in range(limits.MAX_DEPTH + 2)),
}

CORPUS: dict[str, str] = {
    **_dumps(),
    **{path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8") for path in FILES},
    **_embedded(),
    **{f"tricky: {name}": text for name, text in TRICKY.items()},
}


def _outcome(load: Callable[[str], Any], text: str) -> tuple[Any, ...]:
    try:
        value = load(text)
    except StrictLoadError as exc:
        return ("error", str(exc), exc.line)
    return ("value", repr(value))  # repr tells 1, 1.0 and True apart and shows key order


@pytest.mark.parametrize("name", CORPUS)
def test_a_document_is_read_as_the_reference_reads_it(name: str) -> None:
    text = CORPUS[name]
    assert _outcome(load_yaml, text) == _outcome(load_yaml_strictly, text)


def test_the_corpus_holds_what_it_is_said_to() -> None:
    assert any(name.startswith("tests/data/yaml/hostile") for name in CORPUS)
    assert any(name.startswith("examples/") for name in CORPUS)
    assert len([name for name in CORPUS if name.startswith("written by")]) > 20
    assert len([name for name in CORPUS if name.startswith("rules/")]) > 10


# Left to the reference: "generated records, narrow flow" (flow collections over several
# lines), "generated records, escaped" (escapes in double quotes) and several-sites.yaml.
FAST = [*(f"generated records, {style}" for style in ("block", "flow", "narrow", "explicit", "CR LF")),
        "generated records under facilities", *(name for name in CORPUS if name.startswith(
            "examples/sites/") and name != "examples/sites/several-sites.yaml")]


@pytest.mark.parametrize("name", FAST)
def test_generated_records_and_the_example_sites_take_the_fast_path(name: str) -> None:
    read_plain(CORPUS[name])  # raises Unusual where it would leave them to the reference


@pytest.mark.slow
def test_hundreds_of_generated_records_are_read_as_the_reference_reads_them() -> None:
    for name, text in _dumps(100).items():
        assert _outcome(load_yaml, text) == _outcome(load_yaml_strictly, text), name


LEFT_TO_THE_REFERENCE = [
    "tab indentation", "tab in a value", "byte order mark", "complex list key", "two documents",
    "anchor and alias", "merge key", "merge key without alias", "tag", "non-specific tag",
    "flow over lines", "flow question mark", "flow colon", "flow hash", "escape in double quotes",
    "non-UTF-8 read as surrogates", "next line break", "lone CR", "duplicate key",
    "duplicate number key", "duplicate boolean key", "directive", "block scalar comment",
    "long key", "deep", "huge int", "mapping value in a plain scalar", "bad indentation",
]


@pytest.mark.parametrize("name", LEFT_TO_THE_REFERENCE)
def test_what_the_fast_path_does_not_vouch_for_is_left_to_the_reference(name: str) -> None:
    with pytest.raises(yamlfast.Unusual):
        read_plain(TRICKY[name])


PIECES = [*" \n:-?,[]{}#&*!|>'\"%@`\\.019az~\r", "  ", ": ", "- ", "\n  ", "---", "...", "? ",
          "\\n", '"', "''", "é", "1_0", "0o1", "<<", "|", ">-", "#c", "\n#c\n", "k:", "\t"]


def _mutated(rng: random.Random, text: str) -> str:
    if len(text) > 600:
        start = rng.randrange(len(text) - 400)
        text = text[start:start + 400]
    if rng.random() < 0.5:
        lines = text.split("\n")
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(lines))
            choice = rng.random()
            if choice < 0.3:
                lines[at] = " " * rng.randint(1, 3) + lines[at]
            elif choice < 0.5:
                lines[at] = lines[at][rng.randint(1, 2):]
            elif choice < 0.8:
                lines.insert(at, rng.choice([*lines, "", "#c", "---", "...", "? ", ": ", "- "]))
            elif len(lines) > 1:
                del lines[at]
        text = "\n".join(lines)
    for _ in range(rng.randint(0, 3)):
        at, choice = rng.randrange(len(text) + 1), rng.random()
        if choice < 0.4:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif choice < 0.7:
            text = text[:at] + text[at + rng.randint(1, 3):]
        else:
            text = text[:at] + rng.choice(PIECES) + text[at + 1:]
    return text


def test_mutated_documents_are_read_as_the_reference_reads_them() -> None:
    """Where the fast path reads a mutated document, the reference reads the same value;
    elsewhere the reference reads it anyway (the test above)."""
    rng = random.Random(20181204)
    seeds = [text for text in CORPUS.values() if len(text) < 10**5]
    read_fast = 0
    for _ in range(MUTATIONS):
        text = _mutated(rng, rng.choice(seeds))
        try:
            fast = repr(read_plain(text))
        except yamlfast.Unusual:
            continue
        read_fast += 1
        assert ("value", fast) == _outcome(load_yaml_strictly, text), text
    assert read_fast > MUTATIONS // 20
