"""Generated records with random attestations and waivers: both engines give the same
outcomes, money included, and what the marks do stays within what they may do (only
attested rules change status; a waiver never makes the verdict worse; without the marks
that count, the record is evaluated as without sidecars)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from qianbai_rules.compile.compiled import Status, Verdict
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.inspection import (
    Attestation,
    AttestedStatus,
    Method,
    Sidecars,
    Waiver,
    WaiverKind,
)
from qianbai_rules.model.values import id_key
from qianbai_rules.pipeline.check import evaluate_record
from qianbai_rules.rules.rulefile import Severity

from .generated import records
from .test_marks import AS_OF, compiled_rules

RANK = {Verdict.non_compliant: 0, Verdict.incomplete: 1, Verdict.compliant: 2}
DAYS = (-40, -1, 0, 1, 40)  # around the as-of date: the edges count


def _day(rng: random.Random) -> dt.date:
    return AS_OF + dt.timedelta(days=rng.choice(DAYS))


def _sidecars(rng: random.Random, facility: str, rules: list[str],
              mandatory: list[str], open_rules: list[str]) -> Sidecars:
    """Random attestations and waivers; a third of the time a waiver in force for every
    mandatory rule the record fails or leaves unknown (``open_rules``)."""
    attestations = tuple(Attestation(
        facility, rng.choice(rules), rng.choice(list(AttestedStatus)), rng.choice(list(Method)),
        rng.choice(("张三", "李四")), _day(rng),
        expires=_day(rng) if rng.random() < 0.5 else None) for _ in range(rng.randint(0, 4)))
    waivers = []
    for _ in range(rng.randint(0, 3)):
        approved = _day(rng)
        waivers.append(Waiver(facility, rng.choice(mandatory), rng.choice(list(WaiverKind)),
                              "理由", "区民政局", approved,
                              max(approved, _day(rng))))
    if rng.random() < 0.34:
        waivers += [Waiver(facility, rule, WaiverKind.rectification, "理由", "区民政局",
                           AS_OF - dt.timedelta(days=1), AS_OF) for rule in open_rules]
    return Sidecars(attestations={id_key(facility): attestations},
                    waivers={id_key(facility): tuple(waivers)})


@pytest.mark.parametrize("which", ["shipped", "waivers_count"])
def test_random_marks_agree_on_both_engines_and_stay_within_their_reach(
        which: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    compiled = compiled_rules(which, str(tmp_path_factory.mktemp("rules")))
    rules = [rule.rule.id for rule in compiled.rules]
    mandatory = [rule.rule.id for rule in compiled.rules
                 if rule.rule.severity is Severity.mandatory]
    plain, durable = PlainEvaluator(compiled), DurableEvaluator(compiled)
    rng = random.Random(15)
    changed = waived = 0
    for record in records(400, seed=1515):
        alone = evaluate_record(record, "g", compiled, plain, 2019)
        open_rules = [rule for rule, status in zip(rules, alone.statuses, strict=True)
                      if rule in mandatory and status in (Status.failed, Status.unknown)]
        sidecars = _sidecars(rng, record.id, rules, mandatory, open_rules)
        a = evaluate_record(record, "g", compiled, plain, 2019, sidecars)
        b = evaluate_record(record, "g", compiled, durable, 2019, sidecars)
        assert a == b, record.id
        marks = a.marks
        if marks is None:  # no attestation or waiver drawn: as without sidecars
            assert a == alone
            continue
        assert marks.unwaived is not None
        attested = {rule for rule, use in marks.attested.items() if use.counts}
        for rule, before, after in zip(rules, alone.statuses, a.statuses, strict=True):
            if before != after:
                assert rule in attested and after.value == marks.attested[rule].attestation.status
        assert marks.unwaived == compiled.verdict(a.statuses)
        assert RANK[a.verdict] >= RANK[marks.unwaived]
        if not attested and not any(use.counts for use in marks.waived.values()):
            assert (a.statuses, a.verdict, a.subsidies) == \
                (alone.statuses, alone.verdict, alone.subsidies)
        changed += a.statuses != alone.statuses
        waived += a.verdict != marks.unwaived
        assert all(s is not Status.not_applicable or r not in attested
                   for r, s in zip(rules, alone.statuses, strict=True))
    assert changed > 20 and waived > 20  # the generated marks did reach the outcomes
