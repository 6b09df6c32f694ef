"""The decisions both evaluators make, written once: a rule's outcome, and the eligibility
decision of a subsidy rule, with what goes in and what comes out.

A rule's outcome follows from its scope and its requirement, each true, false or unknown
(:data:`CASES`, :func:`decide`): the plain evaluator looks the pair up, and the
durable_rules emitter writes one engine rule per case that names an outcome, so that a
record for which none fires is unknown. A condition's own value follows Kleene's logic:
``any`` is true as soon as one part is true, ``all`` false as soon as one part is false
(:func:`decisive`), and otherwise unknown where a part is unknown.

The eligibility decision reads :class:`DecisionFacts` and gives one :class:`Choice` per
subsidy rule; the money that follows is worked out in :mod:`qianbai_rules.subsidies`,
never by an evaluator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from qianbai_rules.compile.compiled import Status, Verdict
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.rules.conditions import AllOf, AnyOf

Truth = bool | None  # a condition's value: true, false, or None when unknown


@dataclass(frozen=True)
class OutcomeCase:
    """One outcome of a rule and the scope and requirement values that give it (None:
    either value, the requirement not looked at)."""

    name: str  # the engine rule's suffix (``R|pass``)
    scope: bool
    requirement: bool | None
    status: Status


CASES: Final = (
    OutcomeCase("scope_false", False, None, Status.not_applicable),
    OutcomeCase("pass", True, True, Status.passed),
    OutcomeCase("fail", True, False, Status.failed),
)
NO_CASE: Final = Status.unknown  # the scope, or (in scope) the requirement, is unknown


def _table() -> dict[tuple[Truth, Truth], Status]:
    table = {}
    for scope in (True, False, None):
        for requirement in (True, False, None):
            table[scope, requirement] = next(
                (c.status for c in CASES if c.scope is scope
                 and (c.requirement is None or c.requirement is requirement)), NO_CASE)
    return table


_DECISION: Final = _table()


def decide(scope: Truth, requirement: Truth) -> Status:
    """The outcome of one rule from its scope and requirement, each true, false or unknown.

    A rule without a scope has scope true; without a requirement, requirement true.
    """
    return _DECISION[scope, requirement]


def decisive(condition: AllOf | AnyOf) -> bool:
    """The value of a part that decides a connective on its own: True for ``any`` (one
    true part makes it true), False for ``all`` (one false part makes it false). The
    connective has the other value when every part has it, and is unknown otherwise."""
    return isinstance(condition, AnyOf)


@dataclass(frozen=True)
class Choice:
    """What an evaluator decided for one subsidy rule."""

    row: int  # index of the eligibility row that holds
    branch: int | None  # index of the amount branch that holds, if any


@dataclass(frozen=True)
class DecisionFacts:
    """Everything the eligibility decision of one record looks at."""

    flat: FlatRecord
    verdict: Verdict  # counting the waivers that count (pipeline/marks.py)
    scopes: Mapping[str, Status]  # subsidy rule ID -> its own outcome
    idle: Mapping[str, bool | None]  # operating rule ID -> idle all year, None if unknown
    unwaived: Verdict | None = None  # the verdict without waivers; None: the same

    @property
    def without_waivers(self) -> Verdict:
        """What an eligibility row reads unless it says ``waivers: count``."""
        return self.verdict if self.unwaived is None else self.unwaived
