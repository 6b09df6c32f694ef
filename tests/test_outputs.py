"""Output properties that data cases cannot state: byte identity and engine equivalence."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.compile.compiled import compile_ruleset
from qianbai_rules.core.jsontext import compact_json
from qianbai_rules.core.problems import Lang
from qianbai_rules.engines import durable
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.pipeline.check import evaluate_record
from qianbai_rules.reports.build import Reporter
from qianbai_rules.rules.ruleset import load_ruleset
from tests.generated import records

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = str(ROOT / "examples" / "sites")


def _check(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["check", *args, "--as-of", "2019-12-31"], out=out, err=io.StringIO())
    return status, out.getvalue()


def test_the_same_input_gives_byte_identical_json() -> None:
    first = _check(EXAMPLES, "--format", "json")
    second = _check(EXAMPLES, "--format", "json")
    assert first == second


@pytest.mark.skipif(not durable.available(), reason="durable_rules not importable")
def test_both_engines_give_the_same_json_but_for_the_engine_name() -> None:
    _, by_engine = _check(EXAMPLES, "--format", "json")
    _, by_plain = _check(EXAMPLES, "--format", "json", "--engine", "plain")
    a, b = json.loads(by_engine), json.loads(by_plain)
    assert (a.pop("engine"), b.pop("engine")) == ("durable", "plain")
    assert a == b


def test_every_record_gets_every_rule_once_in_rule_id_order() -> None:
    _, text = _check(EXAMPLES, "--format", "json")
    document = json.loads(text)
    assert document["records"], "the examples hold records"
    for record in document["records"]:
        rules = [f["rule"] for f in record["findings"]]
        assert rules == sorted(rules)
        assert len(rules) == document["ruleset"]["rules"]


def test_text_output_names_every_rule_for_every_record() -> None:
    _, text = _check(EXAMPLES)
    _, document = _check(EXAMPLES, "--format", "json")
    records = json.loads(document)["records"]
    for rule in records[0]["findings"]:
        assert text.count(f"] {rule['rule']} ") == len(records)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("qianbai", path=os.path.dirname(sys.executable)) is None,
                    reason="the qianbai command is not installed beside this Python")
def test_the_installed_command_ships_its_rules_and_templates(tmp_path: Path) -> None:
    command = shutil.which("qianbai", path=os.path.dirname(sys.executable))
    assert command
    record = tmp_path / "site.json"
    record.write_text(json.dumps({"id": "A", "facility_type": "station", "floor_area_m2": 150}),
                      encoding="utf-8")
    lint = subprocess.run([command, "rules", "lint"], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert lint.returncode == 0, lint.stderr
    done = subprocess.run([command, "check", str(record), "--as-of", "2019-12-31"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert "QB-AREA-STATION" in done.stdout and "不符合" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "jsonl", "text"])
def test_jobs_split_the_work_across_processes_and_give_the_same_bytes(fmt: str, tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    with source.open("w", encoding="utf-8") as stream:
        for index in range(450):  # three batches, some rejected, duplicate ids across batches
            data = {"id": f"P-{index % 448}", "facility_type": "station",
                    "floor_area_m2": [199.99, 200, -1][index % 3]}
            stream.write(json.dumps(data) + "\n")
        stream.write(json.dumps({"id": " P-7 ", "facility_type": "station"}) + "\n")
    arguments = (str(EXAMPLES), str(source), "--format", fmt)
    one = _check(*arguments)
    two = _check(*arguments, "--jobs", "2")
    assert one == two
    assert one[0] == 2
    assert one[1].count("与前面的记录重复") == 2  # P-0 again, and " P-7 " once trimmed


def test_jobs_are_refused_for_reports_and_recording() -> None:
    err = io.StringIO()
    status = main(["check", EXAMPLES, "--format", "html", "--jobs", "2"], out=io.StringIO(),
                  err=err)
    assert status == 2 and "--jobs" in err.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kept_findings_and_assembled_lines_equal_freshly_written_ones(lang: Lang) -> None:
    compiled = compile_ruleset(load_ruleset(ROOT / "rules"), dt.date(2019, 12, 31))
    reporter = Reporter(compiled, 2019, lang)
    writer = reporter.findings
    writer.CACHE_SIZE = 97  # type: ignore[misc]  # small: the cache starts again often
    evaluator = PlainEvaluator(compiled)
    samples = list(records(400, seed=11))
    for number in (200, 200.0, 199.99):  # 200 and 200.0 are written differently
        samples += [FacilityRecord.model_validate(
            {"id": f"N-{number!r}", "facility_type": "station", "floor_area_m2": number})]
    for record in samples:
        result = evaluate_record(record, "t", compiled, evaluator, 2019)
        fresh = [view.finding(status, result.flat).as_json()
                 for view, status in zip(writer.views, result.statuses, strict=True)]
        report = reporter.record(result)
        assert [f.as_json() for f in report.findings] == fresh
        assert report.as_line() == compact_json(report.as_json())
        lines = [f.as_line() for f in report.findings]
        assert f"[{','.join(lines)}]" == compact_json(fresh), record.id  # text: 200 is not 200.0
