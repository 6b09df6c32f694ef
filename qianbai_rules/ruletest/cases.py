"""Rule test cases as data, beside the rules they test, run by ``qianbai rules test`` and pytest.

``rules/checks/1-facility-standards/area.test.yaml`` holds the cases of the rules in
``area.yaml`` next to it (more files may follow the same stem: ``subsidies.proration.test.yaml``);
cases about the whole verdict sit at the top of ``rules/checks``. A case file::

    cases:
      - name: a station of exactly 200 m² meets the area standard   # a sentence
        base: station              # a record in rules/fixtures.yaml
        record: {floor_area_m2: 200}   # dotted fields set over the base
        unset: [community.population]  # dotted fields removed from the base
        as_of: 2019-12-31          # optional, default below
        expect: {QB-AREA-STATION: pass}
        verdict: compliant         # optional

Every case runs through both evaluators; they must agree on every rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from qianbai_rules.compile.compiled import CompiledRuleset, Status, Verdict, compile_ruleset
from qianbai_rules.core.limits import FIRST_DATE, LAST_DATE, date_problem
from qianbai_rules.core.problems import Found, Problem, RulesError, collect, key_path, unknown_keys
from qianbai_rules.core.resources import read_rule_text, yaml_files
from qianbai_rules.core.yamlio import StrictLoadError, as_date, load_yaml
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.durable import available as durable_available
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.fields import flatten
from qianbai_rules.model.validation import parse_record
from qianbai_rules.pipeline.check import evaluate_record
from qianbai_rules.reports.claims import subsidy_block
from qianbai_rules.rules.rulefile import Rule
from qianbai_rules.rules.ruleset import CASE_SUFFIX, FIXTURES, Ruleset

DEFAULT_AS_OF = dt.date(2019, 12, 31)
CASE_KIND = "case"  # the kind of a problem of one case, kept on the case (Case.problems)
CASE_KEYS = {"name", "base", "record", "unset", "as_of", "year", "expect", "verdict", "subsidy"}


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    record: dict[str, Any]
    as_of: dt.date
    expect: dict[str, str]
    verdict: str | None = None
    problems: tuple[Problem, ...] = field(default=())  # what is wrong with the case as written
    year: int | None = None
    subsidy: dict[str, Any] | None = None


def load_fixtures(root: Path) -> dict[str, dict[str, Any]]:
    """The base records of a rule folder's cases (``fixtures.yaml`` at its root), flattened."""
    path = root / FIXTURES
    if not path.exists():
        return {}
    doc = load_yaml(read_rule_text(path))
    if not isinstance(doc, dict):
        raise StrictLoadError(f"{path}: fixtures map names to records")
    return {str(k): flatten(v) for k, v in doc.items() if isinstance(v, dict)}


def rule_root(path: Path) -> Path | None:
    """The rule folder a case file belongs to: the nearest folder above it holding a
    ``ruleset.yaml``; None when there is none."""
    for folder in path.resolve().parents:
        if (folder / "ruleset.yaml").is_file():
            return folder
    return None


def case_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """Every ``*.test.yaml`` under a rule folder, sorted, and the entries named so that
    cannot be read (a FIFO, a link that loops)."""
    files, wrong = yaml_files(root, recursive=True)
    return ([p for p in files if p.name.endswith(CASE_SUFFIX)],
            [Problem.in_rules(p.as_posix(), m) for p, m in wrong if p.name.endswith(CASE_SUFFIX)])


def load_cases(root: Path) -> Found[list[Case]]:
    """Every case of a rule folder; yields the problems of files that cannot be read and
    of cases that are not well formed (those cases are kept, each with its problems)."""
    try:
        fixtures = load_fixtures(root)
    except (StrictLoadError, OSError, UnicodeDecodeError) as exc:
        yield Problem.in_rules((root / FIXTURES).as_posix(), f"cannot read: {exc}")
        return []
    files, unreadable = case_files(root)
    yield from unreadable
    cases: list[Case] = []
    for path in files:
        cases += yield from load_case_file(path, fixtures)
    return cases


def load_case_file(path: Path, fixtures: dict[str, dict[str, Any]]) -> Found[list[Case]]:
    """The cases of one file; yields what keeps the file from being read and what is wrong
    with each case, at its key path (``cases[2].expect.QB-AREA-STATION``)."""
    file = path.as_posix()
    try:
        doc = load_yaml(read_rule_text(path))
    except StrictLoadError as exc:
        yield Problem.in_rules(file, str(exc), line=exc.line)
        return []
    except (OSError, UnicodeDecodeError) as exc:
        yield Problem.in_rules(file, f"cannot read: {exc}")
        return []

    def at(field: str, message: str) -> Problem:
        return Problem.in_rules(file, message, field=field)

    if not isinstance(doc, dict):
        yield Problem.in_rules(file, "a case file is a mapping with cases")
        return []
    shape = list(unknown_keys(doc, {"cases"}, at))
    if not isinstance(doc.get("cases"), list):
        shape.append(at("cases", "cases is a list of cases"))
    yield from shape
    if shape:
        return []
    cases = []
    for index, raw in enumerate(doc["cases"]):
        case, problems = collect(_case(file, index, raw, fixtures))
        yield from problems
        cases.append(replace(case, problems=tuple(problems)))
    return cases


