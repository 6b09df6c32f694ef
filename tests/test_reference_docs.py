"""The documents of docs/ are generated from the model, the rules and the catalogue, and
kept current: regenerated here and compared byte for byte; the parts written by hand in the
catalogue (options, JSON keys) are checked against the parser and real outputs."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any, NoReturn

import pytest

from qianbai_rules.cli import app
from qianbai_rules.core.problems import Lang
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.model.fields import FIELDS
from qianbai_rules.reports.reference import REGENERATE, documents, stale
from qianbai_rules.reports.reference_fields import accepted_forms, field_uses
from qianbai_rules.rules.ruleset import Ruleset, load_ruleset
from qianbai_rules.texts.labels import labels

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGS: tuple[tuple[Lang, str], ...] = (("zh", ""), ("en", "en/"))


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(rules_dir())


@pytest.fixture(scope="module")
def generated(ruleset: Ruleset) -> dict[str, str]:
    return documents(ruleset)


def test_the_committed_documents_are_what_the_generator_writes(generated: dict[str, str]) -> None:
    outdated = stale(DOCS, generated)
    assert not outdated, (f"stale in docs/: {', '.join(outdated)}; regenerate with "
                          f"`{REGENERATE}` and commit the result")


def test_a_changed_document_is_named_as_stale(tmp_path: Path, generated: dict[str, str]) -> None:
    for path, text in generated.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    assert stale(tmp_path, generated) == []
    (tmp_path / "rule-catalogue.md").write_text("old", encoding="utf-8")
    (tmp_path / "en" / "record-fields.md").unlink()
    assert sorted(stale(tmp_path, generated)) == ["en/record-fields.md", "rule-catalogue.md"]


def test_the_generator_gives_the_same_bytes_twice(ruleset: Ruleset,
                                                  generated: dict[str, str]) -> None:
    assert documents(ruleset) == generated


def test_every_field_rule_reading_and_parameter_is_in_the_documents(
        ruleset: Ruleset, generated: dict[str, str]) -> None:
    for lang, folder in LANGS:
        record, catalogue = generated[f"{folder}record-fields.md"], generated[f"{folder}rule-catalogue.md"]
        for name in FIELDS:
            assert f"`{name}`" in record, (lang, name)
        for rule in ruleset.rules:
            assert f"### {rule.id} {rule.title(lang)}" in catalogue, (lang, rule.id)
        for reading in ruleset.readings.values():
            assert f"### {reading.id}" in catalogue and reading.text(lang) in catalogue
        for parameter in ruleset.parameters.values():
            assert parameter.description(lang) in catalogue and f"`{parameter.name}`" in catalogue


def test_parameter_keys_and_the_fingerprint_are_only_in_the_technical_note(
        ruleset: Ruleset, generated: dict[str, str]) -> None:
    body, note = generated["rule-catalogue.md"].split("## 技术附注")
    assert ruleset.fingerprint in note and ruleset.fingerprint not in body
    for name in ruleset.parameters:
        assert name not in body, name


@pytest.mark.parametrize(("field", "needs"), [
    ("services.comprehensive", {"station": None, "center": None, "city_demo_center": "mandatory"}),
    ("floor_area_m2", {"station": "mandatory", "center": "mandatory",
                       "city_demo_center": "mandatory"}),  # a new community's per-capita area
    ("status.completed_on", {"station": "subsidy", "center": None, "city_demo_center": "subsidy"}),
    ("operation.operator_name", {"station": None, "center": None, "city_demo_center": None}),
])
def test_which_facility_types_need_a_field_comes_from_the_rules(
        ruleset: Ruleset, field: str, needs: dict[str, str | None]) -> None:
    assert field_uses(ruleset)[field].needs == needs


def test_the_accepted_forms_are_those_the_model_accepts() -> None:
    forms = accepted_forms()
    assert "2019-05-20" in forms["dates"] and "2019.5.20" not in forms["dates"]
    assert {"是", "true", "1"} <= set(forms["true"]) and "√" not in forms["true"]
    assert {"否", "false", "0"} <= set(forms["false"])
    assert "、" in forms["separators"] and "/" not in forms["separators"]
    assert forms["grouped"] is True


class _Parsed(Exception):
    def __init__(self, parser: argparse.ArgumentParser) -> None:
        super().__init__()
        self.parser = parser


def _parser() -> argparse.ArgumentParser:
    """The parser the command line builds, however it is built: caught as it parses."""
    def caught(self: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> NoReturn:
        raise _Parsed(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(argparse.ArgumentParser, "parse_args", caught)
        patch.setattr(argparse.ArgumentParser, "parse_known_args", caught)
        try:
            app.main(["schema"])
        except _Parsed as parsed:
            return parsed.parser
    raise AssertionError("the command line parsed nothing")


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Options by their names as the documents write them (``-o, --output``), with those of
    sub-commands (``rules list`` …) folded in."""
    found: dict[str, argparse.Action] = {}
    for action in parser._actions:
        if action.option_strings and "--help" not in action.option_strings:
            found[", ".join(action.option_strings)] = action
    for sub in _commands(parser).values():
        found.update(_options(sub))
    return found


