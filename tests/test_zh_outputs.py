"""Issue 14's "Done when": a reader who knows only Chinese meets no English word and no
command-line option in what the shipped examples produce in Chinese. Every zh output a
person reads (text, HTML as a browser shows it, Markdown, PDF as pdftotext reads it, the
annual outputs, `rules list/show`, errors) is scanned for ASCII words; the allowed ones are
ids (rule QB-…, reading RD-…), the input's own values (facility ids, credit codes) and, in
the 技术附注 only, the technical facts it exists to hold."""

from __future__ import annotations

import html.parser
import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.rules.ruleset import load_ruleset
from tests.system_tools import needs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
IDS = re.compile(r"^(QB|RD)(-[A-Z0-9]+)+$")
UNITS = {"m"}  # m² (the ² is not ASCII)
NOTE = "技术附注"
TECHNICAL = re.compile(r"^(sha256|[0-9a-f]{16,}|durable|plain|[a-z_]+(\.[a-z_0-9]+)+"
                       r"|[a-z0-9-]+\.(yaml|xlsx|csv)|jiangbei-qianbai-\d+|qianbai-rules)$")
RULESET = load_ruleset(rules_dir())
# what the 技术附注 exists to hold besides: the parameters' values as the rule files write them
VALUES = {str(v.value) for p in RULESET.parameters.values() for v in p.values}
# a technical listing (the rules commands) names departments by their codes, as the rules do
DEPARTMENTS = set(RULESET.departments)


