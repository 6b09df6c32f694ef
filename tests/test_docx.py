"""The Word documents of ``qianbai check --format docx`` (issue 16, Deliver 7): read back
with python-docx, they hold what the HTML shows (title, conclusion, every numbered item,
the seal block), set the Chinese fonts, number their pages, start each facility on a new
page, come out byte-identical from the same input and are made again by ``history --show``."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from docx.document import Document as WordDocument
from docx.oxml.ns import qn

from qianbai_rules.texts.labels import labels
from tests.running import run
from tests.test_zh_outputs import NOTE, _foreign

ROOT = Path(__file__).resolve().parents[1]
SITES = ROOT / "examples" / "sites"
FAILING = str(SITES / "station-failing.yaml")
SEVERAL = str(SITES / "several-sites.yaml")
AS_OF = ("--as-of", "2019-12-31")


def made(*args: str) -> bytes:
    status, out, err = run("check", *args, *AS_OF)
    assert status in (0, 1, 2), err
    return out


def read(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


def body_text(document: WordDocument) -> list[str]:
    """The paragraphs and table cells in the order Word shows them."""
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            for cell in child.iter(qn("w:tc")):
                lines.append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
    return lines


@pytest.mark.parametrize("engine", ["durable", "plain"])
def test_the_inspectors_document_holds_what_the_html_shows(engine: str) -> None:
    html = BeautifulSoup(made(FAILING, "--format", "html", "--engine", engine), "html.parser")
    document = read(made(FAILING, "--format", "docx", "--engine", engine))
    lines = body_text(document)
    assert lines[0] == html.find("h1").get_text(strip=True)  # type: ignore[union-attr]
    conclusion = html.select_one("[data-conclusion]").get_text(strip=True)  # type: ignore[union-attr]
    assert conclusion in lines
    fix = [str(li["data-rule"]) for li in html.select("ol[data-list=fix] > li")]
    assert fix, "the failing station has items to put right"
    numbered = [line for line in lines if line[:1].isdigit() and ". " in line[:4]]
    for number, rule in enumerate(fix, 1):
        assert any(line.startswith(f"{number}. ") and rule in line for line in numbered), rule
    OP = labels("zh")["opinion"]
    for text in (OP["seal"], OP["receipt"]):
        assert text in lines
    assert any(line.startswith(OP["copy_to"]) for line in lines)


def test_the_seal_block_is_kept_on_one_page() -> None:
    document = read(made(FAILING, "--format", "docx"))
    paragraphs = document.paragraphs
    seal = next(i for i, p in enumerate(paragraphs) if p.text == labels("zh")["opinion"]["seal"])
    assert paragraphs[seal].paragraph_format.keep_with_next
    assert paragraphs[seal].paragraph_format.keep_together


def test_pages_are_numbered_and_the_chinese_fonts_named() -> None:
    document = read(made(FAILING, "--format", "docx"))
    footer = document.sections[0].footer._element
    assert [i.text.strip() for i in footer.iter(qn("w:instrText"))] == ["PAGE"]
    assert "".join(t.text or "" for t in footer.iter(qn("w:t"))) == "第1页"
    fonts = {name: document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
             for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3")}
    assert fonts == {"Normal": "宋体", "Title": "黑体", "Heading 1": "黑体",
                     "Heading 2": "黑体", "Heading 3": "黑体"}
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


@pytest.mark.parametrize("audience", ["inspector", "operator"])
def test_a_chinese_reader_meets_no_english_word_outside_the_technical_note(
        audience: str) -> None:
    document = read(made(SEVERAL, "--format", "docx", "--audience", audience))
    title = labels("zh")["opinion" if audience == "inspector" else "report"][
        "title" if audience == "inspector" else "operator_title"]
    facilities = "\n".join(body_text(document)).split(title)[1:]
    assert len(facilities) > 1
    for text in facilities:  # each its own body, then its own technical note
        assert NOTE in text
        assert _foreign(text) == []


def test_each_facility_starts_on_a_new_page() -> None:
    document = read(made(SEVERAL, "--format", "docx"))
    title = labels("zh")["opinion"]["title"]
    body = list(document.element.body.iterchildren())
    titles = [i for i, child in enumerate(body)
              if child.tag == qn("w:p") and "".join(t.text or "" for t in child.iter(qn("w:t")))
              == title]
    assert len(titles) > 1
    for index in titles[1:]:
        breaks = body[index - 1].findall(f".//{qn('w:br')}")
        assert [b.get(qn("w:type")) for b in breaks] == ["page"]


@pytest.mark.parametrize("engine", ["durable", "plain"])
def test_the_same_input_gives_the_same_bytes(engine: str) -> None:
    """(The engines' documents differ only in the technical note, which names the engine.)"""
    first = made(SEVERAL, "--format", "docx", "--engine", engine)
    assert first == made(SEVERAL, "--format", "docx", "--engine", engine)


def test_english_and_the_operators_self_check() -> None:
    english = body_text(read(made(FAILING, "--format", "docx", "--lang", "en")))
    assert english[0] == labels("en")["opinion"]["title"]
    operator = body_text(read(made(FAILING, "--format", "docx", "--audience", "operator")))
    assert operator[0] == labels("zh")["report"]["operator_title"]


def test_a_folder_gets_one_document_per_record_and_an_index(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    status, _, err = run("check", SEVERAL, "--format", "docx", "-o", f"{folder}/", *AS_OF)
    assert status in (0, 1, 2), err
    files = sorted(p.name for p in folder.iterdir())
    assert "index.docx" in files and len(files) > 2
    index = "\n".join(body_text(docx.Document(str(folder / "index.docx"))))
    for name in files:
        if name != "index.docx":
            assert name in index
            assert name.removesuffix(".docx") in body_text(docx.Document(str(folder / name)))


@pytest.mark.parametrize("engine", ["durable", "plain"])
def test_history_shows_a_docx_report_byte_for_byte(tmp_path: Path, engine: str) -> None:
    db, target = tmp_path / "h.db", tmp_path / "report.docx"
    status, _, err = run("check", FAILING, "--record", "--db", str(db), *AS_OF,
                         "--format", "docx", "-o", str(target), "--engine", engine)
    assert status in (0, 1, 2), err
    status, again, err = run("history", "JB-DSB-S02", "--db", str(db), "--show", "1")
    assert status == 0, err
    assert again == target.read_bytes()
    assert run("verify", str(target), "--db", str(db))[0] == 0


def test_each_file_of_a_docx_folder_is_made_again(tmp_path: Path) -> None:
    db, folder = tmp_path / "h.db", tmp_path / "out"
    status, _, err = run("check", FAILING, SEVERAL, "--record", "--db", str(db), *AS_OF,
                         "--format", "docx", "-o", f"{folder}/")
    assert status in (0, 1, 2), err
    status, again, err = run("history", "JB-DSB-S02", "--db", str(db), "--show", "1")
    assert status == 0, err
    assert again == (folder / "JB-DSB-S02.docx").read_bytes()
    for file in folder.iterdir():
        assert run("verify", str(file), "--db", str(db))[0] == 0, file.name


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_lays_the_document_out(tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(made(FAILING, "--format", "docx"))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=120)
    assert (tmp_path / "report.pdf").stat().st_size > 10_000
    if shutil.which("pdftotext"):  # laid out: the title, and the footer's page number filled in
        first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "report.pdf"),
                                "-"], check=True, capture_output=True, text=True).stdout
        assert labels("zh")["opinion"]["title"] in first and "第1页" in first


