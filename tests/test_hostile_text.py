"""Hostile text (issue 11): formula injection and unreadable characters in the workbooks the
tool writes, the one sanitiser's character class, and ids that only look alike. Command
cases of the same classes are in tests/cases/cli/hostile-text.yaml."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.core.safetext import UNSAFE, cell_text, visible
from qianbai_rules.io.progress import progress
from qianbai_rules.model.values import id_key

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "rules" / "plans" / "jiangbei-2018-2020.yaml"
REGISTRY = ROOT / "examples" / "jiangbei-registry.csv"
UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


@pytest.mark.slow
def test_the_unsafe_class_is_every_control_format_separator_surrogate_and_noncharacter() -> None:
    wrong = [f"U+{code:04X}" for code in range(0x110000)
             if bool(UNSAFE.match(chr(code))) != (
                 unicodedata.category(chr(code)) in UNSAFE_CATEGORIES or _noncharacter(code))]
    assert wrong == []
    # visible()'s fast path: text that Python calls printable holds no unsafe character.
    assert not [code for code in range(0x110000)
                if chr(code).isprintable() and UNSAFE.match(chr(code))]


def test_visible_escapes_what_a_terminal_acts_on_and_leaves_ordinary_text_alone() -> None:
    assert visible("观音桥街道 JB-001（站）") == "观音桥街道 JB-001（站）"
    assert visible("a\x1b]0;t\x07\nb\u202ec\x9b\U000e0041") == \
        "a\\x1b]0;t\\x07\\nb\\u202ec\\x9b\\U000e0041"


def test_a_workbook_cell_never_starts_a_formula_and_keeps_its_line_breaks() -> None:
    assert cell_text("=1+1") == ("=1+1", True)
    assert cell_text("@SUM(A1)") == ("@SUM(A1)", True)
    assert cell_text("-2+3") == ("-2+3", True)
    assert cell_text("QB-1 甲\nQB-2 乙\ufffe\x01") == ("QB-1 甲\nQB-2 乙\\ufffe\\x01", False)


def test_ids_are_compared_in_their_nfkc_form() -> None:
    assert id_key("ＪＢ－００１") == id_key("JB-001") == "JB-001"
    assert id_key("JB-①") == "JB-1"


def _evaluate(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["evaluate", *args, "--year", "2019", "--rules", str(ROOT / "rules")],
                  out=out, err=err)
    return status, out.getvalue(), err.getvalue()


FORMULA_STREETS = ('  "=1+1": {total: {station: 1, city_demo_center: 0}}\n'
                   '  "@SUM(A1)": {total: {station: 0, city_demo_center: 1}}\n')
# A non-character and a control character, which make a workbook unreadable.
UNREADABLE_STREET = '  "复盛镇\\ufffe\\x07": {total: {station: 0, city_demo_center: 1}}\n'


def _hostile_plan(tmp_path: Path, streets: str) -> Path:
    """The shipped plan with more streets/towns."""
    text = PLAN.read_text(encoding="utf-8").replace("  五宝镇:", streets + "  五宝镇:")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    return plan


def _cells(path: Path) -> dict[str, dict[Any, tuple[str, bool]]]:
    """Every text cell of every sheet: value -> (data type, quote prefix)."""
    workbook = openpyxl.load_workbook(path)
    return {sheet.title: {cell.value: (cell.data_type, bool(cell.quotePrefix))
                          for row in sheet.iter_rows() for cell in row
                          if cell.value is not None}
            for sheet in workbook.worksheets}


def test_formula_like_ids_and_streets_are_literal_text_in_the_evaluation_workbook(
        tmp_path: Path) -> None:
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps([
        {"id": '=HYPERLINK("http://evil.example","点此")', "facility_type": "station",
         "street_town": "+x", "status": {"completed_on": "2019-03-01"}},
        {"id": "@cmd", "facility_type": "station", "street_town": "-2+3",
         "status": {"completed_on": "2019-03-01"}},
    ], ensure_ascii=False), encoding="utf-8")
    workbook = tmp_path / "evaluation.xlsx"
    status, _, err = _evaluate(tmp_path, str(registry), "--plan",
                               str(_hostile_plan(tmp_path, FORMULA_STREETS)),
                               "--format", "xlsx", "-o", str(workbook))
    assert (status, err) == (0, "")
    with zipfile.ZipFile(workbook) as parts:
        sheets = [parts.read(n) for n in parts.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)
    cells = _cells(workbook)
    unplanned = cells["计划外"]
    for text in ('=HYPERLINK("http://evil.example","点此")', "@cmd", "+x", "-2+3"):
        assert unplanned[text] == ("s", True), text
    streets = cells["街镇"]
    assert streets["=1+1"] == ("s", True)
    assert streets["@SUM(A1)"] == ("s", True)
    # Numbers stay numbers.
    sheet = openpyxl.load_workbook(workbook)["街镇"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "=1+1")
    assert row[1] == 1 and isinstance(row[1], int)


def test_a_non_character_and_a_control_character_in_a_street_leave_the_workbook_readable(
        tmp_path: Path) -> None:
    workbook = tmp_path / "evaluation.xlsx"
    status, _, err = _evaluate(tmp_path, str(REGISTRY), "--plan",
                               str(_hostile_plan(tmp_path, UNREADABLE_STREET)),
                               "--format", "xlsx", "-o", str(workbook))
    assert (status, err) == (0, "")
    assert _cells(workbook)["街镇"]["复盛镇\\ufffe\\x07"] == ("s", False)


def _registry_rows() -> tuple[list[str], dict[str, str]]:
    """The header of the example registry and its station of 江北城街道, new-built in 2019 with
    a city construction subsidy."""
    with REGISTRY.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        station = next(row for row in reader if row["编号"] == "JBR-JBC-S01")
        return list(reader.fieldnames or []), station


@pytest.mark.parametrize("copies", [
    ["JB\u200b-X", "JB-X\u2060", "\ufeffJB-X", "JB-\u00adX", "JB-X\u202c"],  # invisible
    ["ＪＢ-X", "JB－X", "ＪＢ－Ｘ"],  # full-width forms of the same id
])
def test_copies_of_one_station_are_one_station_and_one_construction_subsidy(
        tmp_path: Path, copies: list[str]) -> None:
    header, row = _registry_rows()

    def evaluate(ids: list[str]) -> dict[str, Any]:
        path = tmp_path / f"registry-{len(ids)}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            for record_id in ids:
                writer.writerow({**row, "编号": record_id})
        status, out, _ = _evaluate(tmp_path, str(path), "--format", "json")
        document: dict[str, Any] = json.loads(out)
        assert status == (2 if len(ids) > 1 else 0)
        return document

    one = evaluate(["JB-X"])
    many = evaluate(["JB-X", *copies])
    assert one["subsidies"]["construction"]["facilities"] == 1
    assert many["subsidies"] == one["subsidies"]
    assert many["district"] == one["district"]
    assert many["summary"] == {"records": 1, "rejected": len(copies)}
    assert [r["field"] for r in many["rejected"]] == ["id"] * len(copies)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_holds_no_control_character_but_its_own_clear(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qianbai_rules.io.progress.EVERY_SECONDS", 0.0)
    monkeypatch.setattr("qianbai_rules.io.progress.progress_line",
                        lambda *_: "\x1b]0;pwned\x07 1 条")
    stream = _Terminal()
    assert list(progress([1, 2], stream, "zh", True)) == [1, 2]
    shown = stream.getvalue().replace("\r\x1b[K", "")
    assert "\\x1b]0;pwned\\x07 1 条" in shown
    assert "\x1b" not in shown and "\x07" not in shown
