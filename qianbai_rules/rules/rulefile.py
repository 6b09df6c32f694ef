"""A rule file, ``rules/checks/*.yaml``: one section of the plan and its rules.

A rule file is ``{section: {clause: 二（一）, title: {zh, en}}, rules: [rule, ...]}``; each
rule is checked key by key (the ``text`` block, placeholders, conditions, the ``subsidy``
block, readings, departments), every problem yielded with the rule and the key path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from qianbai_rules.core.problems import At, Found, Problem, Text, collect, reported, unknown_keys
from qianbai_rules.model.fields import FIELDS
from qianbai_rules.rules.condition_parser import parse_condition
from qianbai_rules.rules.conditions import Condition, can_be_false, fields_of, params_of
from qianbai_rules.rules.departments import Department
from qianbai_rules.rules.parameters import Parameter
from qianbai_rules.rules.subsidy_spec import SubsidySpec, parse_subsidy


class Severity(StrEnum):
    mandatory = "mandatory"
    advisory = "advisory"
    info = "info"


RULE_KEYS: Final = {"id", "title", "clause", "department", "severity", "applies_to",
                    "requires", "text", "reading", "subsidy", "entitlement", "assisted_by"}
REQUIRED_RULE_KEYS: Final = ("id", "title", "clause", "department", "severity", "text")
TEXT_KEYS: Final = ("requirement", "pass", "fail", "remediation", "not_applicable")
FILE_KEYS: Final = ("section", "rules")
SECTION_KEYS: Final = ("clause", "title")
RULE_ID: Final = re.compile(r"^QB-[A-Z0-9]+(-[A-Z0-9]+)*$")
PLACEHOLDER: Final = re.compile(r"\{(field|param):([A-Za-z0-9_.]+)\}")


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


def parse_rule_file(doc: Any, file: str, parameters: Mapping[str, Parameter],
                    departments: Mapping[str, Department]) -> Found[tuple[Section, list[Rule]] | None]:
    """A rule file's section and its rules (those without problems), in file order."""
    def at(field: str, message: str) -> Problem:
        return Problem.in_rules(file, message, field=field)

    if not isinstance(doc, dict):
        yield Problem.in_rules(file, "a rule file is a mapping of section and rules")
        return None
    shape = list(unknown_keys(doc, FILE_KEYS, at))
    shape += [at(key, f"missing {key}") for key in FILE_KEYS if key not in doc]
    if "rules" in doc and not isinstance(doc["rules"], list):
        shape.append(at("rules", "rules is a list of rules"))
    yield from shape
    if shape:
        return None
    raw = doc["section"]
    if not isinstance(raw, dict):
        yield at("section", "section is {clause: 二（一）, title: {zh: ..., en: ...}}")
        return None
    shape = list(unknown_keys(raw, SECTION_KEYS, at, under="section"))
    shape += [at(f"section.{key}", f"missing section.{key}") for key in SECTION_KEYS
              if key not in raw]
    title, clause = Text.parse(raw.get("title")), raw.get("clause")
    if "title" in raw and title is None:
        shape.append(at("section.title", "title needs non-empty zh and en texts"))
    if "clause" in raw and not isinstance(clause, str):
        shape.append(at("section.clause", "clause is the plan section, e.g. 二（一）"))
    yield from shape
    if shape or title is None or not isinstance(clause, str):
        return None
    section = Section(clause, title)
    parser = _RuleParser(file, parameters, departments)
    rules = []
    for index, raw_rule in enumerate(doc["rules"]):
        rule, problems = collect(parser.parse(index, raw_rule, section.clause))
        yield from problems
        if rule is not None and not problems:
            rules.append(rule)
    return section, rules


