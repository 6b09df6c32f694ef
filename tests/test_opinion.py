"""The 检查意见书 and the 复查意见书 (issue 15, Deliver 5), read back as a reader gets them:
HTML text, Markdown, PDF text. The marks and the follow-up are built here as the pipeline
and the history hand them over (pipeline/marks.py, pipeline/followup.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from qianbai_rules.compile.compiled import CompiledRuleset, Status, Verdict, compile_ruleset
from qianbai_rules.core.problems import Lang
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.engines import durable
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.inspection import (
    Attestation,
    AttestedStatus,
    Evidence,
    Inspection,
    InspectionItem,
    Method,
    Waiver,
    WaiverKind,
)
from qianbai_rules.pipeline.check import Evaluated, run
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.pipeline.followup import FollowUp, ItemState, RectificationItem
from qianbai_rules.pipeline.marks import AttestedUse, Marks, Standing, WaiverUse
from qianbai_rules.reports.documents import write_reports
from qianbai_rules.rules.ruleset import load_ruleset
from tests.system_tools import IN_CI, needs

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "examples" / "sites"
CASES = Path(__file__).resolve().parent / "cases" / "opinion"
AS_OF = dt.date(2019, 12, 31)
ENGINES = ["plain", pytest.param("durable", marks=pytest.mark.skipif(
    not durable.available(), reason="durable_rules not importable"))]

INSPECTION = Inspection(
    facility="JB-DSB-S02", number="江北民养检〔2019〕12号", unit="重庆市江北区民政局",
    date=dt.date(2019, 12, 20), inspectors=("张三", "李四"), method=Method.site,
    receiver="赵六",
    items={"QB-SERVICE-MEDICAL": InspectionItem("QB-SERVICE-MEDICAL", Method.interview,
                                                dt.date(2020, 2, 15))})
SUNLIGHT = Attestation(
    facility="JB-DSB-S02", rule="QB-SITING-SUNLIGHT", status=AttestedStatus.failed,
    method=Method.site, inspector="张三", date=dt.date(2019, 12, 20),
    evidence=Evidence(name="采光照片.jpg", sha256="ab" * 32), note="主要活动室朝北，无直射阳光")
CURRENT = Waiver(facility="JB-DSB-S02", rule="QB-SERVICE-MEDICAL", kind=WaiverKind.rectification,
                 justification="已与社区卫生服务中心签约，待开诊", approver="区民政局王五",
                 approved_on=dt.date(2019, 12, 1), expires_on=dt.date(2020, 3, 31))
EXPIRED = Waiver(facility="JB-DSB-S02", rule="QB-AREA-STATION", kind=WaiverKind.deferred,
                 justification="扩建手续办理中", approver="区民政局王五",
                 approved_on=dt.date(2019, 6, 1), expires_on=dt.date(2019, 11, 30))


@cache
def _compiled() -> CompiledRuleset:
    return compile_ruleset(load_ruleset(ROOT / "rules"), AS_OF)


def _evaluated(site: str, engine: str = "plain") -> Evaluated:
    compiled = _compiled()
    evaluator = PlainEvaluator(compiled) if engine == "plain" \
        else durable.DurableEvaluator(compiled)
    result, = run([str(SITES / site)], compiled, evaluator, 2019)
    assert isinstance(result, Evaluated)
    return result


def _decided(result: Evaluated, statuses: dict[str, Status]) -> Evaluated:
    """``result`` with the outcomes an attestation decided (as pipeline/marks applies them)."""
    compiled = _compiled()
    changed = [statuses.get(rule.rule.id, status)
               for rule, status in zip(compiled.rules, result.statuses, strict=True)]
    return dataclasses.replace(result, statuses=changed, verdict=compiled.verdict(changed))


def _inspected(engine: str = "plain") -> Evaluated:
    """The failing station, inspected: sunlight found lacking on site against the record's
    word, the medical service under a current 限期整改, the floor area's 容缺 expired."""
    result = _decided(_evaluated("station-failing.yaml", engine),
                      {"QB-SITING-SUNLIGHT": Status.failed})
    marks = Marks(inspection=INSPECTION,
                  attested={"QB-SITING-SUNLIGHT": AttestedUse(SUNLIGHT, Status.passed,
                                                               Standing.counts)},
                  waived={"QB-SERVICE-MEDICAL": WaiverUse(CURRENT, Standing.counts),
                          "QB-AREA-STATION": WaiverUse(EXPIRED, Standing.expired)},
                  unwaived=result.verdict)
    return dataclasses.replace(result, marks=marks)


