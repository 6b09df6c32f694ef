"""Reports: parsed, not string-matched; rendered by a real browser and a real PDF engine."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from qianbai_rules.cli.app import main
from qianbai_rules.io.writing import file_names
from tests.system_tools import IN_CI, needs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "sites"


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main([*args, "--as-of", "2019-12-31"], out=out, err=io.StringIO())
    return status, out.getvalue()


def _json(path: Path) -> dict[str, object]:
    status, text = _run("check", str(path), "--format", "json")
    assert status in (0, 1)
    document = json.loads(text)
    assert isinstance(document, dict)
    return document




def test_the_inspector_document_shows_the_verdict_the_applicable_rules_by_section_and_signatures() -> None:
    record = _json(EXAMPLES / "station-failing.yaml")["records"][0]  # type: ignore[index]
    _status, html = _run("check", str(EXAMPLES / "station-failing.yaml"), "--format", "html")
    page = BeautifulSoup(html, "html.parser")
    verdict = page.select_one("[data-verdict]")
    assert verdict is not None and verdict["data-verdict"] == record["verdict"] == "non_compliant"
    rows = {row["data-rule"]: row["data-status"] for row in page.select("tr[data-rule]")}
    assert rows == {f["rule"]: f["status"] for f in record["findings"]
                    if f["status"] != "not_applicable"}
    # the rules that do not apply are one line (issue 15, Deliver 5), never rows
    skipped = sum(f["status"] == "not_applicable" for f in record["findings"])
    line = page.select_one("[data-not-applicable]")
    assert skipped and line is not None
    assert line.get_text(strip=True) == f"另有{skipped}项规则不适用于本设施类型。"
    headings = [h.get_text(strip=True) for h in page.find_all("h2")]
    for expected in ("设施基本情况", "五、逐条检查结果（按方案条款）",
                     "补贴与可享受的政策（三（三）、三（四））", "签字确认"):
        assert expected in headings, (expected, headings)
    # the technical facts come last, after the signatures, in an appendix of their own
    assert headings[-3:] == ["签字确认", "附件", "技术附注"], headings
    note = page.select_one("[data-section=tech-note]")
    assert note is not None and "sha256:" in note.get_text()
    assert "area.station_min_m2" in note.get_text()
    appendix = page.select_one("[data-section=appendix]")
    assert appendix is not None and "sha256:" in appendix.get_text()
    body = page.get_text().replace(appendix.get_text(), "")
    assert "sha256:" not in body and "area.station_min_m2" not in body
    sections = [h.get_text(" ", strip=True) for h in page.find_all("h3")]
    assert "二（一） 设施标准" in sections and "三（三） 资金保障" in sections
    assert page.select_one("[data-section=seal]") is not None
    assert page.find("script") is None and page.find("link") is None


def test_the_operator_checklist_lists_the_mandatory_failures_first_with_what_to_do() -> None:
    record = _json(EXAMPLES / "station-failing.yaml")["records"][0]  # type: ignore[index]
    _status, html = _run("check", str(EXAMPLES / "station-failing.yaml"), "--format", "html",
                         "--audience", "operator")
    page = BeautifulSoup(html, "html.parser")
    fix = [li["data-rule"] for li in page.select("[data-list=fix] li")]
    assert fix == [f["rule"] for f in record["findings"]
                   if f["status"] == "fail" and f["severity"] == "mandatory"]
    improve = [li["data-rule"] for li in page.select("[data-list=improve] li")]
    assert improve == [f["rule"] for f in record["findings"]
                       if f["status"] == "fail" and f["severity"] == "advisory"]
    text = page.get_text()
    assert "mandatory" not in text and "not_applicable" not in text
    assert "合规后可获25万元" in text


def test_an_operator_with_missing_data_is_told_which_information_to_supply() -> None:
    _status, html = _run("check", str(EXAMPLES / "station-missing-data.yaml"), "--format", "html",
                         "--audience", "operator")
    page = BeautifulSoup(html, "html.parser")
    supply = [li.get_text(strip=True) for li in page.select("[data-list=supply] li")]
    assert "建筑面积（平方米）" in supply and "基本公共服务" in supply


def test_hostile_record_text_is_shown_as_text_never_as_markup_or_template(tmp_path: Path) -> None:
    hostile = {"id": "../../<b>x</b>", "facility_type": "station",
               "name": "<script>alert(1)</script>{{ 7*7 }}{% raw %}| **x** |",
               "operation": {"operator_name": "<img src=x onerror=alert(1)>"}}
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(hostile), encoding="utf-8")
    _status, html = _run("check", str(source), "--format", "html")
    page = BeautifulSoup(html, "html.parser")
    assert page.find("script") is None and page.find("img") is None and page.find("b") is None
    assert "<script>alert(1)</script>{{ 7*7 }}{% raw %}" in page.get_text()
    _status, markdown = _run("check", str(source), "--format", "md")
    assert "<script>" not in markdown and "{{ 7*7 }}" not in markdown
    assert "\\| \\*\\*x\\*\\* \\|" in markdown
    folder = tmp_path / "out"
    status, _text = _run("check", str(source), "--format", "html", "-o", f"{folder}/")
    written = sorted(p.name for p in folder.iterdir())
    assert status == 1 and "index.html" in written and len(written) == 2
    assert all(p.resolve().parent == folder.resolve() for p in folder.iterdir())


@pytest.mark.parametrize(("record_id", "expected"), [
    ("JB-GYQ-S01", "JB-GYQ-S01"),
    ("index", "index-"),
    ("../etc/passwd", "etc_passwd-"),
    ("观音桥站", "record-"),
    ("CON", "CON-"),
])
def test_a_report_file_name_is_safe_for_any_id(record_id: str, expected: str) -> None:
    name, = file_names([record_id])
    assert name.startswith(expected)
    assert name == expected or len(name) > len(expected)
    assert all(c.isalnum() or c in "._-" for c in name)


def test_two_ids_that_differ_only_in_case_or_unsafe_characters_get_different_files() -> None:
    names = file_names(["JB-1", "jb-1", "JB/1", "JB_1"])
    assert len({n.lower() for n in names}) == 4


def test_a_folder_of_reports_has_one_file_per_record_and_an_index_that_links_them(tmp_path: Path) -> None:
    status, _text = _run("check", str(EXAMPLES), "--format", "html", "-o", f"{tmp_path}/")
    assert status == 1
    index = BeautifulSoup((tmp_path / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in index.select("a[href]")]
    assert len(links) == 14
    for link in links:
        report = BeautifulSoup((tmp_path / str(link)).read_text(encoding="utf-8"), "html.parser")
        skipped = report.select_one("[data-not-applicable]")
        shown = len(report.select("tr[data-rule]"))
        assert shown + (int(str(skipped["data-not-applicable"])) if skipped else 0) == 46


def test_the_markdown_report_has_every_applicable_rule_and_reads_as_markdown() -> None:
    _status, markdown = _run("check", str(EXAMPLES / "station-compliant.yaml"), "--format", "md")
    rows = [line for line in markdown.splitlines() if line.startswith("| QB-")]
    skipped = re.search(r"^另有(\d+)项规则不适用于本设施类型。$", markdown, re.MULTILINE)
    assert skipped is not None and len(rows) + int(skipped.group(1)) == 46
    assert markdown.startswith("# 社区养老服务设施检查意见书")


def test_the_english_report_uses_english_labels() -> None:
    _status, html = _run("check", str(EXAMPLES / "station-failing.yaml"), "--format", "html",
                         "--lang", "en")
    page = BeautifulSoup(html, "html.parser")
    headings = [h.get_text(strip=True) for h in page.find_all("h2")]
    assert "Facility" in headings and "Signatures" in headings
    assert page.html is not None and page.html["lang"] == "en"


@pytest.mark.slow
def test_a_report_rendered_in_headless_chromium_is_not_blank(tmp_path: Path) -> None:
    chromium = needs("chromium")
    from PIL import Image

    report = tmp_path / "report.html"
    _run("check", str(EXAMPLES / "station-failing.yaml"), "--format", "html", "-o", str(report))
    shot = tmp_path / "shot.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars",
         "--window-size=1000,1400", f"--screenshot={shot}", report.as_uri()],
        check=True, capture_output=True, timeout=120)
    image = Image.open(shot).convert("RGB")
    colours = [(count, tuple(colour)) for count, colour in image.getcolors(maxcolors=1 << 20) or []
               if isinstance(colour, tuple)]
    assert len(colours) > 50, "the page looks blank"
    red = sum(count for count, (r, g, b, *_) in colours if r > 150 and g < 80 and b < 80)
    assert red > 100, "the red non-compliant verdict is not visible"


@pytest.mark.slow
def test_the_pdf_report_holds_the_facility_name_in_chinese(tmp_path: Path) -> None:
    if not IN_CI:
        pytest.importorskip("weasyprint")
    pdftotext = needs("pdftotext")
    target = tmp_path / "report.pdf"
    status, _text = _run("check", str(EXAMPLES / "station-failing.yaml"), "--format", "pdf",
                         "-o", str(target))
    assert status == 1
    assert target.read_bytes().startswith(b"%PDF")
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(target), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "大石坝街道东原社区养老服务站" in text
    assert "社区养老服务设施检查意见书" in text
