"""Every rule has test cases that pass it, fail it, and leave it not applicable or unknown."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from qianbai_rules.casefile import load_cases
from qianbai_rules.ruleset import Severity, load_ruleset

ROOT = Path(__file__).resolve().parent.parent


def test_every_rule_is_covered_by_pass_fail_and_not_applicable_or_unknown_cases() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    cases, problems = load_cases(ROOT / "rules" / "tests")
    assert problems == []
    seen: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        for rule_id, status in case.expect.items():
            seen[rule_id].add(status)
    missing = []
    for rule in ruleset.rules:
        needed = {"pass"}
        # QB-OPERATION-MODEL's requirement is a code the record model already validates.
        can_fail = rule.requires is not None and not (
            rule.severity is Severity.info and rule.id == "QB-OPERATION-MODEL")
        if can_fail:
            needed.add("fail")
        statuses = seen[rule.id]
        if not needed <= statuses:
            missing.append(f"{rule.id}: lacks {sorted(needed - statuses)}")
        has_fields = bool(rule.scope_fields or rule.requirement_fields)
        if has_fields and not statuses & {"not_applicable", "unknown"}:
            missing.append(f"{rule.id}: lacks a not_applicable or unknown case")
    assert missing == []