def _write(result: Evaluated, fmt: str, lang: Lang = "zh", engine: str = "plain",
           target: Path | None = None) -> str:
    context = RunContext(_compiled(), engine, 2019, lang, fmt, "inspector")
    out = io.StringIO()
    write_reports([result], context, str(target) if target else None, out)
    return out.getvalue()


def _html(result: Evaluated, lang: Lang = "zh") -> BeautifulSoup:
    return BeautifulSoup(_write(result, "html", lang), "html.parser")


def _text(page: BeautifulSoup, selector: str) -> str:
    found = page.select_one(selector)
    assert found is not None, selector
    return found.get_text(strip=True)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_inspection_s_particulars_head_the_document_and_its_conclusion_is_a_sentence(
        engine: str) -> None:
    page = BeautifulSoup(_write(_inspected(engine), "html", engine=engine), "html.parser")
    assert _text(page, "h1") == "社区养老服务设施检查意见书"
    particulars = {str(row["data-particular"]): row.td.get_text(strip=True)  # type: ignore[union-attr]
                   for row in page.select("[data-particular]")}
    assert particulars == {"number": "江北民养检〔2019〕12号", "unit": "重庆市江北区民政局",
                           "date": "2019年12月20日", "methods": "现场查看、访谈",
                           "inspectors": "张三、李四"}
    assert page.select_one("[data-note=ask]") is None
    # 4 mandatory failures (area, medical, terrain, sunlight); the medical one is waived
    # until 2020-03-31; the deadlines differ, so the conclusion names the first
    assert _text(page, "[data-conclusion]") == (
        "经检查，该站有3项必备项未达标，判定为不合规。请按所列期限完成整改，最早一项须于2020年1月19日前完成，"
        "并书面报告重庆市江北区民政局。另有1项已批准限期整改或容缺受理，期限内不计入结论，仍须按期完成。"
        "另有5项建议项未达标，建议改进。")
    fix = {str(li["data-rule"]): str(li["data-deadline"]) for li in page.select("[data-list=fix] li")}
    assert fix == {"QB-AREA-STATION": "2020-01-19", "QB-SERVICE-MEDICAL": "2020-02-15",
                   "QB-SITING-SUNLIGHT": "2020-01-19", "QB-SITING-TERRAIN": "2020-01-19"}
    first = _text(page, "[data-list=fix] li")
    # the default period is a reading (执行口径); the inspection's own deadline is not
    assert "整改要求：" in first and "整改期限：2020年1月19日前【执行口径】RD-RECTIFICATION" in first
    medical = _text(page, "[data-list=fix] li[data-rule=QB-SERVICE-MEDICAL]")
    assert "整改期限：2020年2月15日前；" in medical and "RD-RECTIFICATION" not in medical
    assert "责任部门：区民政局【执行口径】；责任街镇：大石坝街道" in first
    assert _text(page, "[data-copy-to]") == "抄送：区民政局、区卫生计生委、大石坝街道"


def test_an_attested_rule_shows_how_by_whom_and_when_and_that_it_overrode_the_record() -> None:
    page = _html(_inspected())
    mark = _text(page, "tr[data-rule=QB-SITING-SUNLIGHT] [data-attested]")
    assert "现场核查：不符合（现场查看，检查人员张三，2019年12月19日）" not in mark
    assert "现场核查：不符合（现场查看，检查人员张三，2019年12月20日）" in mark
    assert "依据：采光照片.jpg（校验值见附件）" in mark and "主要活动室朝北" in mark
    evidence = _text(page, "[data-section=appendix] [data-list=evidence]")
    assert "QB-SITING-SUNLIGHT采光照片.jpg" + "ab" * 32 in evidence
    assert "与填报情况不一致：填报为“符合”，以现场核查为准" in mark
    row = page.select_one("tr[data-rule=QB-SITING-SUNLIGHT]")
    assert row is not None and row["data-status"] == "fail"


