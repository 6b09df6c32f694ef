"""The rule folder: a strict loader for rule files, parameters and the ruleset manifest.

Layout::

    rules/ruleset.yaml          name, version, source document, departments
    rules/parameters/**.yaml    dated parameters (see parameters.py)
    rules/checks/**/*.yaml      rule files: {section: ..., rules: [rule, ...]}, one folder per
                                plan section, e.g. checks/1-facility-standards/area.yaml
    rules/checks/**/*.test.yaml rule test cases beside the rules they test (ruletest/cases.py)
    rules/fixtures.yaml         base records the test cases build on
    rules/readings.yaml         the project's readings of the plan (执行口径, readings.py)

Every problem found is collected with its file, rule and field; loading fails only after
the whole folder has been read, so ``qianbai rules lint`` reports everything at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from qianbai_rules.core.problems import RuleProblem, RulesError, Text
from qianbai_rules.core.resources import read_rule_bytes, read_rule_text, shipped, yaml_files
from qianbai_rules.core.yamlio import StrictLoadError, load_yaml
from qianbai_rules.model.fields import FIELDS
from qianbai_rules.rules.conditions import Condition, can_be_false, fields_of, params_of, parse_condition
from qianbai_rules.rules.departments import Department, parse_departments
from qianbai_rules.rules.parameters import Parameter, Scalar, parse_parameter_file
from qianbai_rules.rules.readings import Marked, Reading, check_marks, parse_readings
from qianbai_rules.rules.subsidy_spec import DecisionRow, SubsidySpec, parse_decisions, parse_subsidy


class Severity(StrEnum):
    mandatory = "mandatory"
    advisory = "advisory"
    info = "info"


RULE_KEYS: Final = {"id", "title", "clause", "department", "severity", "applies_to",
                    "requires", "text", "reading", "subsidy", "entitlement", "assisted_by"}
REQUIRED_RULE_KEYS: Final = ("id", "title", "clause", "department", "severity", "text")
TEXT_KEYS: Final = {"requirement", "pass", "fail", "remediation", "not_applicable"}
MANIFEST_KEYS: Final = {"name", "version", "source", "citation", "issued", "departments"}
RULE_ID: Final = re.compile(r"^QB-[A-Z0-9]+(-[A-Z0-9]+)*$")
PLACEHOLDER: Final = re.compile(r"\{(field|param):([A-Za-z0-9_.]+)\}")
CASE_SUFFIX: Final = ".test.yaml"  # a file of rule test cases, beside the rule file it tests
FIXTURES: Final = "fixtures.yaml"  # at the root of a rule folder: the cases' base records


@dataclass(frozen=True)
class Section:
    """A section of the plan: one rule file."""

    clause: str
    title: Text


@dataclass(frozen=True)
class Rule:
    id: str
    title: Text
    clause: str
    department: str
    severity: Severity
    applies_to: Condition | None
    requires: Condition | None
    requirement: Text
    fail: Text | None
    remediation: Text | None
    not_applicable: Text | None
    readings: tuple[str, ...]  # ids of the readings (readings.yaml) the rule rests on
    file: str
    passed: Text | None = None  # what a pass says, where "meets the requirement" would mislead
    subsidy: SubsidySpec | None = None
    entitlement: bool = False
    section: str = ""  # the clause of the plan section whose file holds the rule
    assisted_by: tuple[str, ...] = ()  # departments that assist the lead (三（二）“协助”)

    @property
    def scope_fields(self) -> tuple[str, ...]:
        return fields_of(self.applies_to)

    @property
    def requirement_fields(self) -> tuple[str, ...]:
        return fields_of(self.requires)

    @property
    def parameters(self) -> tuple[str, ...]:
        named = set(params_of(self.applies_to)) | set(params_of(self.requires))
        named.update(m.group(2) for t in self.texts() for m in PLACEHOLDER.finditer(t)
                     if m.group(1) == "param")
        if self.subsidy:
            named.update(self.subsidy.parameters)
        return tuple(sorted(named))

    def texts(self) -> list[str]:
        found = [self.requirement, self.passed, self.fail, self.remediation, self.not_applicable]
        return [s for t in found if t is not None for s in (t.zh, t.en)]


@dataclass(frozen=True, eq=False)
class Ruleset:
    name: str
    version: str
    source: str
    citation: str  # how messages cite the source, e.g. 江北府办发〔2018〕63号
    departments: Mapping[str, Department]  # in the plan's order
    rules: tuple[Rule, ...]  # in rule-ID order
    parameters: Mapping[str, Parameter]
    fingerprint: str
    root: Path
    decisions: tuple[DecisionRow, ...] = ()
    sections: Mapping[str, Section] = dataclasses.field(default_factory=dict)  # in file order
    readings: Mapping[str, Reading] = dataclasses.field(default_factory=dict)  # in file order

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def readings_of(self, rule: Rule) -> tuple[Reading, ...]:
        """The readings a rule rests on, in the order of the readings file."""
        return tuple(r for r in self.readings.values() if r.id in rule.readings)


def fingerprint(root: Path) -> str:
    """sha256 over the rule files and parameters (paths and bytes); test cases, their base
    records and plans (which have a fingerprint of their own) excluded."""
    digest = hashlib.sha256()
    files = sorted(p for p in yaml_files(root, recursive=True)[0]
                   if p.relative_to(root).parts[0] != "plans" and not p.name.endswith(CASE_SUFFIX)
                   and p != root / FIXTURES)
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(read_rule_bytes(path) + b"\0")
    return f"sha256:{digest.hexdigest()}"


def rule_files(checks: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The rule files under ``checks`` (sub-folders by plan section), sorted, without the
    test cases beside them; and what is wrong with the entries that cannot be read."""
    files, wrong = yaml_files(checks, recursive=True)
    return [p for p in files if not p.name.endswith(CASE_SUFFIX)], wrong


