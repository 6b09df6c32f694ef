"""The subsidy stage of a run from bounded memos: most records share the few fields, the
handful of rule outcomes and the verdict that the eligibility decision and the amounts read,
so both are worked out once for each combination and handed out again.

Each memo is keyed on everything its computation reads, and the computation is given
nothing else: the fields of the record it reads (as the code declares them:
:func:`~qianbai_rules.engines.reads.decision_fields`,
:func:`~qianbai_rules.subsidies.periods.period_fields`,
:func:`~qianbai_rules.subsidies.amounts.amount_fields`) in a record holding only those, and
the other inputs as arguments. What was approved and paid of a one-off subsidy (almost each
record's own figures) is not memoised: the amounts are settled with it afterwards
(:func:`~qianbai_rules.subsidies.amounts.settled`, reading the fields
:func:`~qianbai_rules.subsidies.amounts.settlement_fields` names), and the outcome's key
then holds those fields too. A memo that missed something its computation reads would
therefore compute from an absent field, and disagree with the computation of the whole
record (``tests/test_subsidy_memo.py`` compares them record by record). The one
exception is declared where the evaluators are: of the fields the decision does not compare
(:func:`~qianbai_rules.engines.reads.compared_decision_fields`) the key holds only whether
the record has them. A memo starts again when full, so memory stays flat; what it hands out
is shared, and only ever read.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Mapping
from dataclasses import replace
from typing import Any, Final, Generic, TypeVar

from qianbai_rules.compile.compiled import CompiledRuleset, Status, Verdict
from qianbai_rules.compile.decision import Choice, DecisionFacts
from qianbai_rules.engines.evaluator import Evaluator
from qianbai_rules.engines.reads import compared_decision_fields, decision_fields
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.subsidies.amounts import (
    SubsidyOutcome,
    amount_fields,
    changed,
    idle_of,
    periods_of,
    reasons_of,
    settled,
    settlement_fields,
    unsettled,
)
from qianbai_rules.subsidies.periods import Period, period_fields

V = TypeVar("V")


def typed(value: Any) -> Hashable:
    """A field value as part of a memo key: 1, 1.0 and True differ here (not in Python), so
    do 0.0 and -0.0, and a list is its items, each keyed the same way (a list field holds
    text today, but [1] and [True] must not meet should one ever hold numbers)."""
    kind = type(value)
    if kind is float:
        return kind, value.hex()
    if kind is list:
        return kind, tuple(typed(item) for item in value)
    return kind, value


def view(flat: Mapping[str, Any], names: tuple[str, ...]) -> tuple[tuple[str, Hashable], ...]:
    """The fields ``names`` of a record that it has, with their values, as a memo key."""
    return tuple((name, typed(flat[name])) for name in names if name in flat)


def only(flat: Mapping[str, Any], names: tuple[str, ...]) -> FlatRecord:
    """The record reduced to the fields ``names``: what a memoised computation is given."""
    return FlatRecord({name: flat[name] for name in names if name in flat})


class Bounded(Generic[V]):
    """A memo of at most ``size`` entries; once full it starts again."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: dict[Hashable, V] = {}

    def get(self, key: Hashable) -> V | None:
        return self.entries.get(key)

    def put(self, key: Hashable, value: V) -> V:
        if len(self.entries) >= self.size:
            self.entries.clear()
        self.entries[key] = value
        return value


Periods = tuple[Mapping[str, Period | None], tuple[tuple[str, bool | None], ...]]  # and idle


