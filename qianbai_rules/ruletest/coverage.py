"""What ``qianbai rules lint`` asks of a rule's test cases: one that passes it, one that fails
it (where it can fail), and one that leaves it not applicable or unknown (where it names a
field at all)."""

from __future__ import annotations

from qianbai_rules.core.problems import Found, Problem
from qianbai_rules.rules.conditions import can_be_false
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.ruletest.cases import Case


def coverage_problems(ruleset: Ruleset, cases: list[Case]) -> Found[None]:
    """A problem for each rule that lacks one of the cases it needs, in rule order, at the
    rule's ``cases``."""
    seen: dict[str, set[str]] = {}
    for case in cases:
        for rule_id, status in case.expect.items():
            seen.setdefault(rule_id, set()).add(status)
    for rule in ruleset.rules:
        statuses = seen.get(rule.id, set())
        # An info rule or an entitlement lists every value of its field (lint allows no
        # other requirement), so it cannot fail, and a case expecting it to would be wrong.
        can_fail = can_be_false(rule.requires)
        missing = [status for status in ("pass", "fail")
                   if status not in statuses and (status == "pass" or can_fail)]
        names_a_field = bool(rule.scope_fields or rule.requirement_fields)
        if names_a_field and not statuses & {"not_applicable", "unknown"}:
            missing.append("not_applicable or unknown")
        if missing:
            yield Problem.in_rules(rule.file, f"no test case expects {', '.join(missing)}",
                                   rule=rule.id, field="cases")
        if not can_fail and "fail" in statuses:
            yield Problem.in_rules(rule.file, "cannot fail, yet a test case expects it to",
                                   rule=rule.id, field="cases")