def _read(path: Path, problems: list[RuleProblem]) -> Any:
    try:
        return load_yaml(read_rule_text(path), shipped=shipped(path))
    except StrictLoadError as exc:
        problems.append(RuleProblem(path.as_posix(), str(exc), line=exc.line))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(RuleProblem(path.as_posix(), f"cannot read: {exc}"))
    return None


class _RuleParser:
    def __init__(self, file: str, parameters: Mapping[str, Parameter],
                 departments: Mapping[str, Department], problems: list[RuleProblem]) -> None:
        self.file = file
        self.parameters = parameters
        self.departments = departments
        self.problems = problems

    def parse(self, index: int, raw: Any) -> Rule | None:
        label = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) \
            else f"#{index + 1}"
        before = len(self.problems)

        def problem(field: str | None, message: str) -> None:
            self.problems.append(RuleProblem(self.file, message, rule=label, field=field))

        if not isinstance(raw, dict):
            problem(None, "a rule is a mapping")
            return None
        for key in sorted(set(raw) - RULE_KEYS, key=str):
            problem(str(key), f"unknown key {key!r}; allowed: {', '.join(sorted(RULE_KEYS))}")
        for key in REQUIRED_RULE_KEYS:
            if key not in raw or raw[key] in (None, ""):
                problem(key, f"missing {key}")
        if isinstance(raw.get("id"), str) and not RULE_ID.match(raw["id"]):
            problem("id", "a rule ID looks like QB-AREA-STATION")
        title = Text.parse(raw.get("title"))
        if "title" in raw and title is None:
            problem("title", "title needs non-empty zh and en texts")
        if "clause" in raw and not isinstance(raw["clause"], str):
            problem("clause", "clause is the plan section cited, e.g. 二（一）")
        department = raw.get("department")
        if department is not None and department not in self.departments:
            problem("department", f"unknown department {department!r}; "
                                  f"known: {', '.join(self.departments)}")
        assisted_by = self.assisting(raw.get("assisted_by", []), department, problem)
        severity = raw.get("severity")
        if severity is not None and severity not in Severity.__members__:
            problem("severity", f"severity is one of {', '.join(Severity)}")
        applies_to = self.condition(raw, "applies_to", problem)
        requires = self.condition(raw, "requires", problem)
        can_fail = severity != Severity.info and raw.get("entitlement") is not True
        texts = self.texts(raw.get("text"), can_fail and "requires" in raw, problem)
        requirement = texts["requirement"] if texts else None
        readings = self.readings(raw.get("reading"), problem)
        subsidy = parse_subsidy(raw["subsidy"], self.parameters, problem) \
            if "subsidy" in raw else None
        if "subsidy" in raw and "requires" in raw:
            problem("requires", "a subsidy rule states only where it applies (applies_to); who "
                                "is eligible is decided by eligibility.yaml")
        entitlement = raw.get("entitlement", False)
        if not isinstance(entitlement, bool):
            problem("entitlement", "entitlement is true or false")
        if entitlement is True or severity == Severity.info:
            self.never_fails(raw, requires, entitlement is True, problem)
        if len(self.problems) > before or title is None or texts is None or requirement is None:
            return None
        return Rule(
            id=raw["id"], title=title, clause=raw["clause"], department=str(department),
            severity=Severity(str(severity)), applies_to=applies_to, requires=requires,
            requirement=requirement, fail=texts["fail"], remediation=texts["remediation"],
            not_applicable=texts["not_applicable"], passed=texts["pass"], readings=readings,
            file=self.file, subsidy=subsidy, entitlement=bool(entitlement),
            assisted_by=assisted_by,
        )

    def assisting(self, raw: Any, lead: Any, problem: Any) -> tuple[str, ...]:
        """The departments that assist the lead, by code (e.g. 区房管局 on QB-SPACE-SOURCE)."""
        if not isinstance(raw, list) or not all(isinstance(code, str) for code in raw):
            problem("assisted_by", "assisted_by lists department codes")
            return ()
        for code in raw:
            if code not in self.departments:
                problem("assisted_by", f"unknown department {code!r}; "
                                       f"known: {', '.join(self.departments)}")
            elif code == lead or raw.count(code) > 1:
                problem("assisted_by", f"{code!r} is the lead or listed twice")
        return tuple(raw)

    def condition(self, raw: dict[str, Any], key: str, problem: Any) -> Condition | None:
        if key not in raw:
            return None
        return parse_condition(raw[key], key, self.parameters, problem)

    def texts(self, raw: Any, has_requirement: bool,
              problem: Any) -> dict[str, Text | None] | None:
        if not isinstance(raw, dict):
            if raw is not None:
                problem("text", "text maps requirement, fail, remediation and not_applicable "
                                "to zh/en texts")
            return None
        for key in sorted(set(raw) - TEXT_KEYS, key=str):
            problem(f"text.{key}", f"unknown key {key!r}; allowed: {', '.join(sorted(TEXT_KEYS))}")
        needed = ["requirement", "fail", "remediation"] if has_requirement else ["requirement"]
        parsed: dict[str, Text | None] = {}
        for key in ("requirement", "pass", "fail", "remediation", "not_applicable"):
            text = Text.parse(raw.get(key))
            if key in raw and text is None:
                problem(f"text.{key}", "needs non-empty zh and en texts")
            elif text is None and key in needed:
                problem(f"text.{key}", f"missing text.{key}")
            elif text is not None:
                self.placeholders(text, f"text.{key}", problem)
            parsed[key] = text
        if parsed["requirement"] is None:
            return None
        return parsed

    def placeholders(self, text: Text, path: str, problem: Any) -> None:
        for lang, value in (("zh", text.zh), ("en", text.en)):
            for match in PLACEHOLDER.finditer(value):
                kind, name = match.groups()
                known = FIELDS if kind == "field" else self.parameters
                if name not in known:
                    problem(f"{path}.{lang}", f"placeholder {{{kind}:{name}}} names an unknown "
                                              f"{'record field' if kind == 'field' else 'parameter'}")
            stray = PLACEHOLDER.sub("", value)
            if re.search(r"\{[^}]*\}", stray):
                problem(f"{path}.{lang}", "a placeholder is {field:NAME} or {param:NAME}")

    def readings(self, raw: Any, problem: Any) -> tuple[str, ...]:
        """``reading: [ids]``; that the ids exist is checked with the readings file."""
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw or not all(isinstance(i, str) for i in raw):
            problem("reading", "reading lists the IDs of readings in readings.yaml, "
                               "e.g. [RD-AREA-OLD-ADVISORY]")
            return ()
        return tuple(raw)

    @staticmethod
    def never_fails(raw: dict[str, Any], requires: Condition | None, entitlement: bool,
                    problem: Any) -> None:
        """An info rule or an entitlement is never a failure, and never asks for a fix."""
        kind = "an entitlement" if entitlement else "an info rule"
        if entitlement and raw.get("severity") != Severity.info:
            problem("severity", "an entitlement has severity info")
        if requires is not None and can_be_false(requires):
            problem("requires", f"{kind} never fails, but this requirement can be false; state "
                                "where it applies (applies_to), or list every value of the field")
        text = raw.get("text")
        for key in ("fail", "remediation"):
            if isinstance(text, dict) and key in text:
                problem(f"text.{key}", f"{kind} never fails, so it has no text.{key}")
        for key in ("requirement", "pass"):
            said = Text.parse(text.get(key)) if isinstance(text, dict) else None
            if entitlement and said is not None and not (
                    "可享受" in said.zh and "may claim" in said.en):
                problem(f"text.{key}", "an entitlement is worded as what may be claimed: "
                                       "可享受…… / may claim …")


