"""check's reports in the register of government documents (issue 14): no English or
code words in the Chinese body, the technical facts in a 技术附注 at the end, the as-of
date explained at the top, and the verdict and what to do first in the text output."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from qianbai_rules.cli.app import main
from qianbai_rules.reports.runview import as_of_note, plan_period

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "sites"
CASES = yaml.safe_load((ROOT / "tests" / "data" / "register" / "as_of_notes.yaml").read_text(
    encoding="utf-8"))
# What a Chinese report may hold in ASCII: rule and reading IDs, the examples' facility
# ids and credit codes (input data), and units.
ALLOWED = re.compile(r"^(QB|RD|JB)(-[A-Za-z0-9]+)+$|^[0-9A-Z]{10}$|^m$")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
TECH_NOTE = "技术附注"


def _run(*args: str) -> str:
    out = io.StringIO()
    status = main(["check", str(EXAMPLES), *args], out=out, err=io.StringIO())
    assert status in (0, 1)
    return out.getvalue()


def _body(text: str) -> str:
    """What a reader reads before the technical notes: markup, styles and every 技术附注
    section taken out, Markdown escapes undone."""
    text = re.sub(r"<section class=\"tech-note\".*?</section>", "", text, flags=re.S)
    text = re.sub(r"<head>.*?</head>", "", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"(?ms)^#+ 技术附注$.*?(?=^# |\Z)", "", text)
    text = re.sub(r"(?ms)^=+\n技术附注\n.*", "", text)
    return html.unescape(text).replace("\\-", "-").replace("\\_", "_")


@pytest.mark.parametrize("args", [
    (), ("--format", "html"), ("--format", "md"), ("--format", "html", "--audience", "operator"),
    ("--format", "md", "--audience", "operator"),
], ids=lambda a: " ".join(a) or "text")
def test_a_chinese_report_has_no_english_or_code_words_outside_its_technical_note(
        args: tuple[str, ...]) -> None:
    shown = _run("--as-of", "2019-12-31", *args)
    body = _body(shown)
    words = sorted({w for w in WORD.findall(body) if not ALLOWED.match(w)})
    assert words == []
    assert TECH_NOTE in shown
    # the body has the dates as written, never ISO, and no space inside a number and its unit
    assert not re.search(r"\d{4}-\d{2}-\d{2}", body)
    assert not re.search(r"\d (平方米|元|万元|人|项|条)", body)
    assert "2019年12月31日" in body


@pytest.mark.parametrize("fmt", ["text", "html", "md"])
def test_the_technical_note_holds_the_fingerprint_engine_and_every_parameter_key_with_its_date(
        fmt: str) -> None:
    shown = _run("--as-of", "2019-12-31", "--format", fmt)
    note = shown[shown.rindex(TECH_NOTE):]
    assert re.search(r"sha256:[0-9a-f]{64}", note)
    assert "durable" in note
    for key in ("area.station_min_m2", "subsidy.operating.proration"):
        assert key in note
    assert "2018年12月4日" in note
    assert "sha256:" not in shown[:shown.index(TECH_NOTE)]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_as_of_line(case: dict[str, Any]) -> None:
    period = (dt.date(2018, 1, 1), dt.date(2020, 12, 31))
    for lang in ("zh", "en"):
        if lang not in case:
            continue
        assert as_of_note(case["as_of"], case["year"], case["given"], period, lang,
                          today=case["today"]) == case[lang]


def test_the_plan_period_is_read_from_the_plan_beside_the_rules() -> None:
    assert plan_period(ROOT / "rules") == (dt.date(2018, 1, 1), dt.date(2020, 12, 31))
    assert plan_period(ROOT / "tests") is None


def test_a_run_without_an_as_of_date_says_so_in_its_first_lines() -> None:
    head = _run().splitlines()[:4]
    today = dt.date.today()
    assert f"评估基准日未指定，按今日（{today.year}年{today.month}月{today.day}日）评估" in head[3]
    assert all("评估基准日未指定" not in line for line in _run("--as-of", "2019-12-31").splitlines())


def test_a_text_block_starts_with_the_verdict_and_what_to_do_then_the_money() -> None:
    shown = _run("--as-of", "2019-12-31")
    block = shown[shown.index("设施：JB-DSB-S02"):]
    block = block[:block.index("\n=====")]
    order = [block.index(s) for s in ("结论：不合规", "整改要求（必备项不符合，共3项）：",
                                      "改进建议（建议项不符合，共", "补贴（三（三）资金保障）：",
                                      "建筑面积（平方米）：180", "\n[不符合] QB-AREA-STATION")]
    assert order == sorted(order)
    assert "     整改要求：通过扩建、置换或租赁增加用房" in block
    assert "建筑面积为180平方米，未达到社区养老服务站200平方米的标准" in block
    assert "[不符合] QB-AREA-STATION 社区养老服务站建筑面积（必备项，二（一））【执行口径】" in block
    missing = shown[shown.index("设施：JB-YZ-S01"):]
    assert "需补充材料（" in missing[:missing.index("\n[")]


def test_english_stays_english() -> None:
    shown = _run("--as-of", "2019-12-31", "--lang", "en")
    assert "As-of date: 2019-12-31" in shown and "Technical note" in shown
    assert "To fix (mandatory requirements not met: 3):" in shown
    assert "floor area is 180 m², below the station standard of 200 m²" in shown
    assert "(mandatory, 二（一）)" in shown
