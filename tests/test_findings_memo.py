"""The findings memo and the lean line's kept pieces give what a fresh computation gives:
record by record, in both languages, every finding (as bytes, so 200 and 200.0, 0.0 and
-0.0 differ) and every lean line is compared with one made without any memo, the memos
small enough to start again many times."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.compile.compiled import CompiledRuleset, compile_ruleset
from qianbai_rules.core.problems import Lang
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.pipeline.check import Evaluated, evaluate_record
from qianbai_rules.reports.build import Reporter
from qianbai_rules.reports.lean import LeanWriter
from qianbai_rules.rules.ruleset import load_ruleset

from .generated import records

ROOT = Path(__file__).resolve().parent.parent
GENERATED = 3_000
# values equal in Python but written differently, each after the other so the memo has it
TWINS: tuple[dict[str, Any], ...] = ({"floor_area_m2": 200}, {"floor_area_m2": 200.0},
         {"community": {"population": 1}, "floor_area_m2": 1},
         {"community": {"population": 1}, "floor_area_m2": 1.0},
         {"street_town": "x"}, {"street_town": "y"}, {})


@pytest.fixture(scope="module")
def compiled() -> CompiledRuleset:
    return compile_ruleset(load_ruleset(ROOT / "rules"), dt.date(2019, 12, 31))


@pytest.fixture(scope="module")
def evaluated(compiled: CompiledRuleset) -> list[Evaluated]:
    evaluator = PlainEvaluator(compiled)
    samples = list(records(GENERATED, seed=17))
    samples += [FacilityRecord.model_validate({"id": f"T-{n}", "facility_type": kind, **twin})
                for n, twin in enumerate(TWINS) for kind in ("station", "center")]
    return [evaluate_record(record, "t", compiled, evaluator, 2019) for record in samples]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kept_findings_and_lean_lines_equal_fresh_ones(
        compiled: CompiledRuleset, evaluated: list[Evaluated], lang: Lang) -> None:
    reporter = Reporter(compiled, 2019, lang)
    writer = reporter.findings
    writer.CACHE_SIZE = 211  # type: ignore[misc]  # small: the memo starts again often
    rules = writer.static()
    parameters = [a.as_json() for a in compiled.applied]
    lean = LeanWriter(rules, parameters)
    lean.KEPT = 3  # type: ignore[misc]
    for result in evaluated:
        report = reporter.record(result)
        fresh = [view.finding(status, result.flat)
                 for view, status in zip(writer.views, result.statuses, strict=True)]
        assert [f.as_bytes() for f in report.findings] == [f.as_bytes() for f in fresh], \
            result.record.id
        alone = dataclasses.replace(report, findings=fresh)
        assert lean.line(report) == LeanWriter(rules, parameters).line(alone), result.record.id


def test_zero_and_negative_zero_are_kept_apart(compiled: CompiledRuleset,
                                               evaluated: list[Evaluated]) -> None:
    """No record validates with -0.0 (areas are positive); the memo keeps it apart anyway."""
    writer = Reporter(compiled, 2019, "en").findings
    evaluator = PlainEvaluator(compiled)
    for result in evaluated[:200]:
        for zero in (0.0, -0.0, 0, False, -0.0):
            flat = FlatRecord({**result.flat, "floor_area_m2": zero})
            statuses = evaluator.statuses(flat)
            kept = writer.findings(statuses, flat)
            fresh = [view.finding(status, flat)
                     for view, status in zip(writer.views, statuses, strict=True)]
            assert [f.as_bytes() for f in kept] == [f.as_bytes() for f in fresh]
