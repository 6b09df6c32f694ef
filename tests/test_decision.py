"""The four-valued decision, written once (compile/decision.py), and both engines reading it."""

from __future__ import annotations

import pytest

from qianbai_rules.compile.compiled import Status
from qianbai_rules.compile.decision import CASES, Truth, decide

P, F, NA, U = Status.passed, Status.failed, Status.not_applicable, Status.unknown


@pytest.mark.parametrize(("scope", "requirement", "expected"), [
    (True, True, P), (True, False, F), (True, None, U),
    (False, True, NA), (False, False, NA), (False, None, NA),
    (None, True, U), (None, False, U), (None, None, U),
])
def test_the_outcome_of_a_rule_follows_from_its_scope_and_requirement(
        scope: Truth, requirement: Truth, expected: Status) -> None:
    assert decide(scope, requirement) is expected


def test_each_outcome_but_unknown_has_one_case_the_engine_emits() -> None:
    assert [(c.name, c.status) for c in CASES] == [("scope_false", NA), ("pass", P), ("fail", F)]
