"""Issue 16 as an official meets it: from the shipped registry, the 2019 绩效评价报告 as a Word
document and a PDF lists every facility with its verdict and money, sets this year's targets
against its completions, the funds received and paid beside what is owed, and the score
under the example scheme, labelled as such; the workbook has one row per facility."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from qianbai_rules.texts.formats import money
from qianbai_rules.texts.labels import labels
from tests.running import run
from tests.system_tools import needs

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "examples" / "jiangbei-registry.xlsx"
L = labels("zh")


def _evaluate(fmt: str) -> bytes:
    status, out, err = run("evaluate", str(REGISTRY), "--year", "2019", "--format", fmt)
    assert status == 0, err
    return out


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(_evaluate("json"))
    return found


def _tables(data: bytes) -> dict[str, list[list[str]]]:
    """Each table of the Word document by the paragraph just before it (its caption or
    heading), as rows of cell texts, a cell's lines joined by line feeds."""
    found: dict[str, list[list[str]]] = {}
    before = ""
    for child in docx.Document(io.BytesIO(data)).element.body.iterchildren():
        if child.tag == qn("w:p"):
            said = "".join(t.text or "" for t in child.iter(qn("w:t")))
            before = said or before
        elif child.tag == qn("w:tbl"):
            found[before] = [["\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                                        for p in cell.iter(qn("w:p")))
                              for cell in row.iter(qn("w:tc"))]
                             for row in child.iter(qn("w:tr"))]
    return found


def _words(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def _expected_rows(facility: dict[str, Any]) -> tuple[str, str, str]:
    """What the annex says of a facility: its verdict and its two subsidies."""
    status = L["report"]["subsidy_status"]
    built, run = facility["construction_subsidy"], facility["operating_subsidy"]
    construction = "" if built["status"] is None else status[built["status"]]
    if built["status"] == "eligible":
        construction = f"{money(built['amount'])}\n（{built['year']}年度）"
    operating = "" if run["status"] is None else status[run["status"]]
    if run["status"] == "eligible":
        operating = money(run["amount"])
    return L["verdict"][facility["verdict"]], construction, operating


def test_the_word_document_lists_every_facility_with_its_verdict_and_money(
        figures: dict[str, Any]) -> None:
    annex = _tables(_evaluate("docx"))[L["annual_paper"]["annex_facilities"]]
    rows = {row[0].split("\n")[0]: row for row in annex[1:]}
    assert len(figures["facilities"]) == len(rows) == 27
    for facility in figures["facilities"]:
        row = rows[facility["id"]]
        verdict, construction, operating = _expected_rows(facility)
        assert row[4].split("\n")[0] == verdict, facility["id"]
        assert (row[5], row[6]) == (construction, operating), facility["id"]
        for item in facility["failed_mandatory"]:
            assert item["rule"] in row[4]
        later = facility["completed_on"] is None or facility["completed_on"] > "2019-12-31"
        assert ("尚未建成" in row[4]) == later, facility["id"]  # assessed, not yet counted
    closed = rows["JBR-GJT-C01"][4]
    assert "已于2019年8月31日停运" in closed


def test_the_word_document_sets_the_years_targets_funds_and_score_side_by_side(
        figures: dict[str, Any]) -> None:
    data = _evaluate("docx")
    tables = _tables(data)
    year = next(rows for rows in tables.values() if rows[0][1] == "2019年目标（个）")
    assert year[1:] == [["社区养老服务站", "2", "3", "150.0%"],
                        ["市级示范社区养老服务中心", "5", "5", "100.0%"],
                        ["合计", "7", "8", "114.3%"]]
    funds = tables["2019年度资金到位与使用情况"]
    total = dict(zip(funds[0], funds[-1], strict=True))
    assert (total["到位金额（元）"], total["已支付金额（元）"], total["按规则应付补贴（元）"],
            total["应付与已支付之差（元）"]) == ("9,000,000", "7,850,000", "9,624,999",
                                            "1,774,999")
    assert figures["funds"]["total"]["received"] == 9_000_000
    score = next(rows for caption, rows in tables.items()
                 if caption.startswith("绩效评价指标评分表"))  # then the reading it rests on
    assert score[-1][5] == "84.2" and figures["score"]["total"] == 84.2
    said = _words(data)
    assert "得分84.2分，评价等级为“良”（按示例指标体系评分）" in said
    assert "本指标体系为示例" in said
    assert "评价单位（盖章）：" in said


def test_the_pdf_holds_every_facility_the_targets_the_funds_and_the_example_score(
        figures: dict[str, Any]) -> None:
    needs("pdftotext")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=_evaluate("pdf"),
                          capture_output=True, check=True).stdout.decode("utf-8")
    annex = text[text.index(L["annual_paper"]["annex_facilities"]):]
    for facility in figures["facilities"]:
        assert facility["id"] in annex, facility["id"]
    assert "2019年目标（个）" in text and "114.3%" in text
    for amount in ("9,000,000", "7,850,000", "9,624,999", "1,774,999"):
        assert amount in text
    assert "按示例指标体系评分" in text and "本指标体系为示例" in text


def test_the_workbook_has_one_row_per_facility_to_sort_and_filter(
        figures: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "evaluation.xlsx"
    status, _, err = run("evaluate", str(REGISTRY), "--year", "2019", "--format", "xlsx",
                         "-o", str(path))
    assert status == 0, err
    sheet = openpyxl.load_workbook(path)["设施清单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [f["id"] for f in figures["facilities"]]
    assert sheet.auto_filter.ref and sheet.freeze_panes == "A2"
    assert all(isinstance(h, str) and not h.isascii() for h in rows[0])