def _section(raw: Any, file: str, problems: list[RuleProblem]) -> Section | None:
    title = Text.parse(raw.get("title")) if isinstance(raw, dict) else None
    clause = raw.get("clause") if isinstance(raw, dict) else None
    if title is None or not isinstance(clause, str) or set(raw) != {"clause", "title"}:
        problems.append(RuleProblem(file, "section is {clause: 二（一）, title: {zh: ..., en: ...}}",
                                    field="section"))
        return None
    return Section(clause, title)


def _readings(root: Path, rules: Mapping[str, Rule], parameters: Mapping[str, Parameter],
              problems: list[RuleProblem]) -> dict[str, Reading]:
    """The readings file, checked against the marks the rules and parameters carry."""
    path = root / "readings.yaml"
    readings: dict[str, Reading] = {}
    if path.exists():
        doc = _read(path, problems)
        if doc is not None:
            readings = parse_readings(doc, path.as_posix(), problems)
    marked = [Marked("rule", r.id, r.file, r.readings) for r in rules.values()]
    marked += [Marked("parameter", p.name, p.file, p.readings) for p in parameters.values()]
    check_marks(readings, marked, path.as_posix(), problems)
    return readings


def _engine_limits(rules: Iterable[Rule], parameters: Mapping[str, Parameter]) -> list[RuleProblem]:
    """Conditions that durable_rules could not compile or match (limits.py), refused here
    so that both engines run every rule folder that passes lint. The shape of a compiled
    condition does not depend on the date: any value of each parameter tells it."""
    from qianbai_rules.compile.compiled import CompiledRule
    from qianbai_rules.engines.durable import limit_problems
    from qianbai_rules.rules.conditions import push_not, resolve

    def value_of(name: str) -> Scalar:
        return next(v.value for v in parameters[name].values if v.value is not None)

    found = []
    for rule in rules:
        scope, requirement = (push_not(resolve(c, value_of)) if c is not None else None
                              for c in (rule.applies_to, rule.requires))
        compiled = CompiledRule(rule, scope, requirement, fields_of(scope), fields_of(requirement))
        found += [RuleProblem(rule.file, message, rule=rule.id,
                              field="requires" if rule.requires else "applies_to")
                  for message in limit_problems(compiled)]
    return found