class SubsidyMemo:
    """The eligibility decisions and the amounts of one run's records (one compiled
    ruleset, one evaluator), each from a bounded memo. (The evaluator is not kept here: the
    memo lives as long as the evaluator does, see :func:`memo_of`.)

    Three memos: the operating periods, keyed on the year and the dates they are worked out
    from; the evaluator's decision, keyed on what the decision fact holds (the verdict with
    and without waivers, the subsidy rules' outcomes, idleness, the values of the fields it
    compares and whether the record has the others); the amounts of each subsidy rule,
    keyed on the choice, the period, the rule's outcome, the year and the fields they read
    before they are settled.
    What was approved and paid (settling), and the reasons of an eligibility row (which
    rules failed), are added to the amounts afterwards, not memoised.
    """

    SIZE: Final = 10_000  # entries of each memo: a few MB

    def __init__(self, compiled: CompiledRuleset) -> None:
        self.compiled = compiled
        subsidies = compiled.subsidies
        self._positions = tuple(position for position, _rule, _subsidy in subsidies)
        self._ids = tuple(rule.rule.id for _position, rule, _subsidy in subsidies)
        self._rules = tuple(rule for _position, rule, _subsidy in subsidies)
        self._period_fields = tuple(dict.fromkeys(
            name for _position, _rule, subsidy in subsidies for name in period_fields(subsidy)))
        self._decision_fields = tuple(dict.fromkeys(decision_fields(compiled)))
        self._compared = compared_decision_fields(compiled)
        self._present = tuple(f for f in self._decision_fields if f not in self._compared)
        self._amount_fields = tuple(amount_fields(rule) for rule in self._rules)
        self._settlement_fields = tuple(settlement_fields(rule) for rule in self._rules)
        self.periods: Bounded[Periods] = Bounded(self.SIZE)
        self.decisions: Bounded[tuple[Choice, ...]] = Bounded(self.SIZE)
        self.amounts: Bounded[tuple[SubsidyOutcome, bool]] = Bounded(self.SIZE)

    def _periods(self, flat: FlatRecord, year: int) -> Periods:
        key = (year, view(flat, self._period_fields))
        found = self.periods.get(key)
        if found is None:
            periods = periods_of(self.compiled, only(flat, self._period_fields), year)
            found = self.periods.put(key, (periods, tuple(idle_of(periods).items())))
        return found

    def _decide(self, evaluator: Evaluator, flat: FlatRecord, verdict: Verdict,
                scopes: tuple[Status, ...], idle: tuple[tuple[str, bool | None], ...],
                unwaived: Verdict) -> tuple[Choice, ...]:
        key = (verdict, unwaived, scopes, idle, view(flat, self._compared),
               tuple(name in flat for name in self._present))
        found = self.decisions.get(key)
        if found is None:
            facts = DecisionFacts(only(flat, self._decision_fields), verdict,
                                  dict(zip(self._ids, scopes, strict=True)), dict(idle),
                                  unwaived)
            found = self.decisions.put(key, tuple(evaluator.decide(facts)))
        return found

    def outcomes(self, evaluator: Evaluator, flat: FlatRecord, statuses: list[Status],
                 verdict: Verdict, year: int, unwaived: Verdict | None = None
                 ) -> list[SubsidyOutcome]:
        """What each subsidy rule gives the record in ``year``: as
        :func:`~qianbai_rules.subsidies.amounts.decision_facts`, the evaluator's decision
        and :func:`~qianbai_rules.subsidies.amounts.outcome` give it (``unwaived``: the
        verdict without waivers, where it is not ``verdict``)."""
        compiled = self.compiled
        scopes = tuple(statuses[position] for position in self._positions)
        periods, idle = self._periods(flat, year)
        choices = self._decide(evaluator, flat, verdict, scopes, idle,
                               verdict if unwaived is None else unwaived)
        rows = compiled.decisions
        found = []
        for index, rule in enumerate(self._rules):
            choice, scope, period = choices[index], scopes[index], periods.get(self._ids[index])
            names = self._amount_fields[index]
            key = (index, year, choice, period, scope, view(flat, names))
            paid = self.amounts.get(key)
            if paid is None:
                computed, decided = unsettled(rule, compiled, choice, period, scope,
                                              only(flat, names), year)
                paid = self.amounts.put(key, (replace(computed, key=key), decided))
            outcome, decided = paid
            settling = self._settlement_fields[index]
            if settling:
                recorded = view(flat, settling)
                if recorded:
                    outcome = changed(settled(outcome, only(flat, settling)),
                                      key=(key, recorded))
            reasons = () if decided else reasons_of(rows[choice.row].reasons, rule, flat,
                                                    compiled, statuses)
            found.append(changed(outcome, reasons=reasons) if reasons else outcome)
        return found


_MEMOS: weakref.WeakKeyDictionary[Any, SubsidyMemo] = weakref.WeakKeyDictionary()


def memo_of(compiled: CompiledRuleset, evaluator: Evaluator) -> SubsidyMemo:
    """The memo of the run evaluating with ``evaluator`` (each run makes its own evaluator),
    kept as long as the evaluator is."""
    memo = _MEMOS.get(evaluator)
    if memo is None or memo.compiled is not compiled:
        memo = _MEMOS[evaluator] = SubsidyMemo(compiled)
    return memo