class _RuleParser:
    def __init__(self, file: str, parameters: Mapping[str, Parameter],
                 departments: Mapping[str, Department]) -> None:
        self.file = file
        self.parameters = parameters
        self.departments = departments

    def parse(self, index: int, raw: Any, section: str) -> Found[Rule | None]:
        """The rule, or None where it has a problem."""
        build, problems = collect(self._checked(index, raw, section))
        yield from problems
        return build() if build is not None and not problems else None

    def _checked(self, index: int, raw: Any, section: str) -> Found[Callable[[], Rule] | None]:
        """Every key of a rule checked; how to build it, taken only when none has a problem."""
        label = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) \
            else f"#{index + 1}"

        def problem(field: str | None, message: str) -> Problem:
            return Problem.in_rules(self.file, message, rule=label, field=field)

        if not isinstance(raw, dict):
            yield problem(None, "a rule is a mapping")
            return None
        yield from unknown_keys(raw, RULE_KEYS, problem)
        for key in REQUIRED_RULE_KEYS:
            if key not in raw or raw[key] in (None, ""):
                yield problem(key, f"missing {key}")
        if isinstance(raw.get("id"), str) and not RULE_ID.match(raw["id"]):
            yield problem("id", "a rule ID looks like QB-AREA-STATION")
        title = Text.parse(raw.get("title"))
        if "title" in raw and title is None:
            yield problem("title", "title needs non-empty zh and en texts")
        if "clause" in raw and not isinstance(raw["clause"], str):
            yield problem("clause", "clause is the plan section cited, e.g. 二（一）")
        department = raw.get("department")
        if department is not None and department not in self.departments:
            yield problem("department", f"unknown department {department!r}; "
                                        f"known: {', '.join(self.departments)}")
        assisted_by = yield from self.assisting(raw.get("assisted_by", []), department, problem)
        severity = raw.get("severity")
        if severity is not None and severity not in Severity.__members__:
            yield problem("severity", f"severity is one of {', '.join(Severity)}")
        applies_to = yield from self.condition(raw, "applies_to", problem)
        requires = yield from self.condition(raw, "requires", problem)
        can_fail = severity != Severity.info and raw.get("entitlement") is not True
        texts = yield from self.texts(raw.get("text"), can_fail and "requires" in raw, problem)
        requirement = texts["requirement"] if texts else None
        readings = yield from self.readings(raw.get("reading"), problem)
        subsidy = (yield from parse_subsidy(raw["subsidy"], self.parameters, problem)) \
            if "subsidy" in raw else None
        if "subsidy" in raw and "requires" in raw:
            yield problem("requires", "a subsidy rule states only where it applies (applies_to); "
                                      "who is eligible is decided by eligibility.yaml")
        entitlement = raw.get("entitlement", False)
        if not isinstance(entitlement, bool):
            yield problem("entitlement", "entitlement is true or false")
        if entitlement is True or severity == Severity.info:
            yield from self.never_fails(raw, requires, entitlement is True, problem)
        if title is None or texts is None or requirement is None:
            return None
        return lambda: Rule(
            id=raw["id"], title=title, clause=raw["clause"], department=str(department),
            severity=Severity(str(severity)), applies_to=applies_to, requires=requires,
            requirement=requirement, fail=texts["fail"], remediation=texts["remediation"],
            not_applicable=texts["not_applicable"], passed=texts["pass"], readings=readings,
            file=self.file, subsidy=subsidy, entitlement=bool(entitlement),
            section=section, assisted_by=assisted_by,
        )

    def assisting(self, raw: Any, lead: Any, problem: At) -> Found[tuple[str, ...]]:
        """The departments that assist the lead, by code (e.g. 区房管局 on QB-SPACE-SOURCE)."""
        if not isinstance(raw, list) or not all(isinstance(code, str) for code in raw):
            yield problem("assisted_by", "assisted_by lists department codes")
            return ()
        for code in raw:
            if code not in self.departments:
                yield problem("assisted_by", f"unknown department {code!r}; "
                                             f"known: {', '.join(self.departments)}")
            elif code == lead or raw.count(code) > 1:
                yield problem("assisted_by", f"{code!r} is the lead or listed twice")
        return tuple(raw)

    def condition(self, raw: dict[str, Any], key: str, problem: At) -> Found[Condition | None]:
        if key not in raw:
            return None
        return (yield from reported(
            lambda report: parse_condition(raw[key], key, self.parameters, report), problem))

    def texts(self, raw: Any, has_requirement: bool,
              problem: At) -> Found[dict[str, Text | None] | None]:
        if not isinstance(raw, dict):
            if raw is not None:
                yield problem("text", "text maps requirement, fail, remediation and "
                                      "not_applicable to zh/en texts")
            return None
        yield from unknown_keys(raw, TEXT_KEYS, problem, under="text")
        needed = ["requirement", "fail", "remediation"] if has_requirement else ["requirement"]
        parsed: dict[str, Text | None] = {}
        for key in TEXT_KEYS:
            text = Text.parse(raw.get(key))
            if key in raw and text is None:
                yield problem(f"text.{key}", "needs non-empty zh and en texts")
            elif text is None and key in needed:
                yield problem(f"text.{key}", f"missing text.{key}")
            elif text is not None:
                yield from self.placeholders(text, f"text.{key}", problem)
            parsed[key] = text
        if parsed["requirement"] is None:
            return None
        return parsed

    def placeholders(self, text: Text, path: str, problem: At) -> Found[None]:
        for lang, value in (("zh", text.zh), ("en", text.en)):
            for match in PLACEHOLDER.finditer(value):
                kind, name = match.groups()
                known = FIELDS if kind == "field" else self.parameters
                if name not in known:
                    yield problem(f"{path}.{lang}", f"placeholder {{{kind}:{name}}} names an "
                                  f"unknown {'record field' if kind == 'field' else 'parameter'}")
            stray = PLACEHOLDER.sub("", value)
            if re.search(r"\{[^}]*\}", stray):
                yield problem(f"{path}.{lang}", "a placeholder is {field:NAME} or {param:NAME}")

    @staticmethod
    def readings(raw: Any, problem: At) -> Found[tuple[str, ...]]:
        """``reading: [ids]``; that the ids exist is checked with the readings file."""
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw or not all(isinstance(i, str) for i in raw):
            yield problem("reading", "reading lists the IDs of readings in readings.yaml, "
                                     "e.g. [RD-AREA-OLD-ADVISORY]")
            return ()
        return tuple(raw)

    @staticmethod
    def never_fails(raw: dict[str, Any], requires: Condition | None, entitlement: bool,
                    problem: At) -> Found[None]:
        """An info rule or an entitlement is never a failure, and never asks for a fix."""
        kind = "an entitlement" if entitlement else "an info rule"
        if entitlement and raw.get("severity") != Severity.info:
            yield problem("severity", "an entitlement has severity info")
        if requires is not None and can_be_false(requires):
            yield problem("requires", f"{kind} never fails, but this requirement can be false; "
                                      "state where it applies (applies_to), or list every value "
                                      "of the field")
        text = raw.get("text")
        for key in ("fail", "remediation"):
            if isinstance(text, dict) and key in text:
                yield problem(f"text.{key}", f"{kind} never fails, so it has no text.{key}")
        for key in ("requirement", "pass"):
            said = Text.parse(text.get(key)) if isinstance(text, dict) else None
            if entitlement and said is not None and not (
                    "可享受" in said.zh and "may claim" in said.en):
                yield problem(f"text.{key}", "an entitlement is worded as what may be claimed: "
                                             "可享受…… / may claim …")
