"""Rule test cases as data: ``rules/tests/*.yaml``, run by ``qianbai rules test`` and pytest.

A case file::

    cases:
      - name: a station of exactly 200 m² meets the area standard   # a sentence
        base: station              # a record in rules/tests/fixtures.yaml
        record: {floor_area_m2: 200}   # dotted fields set over the base
        unset: [community.population]  # dotted fields removed from the base
        as_of: 2019-12-31          # optional, default below
        expect: {QB-AREA-STATION: pass}
        verdict: compliant         # optional

Every case runs through both evaluators; they must agree on every rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from qianbai_rules.compile.compiled import CompiledRuleset, Status, Verdict, compile_ruleset
from qianbai_rules.core.limits import FIRST_DATE, LAST_DATE, date_problem
from qianbai_rules.core.problems import Problem, RulesError, unknown_key_messages
from qianbai_rules.core.resources import read_rule_text, yaml_files
from qianbai_rules.core.yamlio import StrictLoadError, as_date, load_yaml
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.durable import available as durable_available
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.fields import flatten
from qianbai_rules.model.validation import parse_record
from qianbai_rules.pipeline.check import evaluate_record
from qianbai_rules.reports.claims import subsidy_block
from qianbai_rules.rules.ruleset import Ruleset

DEFAULT_AS_OF = dt.date(2019, 12, 31)
CASE_KEYS = {"name", "base", "record", "unset", "as_of", "year", "expect", "verdict", "subsidy"}


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    record: dict[str, Any]
    as_of: dt.date
    expect: dict[str, str]
    verdict: str | None = None
    problems: tuple[str, ...] = field(default=())
    year: int | None = None
    subsidy: dict[str, Any] | None = None


def load_fixtures(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / "fixtures.yaml"
    if not path.exists():
        return {}
    doc = load_yaml(read_rule_text(path))
    if not isinstance(doc, dict):
        raise StrictLoadError(f"{path}: fixtures map names to records")
    return {str(k): flatten(v) for k, v in doc.items() if isinstance(v, dict)}


def load_cases(folder: Path) -> tuple[list[Case], list[Problem]]:
    """Every case under a folder, and the problems of files that cannot be read."""
    problems: list[Problem] = []
    try:
        fixtures = load_fixtures(folder)
    except (StrictLoadError, OSError, UnicodeDecodeError) as exc:
        return [], [Problem.in_rules((folder / "fixtures.yaml").as_posix(), f"cannot read: {exc}")]
    cases: list[Case] = []
    files, wrong = yaml_files(folder)
    problems += [Problem.in_rules(path.as_posix(), message) for path, message in wrong]
    for path in files:
        if path.name == "fixtures.yaml":
            continue
        file = path.as_posix()
        try:
            doc = load_yaml(read_rule_text(path))
        except StrictLoadError as exc:
            problems.append(Problem.in_rules(file, str(exc), line=exc.line))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem.in_rules(file, f"cannot read: {exc}"))
            continue
        if not isinstance(doc, dict) or set(doc) != {"cases"} or not isinstance(doc["cases"], list):
            problems.append(Problem.in_rules(file, "a case file is {cases: [case, ...]}"))
            continue
        for index, raw in enumerate(doc["cases"]):
            cases.append(_case(file, index, raw, fixtures))
    return cases, problems


def _case(file: str, index: int, raw: Any, fixtures: dict[str, dict[str, Any]]) -> Case:
    if not isinstance(raw, dict):
        return Case(file, f"case {index + 1}", {}, DEFAULT_AS_OF, {}, None, ("not a mapping",))
    name = str(raw.get("name") or f"case {index + 1}")
    problems = [message for _, message in unknown_key_messages(raw, CASE_KEYS)]
    if not raw.get("name"):
        problems.append("a case needs a name (a sentence)")
    base = raw.get("base")
    record: dict[str, Any] = {}
    if base is not None:
        if base not in fixtures:
            problems.append(f"unknown base {base!r}")
        else:
            record = dict(fixtures[base])
    record.update(flatten(raw.get("record") or {}))
    for name_ in raw.get("unset") or []:
        if name_ not in record:
            problems.append(f"unset {name_!r} is not in the record")
        record.pop(name_, None)
    expect = raw.get("expect") or {}
    if not isinstance(expect, dict) or (not expect and not raw.get("verdict")):
        problems.append("expect maps rule IDs to statuses")
        expect = {}
    for rule, status in expect.items():
        if status not in {s.value for s in Status}:
            problems.append(f"{rule}: unknown status {status!r}")
    verdict = raw.get("verdict")
    if verdict is not None and verdict not in {v.value for v in Verdict}:
        problems.append(f"unknown verdict {verdict!r}")
    as_of = as_date(raw.get("as_of", DEFAULT_AS_OF))
    if as_of is None or date_problem(as_of) is not None:
        problems.append(f"as_of is a date (YYYY-MM-DD) from {FIRST_DATE} to {LAST_DATE}")
        as_of = DEFAULT_AS_OF
    year = raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)
                             or not FIRST_DATE.year <= year <= LAST_DATE.year):
        problems.append(f"year is a whole number from {FIRST_DATE.year} to {LAST_DATE.year}")
        year = None
    subsidy = raw.get("subsidy")
    if subsidy is not None and not isinstance(subsidy, dict):
        problems.append("subsidy maps construction/operating to expected values")
        subsidy = None
    return Case(file, name, record, as_of, {str(k): str(v) for k, v in expect.items()},
                verdict, tuple(problems), year, subsidy)


@cache
def _compiled(ruleset: Ruleset, as_of: dt.date) -> CompiledRuleset:
    return compile_ruleset(ruleset, as_of)


def run_case(case: Case, ruleset: Ruleset) -> list[str]:
    """What is wrong with a case's outcome; empty when it holds on both evaluators."""
    if case.problems:
        return list(case.problems)
    record = parse_record(case.record)
    if isinstance(record, list):
        return [f"the case's record is invalid: {f}: {m.en}" for f, m in record]
    try:
        compiled = _compiled(ruleset, case.as_of)
    except RulesError as exc:  # a parameter with no value in force on the case's date
        return [f"the rules cannot be compiled on {case.as_of.isoformat()}: {p}"
                for p in exc.problems]
    failures = [f"{rule}: no such rule" for rule in case.expect if ruleset.rule(rule) is None]
    year = case.year or case.as_of.year
    plain = evaluate_record(record, "case", compiled, PlainEvaluator(compiled), year)
    results = [plain]
    if durable_available():
        results.append(evaluate_record(record, "case", compiled, DurableEvaluator(compiled), year))
    by_rule = {r.rule.id: i for i, r in enumerate(compiled.rules)}
    for rule, expected in case.expect.items():
        if rule in by_rule and plain.statuses[by_rule[rule]].value != expected:
            failures.append(f"{rule}: expected {expected}, got "
                            f"{plain.statuses[by_rule[rule]].value}")
    if case.verdict and plain.verdict.value != case.verdict:
        failures.append(f"verdict: expected {case.verdict}, got {plain.verdict.value}")
    for other in results[1:]:
        for compiled_rule, mine, theirs in zip(compiled.rules, plain.statuses, other.statuses,
                                               strict=True):
            if mine != theirs:
                failures.append(f"{compiled_rule.rule.id}: evaluators disagree "
                                f"(plain {mine.value}, durable {theirs.value})")
        if other.subsidies != plain.subsidies:
            failures.append(f"subsidies: evaluators disagree (plain {plain.subsidies}, "
                            f"durable {other.subsidies})")
    if case.subsidy is not None:
        block = subsidy_block(plain.subsidies, compiled, plain.flat, year, "en")
        failures.extend(_mismatches(case.subsidy, block, "subsidy"))
    return failures


def _mismatches(expected: Any, actual: Any, path: str) -> list[str]:
    """Where ``actual`` differs from ``expected``; only the keys given are compared."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected a mapping, got {actual!r}"]
        found = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{path}.{key}: missing")
            else:
                found.extend(_mismatches(value, actual[key], f"{path}.{key}"))
        return found
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]