def load_ruleset(root: Path) -> Ruleset:
    """Load and check a rule folder; raise RulesError with every problem found."""
    problems: list[RuleProblem] = []
    manifest_path = root / "ruleset.yaml"
    if not root.is_dir():
        raise RulesError([RuleProblem(root.as_posix(), "the rule folder does not exist")])
    manifest = _read(manifest_path, problems) if manifest_path.exists() else None
    if not isinstance(manifest, dict):
        if manifest_path.exists() and not problems:
            problems.append(RuleProblem(manifest_path.as_posix(), "the manifest is a mapping"))
        elif not manifest_path.exists():
            problems.append(RuleProblem(manifest_path.as_posix(), "missing ruleset.yaml"))
        raise RulesError(problems)
    for key in sorted(set(manifest) - MANIFEST_KEYS, key=str):
        problems.append(RuleProblem(manifest_path.as_posix(), f"unknown key {key!r}", field=key))
    for key in ("name", "version", "source", "citation"):
        if not manifest.get(key):
            problems.append(RuleProblem(manifest_path.as_posix(), f"missing {key}", field=key))
    departments = parse_departments(manifest.get("departments"), manifest_path.as_posix(),
                                    problems)

    parameters: dict[str, Parameter] = {}
    param_root = root / "parameters"
    param_files, wrong = yaml_files(param_root, recursive=True)
    check_files, wrong_checks = rule_files(root / "checks")
    problems += [RuleProblem(path.as_posix(), message) for path, message in wrong + wrong_checks]
    for path in param_files:
        doc = _read(path, problems)
        if doc is not None:
            for parameter in parse_parameter_file(path, param_root, doc, problems):
                parameters[parameter.name] = parameter

    rules: dict[str, Rule] = {}
    sections: dict[str, Section] = {}
    if not check_files:
        problems.append(RuleProblem((root / "checks").as_posix(), "no rule files"))
    for path in check_files:
        doc = _read(path, problems)
        if doc is None:
            continue
        file = path.as_posix()
        if not isinstance(doc, dict) or set(doc) != {"section", "rules"} \
                or not isinstance(doc["rules"], list):
            problems.append(RuleProblem(file, "a rule file is {section: {clause: ..., title: "
                                              "{zh: ..., en: ...}}, rules: [rule, ...]}"))
            continue
        section = _section(doc["section"], file, problems)
        if section is None:
            continue
        sections.setdefault(section.clause, section)
        parser = _RuleParser(file, parameters, departments, problems)
        for index, raw in enumerate(doc["rules"]):
            rule = parser.parse(index, raw)
            if rule is None:
                continue
            rule = dataclasses.replace(rule, section=section.clause)
            if rule.id in rules:
                problems.append(RuleProblem(file, f"duplicate rule ID (also in "
                                                  f"{rules[rule.id].file})", rule=rule.id, field="id"))
                continue
            rules[rule.id] = rule
    readings = _readings(root, rules, parameters, problems)
    decisions: tuple[DecisionRow, ...] = ()
    table = root / "eligibility.yaml"
    if table.exists():
        doc = _read(table, problems)
        if doc is not None:
            decisions = parse_decisions(doc, table.as_posix(), problems)
    elif any(r.subsidy for r in rules.values()):
        problems.append(RuleProblem(table.as_posix(), "subsidy rules need the eligibility table"))
    if not problems:
        problems += _engine_limits(rules.values(), parameters)
    if problems:
        raise RulesError(problems)
    return Ruleset(
        name=str(manifest["name"]), version=str(manifest["version"]),
        source=str(manifest["source"]), citation=str(manifest["citation"]), departments=departments,
        rules=tuple(rules[k] for k in sorted(rules)), parameters=parameters,
        fingerprint=fingerprint(root), root=root, decisions=decisions, sections=sections,
        readings=readings,
    )
