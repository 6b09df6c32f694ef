"""The public contracts in ../shared/spec hold: record fields, rule IDs, severities, departments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qianbai_rules.model.fields import BY_LABEL, FIELDS
from qianbai_rules.rules.conditions import can_be_false
from qianbai_rules.rules.ruleset import Ruleset, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "spec"
pytestmark = pytest.mark.skipif(not SPEC.is_dir(), reason="../shared/spec is not beside the checkout")

# 三（二）: the catalogue's department names (section 8) and the ruleset's codes.
DEPARTMENT_CODES = {
    "区民政局": "civil_affairs", "区规划分局": "planning", "区财政局": "finance",
    "区国资委": "state_assets", "区经济信息委": "economy_information",
    "区城乡建委": "construction", "区人力社保局": "human_resources",
    "区卫生计生委": "health", "区城市管理局": "city_administration",
}


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(ROOT / "rules")


def _record_table() -> list[list[str]]:
    text = (SPEC / "record.md").read_text(encoding="utf-8")
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()
            if line.startswith("| ") and not line.startswith("| field")]
    return [r for r in rows if len(r) == 4]


def test_every_record_field_of_the_contract_is_in_the_model_with_its_label() -> None:
    rows = _record_table()
    assert len(rows) > 40
    for name, _type, labels, _notes in rows:
        assert name in FIELDS, name
        # "开始运营日期 (运营日期 accepted)": the label, then other headers accepted as input
        match = re.fullmatch(r"(\S+)(?: \((\S+) accepted\))?", labels)
        assert match, labels
        label, accepted = match[1], [match[2]] if match[2] else []
        assert FIELDS[name].label_zh == label, (label, name)
        for header in (label, *accepted):
            assert BY_LABEL.get(header) == name, (header, name)
    assert set(FIELDS) == {r[0] for r in rows}


def test_every_code_of_the_contract_is_accepted() -> None:
    for name, _type, _label, notes in _record_table():
        for code, zh in re.findall(r"`([a-z_]+)` ([\u4e00-\u9fff]+)", notes):
            assert code in FIELDS[name].codes, (name, code)
            assert FIELDS[name].code_name(code) == zh, (name, code, zh)


def _catalogue_sections() -> dict[str, str]:
    text = (SPEC / "requirements.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in
            re.finditer(r"^## (\d)\. (.*?)(?=^## |\Z)", text, flags=re.S | re.M)}


def test_every_requirement_of_sections_1_to_4_and_6_is_a_rule_with_its_severity(
        ruleset: Ruleset) -> None:
    sections = _catalogue_sections()
    expected: dict[str, str | None] = {}
    for number in "12346":
        body = sections[number]
        for line in body.splitlines():
            match = re.match(r"^\| (QB-[A-Z0-9-]+) \|(.*)\|$", line)
            if match:
                cells = [c.strip() for c in match.group(2).split("|")]
                severity = cells[-1] if cells[-1] in ("mandatory", "advisory", "info") else None
                expected[match.group(1)] = severity
        for rule_id, severity in re.findall(r"(QB-[A-Z0-9-]+), all types, `(\w+)`", body):
            expected[rule_id] = severity
    for block in re.findall(r"all types,[^`\n]*`(\w+)`[^\n]*\n((?:.*\n)*?)\n", sections["1"]):
        for rule_id in re.findall(r"^\| (QB-[A-Z0-9-]+)", block[1], flags=re.M):
            expected[rule_id] = expected.get(rule_id) or block[0]
    assert len(expected) >= 42
    for rule_id, severity in sorted(expected.items()):
        rule = ruleset.rule(rule_id)
        assert rule is not None, f"{rule_id} is in the catalogue but not in rules/"
        if severity:
            assert rule.severity.value == severity, rule_id
    # A row that names its clause apart from its section's (QB-PRIORITY-GROUPS: 一, the goals).
    clauses = {m.group(1): m.group(2) for number in "12346" for m in re.finditer(
        r"^\| (QB-[A-Z0-9-]+) \|.*?\*\*Clause (\S+?) ", sections[number], flags=re.M)}
    assert clauses == {"QB-PRIORITY-GROUPS": "一"}
    for rule_id, clause in clauses.items():
        rule = ruleset.rule(rule_id)
        assert rule is not None and rule.clause == clause, rule_id


def test_every_entitlement_of_section_6_is_an_info_rule_that_never_fails(ruleset: Ruleset) -> None:
    body = _catalogue_sections()["6"]
    table = body[:body.index("An entitlement never fails")]
    info = re.findall(r"^\| (QB-[A-Z0-9-]+) \|.*\| info \|$", table, flags=re.M)
    assert set(info) == {"QB-POLICY-FULL-CARE", "QB-POLICY-UTILITIES", "QB-HEALTH-PUBLIC",
                         "QB-HEALTH-FAMILY-DOCTOR"}
    for rule_id in info:
        rule = ruleset.rule(rule_id)
        assert rule is not None and rule.entitlement and rule.severity.value == "info", rule_id
        assert rule.fail is None and rule.remediation is None, rule_id
        assert not can_be_false(rule.requires), rule_id
        assert "可享受" in rule.requirement.zh and "may claim" in rule.requirement.en, rule_id
    health = ruleset.rule("QB-HEALTH-PUBLIC")
    assert health is not None and health.requirement_fields == ("health.public_health_services",)


def test_every_rule_names_the_department_the_catalogue_assigns(ruleset: Ruleset) -> None:
    table = _catalogue_sections()["8"]
    assigned: dict[str, str] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("区"):
            code = DEPARTMENT_CODES[cells[0].split()[0]]
            for pattern in re.findall(r"QB-[A-Z0-9*-]+", cells[2]):
                for rule in ruleset.rules:
                    if re.fullmatch(pattern.replace("*", ".*"), rule.id):
                        assigned[rule.id] = code
    assert len(assigned) >= 15
    for rule in ruleset.rules:
        assert rule.department == assigned.get(rule.id, "civil_affairs"), rule.id


def test_catalogue_readings_are_marked_on_their_rules(ruleset: Ruleset) -> None:
    """Every rule §9 names rests on a reading; the parameters and output parts it names too."""
    body = _catalogue_sections()["9"]
    named = set(re.findall(r"QB-[A-Z0-9-]+", body))
    assert len(named) >= 5
    siting = {r.id for r in ruleset.rules if r.id.startswith("QB-SITING-")}
    demo = {r.id for r in ruleset.rules if r.id.startswith("QB-DEMO-")}
    subsidy = {r.id for r in ruleset.rules if r.id.startswith("QB-SUBSIDY-")}
    marked = named | siting | demo | subsidy | {"QB-FIVE-TEAM", "QB-SERVICE-MARKET"}
    for rule_id in sorted(marked):
        rule = ruleset.rule(rule_id)
        assert rule is not None and rule.readings, rule_id
        for reading in ruleset.readings_of(rule):
            assert rule_id in reading.rules
    parameters = re.findall(r"`([a-z_]+\.[a-z_.]+)`", body)
    for name in [*parameters, "subsidy.operating.payer", "subsidy.operating.proration"]:
        assert ruleset.parameters[name].readings, name
    outputs = {o for r in ruleset.readings.values() for o in r.outputs}
    assert outputs == {"department", "exit_review", "funding", "rectification", "score"}
    rule = ruleset.rule("QB-AREA-PER-CAPITA-OLD")
    assert rule is not None and rule.severity.value == "advisory"
    payer = ruleset.parameters["subsidy.operating.payer"]
    assert [(v.since.isoformat(), v.value) for v in payer.values] == [("2018-12-04", "district")]
