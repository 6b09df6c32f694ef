"""What a record may claim, as outputs.md shows it: the ``subsidy`` block and entitlements.

Each amount comes with the parameter values it was computed from (``basis``: name,
value, effective date, source) and a sentence that explains it in the chosen language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from qianbai_rules.compile.compiled import CompiledRuleset, Status
from qianbai_rules.core.problems import Lang
from qianbai_rules.model.display import field_name, render_value
from qianbai_rules.reports.claimmodel import Claim, ConstructionClaim, OperatingClaim
from qianbai_rules.rules.subsidy_spec import Decision, SubsidyKind
from qianbai_rules.subsidies.amounts import SubsidyOutcome, Timing, changed, chosen, yuan_of
from qianbai_rules.subsidies.memo import Bounded, typed
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import label


def _basis_value(value: Any, lang: Lang) -> str:
    """An amount as running text writes it (25万元); a word (a proration method, a payer)
    by its label."""
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.money_text(value, lang)
    return label(f"subsidy.word.{value}", lang)


def _since(value: Any) -> Any:
    """A basis value's date of effect, written (2018年12月4日 in Chinese)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return formats.written_text(value) if isinstance(value, dt.date) else value


def _basis_text(outcome: SubsidyOutcome, compiled: CompiledRuleset, lang: Lang) -> str:
    shown = label("value.clause_separator", lang).join(
        label(f"subsidy.role.{v['role']}", lang, value=_basis_value(v["value"], lang),
              since=_since(v["since"]))
        for v in outcome.basis)
    return label("subsidy.basis", lang, citation=compiled.ruleset.citation,
                 clause=outcome.rule.rule.clause, rule=outcome.rule.rule.id, values=shown)


MAX_REASONS_SHOWN = 3


def _shown(items: list[str], lang: Lang) -> str:
    parts = items[:MAX_REASONS_SHOWN]
    if len(items) > MAX_REASONS_SHOWN:
        parts.append(label("subsidy.more", lang, count=len(items) - MAX_REASONS_SHOWN))
    return formats.listing(parts, lang)


Seen = tuple[tuple[str, Any], ...]  # fields by name, with their values


def _seen(outcome: SubsidyOutcome, compiled: CompiledRuleset, flat: Mapping[str, Any]) -> Seen:
    """What the reasons of a claim read of the record: for an undetermined subsidy, the
    fields named by its reasons (or by the rules they name) that the record lacks; for
    others, the value of each field a reason names."""
    rules = compiled.by_id
    if outcome.decision is Decision.undetermined:
        missing: list[tuple[str, Any]] = []
        for reason in outcome.reasons:
            rule = rules.get(reason)
            named = (*rule.scope_fields, *rule.requirement_fields) if rule else (reason,)
            missing.extend((n, None) for n in named if n not in flat)
        return tuple(missing)
    return tuple((reason, flat.get(reason)) for reason in outcome.reasons if reason not in rules)


def _reasons_text(outcome: SubsidyOutcome, compiled: CompiledRuleset, seen: Seen,
                  lang: Lang) -> str:
    """Failing rules for an ineligible record; for an undetermined one, the data to supply
    (``seen``: what :func:`_seen` read of the record)."""
    rules = compiled.by_id
    if outcome.decision is Decision.undetermined:
        return _shown(list(dict.fromkeys(field_name(n, lang) for n, _value in seen)), lang)
    values = dict(seen)
    parts = []
    for reason in outcome.reasons:
        rule = rules.get(reason)
        if rule is not None:
            parts.append(label("subsidy.failed_rule", lang, rule=reason, title=rule.rule.title(lang)))
        else:
            parts.append(label("subsidy.blocked", lang, field=field_name(reason, lang),
                               value=render_value(reason, values[reason], lang)))
    return _shown(parts, lang)


