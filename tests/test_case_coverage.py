"""Every rule has test cases that pass it, fail it, and leave it not applicable or unknown;
``rules lint`` says which are missing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from qianbai_rules.core.problems import collect
from qianbai_rules.rules.ruleset import load_ruleset
from qianbai_rules.ruletest.cases import load_cases
from qianbai_rules.ruletest.coverage import coverage_problems

ROOT = Path(__file__).resolve().parent.parent


def test_every_shipped_rule_is_covered_by_pass_fail_and_not_applicable_or_unknown_cases() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    cases, problems = collect(load_cases(ROOT / "rules"))
    assert problems == []
    assert [str(p) for p in coverage_problems(ruleset, cases)] == []


def test_a_rule_without_a_fail_case_is_named_with_what_it_lacks() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    cases, _ = collect(load_cases(ROOT / "rules"))
    kept = [dataclasses.replace(c, expect={k: v for k, v in c.expect.items()
                                           if not (k == "QB-AREA-STATION" and v == "fail")})
            for c in cases]
    problems = list(coverage_problems(ruleset, kept))
    assert [(p.item, p.message) for p in problems] == [
        ("QB-AREA-STATION", "no test case expects fail")]
    assert problems[0].file.endswith("rules/checks/1-facility-standards/area.yaml")


def test_a_rule_that_cannot_fail_needs_no_fail_case_and_may_not_have_one() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    cases, _ = collect(load_cases(ROOT / "rules"))
    assert not any("QB-HEALTH-PUBLIC" in c.expect and c.expect["QB-HEALTH-PUBLIC"] == "fail"
                   for c in cases)
    wrong = [*cases, dataclasses.replace(cases[0], expect={"QB-HEALTH-PUBLIC": "fail"})]
    assert [(p.item, p.message) for p in coverage_problems(ruleset, wrong)] == [
        ("QB-HEALTH-PUBLIC", "cannot fail, yet a test case expects it to")]
