"""The memos of the subsidy stage and of the claims give what a fresh computation gives:
record by record, for several years, both languages and both evaluators, every subsidy
outcome, claim and entitlement is compared with one worked out without any memo."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from qianbai_rules.compile.compiled import CompiledRuleset, compile_ruleset
from qianbai_rules.core.problems import Lang
from qianbai_rules.engines import durable
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.evaluator import Evaluator
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.flat import FlatRecord, Value
from qianbai_rules.pipeline.check import Rejected, assess, validated
from qianbai_rules.reports.claims import Claims, entitlements, subsidy_claims
from qianbai_rules.rules.ruleset import load_ruleset
from qianbai_rules.rules.subsidy_spec import Decision, SubsidyKind
from qianbai_rules.subsidies.amounts import (
    SubsidyOutcome,
    chosen,
    decision_facts,
    outcome,
    settlement_fields,
)
from qianbai_rules.subsidies.memo import SubsidyMemo, memo_of, typed

from .generated import records

ROOT = Path(__file__).resolve().parent.parent
YEARS = (2018, 2019, 2020)
LANGS: tuple[Lang, ...] = ("zh", "en")
GENERATED = 2_000


@pytest.fixture(scope="module")
def compiled() -> CompiledRuleset:
    return compile_ruleset(load_ruleset(ROOT / "rules"), dt.date(2020, 12, 31))


@pytest.fixture(scope="module")
def flats() -> list[FlatRecord]:
    examples = [FlatRecord.of(item[1]) for item in validated([str(ROOT / "examples" / "sites")])
                if not isinstance(item, Rejected)]
    assert examples
    return examples + [FlatRecord.of(record) for record in records(GENERATED, seed=13)]


def fresh(flat: FlatRecord, compiled: CompiledRuleset, evaluator: Evaluator,
          year: int) -> list[SubsidyOutcome]:
    """The subsidy outcomes as the stage worked them out before it had memos."""
    statuses = evaluator.statuses(flat)
    facts = decision_facts(compiled, statuses, compiled.verdict(statuses), flat, year)
    return [outcome(rule, choice, facts, compiled, statuses) for rule, choice
            in zip(compiled.subsidy_rules, evaluator.decide(facts.decision), strict=True)]


def evaluators(compiled: CompiledRuleset) -> Iterator[tuple[Evaluator, Evaluator]]:
    """Each evaluator twice: one to go through the memos, one to compute afresh."""
    yield PlainEvaluator(compiled), PlainEvaluator(compiled)
    if durable.available():
        yield DurableEvaluator(compiled), DurableEvaluator(compiled)


def compare(flats: list[FlatRecord], compiled: CompiledRuleset, memoised: Evaluator,
            unmemoised: Evaluator, year: int, lang: Lang, claims: Claims) -> int:
    """Every record's outcomes, claims and entitlements, memo against fresh; the number of
    records compared."""
    for index, flat in enumerate(flats):
        statuses, _verdict, outcomes = assess(flat, compiled, memoised, year)
        expected = fresh(flat, compiled, unmemoised, year)
        where = f"record {index}, {year}, {memoised.name}"
        assert outcomes == expected, where
        assert [o.potential for o in outcomes] == [o.potential for o in expected], where
        assert [o.basis for o in outcomes] == [o.basis for o in expected], where
        got = {kind: claim.as_json() for kind, claim in claims.subsidy(outcomes, flat).items()}
        want = {kind: claim.as_json() for kind, claim
                in subsidy_claims(expected, compiled, flat, year, lang).items()}
        assert got == want, f"{where}, {lang}"
        assert claims.entitlements(statuses) == entitlements(compiled, statuses, lang), where
    return len(flats)


def test_memos_agree_on_the_examples_and_a_few_records(compiled: CompiledRuleset,
                                                       flats: list[FlatRecord]) -> None:
    """The quick run's share of the test below."""
    for lang in LANGS:
        memoised, unmemoised = PlainEvaluator(compiled), PlainEvaluator(compiled)
        compare(flats[:400], compiled, memoised, unmemoised, 2019, lang, Claims(compiled, 2019, lang))


