"""The annual evaluation counts waived findings apart (Deliver 3): the facilities compliant
only thanks to a waiver in force, the waived findings by rule, the expired waivers. The
records come with their :class:`.Marks` as the run with ``--waivers`` gives them."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest

from qianbai_rules.annual.document import write_annual
from qianbai_rules.annual.evaluation import evaluate_year
from qianbai_rules.annual.report import AnnualReport, annual_report
from qianbai_rules.compile.compiled import CompiledRuleset, Verdict, compile_ruleset
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.engines.admit import load_runnable
from qianbai_rules.engines.evaluator import make_evaluator
from qianbai_rules.model.inspection import Waiver, WaiverKind
from qianbai_rules.pipeline.check import Evaluated, evaluate_record
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.pipeline.marks import Marks, Standing, WaiverUse
from qianbai_rules.rules.plan import load_plan
from tests.test_rectification import _record

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2019, 12, 31)
FAILED = ("QB-AREA-STATION", "QB-SERVICE-MEDICAL", "QB-SITING-TERRAIN")


def _waived(result: Evaluated, rules: dict[str, Standing], verdict: Verdict) -> Evaluated:
    uses = {rule: WaiverUse(Waiver(result.record.id, rule, WaiverKind.rectification, "扩建中",
                                   "区民政局", dt.date(2019, 6, 1),
                                   dt.date(2020, 6, 30) if standing is Standing.counts
                                   else dt.date(2019, 9, 30)), standing)
            for rule, standing in rules.items()}
    return replace(result, verdict=verdict,
                   marks=Marks(waived=uses, unwaived=result.verdict))


def _report(engine: str, lang: str = "zh") -> tuple[AnnualReport, RunContext]:
    compiled: CompiledRuleset = compile_ruleset(load_runnable(rules_dir()), AS_OF)
    evaluator = make_evaluator(engine, compiled)

    def evaluated(spec: dict[str, object]) -> Evaluated:
        return evaluate_record(_record(spec), "test", compiled, evaluator, 2019)
    spared = evaluated({"base": "station-failing"})
    partly = evaluated({"base": "station-failing", "set": {"id": "JB-DSB-S03"}})
    lapsed = evaluated({"base": "station-failing", "set": {"id": "JB-DSB-S04"}})
    plain = evaluated({"base": "station-compliant"})
    results = [
        _waived(spared, dict.fromkeys(FAILED, Standing.counts), Verdict.compliant),
        _waived(partly, {"QB-AREA-STATION": Standing.counts}, Verdict.non_compliant),
        _waived(lapsed, {"QB-AREA-STATION": Standing.expired}, Verdict.non_compliant),
        replace(plain, marks=Marks(unwaived=plain.verdict)),
    ]
    plan = load_plan(rules_dir() / "plans" / "jiangbei-2018-2020.yaml")
    context = RunContext(compiled, engine, 2019, "zh" if lang == "zh" else "en", "text")
    return annual_report(evaluate_year(results, plan, compiled, 2019, {}), context, 0, None,
                         None), context


@pytest.mark.parametrize("engine", ["plain", "durable"])
def test_waived_findings_are_counted_apart(engine: str) -> None:
    report, _ = _report(engine)
    assert report.as_json()["waived"] == {
        "compliant_by_waiver": 1, "facilities": ["JB-DSB-S02"], "findings": 4,
        "by_rule": [{"rule": "QB-AREA-STATION", "title": "社区养老服务站建筑面积", "findings": 2},
                    {"rule": "QB-SERVICE-MEDICAL", "title": "基本公共服务：助医", "findings": 1},
                    {"rule": "QB-SITING-TERRAIN", "title": "选址地形平坦", "findings": 1}],
        "expired": 1}
    assert report.as_json()["compliance"]["compliant"] == 2  # the waiver's verdict counts


def test_the_annual_text_lists_the_waived_findings() -> None:
    report, context = _report("plain")
    out = io.StringIO()
    write_annual(report, context, None, out)
    text = out.getvalue()
    assert "== 限期整改与容缺受理 ==" in text
    assert ("因经批准的限期整改或容缺受理而判定为合规的设施1个；在期限内暂不计入结论的必备项共4项次；"
            "已过期、恢复计入的1项次。") in text
    assert "QB-AREA-STATION 社区养老服务站建筑面积：2" in text


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_annual_reports_show_the_waived_findings(fmt: str) -> None:
    report, context = _report("plain")
    out = io.StringIO()
    write_annual(report, replace(context, fmt=fmt), None, out)
    assert "限期整改与容缺受理" in out.getvalue() and "社区养老服务站建筑面积" in out.getvalue()