def _settlement(outcome: SubsidyOutcome, lang: Lang, with_approved: bool) -> str:
    """What the record says was approved and paid, what is still owed and what was paid
    beyond what is due, where the record says what was approved or paid."""
    facts, money = outcome.construction, outcome.settlement()
    if facts is None or money is None or (facts.approved is None and facts.recorded_paid is None):
        return ""
    parts = []
    if facts.approved is not None and with_approved:
        parts.append(label("subsidy.construction.approved", lang,
                           amount=formats.money_text(facts.approved, lang)))
    if money.paid is not None:
        parts.append(label("subsidy.construction.paid", lang,
                           amount=formats.money_text(money.paid, lang)))
    if outcome.decision is Decision.eligible and money.owed is not None:
        parts.append(label("subsidy.construction.owed", lang,
                           amount=formats.money_text(money.owed, lang)))
    if money.overpaid:
        key = "overpaid" if outcome.decision is Decision.eligible else "paid_not_due"
        parts.append(label(f"subsidy.construction.{key}", lang,
                           amount=formats.money_text(money.overpaid, lang)))
    return label("subsidy.construction.settlement", lang,
                 parts=formats.listing(parts, lang))


def _construction_key(outcome: SubsidyOutcome) -> str:
    """Which sentence tells this construction subsidy: its state, and whether it belongs to
    the evaluated year at all."""
    facts = outcome.construction
    status = outcome.decision.value
    if facts is not None and facts.timing is Timing.not_yet:
        return "not_yet"
    if facts is not None and not facts.in_force:
        return "not_in_force"
    if facts is None or outcome.decision is Decision.not_covered:
        return status
    if facts.timing is Timing.other_year:
        return "eligible_other_year" if status == "eligible" else "other_year"
    if status == "eligible" and facts.approved is not None:
        return "eligible_approved"  # the approved amount is what is paid, the standard beside it
    return status


def _construction(outcome: SubsidyOutcome, compiled: CompiledRuleset, reasons: str,
                  year: int, lang: Lang) -> ConstructionClaim:
    status = outcome.decision.value
    facts = outcome.construction
    covered = outcome.decision is not Decision.not_covered
    # A facility within the subsidy's scope has a year; one outside it (an existing building)
    # has none.
    dated = facts is not None and outcome.applies
    belongs = facts.year if facts and dated else None
    money = outcome.settlement()
    key = _construction_key(outcome)
    potential = outcome.potential
    shown = {k: formats.money_text(v, lang) for k, v in (potential or {}).items()}
    standard = {f"standard_{k}": formats.money_text(v, lang)
                for k, v in (facts.standard or {}).items()} \
        if facts else {}
    later = label("subsidy.construction.potential", lang, **shown) \
        if potential and outcome.decision is not Decision.eligible and key in (
            "ineligible", "undetermined") else ""
    when = "" if not covered or facts is None else (
        label("subsidy.construction.year_unknown", lang) if belongs is None
        else label("subsidy.construction.one_off", lang, year=belongs))
    message = label(
        f"subsidy.construction.{key}", lang, **shown, **standard, potential=later, year=year,
        belongs=belongs if belongs is not None else "", when=when,
        completed=formats.written_text(facts.completed) if facts and facts.completed else "",
        as_of=formats.written_text(compiled.as_of),
        state=label(f"report.subsidy_status.{status}", lang),
        approved=formats.money_text(facts.approved if facts else None, lang),
        settlement=_settlement(outcome, lang, with_approved=key != "eligible_approved"),
        basis=_basis_text(outcome, compiled, lang),
        reasons=reasons)
    return ConstructionClaim(
        status=status,
        rule=outcome.rule.rule.id if dated else None,
        year=belongs,
        in_year=facts.in_year if facts and dated else None,
        total=outcome.paid("total"), city=outcome.paid("city"),
        district=outcome.paid("district"),
        standard=dict(facts.standard) if facts and facts.standard and dated else None,
        approved=facts.approved if facts else None,
        paid=money.paid if money else None,
        owed=money.owed if money else None,
        overpaid=money.overpaid if money else None,
        reasons=list(outcome.reasons),
        potential=potential if potential and outcome.decision in (
            Decision.ineligible, Decision.undetermined) else None,
        basis=outcome.basis, message=message,
        # 执行口径: the amount rests on the readings of its rule (listed in the document).
        readings=list(outcome.rule.rule.readings))