def test_the_documented_commands_and_options_are_the_parser_s() -> None:
    documented = labels("zh")["reference"]["output"]
    commands = _commands(_parser())
    assert set(documented["commands"]) == set(commands)
    for name, parser in commands.items():
        options = _options(parser)
        written = documented["options"].get(name, {})
        assert set(written) == set(options), name
        for option, action in options.items():
            for choice in action.choices or ():
                assert choice in written[option]["meaning"], (name, option, choice)


def _paths(value: Any, path: str = "") -> set[str]:
    found = {path} if path else set()
    if isinstance(value, dict) and not path.endswith(".observed"):
        for key, item in value.items():
            found |= _paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            found |= _paths(item, f"{path}[]")
    return found


def _documented(path: str, keys: dict[str, str]) -> bool:
    """A key is documented by its own row, or named in the row of the key holding it."""
    bare = path.removesuffix("[]")
    if bare in keys:
        return True
    parent, _dot, last = bare.rpartition(".")
    while parent:
        holder = parent.removesuffix("[]")
        if holder in keys:
            return last in keys[holder]
        parent, _dot, _rest = parent.rpartition(".")
        last = _rest
    return False


def test_every_key_of_the_json_output_is_documented(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: X-1\nfacility_type: station\nfloor_area_m2: -3\n", encoding="utf-8")
    sheet = tmp_path / "bad.csv"  # a spreadsheet's row is located by its own keys, if any
    sheet.write_text("编号,类型,建筑面积（平方米）\nX-2,社区养老服务站,-3\n", encoding="utf-8")
    out = tmp_path / "out.json"
    app.main(["check", str(ROOT / "examples" / "sites"), str(bad), str(sheet), "--as-of",
              "2019-12-31", "--format", "json", "-o", str(out)])
    keys = labels("zh")["reference"]["output"]["json"]
    missing = sorted(p for p in _paths(json.loads(out.read_text(encoding="utf-8")))
                     if not _documented(p, keys))
    assert not missing, f"document these keys in labels.yaml reference.output.json: {missing}"


def test_every_top_level_key_of_the_annual_evaluation_is_documented(tmp_path: Path) -> None:
    out = tmp_path / "annual.json"
    app.main(["evaluate", str(ROOT / "examples" / "jiangbei-registry.xlsx"), "--year", "2019",
              "--format", "json", "-o", str(out)])
    written = labels("zh")["reference"]["output"]["evaluate"]
    common = labels("zh")["reference"]["output"]["evaluate_common"]
    missing = [key for key in json.loads(out.read_text(encoding="utf-8"))
               if key not in written and key not in common]
    assert not missing


def test_every_row_of_every_table_has_as_many_cells_as_its_header(
        generated: dict[str, str]) -> None:
    for path, text in generated.items():
        width = None
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.startswith("|"):
                width = None
                continue
            cells = len(re.split(r"(?<!\\)\|", line)) - 2
            if width is None:
                width = cells
            assert cells == width, f"{path}:{number}: {line}"


def test_every_text_of_the_reference_section_is_a_pair_of_texts() -> None:
    """A flow mapping that YAML reads otherwise (an unquoted comma) shows up here."""
    from qianbai_rules.texts.labels import _catalogue

    def leaves(node: Any, path: str) -> list[tuple[str, Any]]:
        if isinstance(node, dict) and ("zh" in node or "en" in node):
            return [(path, node)]
        if isinstance(node, dict):
            return [leaf for key, value in node.items() for leaf in leaves(value, f"{path}.{key}")]
        return [(path, node)]

    for path, node in leaves(_catalogue()["reference"], "reference"):
        assert isinstance(node, dict) and set(node) == {"zh", "en"}, path
        assert all(isinstance(text, str) for text in node.values()), path
