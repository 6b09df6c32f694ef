"""Every rule has test cases that pass it, fail it, and leave it not applicable or unknown."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from qianbai_rules.rules.conditions import can_be_false
from qianbai_rules.rules.ruleset import load_ruleset
from qianbai_rules.ruletest.cases import load_cases

ROOT = Path(__file__).resolve().parent.parent


def test_every_rule_is_covered_by_pass_fail_and_not_applicable_or_unknown_cases() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    cases, problems = load_cases(ROOT / "rules")
    assert problems == []
    seen: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        for rule_id, status in case.expect.items():
            seen[rule_id].add(status)
    missing = []
    for rule in ruleset.rules:
        needed = {"pass"}
        # An info rule or entitlement whose requirement lists every value of its field
        # (lint allows no other) cannot fail: a case expecting it to would be wrong.
        can_fail = can_be_false(rule.requires)
        if can_fail:
            needed.add("fail")
        statuses = seen[rule.id]
        if not can_fail and "fail" in statuses:
            missing.append(f"{rule.id}: cannot fail, yet a case expects it to")
        if not needed <= statuses:
            missing.append(f"{rule.id}: lacks {sorted(needed - statuses)}")
        has_fields = bool(rule.scope_fields or rule.requirement_fields)
        if has_fields and not statuses & {"not_applicable", "unknown"}:
            missing.append(f"{rule.id}: lacks a not_applicable or unknown case")
    assert missing == []
