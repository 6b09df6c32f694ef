"""Attested and waived findings in the streamed outputs: JSON, JSON Lines (lean lines expand
to the full ones, marks included) and text (assembled as the template renders it); the
marked findings are per-record copies, never changes to the findings records share."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest

from qianbai_rules.core.problems import Lang
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.inspection import Inspection, Method, Sidecars
from qianbai_rules.model.values import id_key
from qianbai_rules.pipeline.check import Evaluated, evaluate_record
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.reports.lean import expand
from qianbai_rules.reports.output import write
from qianbai_rules.reports.textout import HEADLINE, RecordText
from qianbai_rules.texts.labels import labels

from .test_marks import base_record, compiled_rules, sidecars
from .test_text_output import _templated

CASE: dict[str, Any] = {
    "base": "station-compliant",
    "set": {"siting.ventilation_good": False},
    "attestations": [
        {"rule": "QB-SITING-SUNLIGHT", "status": "fail", "method": "site", "inspector": "张三",
         "date": "2019-12-10"},
        {"rule": "QB-SITING-TERRAIN", "status": "pass", "method": "document",
         "inspector": "李四", "date": "2019-01-10", "expires": "2019-06-30"}],
    "waivers": [
        {"rule": "QB-SITING-SUNLIGHT", "kind": "rectification", "justification": "已制定采光改造方案",
         "approver": "区民政局", "approved_on": "2019-12-11", "expires_on": "2020-01-31"},
        {"rule": "QB-SITING-VENTILATION", "kind": "deferred", "justification": "通风检测报告待补充",
         "approver": "区民政局", "approved_on": "2019-06-01", "expires_on": "2019-11-30"}]}


def _sidecars() -> Sidecars:
    record = base_record(CASE)
    plain = sidecars(CASE, record.id)
    inspection = Inspection(facility=record.id, number="江北民养检〔2019〕12号",
                            unit="重庆市江北区民政局", date=dt.date(2019, 12, 10),
                            inspectors=("张三", "李四"), method=Method.site)
    return Sidecars({id_key(record.id): inspection}, plain.attestations, plain.waivers)


def _run(fmt: str, lang: Lang, findings: str = "lean") -> str:
    compiled = compiled_rules("shipped", "")
    evaluator = PlainEvaluator(compiled)
    other = base_record({"base": "station-compliant"})
    marked = base_record(CASE)
    results = [evaluate_record(other, "a", compiled, evaluator, 2019),
               evaluate_record(marked, "b", compiled, evaluator, 2019, _sidecars()),
               evaluate_record(other, "c", compiled, evaluator, 2019)]
    context = RunContext(compiled, "plain", 2019, lang, fmt=fmt, findings=findings)
    out = io.StringIO()
    write(results, context, out)
    return out.getvalue()


def _by_rule(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["rule"]: f for f in record["findings"]}


def test_json_marks_the_attested_and_waived_findings_of_the_record_only() -> None:
    document = json.loads(_run("json", "zh"))
    before, record, after = document["records"]
    assert record["verdict"] == "non_compliant"  # the expired waiver counts again
    assert "unwaived_verdict" not in record  # the same without waivers
    assert record["inspection"]["number"] == "江北民养检〔2019〕12号"
    found = _by_rule(record)
    sunlight = found["QB-SITING-SUNLIGHT"]
    assert sunlight["status"] == "fail"
    assert sunlight["attested"] == {"by": "张三", "on": "2019-12-10", "method": "site",
                                    "evidence": None, "standing": "counts", "recorded": "pass"}
    assert sunlight["waived"]["standing"] == "counts"
    assert sunlight["waived"]["expires_on"] == "2020-01-31"
    assert found["QB-SITING-TERRAIN"]["attested"]["standing"] == "expired"
    assert "recorded" not in found["QB-SITING-TERRAIN"]["attested"]
    assert found["QB-SITING-VENTILATION"]["waived"]["standing"] == "expired"
    for plain in (before, after):  # the shared findings were copied, not changed
        assert "inspection" not in plain and "unwaived_verdict" not in plain
        assert not any("attested" in f or "waived" in f for f in plain["findings"])


def test_the_verdict_without_waivers_is_given_where_waivers_changed_it() -> None:
    case = {**CASE, "waivers": CASE["waivers"][:1], "set": {}}
    compiled = compiled_rules("shipped", "")
    record = base_record(case)
    result = evaluate_record(record, "b", compiled, PlainEvaluator(compiled), 2019,
                             sidecars(case, record.id))
    context = RunContext(compiled, "plain", 2019, "zh", fmt="json")
    out = io.StringIO()
    write([result], context, out)
    written = json.loads(out.getvalue())["records"][0]
    assert (written["verdict"], written["unwaived_verdict"]) == ("compliant", "non_compliant")
    assert "inspection" not in written


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lean_lines_carry_the_marks_and_expand_to_the_full_lines(lang: Lang) -> None:
    lean = [json.loads(line) for line in _run("jsonl", lang).splitlines()]
    full = [json.loads(line) for line in _run("jsonl", lang, "full").splitlines()]
    header = lean[0]["header"]
    assert [expand(header, line) for line in lean[1:]] == full[1:]
    assert "attested" in _by_rule(full[2])["QB-SITING-SUNLIGHT"]


def test_text_shows_the_marks_in_chinese() -> None:
    text = _run("text", "zh")
    assert "【现场核查】2019年12月10日 张三，现场查看（与填报不一致：填报为达标）" in text
    assert ("【限期整改】至2020年1月31日，不计入结论"
            "（批准人：区民政局，2019年12月11日批准；已制定采光改造方案）") in text
    assert "【容缺已过期，恢复计入】（至2019年11月30日" in text
    assert "（已于2019年6月30日过期，不再计入）" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_assembled_text_of_a_marked_record_is_the_templates(lang: Lang) -> None:
    from qianbai_rules.reports.build import Reporter

    compiled = compiled_rules("shipped", "")
    record = base_record({**CASE, "waivers": CASE["waivers"][:1], "set": {}})
    result: Evaluated = evaluate_record(record, "b", compiled, PlainEvaluator(compiled), 2019,
                                        _sidecars())
    report = Reporter(compiled, 2019, lang).record(result)
    assert report.identity_besides(HEADLINE) is not None
    assert RecordText(labels(lang)).record(report) == _templated(report, lang)


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_operators_self_check_marks_attested_and_waived_items(fmt: str) -> None:
    from qianbai_rules.reports.documents import write_reports

    compiled = compiled_rules("shipped", "")
    record = base_record(CASE)
    result = evaluate_record(record, "b", compiled, PlainEvaluator(compiled), 2019, _sidecars())
    context = RunContext(compiled, "plain", 2019, "zh", fmt=fmt, audience="operator")
    out = io.StringIO()
    write_reports([result], context, None, out)
    written = out.getvalue()
    assert "【现场核查】2019年12月10日 张三，现场查看（与填报不一致：填报为达标）" in written
    assert "【限期整改】至2020年1月31日，不计入结论" in written


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_operator_is_told_a_compliant_verdict_rests_on_a_waiver(fmt: str) -> None:
    from qianbai_rules.reports.documents import write_reports

    compiled = compiled_rules("shipped", "")
    case = {**CASE, "set": {}}
    record = base_record(case)
    result = evaluate_record(record, "b", compiled, PlainEvaluator(compiled), 2019, _sidecars())
    assert result.verdict.value == "compliant"
    context = RunContext(compiled, "plain", 2019, "zh", fmt=fmt, audience="operator")
    out = io.StringIO()
    write_reports([result], context, None, out)
    assert "其中1项必备项经批准限期整改或容缺受理，期限内不计入结论；不计容缺和限期整改时结论为“不合规”" \
        in out.getvalue()


@pytest.mark.parametrize("fmt", ["json", "jsonl", "text"])
def test_jobs_apply_the_sidecars_as_one_process_does(fmt: str, tmp_path: Any) -> None:
    import multiprocessing

    from qianbai_rules.pipeline.check import run
    from qianbai_rules.pipeline.parallel import pieces
    from qianbai_rules.reports.output import renderer, write_pieces

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("workers are started by fork here")
    case = {**CASE, "set": {}}
    record = base_record(case)
    source = tmp_path / "sites.jsonl"  # read in ranges by the workers themselves
    other = base_record({"base": "station-compliant"}).model_dump(mode="json", exclude_none=True)
    other["id"] = "JB-OTHER"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (
        record.model_dump(mode="json", exclude_none=True), other)), encoding="utf-8")
    compiled = compiled_rules("shipped", "")
    context = RunContext(compiled, "plain", 2019, "zh", fmt=fmt)
    one, two = io.StringIO(), io.StringIO()
    tally = write(run([str(source)], compiled, PlainEvaluator(compiled), 2019,
                      sidecars=_sidecars()), context, one)
    write_pieces(pieces([str(source)], context, renderer, 2, sidecars=_sidecars()), context, two)
    assert one.getvalue() == two.getvalue()
    assert tally.summary().get("waived") == 1 and tally.exit_status == 0, one.getvalue()[-3000:]
    if fmt == "json":
        assert json.loads(one.getvalue())["summary"]["waived"] == 1