def _values(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _values(value)
    elif isinstance(node, str):
        yield node


def _input_words() -> set[str]:
    """ASCII words the examples' records hold as values (never their keys or headers)."""
    texts: list[str] = []
    for path in sorted((EXAMPLES / "sites").iterdir()):
        if path.suffix in (".yaml", ".yml"):
            texts.extend(_values(load_yaml(path.read_text(encoding="utf-8"))))
        elif path.suffix == ".jsonl":
            import json
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    texts.extend(_values(json.loads(line)))
    book = openpyxl.load_workbook(EXAMPLES / "jiangbei-registry.xlsx", read_only=True)
    for sheet in book.worksheets:
        for row in list(sheet.iter_rows(values_only=True))[1:]:
            texts.extend(str(cell) for cell in row if cell is not None)
    # ids and credit codes hold capitals or digits; lower-case words are the record's codes
    # (station, existing), which a Chinese reader must meet by their Chinese names
    return {word for text in texts for word in WORD.findall(text)
            if any(c.isupper() or c.isdigit() for c in word)}


INPUT = _input_words()


class _Visible(html.parser.HTMLParser):
    """The text a browser shows: no tags, no style or script."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _visible(markup: str) -> str:
    parser = _Visible()
    parser.feed(markup)
    return "\n".join(parser.parts)


def _foreign(text: str, listing: bool = False) -> list[str]:
    """The ASCII words a Chinese reader would meet: in the body none but ids and the
    input's values; in the 技术附注, and everywhere in a technical ``listing``, the technical
    facts too. Markdown's escapes (``JB\\-1``) are read as the rendered page shows them."""
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", re.sub(r"<br\s*/?>", "\n", text))
    found = []
    for block in re.split(r"(?=" + NOTE + ")", text):
        technical = listing or block.startswith(NOTE)
        for word in WORD.findall(block):
            if IDS.match(word) or word in INPUT or word in UNITS:
                continue
            if technical and (TECHNICAL.match(word) or word in VALUES or word in DEPARTMENTS):
                continue
            found.append(word)
    return sorted(set(found))


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(args, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


AS_OF = ["--as-of", "2019-12-31"]
SCREENS = {
    "检查结果（文本）": ["check", "examples/sites", *AS_OF],
    "运营方自查（文本）": ["check", "examples/sites", *AS_OF, "--audience", "operator"],
    "检查报告（Markdown）": ["check", "examples/sites", *AS_OF, "--format", "md"],
    "自查清单（Markdown）": ["check", "examples/sites", *AS_OF, "--format", "md", "--audience", "operator"],
    "登记表检查（文本）": ["check", "examples/jiangbei-registry.xlsx", *AS_OF],
    "年度绩效评价（文本）": ["evaluate", "examples/jiangbei-registry.xlsx", "--year", "2019"],
    "年度绩效评价（Markdown）": ["evaluate", "examples/jiangbei-registry.xlsx", "--year", "2019",
                          "--format", "md"],
}
LISTINGS = {"规则清单": ["rules", "list"], "规则检查": ["rules", "lint"], "规则测试": ["rules", "test"]}


@pytest.mark.parametrize("args", SCREENS.values(), ids=SCREENS.keys())
def test_a_chinese_reader_meets_no_english_word(args: list[str]) -> None:
    _, out, err = _run(args)
    assert _foreign(out) == []
    assert _foreign(err) == []


@pytest.mark.parametrize("args", LISTINGS.values(), ids=LISTINGS.keys())
def test_the_rules_listings_name_only_ids_and_codes(args: list[str]) -> None:
    _, out, err = _run(args)
    assert _foreign(out, listing=True) == []
    assert _foreign(err, listing=True) == []


@pytest.mark.parametrize("args", [["check", "examples/sites", *AS_OF, "--format", "html"],
                                  ["evaluate", "examples/jiangbei-registry.xlsx", "--year", "2019",
                                   "--format", "html"]], ids=["检查报告", "年度绩效评价"])
def test_the_html_as_a_browser_shows_it_holds_no_english_word(args: list[str]) -> None:
    _, out, _ = _run(args)
    assert _foreign(_visible(out)) == []


@pytest.mark.slow  # WeasyPrint renders the PDF
def test_the_printed_report_holds_no_english_word(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    status, _, _ = _run(["check", "examples/sites/station-failing.yaml", *AS_OF, "--format", "pdf",
                         "-o", str(target)])
    assert status in (0, 1)
    text = subprocess.run([needs("pdftotext"), str(target), "-"], capture_output=True, text=True,
                          check=True).stdout
    # a table cell wraps a long id at a hyphen (RD-SITING-⏎MANDATORY), and text extraction
    # gives its pieces apart or run together: a piece of an id is an id
    ids = [name.replace("-", "") for name in [*(rule.id for rule in RULESET.rules),
                                              *RULESET.readings]]
    assert [word for word in _foreign(text)
            if not any(word.replace("-", "") in name for name in ids)] == []


def test_the_scan_finds_what_it_is_for() -> None:
    assert _foreign("评估引擎：durable") == ["durable"]
    assert _foreign("未提供历史数据库（--db）") == ["db"]
    assert _foreign("QB-AREA-STATION 建筑面积200平方米") == []
    assert _foreign("| 编号 | JB\\-HXJ\\-C01 |") == []
    assert _foreign("civil_affairs 牵头27条") == ["civil_affairs"]
    assert _foreign("civil_affairs 牵头27条", listing=True) == []
    assert _foreign("正文\n技术附注\n规则集指纹 sha256:" + "a" * 64 + "，评估引擎 durable") == []


def test_the_errors_of_a_bad_record_are_told_in_chinese(tmp_path: Path) -> None:
    source = tmp_path / "设施.yaml"
    source.write_text("id: JB-X1\nfacility_type: statoin\nfloor_area_m2: -5\n"
                      "status: {opened_on: 2019-02-30}\n", encoding="utf-8")
    status, out, err = _run(["check", str(source), *AS_OF])
    assert status == 2
    assert "2019年2月没有30日" in out
    told = (out + err).replace(str(tmp_path), "")
    # the input's own words, and the command's name that begins each message line
    assert [word for word in _foreign(told) if word not in ("JB-X1", "statoin", "yaml", "qianbai")] == []
