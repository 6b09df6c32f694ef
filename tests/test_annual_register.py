"""The annual evaluation in the register of a government document (issue 14, Deliver 2 and 4):
every Chinese output of ``qianbai evaluate`` reads as Chinese prose, with the technical facts
of the run gathered in a 技术附注 at its end.

The readings' section (执行口径说明) is the check reports' shared part and is checked with
them; here the body is everything else before the 技术附注.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup

from qianbai_rules.cli.app import main
from qianbai_rules.texts.formats import written_date
from qianbai_rules.texts.labels import label

ROOT = Path(__file__).resolve().parent.parent
XLSX = ROOT / "examples" / "jiangbei-registry.xlsx"
# ids the reader gave or the rules carry; anything else in ASCII letters is a leak
ALLOWED = re.compile(r"^(QB|RD|JBR|JB)(-[A-Za-z0-9]+)+$")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
CJK = r"[\u4e00-\u9fff（）：，；、。]"
SPACED_NUMBER = re.compile(rf"{CJK} +\d|\d +{CJK}")
HALF_WIDTH = re.compile(rf"{CJK}[(),;:]|[(),;:]{CJK}")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
TECH = label("annual.tech.heading", "zh")
READINGS = label("reading.heading", "zh")


def evaluate(*args: str | Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    status = main(["evaluate", str(XLSX), "--year", "2019", *map(str, args)], out=out, err=err)
    assert status == 0, err.getvalue()
    return out.getvalue()


@cache
def parts(fmt: str) -> tuple[str, str]:
    """The zh report of 2019 as text a person reads: its body (without the readings) and
    its technical note."""
    out = evaluate("--format", fmt)
    if fmt == "html":
        soup = BeautifulSoup(out, "html.parser")
        for hidden in soup(["style", "title"]):
            hidden.decompose()
        tech = soup.find("section", attrs={"data-section": "technical"})
        readings = soup.find("section", attrs={"data-section": "readings"})
        assert tech is not None and readings is not None
        note = tech.extract().get_text("\n")
        readings.decompose()
        return soup.get_text("\n"), note
    if fmt == "md":
        out = out.replace("\\", "")  # Markdown's escapes are not what a reader sees
    body, heading, note = out.partition(TECH)
    assert heading, f"no {TECH} in the {fmt} report"
    assert READINGS in body
    return body.split(READINGS)[0], note


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_the_body_of_every_chinese_annual_report_has_no_english_word(fmt: str) -> None:
    body, _ = parts(fmt)
    assert "社区养老服务站" in body  # the body is there to be read
    assert [w for w in WORD.findall(body) if not ALLOWED.match(w)] == []


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_chinese_sentences_have_no_spaces_around_numbers_and_no_half_width_punctuation(
        fmt: str) -> None:
    body, _ = parts(fmt)
    lines = [line.strip() for line in body.splitlines()]
    assert [line for line in lines if SPACED_NUMBER.search(line)] == []
    assert [line for line in lines if HALF_WIDTH.search(line)] == []


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_dates_are_written_as_a_chinese_document_writes_them(fmt: str) -> None:
    body, note = parts(fmt)
    assert "评估基准日：2019年12月31日" in body
    assert ISO_DATE.findall(body + note) == []


def test_amounts_in_sentences_are_in_wan_yuan_where_exact_and_tables_carry_the_unit() -> None:
    text, _ = parts("text")
    assert "：865万元（市级财政640万元，区级财政225万元；涉及设施7个，暂无法确定1个）" in text
    assert "标准额合计875万元" in text and "尚需拨付690万元" in text
    assert "：974,999元（涉及设施14个" in text  # not exact in 万元: whole yuan
    html, _ = parts("html")
    assert "合计（元）" in html and "8,650,000" in html  # a table: the unit in its header


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_the_technical_facts_are_in_a_technical_note_at_the_end_and_not_in_the_body(
        fmt: str) -> None:
    body, note = parts(fmt)
    data = json.loads(evaluate("--format", "json"))
    ruleset, plan = data["ruleset"], data["plan"]
    for fact in (ruleset["fingerprint"], ruleset["name"], ruleset["version"], data["engine"],
                 data["version"], plan["fingerprint"], "jiangbei-2018-2020.yaml"):
        assert fact in note, fact
        assert fact not in body, fact
    for parameter in ruleset["parameters"]:
        since = written_date(dt.date.fromisoformat(parameter["since"]), "zh")
        assert re.search(rf"{re.escape(parameter['name'])}\W[^\n]*\n?[^\n]*{since}", note), \
            parameter["name"]


def test_the_json_keeps_its_keys_and_machine_values() -> None:
    data = json.loads(evaluate("--format", "json"))
    assert list(data["plan"]) == ["name", "source", "fingerprint", "from", "to"]
    assert data["as_of"] == "2019-12-31" and data["plan"]["from"] == "2018-01-01"


def test_the_chinese_workbook_reads_as_chinese_with_the_technical_note_as_its_last_sheet(
        tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    evaluate("--format", "xlsx", "-o", path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[-1] == TECH
    for sheet in workbook.worksheets[:-1]:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not isinstance(value, bool), (sheet.title, row)  # 是/否, never TRUE
                if isinstance(value, str):
                    words = [w for w in WORD.findall(value) if not ALLOWED.match(w)]
                    assert words == [], (sheet.title, value)
    district = workbook.worksheets[0]
    assert [c.value for c in district[1]] == ["设施类型", "计划数（个）", "已建成（个）", "完成率"]
    assert district["D2"].number_format == "0.0%"
    note = [v for row in workbook[TECH].iter_rows(values_only=True) for v in row if v]
    assert "area.station_min_m2" in note and "2018年12月4日" in note
    assert any(str(v).startswith("sha256:") for v in note)


def test_a_year_not_yet_over_is_counted_up_to_today_and_says_so_at_the_top() -> None:
    today = dt.date.today()
    if today.month == 12 and today.day == 31:
        pytest.skip("on 31 December the year is evaluated to its end")
    out, err = io.StringIO(), io.StringIO()
    assert main(["evaluate", str(XLSX), "--year", str(today.year)], out=out, err=err) == 0, \
        err.getvalue()
    top = out.getvalue().splitlines()[:5]
    assert f"评价年度{today.year}年尚未结束，各项统计截至今日（{written_date(today, 'zh')}）" \
        in top[3]