def test_a_current_waiver_keeps_a_finding_out_of_the_verdict_and_an_expired_one_counts_again() -> None:
    page = _html(_inspected())
    current = _text(page, "[data-list=fix] li[data-rule=QB-SERVICE-MEDICAL] [data-waived]")
    assert current == ("限期整改：区民政局王五于2019年12月1日批准，期限至2020年3月31日"
                       "（已与社区卫生服务中心签约，待开诊）；期限内不计入结论")
    expired = _text(page, "tr[data-rule=QB-AREA-STATION] [data-waived]")
    assert expired.startswith("容缺受理：") and expired.endswith("已过期，恢复计入")


def _load_cases() -> list[dict[str, Any]]:
    document = load_yaml((CASES / "conclusions.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    cases = document["cases"]
    assert isinstance(cases, list)
    return cases


def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _case_result(case: Mapping[str, Any]) -> Evaluated:
    """The case's record with its inspection, attestations and waivers, as pipeline/marks
    hands them over."""
    attested = case.get("attested", {})
    result = _decided(_evaluated(case["site"]),
                      {rule: Status(found) for rule, found in attested.items()})
    given = case.get("inspection")
    inspection = Inspection(
        facility=result.record.id, unit=given.get("unit"),
        date=_day(given["date"]) if "date" in given else None,
        items={rule: InspectionItem(rule, deadline=_day(day))
               for rule, day in given.get("deadlines", {}).items()}) if given else None
    standing = {"current": Standing.counts, "expired": Standing.expired}
    until = {"current": CURRENT.expires_on, "expired": EXPIRED.expires_on}
    marks = Marks(
        inspection=inspection,
        attested={rule: AttestedUse(dataclasses.replace(SUNLIGHT, rule=rule,
                                                        status=AttestedStatus(found)),
                                    Status.passed if found == "fail" else Status.failed,
                                    Standing.counts)
                  for rule, found in attested.items()},
        waived={rule: WaiverUse(dataclasses.replace(CURRENT, rule=rule, expires_on=until[kind]),
                                standing[kind])
                for rule, kind in case.get("waived", {}).items()},
        unwaived=result.verdict)
    verdict = Verdict(case["verdict"]) if "verdict" in case else result.verdict
    return dataclasses.replace(result, verdict=verdict, marks=marks)


@pytest.mark.parametrize("case", _load_cases(), ids=lambda case: case["name"])
def test_the_conclusion_is_one_sentence(case: dict[str, Any]) -> None:
    page = _html(_case_result(case), case.get("lang", "zh"))
    assert _text(page, "[data-conclusion]").startswith(case["conclusion"])


def test_without_an_inspection_file_every_particular_is_a_blank_to_fill_and_asked_for() -> None:
    page = _html(_evaluated("station-failing.yaml"))
    blanks = [row.td.get_text(strip=True) for row in page.select("[data-particular]")]  # type: ignore[union-attr]
    assert blanks == ["＿＿＿＿（待填写）"] * 5
    assert _text(page, "[data-note=ask]") == (
        "以下事项未在检查资料中提供，请补充：编号、检查单位、检查日期、检查方式、检查人员、被检查单位签收人。")
    # the deadline counts from the as-of date; the report goes to the plan's lead department
    assert "请于2020年1月30日前完成整改，并书面报告区民政局。" in _text(page, "[data-conclusion]")
    lines = page.select("[data-sign=inspectors] p")
    assert len(lines) == 3 and all("＿＿" in p.get_text() for p in lines)


def test_the_rules_that_do_not_apply_are_one_line_and_never_rows() -> None:
    result = _evaluated("station-compliant.yaml")
    page = _html(result)
    skipped = sum(s is Status.not_applicable for s in result.statuses)
    assert skipped > 0
    assert _text(page, "[data-not-applicable]") == f"另有{skipped}项规则不适用于本设施类型。"
    assert {str(tr["data-status"]) for tr in page.select("tr[data-rule]")} <= {"pass", "fail", "unknown"}


def _reinspected() -> Evaluated:
    def item(rule: str, deadline: dt.date, state: ItemState,
             closed: dt.date | None = None) -> RectificationItem:
        return RectificationItem("JB-DSB-S02", rule, dt.date(2019, 11, 20), deadline, "大石坝街道",
                                 "civil_affairs", "江北民养检〔2019〕8号", state, closed)

    follow = FollowUp(
        previous_on=dt.date(2019, 11, 20), previous_number="江北民养检〔2019〕8号",
        closed=(item("QB-FIVE-TEAM", dt.date(2019, 12, 20), ItemState.closed, AS_OF),
                item("QB-SERVICE-EMERGENCY", dt.date(2019, 12, 20), ItemState.closed, AS_OF)),
        still_open=(item("QB-SERVICE-MEDICAL", dt.date(2020, 2, 15), ItemState.open),),
        overdue=(item("QB-SITING-TERRAIN", dt.date(2019, 12, 20), ItemState.overdue),))
    return dataclasses.replace(_inspected(), follow_up=follow)


def test_the_reinspection_lists_what_was_closed_what_is_open_and_what_is_overdue() -> None:
    page = _html(_reinspected())
    assert _text(page, "h1") == "社区养老服务设施复查意见书"
    assert _text(page, "[data-note=previous]") == \
        "本次为复查。上次检查日期：2019年11月20日；编号：江北民养检〔2019〕8号。"
    lists = {str(ol["data-list"]): [li.get_text(strip=True) for li in ol.select("li")]
             for ol in page.select("ol[data-list]")}
    assert lists["closed"] == ["QB-FIVE-TEAM “五个一”：一支服务队伍（2019年12月31日核销）",
                               "QB-SERVICE-EMERGENCY 基本公共服务：助急（2019年12月31日核销）"]
    assert lists["still_open"] == ["QB-SERVICE-MEDICAL 基本公共服务：助医（整改期限：2020年2月15日）"]
    assert lists["overdue"] == ["QB-SITING-TERRAIN 选址地形平坦（整改期限：2019年12月20日，已逾期11天）"]
    # then the new findings as in the 检查意见书, with the conclusion
    assert page.select("[data-list=fix] li")
    assert _text(page, "[data-conclusion]").startswith("经检查，该站有3项必备项未达标")


def test_the_markdown_document_carries_the_same_content() -> None:
    markdown = _write(_reinspected(), "md")
    assert markdown.startswith("# 社区养老服务设施复查意见书\n")
    for expected in ("| 编号 | 江北民养检〔2019〕12号 |", "本次为复查。上次检查日期：2019年11月20日",
                     "已逾期11天", "**经检查，该站有3项必备项未达标，判定为不合规。",
                     "1. **社区养老服务站建筑面积**", "整改期限：2020年1月19日前",
                     "与填报情况不一致", "已过期，恢复计入", "另有13项规则不适用于本设施类型。",
                     "检查单位（盖章）", "被检查单位签收", "签收人：赵六",
                     "抄送：区民政局、区卫生计生委、大石坝街道", "# 附件"):
        assert expected in markdown, expected
    body = markdown[:markdown.index("# 附件")]
    assert "sha256:" not in body and "area.station_min_m2" not in body
    assert re.search(r"^检查人员（签字）：张三 ", markdown, re.MULTILINE)
    assert "ab" * 32 in markdown[markdown.index("## 技术附注"):] and "ab" * 32 not in body


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_chinese_reader_of_the_documents_meets_no_english_word(fmt: str) -> None:
    from tests.test_zh_outputs import _foreign, _visible

    for result in (_reinspected(), _evaluated("station-missing-data.yaml")):
        text = _write(result, fmt)
        shown = _visible(text) if fmt == "html" else text
        # the evidence file's own name (采光照片.jpg) is the input's value
        assert [word for word in _foreign(shown) if word != "jpg"] == []


def test_the_english_document_has_the_same_structure_in_english() -> None:
    page = _html(_reinspected(), "en")
    assert _text(page, "h1") == "Re-inspection opinion"
    conclusion = _text(page, "[data-conclusion]")
    assert conclusion.startswith("On inspection, 3 mandatory requirement(s) of the station are not met")
    assert "the first by 2020-01-19" in conclusion and "1 of them are overdue" in conclusion
    assert _text(page, "[data-not-applicable]") == "13 more rules do not apply to this type of facility."
    seal = _text(page, "[data-section=seal]")
    for name in ("张三", "李四", "赵六", "大石坝街道"):  # the data's own words stay as written
        seal = seal.replace(name, "")
    assert re.search(r"[\u4e00-\u9fff]", seal) is None, seal


@pytest.mark.slow
def test_the_pdf_starts_each_facility_on_a_page_of_its_own_and_numbers_the_pages(
        tmp_path: Path) -> None:
    if not IN_CI:
        pytest.importorskip("weasyprint")
    pdftotext = needs("pdftotext")
    target = tmp_path / "opinion.pdf"
    other = dataclasses.replace(_evaluated("station-compliant.yaml"))
    context = RunContext(_compiled(), "plain", 2019, "zh", "pdf", "inspector")
    write_reports([_reinspected(), other], context, str(target), io.StringIO())
    pages = subprocess.run([pdftotext, "-enc", "UTF-8", str(target), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    starts = [n for n, page in enumerate(pages) if "依据《江北区社区养老服务" in page]
    assert len(starts) == 2 and starts[0] == 0
    assert pages[starts[1]].lstrip().startswith("社区养老服务设施检查意见书")
    total = len([p for p in pages if p.strip()])
    assert f"第1页，共{total}页" in pages[0]
    seal = [n for n, page in enumerate(pages) if "检查单位（盖章）" in page]
    # the seal, the signatures and the receipt are on one page
    assert seal and all("被检查单位签收" in pages[n] for n in seal)
    assert "已逾期11天" in pages[0] + pages[1]


def test_advisory_failures_become_items_to_fix_where_the_rules_say_so(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    setting = rules / "parameters" / "rectification.yaml"
    setting.write_text(setting.read_text(encoding="utf-8").replace(
        "2018-12-04: mandatory", "2018-12-04: mandatory_and_advisory"), encoding="utf-8")
    compiled = compile_ruleset(load_ruleset(rules), AS_OF)
    result, = run([str(SITES / "station-failing.yaml")], compiled, PlainEvaluator(compiled), 2019)
    context = RunContext(compiled, "plain", 2019, "zh", "html", "inspector")
    out = io.StringIO()
    write_reports([result], context, None, out)
    page = BeautifulSoup(out.getvalue(), "html.parser")
    fix = [str(li["data-rule"]) for li in page.select("[data-list=fix] li")]
    assert len(fix) == 8 and "QB-SERVICE-MARKET" in fix
    assert page.select("[data-list=advice] li") == []
    assert _text(page, "[data-conclusion]") == (
        "经检查，该站有3项必备项未达标，判定为不合规。请于2020年1月30日前完成整改，并书面报告区民政局。")


def test_an_expired_attestation_is_shown_and_says_it_no_longer_counts() -> None:
    expired = dataclasses.replace(SUNLIGHT, expires=dt.date(2019, 12, 25))
    result = _evaluated("station-failing.yaml")
    marks = Marks(attested={"QB-SITING-SUNLIGHT": AttestedUse(expired, Status.passed,
                                                               Standing.expired)})
    page = _html(dataclasses.replace(result, marks=marks))
    mark = _text(page, "tr[data-rule=QB-SITING-SUNLIGHT] [data-attested]")
    assert mark.endswith("现场核查已于2019年12月25日过期，不再计入")
    assert "与填报情况不一致" not in mark
    assert [str(li["data-rule"]) for li in page.select("[data-list=marked] li")] == \
        ["QB-SITING-SUNLIGHT"]


def test_the_inspection_file_s_text_is_shown_as_text_never_as_markup() -> None:
    hostile = dataclasses.replace(INSPECTION, unit="<script>alert(1)</script>", number="| **x** |",
                                  inspectors=("<b>张三</b>", "{{ 7*7 }}"), receiver="[a](http://x)")
    result = _inspected()
    assert result.marks is not None
    result = dataclasses.replace(result, marks=dataclasses.replace(result.marks,
                                                                    inspection=hostile))
    page = _html(result)
    assert page.find("script") is None and page.find("b") is None
    assert "<script>alert(1)</script>" in _text(page, "[data-particular=unit]")
    assert "{{ 7*7 }}" in _text(page, "[data-particular=inspectors]")
    markdown = _write(result, "md")
    assert "<script>" not in markdown and "<b>" not in markdown and "](http" not in markdown
    assert "\\| \\*\\*x\\*\\* \\|" in markdown