INSPECTION = ROOT / "examples" / "inspection"
FIRST = [FAILING, SEVERAL, "--inspection", str(INSPECTION / "inspection.yaml"),
         "--attestations", str(INSPECTION / "attestations.csv"),
         "--waivers", str(INSPECTION / "waivers.yaml")]
SECOND = [str(INSPECTION / "reinspection" / "station-failing-2020-01.yaml"),
          "--inspection", str(INSPECTION / "reinspection" / "inspection.yaml"),
          "--attestations", str(INSPECTION / "reinspection" / "attestations.csv"),
          "--waivers", str(INSPECTION / "waivers.yaml")]


def _lines(data: bytes) -> str:
    return "\n".join(body_text(read(data)))


@pytest.mark.parametrize("engine", ["durable", "plain"])
def test_the_inspection_and_the_reinspection_carry_their_marks_and_follow_up(
        tmp_path: Path, engine: str) -> None:
    db = str(tmp_path / "h.db")
    options = ("--record", "--db", db, "--engine", engine)
    status, html, err = run("check", *FIRST, "--format", "html", "--engine", engine)
    assert status in (0, 1, 2), err
    status, first, err = run("check", *FIRST, *options, "--format", "docx")
    assert status in (0, 1, 2), err
    text = _lines(first)
    page = BeautifulSoup(html, "html.parser")
    marks = [div.get_text(" ", strip=True).split("\n")[0] for div in page.select("[data-waived]")]
    assert marks
    for mark in marks:  # the waiver's line and its standing
        assert all(part in text for part in mark.split(" ") if part), mark
    assert "江北民养检〔2019〕第12号" in text
    status, second, err = run("check", *SECOND, *options, "--format", "docx")
    assert status in (0, 1, 2), err
    again = body_text(read(second))
    OP = labels("zh")["opinion"]
    assert again[0] == OP["title_reinspection"]
    assert OP["reinspection"] in again and OP["new_findings"] in again


def test_input_text_goes_in_as_text_never_as_markup(tmp_path: Path) -> None:
    source = Path(FAILING).read_text(encoding="utf-8")
    name = '大石坝<w:p>&amp;"站"</w:p>'
    site = tmp_path / "site.yaml"
    site.write_text(source.replace("大石坝街道东原社区养老服务站", name.replace('"', '\\"'), 1)
                    if '"大石坝街道东原社区养老服务站"' in source
                    else source.replace("大石坝街道东原社区养老服务站", f"'{name}'", 1),
                    encoding="utf-8")
    lines = body_text(read(made(str(site), "--format", "docx")))
    assert name in lines