@pytest.mark.slow
def test_memos_give_what_a_fresh_computation_gives(compiled: CompiledRuleset,
                                                   flats: list[FlatRecord]) -> None:
    compared = 0
    for (memoised, unmemoised), year, lang in itertools.product(evaluators(compiled), YEARS, LANGS):
        claims = Claims(compiled, year, lang)
        compared += compare(flats, compiled, memoised, unmemoised, year, lang, claims)
        memo = memo_of(compiled, memoised)
        # the memos were used, not bypassed: fewer entries than records
        assert 0 < len(memo.decisions.entries) < len(flats) / 2
        assert 0 < len(memo.amounts.entries) < len(flats) * len(compiled.subsidy_rules) / 2
        assert 0 < len(claims.claims.entries) < len(flats) * 2
    assert compared >= len(flats) * len(YEARS) * len(LANGS)


def test_full_memos_start_again_and_still_agree(compiled: CompiledRuleset,
                                                flats: list[FlatRecord]) -> None:
    memoised, unmemoised = PlainEvaluator(compiled), PlainEvaluator(compiled)
    memo = memo_of(compiled, memoised)
    claims = Claims(compiled, 2019, "zh")
    memos = (memo.periods, memo.decisions, memo.amounts, claims.claims, claims.reasons,
             claims.entitled)
    for bounded in memos:
        bounded.size = 7
    compare(flats[:1_000], compiled, memoised, unmemoised, 2019, "zh", claims)
    for bounded in memos:
        assert 0 < len(bounded.entries) <= 7


def test_a_memo_is_kept_per_evaluator_and_ruleset(compiled: CompiledRuleset) -> None:
    plain, other = PlainEvaluator(compiled), PlainEvaluator(compiled)
    memo = memo_of(compiled, plain)
    assert memo_of(compiled, plain) is memo
    assert memo_of(compiled, other) is not memo
    recompiled = compile_ruleset(load_ruleset(ROOT / "rules"), compiled.as_of)
    assert isinstance(memo_of(recompiled, plain), SubsidyMemo)
    assert memo_of(recompiled, plain) is not memo


def test_a_key_tells_apart_values_python_takes_as_equal() -> None:
    values = [1, 1.0, True, 0, 0.0, -0.0, False, "1", ["a"], ("a",)]
    assert len({typed(value) for value in values}) == len(values)


def test_approved_and_paid_are_settled_per_record_not_memoised(compiled: CompiledRuleset,
                                                             flats: list[FlatRecord]) -> None:
    """Records alike but for what was approved and paid (also absent, or of a type that is
    no whole number) each get their own amounts and claims, while the memo of amounts does
    not grow with those figures."""
    approved, paid = (settlement_fields(rule) for rule in compiled.subsidy_rules
                      if settlement_fields(rule)).__next__()
    figures: list[Value | None] = [None, 0, 1, 150_000, 2_000_000, True, 1.0, -0.0, "1"]
    variants = [FlatRecord({**{k: v for k, v in flat.items() if k not in (approved, paid)},
                            **({approved: a} if a is not None else {}),
                            **({paid: p} if p is not None else {})})
                for flat in flats[:150]
                for a, p in zip(figures, reversed(figures), strict=True)]
    memoised, unmemoised = PlainEvaluator(compiled), PlainEvaluator(compiled)
    compare(variants, compiled, memoised, unmemoised, 2019, "zh", Claims(compiled, 2019, "zh"))
    kept = memo_of(compiled, memoised).amounts.entries
    assert 0 < len(kept) <= len(flats[:150]) * len(compiled.subsidy_rules)


def test_the_claim_of_a_kind_is_chosen_as_the_rule_says(compiled: CompiledRuleset,
                                                        flats: list[FlatRecord]) -> None:
    """:func:`chosen` in one pass gives the outcome of a kind that decides something, else
    the first whose scope covers the facility, else the first of the kind."""
    evaluator = PlainEvaluator(compiled)
    for flat in flats[:1_000]:
        outcomes = fresh(flat, compiled, evaluator, 2019)
        for kind in SubsidyKind:
            of_kind = [o for o in outcomes if o.rule.subsidy and o.rule.subsidy.spec.kind is kind]
            expected = next((o for o in of_kind if o.decision is not Decision.not_covered),
                            next((o for o in of_kind if o.applies),
                                 of_kind[0] if of_kind else None))
            assert chosen(outcomes, kind) is expected


def test_list_items_are_keyed_by_their_type_too() -> None:
    keys = {typed([1]), typed([1.0]), typed([True]), typed(["1"]), typed([-0.0]), typed([0.0])}
    assert len(keys) == 6
