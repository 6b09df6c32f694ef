"""The rule folder: a strict loader for rule files, parameters and the ruleset manifest.

Layout::

    rules/ruleset.yaml          name, version, source document, departments (manifest.py)
    rules/parameters/**.yaml    dated parameters (parameters.py)
    rules/checks/**/*.yaml      rule files: {section: ..., rules: [rule, ...]} (rulefile.py), one
                                folder per plan section, e.g. checks/1-facility-standards/area.yaml
    rules/checks/**/*.test.yaml rule test cases beside the rules they test (ruletest/cases.py)
    rules/fixtures.yaml         base records the test cases build on
    rules/readings.yaml         the project's readings of the plan (执行口径, readings.py)
    rules/eligibility.yaml      the subsidy decision table (subsidy_spec.py)
    rules/plans/*.yaml          plans, rules/indicators/*.yaml indicator schemes: read by the
                                annual evaluation (plan.py, indicators.py), not by this loader

Every problem found is yielded with its file, rule and key path; loading fails only after
the whole folder has been read, so ``qianbai rules lint`` reports everything at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from qianbai_rules.core.problems import Found, Problem, RulesError, collect
from qianbai_rules.core.resources import read_rule_bytes, read_rule_text, shipped, yaml_files
from qianbai_rules.core.yamlio import StrictLoadError, load_yaml
from qianbai_rules.rules.departments import Department
from qianbai_rules.rules.manifest import Manifest, parse_manifest
from qianbai_rules.rules.parameters import Parameter, parse_parameter_file
from qianbai_rules.rules.readings import Marked, Reading, check_marks, parse_readings
from qianbai_rules.rules.rulefile import Rule, Section, parse_rule_file
from qianbai_rules.rules.subsidy_spec import DecisionRow, parse_decisions

CASE_SUFFIX: Final = ".test.yaml"  # a file of rule test cases, beside the rule file it tests
FIXTURES: Final = "fixtures.yaml"  # at the root of a rule folder: the cases' base records
OWN_FINGERPRINT: Final = ("plans", "indicators")  # folders whose files the reports name apart


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
    records, plans and indicator schemes (which have a fingerprint of their own) excluded."""
    digest = hashlib.sha256()
    files = sorted(p for p in yaml_files(root, recursive=True)[0]
                   if p.relative_to(root).parts[0] not in OWN_FINGERPRINT
                   and not p.name.endswith(CASE_SUFFIX)
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


def _read(path: Path) -> Found[Any]:
    """A YAML file of the rule folder, or None where it cannot be read."""
    try:
        return load_yaml(read_rule_text(path), shipped=shipped(path))
    except StrictLoadError as exc:
        yield Problem.in_rules(path.as_posix(), str(exc), line=exc.line)
    except (OSError, UnicodeDecodeError) as exc:
        yield Problem.in_rules(path.as_posix(), f"cannot read: {exc}")
    return None


def _readings(root: Path, rules: Mapping[str, Rule],
              parameters: Mapping[str, Parameter]) -> Found[dict[str, Reading]]:
    """The readings file, checked against the marks the rules and parameters carry."""
    path = root / "readings.yaml"
    readings: dict[str, Reading] = {}
    if path.exists():
        doc = yield from _read(path)
        if doc is not None:
            readings = yield from parse_readings(doc, path.as_posix())
    marked = [Marked("rule", r.id, r.file, r.readings) for r in rules.values()]
    marked += [Marked("parameter", p.name, p.file, p.readings) for p in parameters.values()]
    yield from check_marks(readings, marked, path.as_posix())
    return readings


def load_ruleset(root: Path) -> Ruleset:
    """Load and check a rule folder; raise RulesError with every problem found."""
    if not root.is_dir():
        raise RulesError([Problem.in_rules(root.as_posix(), "the rule folder does not exist")])
    ruleset, problems = collect(_folder(root))
    if ruleset is None or problems:
        raise RulesError(problems)
    return dataclasses.replace(ruleset, fingerprint=fingerprint(root))


def _manifest(root: Path) -> Found[Manifest | None]:
    path = root / "ruleset.yaml"
    if not path.exists():
        yield Problem.in_rules(path.as_posix(), "missing ruleset.yaml")
        return None
    doc, unread = collect(_read(path))
    yield from unread
    if not isinstance(doc, dict):
        if not unread:
            yield Problem.in_rules(path.as_posix(), "the manifest is a mapping")
        return None
    return (yield from parse_manifest(doc, path.as_posix()))


def _parameters(param_root: Path, param_files: list[Path]) -> Found[dict[str, Parameter]]:
    parameters: dict[str, Parameter] = {}
    for path in param_files:
        doc = yield from _read(path)
        if doc is not None:
            for parameter in (yield from parse_parameter_file(path, param_root, doc)):
                parameters[parameter.name] = parameter
    return parameters


def _rule_files(folder: Path, check_files: list[Path], parameters: Mapping[str, Parameter],
                departments: Mapping[str, Department]) -> Found[tuple[dict[str, Rule], dict[str, Section]]]:
    rules: dict[str, Rule] = {}
    sections: dict[str, Section] = {}
    if not check_files:
        yield Problem.in_rules(folder.as_posix(), "no rule files")
    for path in check_files:
        doc = yield from _read(path)
        if doc is None:
            continue
        file = path.as_posix()
        parsed = yield from parse_rule_file(doc, file, parameters, departments)
        if parsed is None:
            continue
        section, found = parsed
        sections.setdefault(section.clause, section)
        for rule in found:
            if rule.id in rules:
                yield Problem.in_rules(file, f"duplicate rule ID (also in {rules[rule.id].file})",
                                       rule=rule.id, field="id")
                continue
            rules[rule.id] = rule
    return rules, sections


def _decisions(root: Path, rules: Mapping[str, Rule]) -> Found[tuple[DecisionRow, ...]]:
    table = root / "eligibility.yaml"
    if table.exists():
        doc = yield from _read(table)
        if doc is not None:
            return (yield from parse_decisions(doc, table.as_posix()))
    elif any(r.subsidy for r in rules.values()):
        yield Problem.in_rules(table.as_posix(), "subsidy rules need the eligibility table")
    return ()


def _folder(root: Path) -> Found[Ruleset | None]:
    """The rule folder, without its fingerprint (which reads every file whole: taken
    only once the folder is known to be sound)."""
    manifest = yield from _manifest(root)
    if manifest is None:
        return None
    param_files, wrong = yaml_files(root / "parameters", recursive=True)
    check_files, wrong_checks = rule_files(root / "checks")
    yield from (Problem.in_rules(path.as_posix(), message) for path, message in wrong + wrong_checks)
    parameters = yield from _parameters(root / "parameters", param_files)
    rules, sections = yield from _rule_files(root / "checks", check_files, parameters,
                                             manifest.departments)
    readings = yield from _readings(root, rules, parameters)
    decisions = yield from _decisions(root, rules)
    return Ruleset(
        name=manifest.name, version=manifest.version, source=manifest.source,
        citation=manifest.citation, departments=manifest.departments,
        rules=tuple(rules[k] for k in sorted(rules)), parameters=parameters,
        fingerprint="", root=root, decisions=decisions, sections=sections,
        readings=readings,
    )
