"""The 绩效评价报告 as a Word document (``evaluate --format docx``, issue 16, Deliver 7 and 8):
read back with python-docx it lists every facility of the shipped registry with its verdict
and money, its headings follow the outline, its pages are numbered, its fonts named for a
Chinese desktop, its 落款 kept on one page; the same input gives the same bytes, and the
history can tell the file it wrote."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.oxml.ns import qn

from qianbai_rules.annual.blocks import Block, Chart, Part, Table
from qianbai_rules.annual.paper import paper, words
from qianbai_rules.rules.readings import tags
from qianbai_rules.texts.formats import money
from qianbai_rules.texts.labels import labels
from tests.annual_example import REGISTRY, example_report
from tests.running import run
from tests.test_docx import body_text

P = labels("zh")["annual_paper"]


def made(*args: str, engine: str = "plain") -> bytes:
    status, out, err = run("evaluate", str(REGISTRY), "--year", "2019", "--format", "docx",
                           "--engine", engine, *args)
    assert status == 0, err
    return out


def read(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


def annex(document: WordDocument) -> list[list[str]]:
    """The rows of the facility annex: the table after the heading 附件1：设施清单."""
    seen = False
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p") and "".join(t.text or "" for t in child.iter(
                qn("w:t"))) == P["annex_facilities"]:
            seen = True
        elif seen and child.tag == qn("w:tbl"):
            return [["\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                               for p in cell.iter(qn("w:p")))
                     for cell in row.iter(qn("w:tc"))] for row in child.iter(qn("w:tr"))]
    raise AssertionError("no facility annex")


@pytest.mark.parametrize("engine", ["plain", "durable"])
def test_every_facility_of_the_registry_has_its_row_with_its_verdict_and_money(
        engine: str) -> None:
    report, _ = example_report(2019, engine=engine)
    rows = annex(read(made(engine=engine)))
    header, body = rows[0], rows[1:]
    assert header[0] == "设施编号、名称" and "建设补贴（元）" in header
    assert [row[0].split("\n")[0] for row in body] == [f.row.id for f in report.facilities]
    assert len(body) == 27
    verdicts = labels("zh")["verdict"]
    for row, facility in zip(body, report.facilities, strict=True):
        r = facility.row
        assert row[4].split("\n")[0] == verdicts[r.verdict], r.id
        if r.construction_status == "eligible":
            assert row[5].startswith(money(r.construction_amount)), r.id
        if r.operating_status == "eligible":
            assert row[6] == money(r.operating_amount), r.id
    gjt = next(row for row in body if row[0].startswith("JBR-GJT-D01"))
    assert gjt[5] == "1,900,000\n（2019年度）" and gjt[4] == "合规"


def test_the_headings_follow_the_outline() -> None:
    report, context = example_report(2019)
    ruleset = context.compiled.ruleset
    outline = paper(report, words("zh", tags(ruleset.readings.values(),
                                             (r.id for r in ruleset.rules if r.subsidy))))
    expected: list[str] = []

    def walk(part: Part) -> None:
        if part.title:
            expected.append(part.title)
        for block in part.blocks:
            if isinstance(block, Part):
                walk(block)
    for section in outline.sections:
        walk(section)
    document = read(made())
    headings = [p.text.split("【")[0] for p in document.paragraphs
                if p.style is not None and p.style.name.startswith("Heading")]
    assert headings == expected
    assert document.paragraphs[0].text == "江北区社区养老服务“千百工程”2019年度绩效评价报告"
    top = [h for h in headings if h[:2] in ("一、", "二、", "三、", "四、", "五、", "六、", "七、")]
    assert top == ["一、基本情况", "二、综合评价结论", "三、绩效目标完成情况", "四、绩效指标分析",
                   "五、存在问题", "六、下一步建议", "七、其他需要说明的问题"]
    assert headings[-2:] == [P["annex_facilities"], P["annex_technical"]]


def test_pages_are_numbered_fonts_named_and_the_signature_kept_on_one_page() -> None:
    document = read(made())
    footer = document.sections[0].footer._element
    assert [i.text.strip() for i in footer.iter(qn("w:instrText"))] == ["PAGE"]
    fonts = {name: document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
             for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3")}
    assert fonts == {"Normal": "宋体", "Title": "黑体", "Heading 1": "黑体",
                     "Heading 2": "黑体", "Heading 3": "黑体"}
    paragraphs = document.paragraphs
    unit = next(i for i, p in enumerate(paragraphs) if p.text.startswith("评价单位（盖章）："))
    assert paragraphs[unit + 1].text == P["signature_date"]
    assert paragraphs[unit].paragraph_format.keep_with_next
    assert paragraphs[unit + 1].paragraph_format.keep_together
    annexes = [i for i, p in enumerate(paragraphs)
               if p.text in (P["annex_facilities"], P["annex_technical"])]
    for index in annexes:  # each annex on a new page
        breaks = paragraphs[index - 1]._p.findall(f".//{qn('w:br')}")
        assert [b.get(qn("w:type")) for b in breaks] == ["page"]


def outline_tables() -> list[Table]:
    """The outline's tables in order, a chart's table in its place."""
    report, context = example_report(2019)
    ruleset = context.compiled.ruleset
    outline = paper(report, words("zh", tags(ruleset.readings.values(),
                                             (r.id for r in ruleset.rules if r.subsidy))))
    found: list[Table] = []

    def walk(blocks: Sequence[Block | Part]) -> None:
        for block in blocks:
            if isinstance(block, Part):
                walk(block.blocks)
            elif isinstance(block, Table):
                found.append(block)
            elif isinstance(block, Chart) and block.table is not None:
                found.append(block.table)
    walk(outline.sections)
    return found


def test_every_table_is_there_and_repeats_its_header_row_on_each_page() -> None:
    document = read(made())
    tables = outline_tables()
    assert len(document.tables) == len(tables)
    for word, table in zip(document.tables, tables, strict=True):
        first = word.rows[0]._tr
        repeated = first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        assert repeated == any(table.header), table.key
        assert len(word.rows) == len(table.rows) + (1 if any(table.header) else 0), table.key


@pytest.mark.parametrize("engine", ["plain", "durable"])
def test_the_same_input_gives_the_same_bytes(engine: str) -> None:
    assert made(engine=engine) == made(engine=engine)


def test_the_english_document_and_the_technical_facts_only_in_the_annex() -> None:
    english = body_text(read(made("--lang", "en")))
    assert english[0] == "Annual performance evaluation 2019 (江北区)"  # the plan names it so
    lines = body_text(read(made()))
    note = lines.index(P["annex_technical"])
    fingerprint = json.loads(run("evaluate", str(REGISTRY), "--year", "2019", "--format",
                                 "json")[1])["ruleset"]["fingerprint"]
    assert fingerprint in "\n".join(lines[note:]) and fingerprint not in "\n".join(lines[:note])


def test_a_folder_gets_the_years_document_and_the_history_knows_it(tmp_path: Path) -> None:
    db, folder = tmp_path / "h.db", tmp_path / "out"
    status, out, err = run("evaluate", str(REGISTRY), "--year", "2019", "--format", "docx",
                           "--db", str(db), "-o", f"{folder}/")
    assert (status, out) == (0, b""), err
    assert [p.name for p in folder.iterdir()] == ["evaluation-2019.docx"]
    status, said, err = run("verify", str(folder / "evaluation-2019.docx"), "--db", str(db))
    assert status == 0 and "年度绩效评价" in said.decode("utf-8"), err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_lays_the_document_out(tmp_path: Path) -> None:
    source = tmp_path / "evaluation.docx"
    source.write_bytes(made())
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=180)
    assert (tmp_path / "evaluation.pdf").stat().st_size > 10_000