def _operating(outcome: SubsidyOutcome, compiled: CompiledRuleset, reasons: str,
               year: int, lang: Lang) -> OperatingClaim:
    subsidy = outcome.rule.subsidy
    assert subsidy is not None
    status = outcome.decision.value
    period = outcome.period
    proration = subsidy.proration.value if subsidy.proration else None
    potential = outcome.potential
    months = period.months if period else None
    rate = potential["rate"] if potential else None
    spans: list[tuple[int | None, int]] = [(yuan_of(s.rate), s.months) for s in outcome.spans] \
        or [(rate, 0)]
    part = "subsidy.operating.part_full" if proration == "none" else "subsidy.operating.part"
    formula = " + ".join(label(part, lang, rate=formats.money_text(r, lang), months=m)
                         for r, m in spans)
    starts = subsidy.counts_from
    note = label("subsidy.operating.from_plan", lang, date=formats.written_text(starts)) \
        if period and period.clamped and starts is not None and starts.year == year else ""
    values = {"year": year, "months": months, "formula": formula, "note": note,
              "amount": formats.money_text(potential["amount"] if potential else None, lang),
              "rate": formats.money_text(rate, lang)}
    later = label("subsidy.operating.potential", lang, **values) \
        if potential and outcome.decision is not Decision.eligible else ""
    key = status if not (status == "eligible" and proration == "none") else "eligible_full"
    payer = subsidy.payer.value if subsidy.payer else None
    funder = label(f"subsidy.funder.{payer}", lang) if payer else ""
    shows_potential = bool(potential) and outcome.decision in (
        Decision.ineligible, Decision.undetermined)
    return OperatingClaim(
        status=status, rule=outcome.rule.rule.id, year=year, months=months,
        amount=outcome.paid("amount"), rate=rate, proration=proration,
        reasons=list(outcome.reasons),
        rates=[{"rate": yuan_of(s.rate), "months": s.months, "since": s.rate.since.isoformat()}
               for s in outcome.spans],
        shows_potential=shows_potential,
        potential=potential["amount"] if potential and shows_potential else None,
        basis=outcome.basis, funder=funder or None,
        message=label(f"subsidy.operating.{key}", lang, **values, potential=later,
                      funder=funder, basis=_basis_text(outcome, compiled, lang),
                      reasons=reasons),
        readings=list(outcome.rule.rule.readings))


def _claim(outcome: SubsidyOutcome, compiled: CompiledRuleset, reasons: str, year: int,
           lang: Lang) -> Claim:
    """The claim of one subsidy rule's outcome, with its reasons in words (``reasons``):
    it reads nothing of the record."""
    subsidy = outcome.rule.subsidy
    assert subsidy is not None
    return (_construction(outcome, compiled, reasons, year, lang)
            if subsidy.spec.kind is SubsidyKind.construction
            else _operating(outcome, compiled, reasons, year, lang))


def subsidy_claims(outcomes: list[SubsidyOutcome], compiled: CompiledRuleset,
                   flat: Mapping[str, Any], year: int, lang: Lang) -> dict[str, Claim]:
    """One claim per subsidy kind; of several rules of a kind, the one that applies."""
    claims: dict[str, Claim] = {}
    for kind in SubsidyKind:
        outcome = chosen(outcomes, kind)
        if outcome is not None:
            reasons = _reasons_text(outcome, compiled, _seen(outcome, compiled, flat), lang)
            claims[kind.value] = _claim(outcome, compiled, reasons, year, lang)
    return claims


def subsidy_block(outcomes: list[SubsidyOutcome], compiled: CompiledRuleset, flat: Mapping[str, Any],
                  year: int, lang: Lang) -> dict[str, Any]:
    """The ``subsidy`` block as the JSON shows it."""
    return {kind: claim.as_json()
            for kind, claim in subsidy_claims(outcomes, compiled, flat, year, lang).items()}