def _beside(case_file: str, rule_file: str) -> bool:
    """Whether a case file sits beside a rule file: ``area.test.yaml`` or
    ``area.more.test.yaml`` next to ``area.yaml``."""
    case, rule = Path(case_file), Path(rule_file)
    return case.parent == rule.parent and case.name.split(".")[0] == rule.name[:-len(".yaml")]


def cases_of(rule: Rule, cases: list[Case]) -> list[Case]:
    """The cases of a rule: those that expect an outcome of it, and those beside its file
    that expect no rule's outcome (a verdict or an amount only)."""
    return [c for c in cases if rule.id in c.expect or (not c.expect and _beside(c.file, rule.file))]


def select(cases: list[Case], rules: list[Rule], keyword: str | None) -> list[Case]:
    """The cases of the given rules (all cases when none is given) whose name holds the
    keyword (in any case), in file order."""
    chosen = cases
    if rules:
        wanted = {id(c) for rule in rules for c in cases_of(rule, cases)}
        chosen = [c for c in cases if id(c) in wanted]
    if keyword:
        chosen = [c for c in chosen if keyword.casefold() in c.name.casefold()]
    return chosen


def _case(file: str, index: int, raw: Any, fixtures: dict[str, dict[str, Any]]) -> Found[Case]:
    """One case; yields each problem of it, of the kind "case", at its key path."""
    name = str(raw.get("name") or f"case {index + 1}") if isinstance(raw, dict) \
        else f"case {index + 1}"
    where = key_path("cases", index)

    def at(field: str, message: str) -> Problem:
        return Problem.in_rules(file, message, rule=name, field=field or where, kind=CASE_KIND)

    if not isinstance(raw, dict):
        yield at(where, "a case is a mapping")
        return Case(file, name, {}, DEFAULT_AS_OF, {})
    yield from unknown_keys(raw, CASE_KEYS, at, under=where)
    if not raw.get("name"):
        yield at(key_path(where, "name"), "a case needs a name (a sentence)")
    base = raw.get("base")
    record: dict[str, Any] = {}
    if base is not None:
        if base not in fixtures:
            yield at(key_path(where, "base"), f"unknown base {base!r}")
        else:
            record = dict(fixtures[base])
    record.update(flatten(raw.get("record") or {}))
    for i, name_ in enumerate(raw.get("unset") or []):
        if name_ not in record:
            yield at(key_path(where, "unset", i), f"unset {name_!r} is not in the record")
        record.pop(name_, None)
    expect = raw.get("expect") or {}
    if not isinstance(expect, dict) or (not expect and not raw.get("verdict")):
        yield at(key_path(where, "expect"), "expect maps rule IDs to statuses")
        expect = {}
    for rule, status in expect.items():
        if status not in {s.value for s in Status}:
            yield at(key_path(where, "expect", str(rule)), f"unknown status {status!r}")
    verdict = raw.get("verdict")
    if verdict is not None and verdict not in {v.value for v in Verdict}:
        yield at(key_path(where, "verdict"), f"unknown verdict {verdict!r}")
    as_of = as_date(raw.get("as_of", DEFAULT_AS_OF))
    if as_of is None or date_problem(as_of) is not None:
        yield at(key_path(where, "as_of"),
                 f"as_of is a date (YYYY-MM-DD) from {FIRST_DATE} to {LAST_DATE}")
        as_of = DEFAULT_AS_OF
    year = raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)
                             or not FIRST_DATE.year <= year <= LAST_DATE.year):
        yield at(key_path(where, "year"),
                 f"year is a whole number from {FIRST_DATE.year} to {LAST_DATE.year}")
        year = None
    subsidy = raw.get("subsidy")
    if subsidy is not None and not isinstance(subsidy, dict):
        yield at(key_path(where, "subsidy"),
                 "subsidy maps construction/operating to expected values")
        subsidy = None
    return Case(file, name, record, as_of, {str(k): str(v) for k, v in expect.items()},
                verdict, (), year, subsidy)


@cache
def _compiled(ruleset: Ruleset, as_of: dt.date) -> CompiledRuleset:
    return compile_ruleset(ruleset, as_of)


def run_case(case: Case, ruleset: Ruleset) -> list[str]:
    """What is wrong with a case's outcome; empty when it holds on both evaluators."""
    if case.problems:
        return [f"{p.field}: {p.says('en')}" for p in case.problems]
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
