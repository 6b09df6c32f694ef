"""The JSON Schemas of rules/schema: shipped as built from the loaders' tables, satisfied
by every shipped file, and agreeing with the loaders on broken files (both refuse them)."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from qianbai_rules.core.problems import RulesError, collect
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.rules.plan import load_plan
from qianbai_rules.rules.ruleset import load_ruleset
from qianbai_rules.ruletest.cases import CASE_KIND, load_cases
from tests.rule_schemas import FOLDER, ROOT, SCHEMAS, rendered

RULES = ROOT / "rules"
Doc = Any


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((FOLDER / f"{name}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _shipped(name: str) -> list[Path]:
    if name == "rule-file":
        return [p for p in (RULES / "checks").rglob("*.yaml") if not p.name.endswith(".test.yaml")]
    if name == "parameter-file":
        return sorted((RULES / "parameters").rglob("*.yaml"))
    if name == "plan-file":
        return sorted((RULES / "plans").glob("*.yaml"))
    if name == "indicator-scheme":
        return sorted((RULES / "indicators").glob("*.yaml"))
    return sorted(RULES.rglob("*.test.yaml"))


def _errors(name: str, doc: Doc) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator(name).iter_errors(doc)]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_shipped_schema_is_the_one_built_from_the_loaders_tables(name: str) -> None:
    shipped = (FOLDER / f"{name}.schema.json").read_text(encoding="utf-8")
    assert shipped == rendered(SCHEMAS[name]()), "run: python -m tests.rule_schemas"
    Draft202012Validator.check_schema(json.loads(shipped))


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_shipped_file_satisfies_its_schema(name: str) -> None:
    files = _shipped(name)
    assert files
    for path in files:
        assert _errors(name, load_yaml(path.read_text(encoding="utf-8"))) == [], path


def _first_rule(doc: Doc) -> dict[str, Any]:
    rule: dict[str, Any] = doc["rules"][0]
    return rule


# (what is broken, schema, file in rules/, the breakage, what the loader says)
BROKEN: list[tuple[str, str, str, Callable[[Doc], None], str]] = [
    ("a rule with an unknown key", "rule-file", "checks/1-facility-standards/area.yaml",
     lambda d: _first_rule(d).update(remark="x"), "unknown key 'remark'"),
    ("a rule without a severity", "rule-file", "checks/1-facility-standards/area.yaml",
     lambda d: _first_rule(d).pop("severity"), "missing severity"),
    ("a rule of an unknown severity", "rule-file", "checks/1-facility-standards/area.yaml",
     lambda d: _first_rule(d).update(severity="critical"), "severity is one of"),
    ("a condition with an unknown operator", "rule-file", "checks/1-facility-standards/area.yaml",
     lambda d: _first_rule(d).update(requires={"field": "floor_area_m2", "atleast": 1}),
     "unknown operator 'atleast'"),
    ("a text block with an unknown key", "rule-file", "checks/1-facility-standards/area.yaml",
     lambda d: _first_rule(d)["text"].update(hint={"zh": "提示", "en": "hint"}),
     "unknown key 'hint'"),
    ("a rule file with an unknown top-level key", "rule-file", "checks/1-facility-standards/area.yaml",
     lambda d: d.update(colour="red"),
     "area.yaml, field colour: unknown key 'colour'; allowed: rules, section"),
    ("a section with an unknown key", "rule-file", "checks/1-facility-standards/area.yaml",
     lambda d: d["section"].update(colour="red"),
     "area.yaml, field section.colour: unknown key 'colour'; allowed: clause, title"),
    ("a rule file without rules", "rule-file", "checks/1-facility-standards/area.yaml",
     lambda d: d.pop("rules"), "area.yaml, field rules: missing rules"),
    ("a parameter with an unknown key", "parameter-file", "parameters/area.yaml",
     lambda d: d["station_min_m2"].update(note="x"), "unknown key 'note'"),
    ("a parameter without a unit", "parameter-file", "parameters/area.yaml",
     lambda d: d["station_min_m2"].pop("unit"), "missing unit"),
    ("a parameter value keyed by a word, not a date", "parameter-file", "parameters/area.yaml",
     lambda d: d["station_min_m2"]["values"].update(soon=1), "is not a date"),
]


@pytest.mark.parametrize(("what", "name", "file", "breakage", "said"), BROKEN,
                         ids=[b[0] for b in BROKEN])
def test_a_broken_rule_folder_file_is_refused_by_its_schema_and_by_the_loader(
        tmp_path: Path, what: str, name: str, file: str, breakage: Callable[[Doc], None],
        said: str) -> None:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    doc = load_yaml((RULES / file).read_text(encoding="utf-8"))
    broken = copy.deepcopy(doc)
    breakage(broken)
    assert _errors(name, doc) == []
    assert _errors(name, broken), what
    (root / file).write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_ruleset(root)
    assert any(said in str(p) for p in caught.value.problems), caught.value.problems


def _pilot(doc: Doc) -> dict[str, Any]:
    pilot: dict[str, Any] = doc["streets"]["鱼嘴镇"]["pilot"]
    return pilot


# (file in rules/ without a schema, its one top-level key, what the loader says of another)
UNSCHEMED = [("readings.yaml", "readings", "unknown key 'colour'; allowed: readings"),
             ("eligibility.yaml", "decisions", "unknown key 'colour'; allowed: decisions")]


@pytest.mark.parametrize(("file", "key", "said"), UNSCHEMED, ids=[u[0] for u in UNSCHEMED])
def test_an_unknown_top_level_key_is_named_with_what_is_allowed(
        tmp_path: Path, file: str, key: str, said: str) -> None:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    doc = load_yaml((RULES / file).read_text(encoding="utf-8"))
    assert set(doc) == {key}
    (root / file).write_text(yaml.safe_dump({**doc, "colour": "red"}, allow_unicode=True),
                             encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_ruleset(root)
    assert [str(p) for p in caught.value.problems if "colour" in str(p)] == [
        f"{(root / file).as_posix()}, field colour: {said}"]


PLAN = "plans/jiangbei-2018-2020.yaml"
BROKEN_PLANS: list[tuple[str, Callable[[Doc], None], str]] = [
    ("a plan with an unknown key", lambda d: d.update(budget=3), "field budget: unknown key"),
    ("a plan without a district", lambda d: d.pop("district"), "field district: missing"),
    ("a plan counting an unknown type", lambda d: d.update(types=["station", "hall"]),
     "field types"),
    ("a street with an unknown key", lambda d: d["streets"]["鱼嘴镇"].update(budget=1),
     "unknown key 'budget'"),
    ("a pilot with an unknown key", lambda d: _pilot(d).update(colour="red"),
     "field streets.鱼嘴镇.pilot.colour: unknown key 'colour'; allowed: type, year"),
    ("a pilot without a year", lambda d: _pilot(d).pop("year"),
     "field streets.鱼嘴镇.pilot.year: missing"),
]


@pytest.mark.parametrize(("what", "breakage", "said"), BROKEN_PLANS, ids=[b[0] for b in BROKEN_PLANS])
def test_a_broken_plan_is_refused_by_its_schema_and_by_the_loader(
        tmp_path: Path, what: str, breakage: Callable[[Doc], None], said: str) -> None:
    doc = load_yaml((RULES / PLAN).read_text(encoding="utf-8"))
    breakage(doc)
    assert _errors("plan-file", doc), what
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_plan(path)
    assert any(said in str(p) for p in caught.value.problems), caught.value.problems


CASE = {"name": "a station of 200 m² meets the area standard", "base": "station",
        "expect": {"QB-AREA-STATION": "pass"}}
BROKEN_CASES: list[tuple[str, Doc, str]] = [
    ("a case with an unknown key", {"cases": [{**CASE, "given": 1}]},
     f"case {CASE['name']}, field cases[0].given: unknown key 'given'; allowed: as_of, base"),
    ("a case expecting an unknown status", {"cases": [{**CASE, "expect": {"QB-AREA-STATION": "ok"}}]},
     "field cases[0].expect.QB-AREA-STATION: unknown status 'ok'"),
    ("a case without a name", {"cases": [{k: v for k, v in CASE.items() if k != "name"}]},
     "case case 1, field cases[0].name: a case needs a name"),
    ("a case of an unknown verdict", {"cases": [CASE, {**CASE, "verdict": "fine"}]},
     "field cases[1].verdict: unknown verdict 'fine'"),
    ("a case file with a key beside cases", {"cases": [CASE], "more": []},
     "broken.test.yaml, field more: unknown key 'more'; allowed: cases"),
]


@pytest.mark.parametrize(("what", "doc", "said"), BROKEN_CASES, ids=[b[0] for b in BROKEN_CASES])
def test_a_broken_test_file_is_refused_by_its_schema_and_by_the_loader(
        tmp_path: Path, what: str, doc: Doc, said: str) -> None:
    assert _errors("test-file", {"cases": [CASE]}) == []
    assert _errors("test-file", doc), what
    shutil.copy(RULES / "fixtures.yaml", tmp_path / "fixtures.yaml")
    (tmp_path / "broken.test.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True),
                                          encoding="utf-8")
    cases, problems = collect(load_cases(tmp_path))
    assert any(said in str(p) for p in problems), problems
    assert [p for c in cases for p in c.problems] == [p for p in problems if p.kind == CASE_KIND]
