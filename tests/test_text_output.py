"""The ``--format text`` block assembled in Python (reports/textout.py) is, byte for byte,
what the template ``text/record.txt`` renders, its finding lines kept or not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.compile.compiled import compile_ruleset
from qianbai_rules.core.problems import Lang
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import parse_record
from qianbai_rules.pipeline.check import evaluate_record
from qianbai_rules.reports import render
from qianbai_rules.reports.build import Reporter
from qianbai_rules.reports.model import RecordReport
from qianbai_rules.reports.textout import HEADLINE, RecordText
from qianbai_rules.rules.ruleset import load_ruleset
from qianbai_rules.texts.labels import labels
from tests.generated import records

ROOT = Path(__file__).resolve().parent.parent
# Text a record may hold that a terminal or a template would act on, or that is long.
HOSTILE = ["\x1b]0;owned\x07", "a\u202eb", "{{ 7*7 }}{% if %}", "<script>x</script>",
           "**b** [l](http://x) | # _", "z\u200bw", "x" * 500, "tab\there", "行\n断"]
TEXT_FIELDS = ["name", "address", "community.name", "operation.operator_name",
               "contact.person", "five_ones.equipment"]


def _hostile(record: FacilityRecord, n: int) -> FacilityRecord:
    """The record with hostile text in each text field, the first that validation accepts
    there from the ``n``-th on (names refuse control characters, addresses do not)."""
    for offset, name in enumerate(TEXT_FIELDS):
        for tried in range(len(HOSTILE)):
            data: dict[str, Any] = record.model_dump(mode="json", exclude_none=True)
            *parents, leaf = name.split(".")
            node = data
            for parent in parents:
                node = node.setdefault(parent, {})
            value = HOSTILE[(n + offset + tried) % len(HOSTILE)]
            node[leaf] = [value] if name == "five_ones.equipment" else value
            parsed = parse_record(data)
            if isinstance(parsed, FacilityRecord):
                record = parsed
                break
    return record


def _templated(report: RecordReport, lang: Lang) -> str:
    return render.environment().get_template("text/record.txt").render(
        render.run_context(lang, {}), record=report, identity=report.identity_besides(HEADLINE))


def _reports(lang: Lang, count: int) -> list[RecordReport]:
    compiled = compile_ruleset(load_ruleset(ROOT / "rules"), dt.date(2019, 12, 31))
    reporter = Reporter(compiled, 2019, lang)
    evaluator = PlainEvaluator(compiled)
    samples = list(records(count, seed=13))
    samples += [_hostile(r, n) for n, r in enumerate(samples[: count // 4])]
    return [reporter.record(evaluate_record(r, "t", compiled, evaluator, 2019))
            for r in samples]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_assembled_text_block_is_the_templates_with_lines_kept_or_fresh(lang: Lang) -> None:
    kept = RecordText(labels(lang))
    kept.CACHE_SIZE = 97  # type: ignore[misc]  # small: the memo starts again often
    fresh = RecordText(labels(lang))
    fresh.finding = fresh.finding_lines  # type: ignore[method-assign]  # no memo
    hostile = 0
    for report in _reports(lang, 2000):
        expected = _templated(report, lang)
        assert kept.record(report) == expected, report.id
        assert fresh.record(report) == expected, report.id
        hostile += "\\u202e" in expected or "\\n" in expected
    assert hostile > 0  # the hostile text reached the blocks, made visible


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_hostile_record_reads_the_same_assembled_or_templated(lang: Lang) -> None:
    writer = RecordText(labels(lang))
    for report in _reports(lang, 12):
        assert writer.record(report) == _templated(report, lang), report.id
