"""The 绩效评价报告's outline (annual/paper.py) in every format (issue 16, Deliver 6): HTML,
PDF, Markdown and text hold the same parts in the same order, because each renders the one
outline; its keyed parts are where the scoring, the funds and the drafted problems go."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from functools import cache

import pytest
from bs4 import BeautifulSoup

from qianbai_rules.annual.blocks import Items, Paper, Part, Signature
from qianbai_rules.annual.document import write_annual
from qianbai_rules.annual.paper import paper, words
from qianbai_rules.rules.readings import tags
from qianbai_rules.texts.labels import labels
from tests.annual_example import example_report

P = labels("zh")["annual_paper"]


@cache
def outline(engine: str = "plain") -> Paper:
    report, context = example_report(2019, engine=engine)
    ruleset = context.compiled.ruleset
    return paper(report, words("zh", tags(ruleset.readings.values(),
                                          (r.id for r in ruleset.rules if r.subsidy))))


def parts(paper_: Paper) -> list[Part]:
    """Every part, depth first, in the order a reader meets them."""
    found: list[Part] = []

    def walk(part: Part) -> None:
        found.append(part)
        for block in part.blocks:
            if isinstance(block, Part):
                walk(block)
    for section in paper_.sections:
        walk(section)
    return found


def written(fmt: str, engine: str = "plain") -> bytes:
    report, context = example_report(2019, engine=engine)
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    write_annual(report, replace(context, fmt=fmt), None, text)
    text.flush()
    return out.getvalue()


def shown(fmt: str, engine: str = "plain") -> str:
    """The report as a reader sees its words."""
    data = written(fmt, engine)
    if fmt == "html":
        return BeautifulSoup(data.decode("utf-8"), "html.parser").get_text()
    if fmt == "pdf":
        return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                              check=True).stdout.decode("utf-8")
    return data.decode("utf-8").replace("\\", "")  # Markdown's escapes are not what is read


def in_order(text: str, titles: list[str]) -> list[str]:
    """The titles not found after the one before them."""
    missing, at = [], 0
    for title in titles:
        found = text.find(title, at)
        if found < 0:
            missing.append(title)
        else:
            at = found + len(title)
    return missing


def test_the_outline_has_the_parts_of_a_performance_evaluation_report_in_order() -> None:
    top = [s.key for s in outline().sections]
    assert top == ["basic", "conclusion", "progress", "indicators", "problems", "suggestions",
                   "other", "signature", "facilities", "technical"]
    keys = [p.key for p in parts(outline())]
    for key in ("overview", "goals", "scope", "year", "cumulative", "streets", "late", "built",
                "quantity", "quality", "timeliness", "funds", "exit_review", "unplanned",
                "readings"):
        assert key in keys, key
    drafted = outline().part("suggestions").blocks
    assert isinstance(drafted[0], Items) and drafted[0].items[0].startswith("观音桥街道")
    signature = outline().part("signature").blocks
    assert isinstance(signature[0], Signature)
    assert signature[0].lines == ("评价单位（盖章）：" + P["signature_blank"], P["signature_date"])
    assert [p.key for p in parts(outline()) if p.new_page] == ["facilities", "technical"]


@pytest.mark.parametrize("fmt", ["html", "md", "text",
                                 pytest.param("pdf", marks=pytest.mark.skipif(
                                     shutil.which("pdftotext") is None,
                                     reason="pdftotext is not installed"))])
@pytest.mark.parametrize("engine", ["plain", "durable"])
def test_every_format_holds_the_same_parts_in_the_same_order(fmt: str, engine: str) -> None:
    titles = [p.title for p in parts(outline(engine)) if p.title]
    text = shown(fmt, engine)
    assert in_order(text, [outline(engine).title, *titles]) == []
    assert "评价单位（盖章）：" in text  # the 落款 closes the body


def test_the_html_names_each_part_table_and_row_by_its_key() -> None:
    soup = BeautifulSoup(written("html").decode("utf-8"), "html.parser")
    sections = [str(s["data-section"]) for s in soup.find_all("section")]
    assert sections == [p.key for p in parts(outline())]
    annex = soup.select("section[data-section=facilities] table[data-table=facilities] tr[data-row]")
    report, _ = example_report(2019)
    assert [str(tr["data-row"]) for tr in annex] == [f.row.id for f in report.facilities]
    assert soup.select_one("section[data-section=streets] svg") is not None
    tag = soup.select_one("section[data-section=exit_review] h3 .reading")
    assert tag is not None and tag.get_text() == "【执行口径】RD-EXIT-REVIEW"


def test_the_chart_shows_its_table_where_no_drawing_can_be_made() -> None:
    for fmt in ("md", "text"):
        text = shown(fmt)
        assert "复盛镇" in text and "0/2" in text and "<svg" not in text, fmt