def entitlements(compiled: CompiledRuleset, statuses: list[Status], lang: Lang) -> list[dict[str, str]]:
    """Rules marked as entitlements whose conditions the record meets."""
    return [{"rule": r.rule.id, "title": r.rule.title(lang), "clause": r.rule.clause,
             "text": r.rule.requirement(lang)}
            for r, s in zip(compiled.rules, statuses, strict=True)
            if r.rule.entitlement and s is Status.passed]


class Claims:
    """The subsidy claims and the entitlements of one run's records (one compiled ruleset,
    year and language), from bounded memos.

    A claim is kept without its reasons, by the memo key of the outcome it tells (equal
    keys, equal outcomes but for the reasons the eligibility row adds:
    :mod:`qianbai_rules.subsidies.memo`): it is made from the outcome with no reasons, and
    a mark in place of the reasons in words. Each record's claim is that one with the
    record's reasons, and their words from a memo of their own, keyed on the reasons and
    what :func:`_seen` reads of the record. The entitlements depend on the outcomes of the
    entitlement rules alone. Each memo starts again when full; what they hand out is shared
    between records, and only ever read.
    """

    SIZE: Final = 5_000  # claims of each memo, a few KB each
    MARK: Final = "\x00"  # where the reasons go in a kept claim's message (no text has it)

    def __init__(self, compiled: CompiledRuleset, year: int, lang: Lang) -> None:
        self.compiled, self.year, self.lang = compiled, year, lang
        self.claims: Bounded[tuple[Claim, str, str | None]] = Bounded(self.SIZE)
        self.reasons: Bounded[str] = Bounded(self.SIZE)
        self._entitled = tuple(i for i, r in enumerate(compiled.rules) if r.rule.entitlement)
        self.entitled: Bounded[list[dict[str, str]]] = Bounded(self.SIZE)

    def subsidy(self, outcomes: list[SubsidyOutcome], flat: Mapping[str, Any]) -> dict[str, Claim]:
        """:func:`subsidy_claims` of one record."""
        compiled, by_id, year, lang = self.compiled, self.compiled.by_id, self.year, self.lang
        claims: dict[str, Claim] = {}
        for kind in SubsidyKind:
            outcome = chosen(outcomes, kind)
            if outcome is None:
                continue
            seen = _seen(outcome, compiled, flat)
            said_key = (outcome.decision, outcome.reasons, tuple((n, typed(v)) for n, v in seen))
            said = self.reasons.get(said_key)
            if said is None:
                said = self.reasons.put(said_key, _reasons_text(outcome, compiled, seen, lang))
            if outcome.key is None or by_id.get(outcome.rule.rule.id) is not outcome.rule:
                # not made by a memo, or of other rules: worked out afresh
                claims[kind.value] = _claim(outcome, compiled, said, year, lang)
                continue
            kept = self.claims.get(outcome.key)
            if kept is None:
                made = _claim(replace(outcome, reasons=()), compiled, self.MARK, year, lang)
                head, marked, tail = made.message.partition(self.MARK)
                if self.MARK in tail:  # a message with the reasons twice: not kept
                    claims[kind.value] = _claim(outcome, compiled, said, year, lang)
                    continue
                kept = self.claims.put(outcome.key, (made, head, tail if marked else None))
            made, head, after = kept
            claims[kind.value] = changed(made, reasons=list(outcome.reasons),
                                         message=made.message if after is None else head + said + after)
        return claims

    def entitlements(self, statuses: list[Status]) -> list[dict[str, str]]:
        """:func:`entitlements` of one record."""
        key = tuple(statuses[i] for i in self._entitled)
        found = self.entitled.get(key)
        if found is None:
            # the outcomes of the other rules left unknown: the entitlements cannot read them
            alone = [Status.unknown] * len(statuses)
            for position, status in zip(self._entitled, key, strict=True):
                alone[position] = status
            found = self.entitled.put(key, entitlements(self.compiled, alone, self.lang))
        return found
