"""A PDF either carries a Chinese font or is not made.

The check is fontconfig's own answer (as ``fc-list :lang=zh``), so the refusal is tested by
giving a real run a fontconfig that knows no font at all (``FONTCONFIG_FILE`` naming an
empty font folder), in a subprocess: fontconfig reads its configuration once per process.
Whether Chinese can be read in a made PDF is asked of the PDF itself: ``pdffonts`` must
list an embedded CJK font; ``pdftotext`` alone reads the text whatever the glyphs.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.reports.fonts import chinese_font_count
from tests.system_tools import IN_CI, needs

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "examples" / "sites" / "station-failing.yaml"
REGISTRY = ROOT / "examples" / "jiangbei-registry.csv"

# Each run is refused with exit 2, says what to install, and leaves nothing behind.
REFUSED = {
    "a Chinese report to a file": (["check", str(SITE), "--as-of", "2019-12-31"], "out.pdf"),
    "an English report still needs Chinese glyphs for names and addresses": (
        ["check", str(SITE), "--as-of", "2019-12-31", "--lang", "en"], "out.pdf"),
    "one report per record into a folder": (
        ["check", str(ROOT / "examples" / "sites"), "--as-of", "2019-12-31"], "out/"),
    "the annual evaluation": (["evaluate", str(REGISTRY), "--year", "2019"], "evaluation.pdf"),
}




def _no_fonts(folder: Path) -> dict[str, str]:
    """An environment whose fontconfig knows no font: one empty font folder."""
    fonts, cache = folder / "fonts", folder / "cache"
    fonts.mkdir()
    config = folder / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<fontconfig>'
                      f"<dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>\n",
                      encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config), "FONTCONFIG_PATH": str(folder)}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(REFUSED))
def test_without_a_font_covering_chinese_the_pdf_is_refused_and_nothing_is_written(
        tmp_path: Path, case: str) -> None:
    args, target = REFUSED[case]
    out = tmp_path / "work"
    out.mkdir()
    run = subprocess.run([sys.executable, "-m", "qianbai_rules.cli", *args, "--format", "pdf",
                          "-o", str(out / target)], capture_output=True, text=True,
                         env=_no_fonts(tmp_path), timeout=120, check=False)
    assert run.returncode == 2, run.stderr
    assert "fonts-noto-cjk" in run.stderr
    english = "--lang" in args
    assert ("any font covering Chinese" if english else "任何覆盖中文的字体") in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr  # one line, no warning or traceback
    assert list(out.iterdir()) == []


def _fonts(pdf: Path) -> list[tuple[str, bool]]:
    """Each font of a PDF as ``pdffonts`` lists it: name (subset prefix removed), embedded."""
    listing = subprocess.run([needs("pdffonts"), str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    fonts = []
    for line in listing:
        name, *_kind, embedded, _subset, _unicode, _object, _generation = line.split()
        fonts.append((name.split("+")[-1], embedded == "yes"))
    return fonts


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pdf_report_embeds_a_font_covering_chinese(tmp_path: Path, lang: str) -> None:
    if not IN_CI:
        pytest.importorskip("weasyprint")
    target = tmp_path / "report.pdf"
    status = main(["check", str(SITE), "--as-of", "2019-12-31", "--format", "pdf", "--lang", lang,
                   "-o", str(target)], out=io.StringIO(), err=io.StringIO())
    assert status == 1
    fonts = _fonts(target)
    assert any("CJK" in name and embedded for name, embedded in fonts), fonts
    assert all(embedded for _name, embedded in fonts), fonts
    text = subprocess.run([needs("pdftotext"), "-enc", "UTF-8", str(target), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "大石坝街道东原社区养老服务站" in text


@pytest.mark.slow
def test_the_check_asks_fontconfig_what_fc_list_asks_it() -> None:
    listed = subprocess.run([needs("fc-list"), ":lang=zh", "family", "file"], capture_output=True,
                            text=True, check=True).stdout.splitlines()
    assert chinese_font_count() == len(listed)
