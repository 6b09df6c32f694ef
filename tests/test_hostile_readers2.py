"""Hostile workbooks, second round (issue 11): defects a tester found after the first fixes.

A shared string is limited to a cell's length when it is read and shared, never copied, by
the cells that refer to it; a row's text is limited; a row without cells is no record; a row
number beyond Excel's last row or going backwards stops the sheet with one entry; and a sheet
whose structure is broken row after row stops after a bounded number of rejections. The CSV
cases of the same round are in tests/cases/cli/hostile-readers2.yaml.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.core import limits
from qianbai_rules.io.xlsx import WorkbookReader
from tests.test_hostile_readers import GOOD, HEADER, make_xlsx, run, sheet_xml


def _shared(index: int) -> str:
    return f'< t="s"><v>{index}</v></c>'


def _chinese(length: int) -> str:
    """Text that compresses like text, not like a bomb (the ratio limit would refuse that)."""
    return "".join(random.Random(4).choices([chr(c) for c in range(0x4E00, 0x9FA5)], k=length))


def test_a_shared_string_longer_than_a_cell_may_be_rejects_the_rows_that_refer_to_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELL_CHARS", 10)
    rows: list[list[Any]] = [HEADER, ["JB-1", _shared(0), 250, None, None],
                             ["JB-2", _shared(1), 250, None, None],
                             ["JB-3", _shared(0), 300, None, None]]
    book = make_xlsx(tmp_path / "r.xlsx", sheet_xml(rows), shared=["station", "x" * 11])
    status, doc, _ = run(str(book))
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["JB-1", "JB-3"]
    assert [(r["record"], r["position"], r["column"], r["field"], r["message"])
            for r in doc["rejected"]] == [
        ("JB-2", "设施!row 3", "B", "facility_type",
         "sheet 设施, row 3, column B (类型): the cell holds more than 10 characters")]


def test_a_shared_string_is_stripped_once_and_shared_by_the_cells_not_copied(
        tmp_path: Path) -> None:
    rows: list[list[Any]] = [HEADER, *[[f"JB-{n}", _shared(0)] for n in range(1, 4)]]
    book = make_xlsx(tmp_path / "r.xlsx", sheet_xml(rows), shared=["  station \t"])
    workbook = WorkbookReader(str(book))
    try:
        assert workbook.shared == ["station"]
        values = [row.cells[2] for row in workbook.rows("设施")][1:]
    finally:
        workbook.close()
    assert values == ["station"] * 3
    assert all(value is workbook.shared[0] for value in values)


@pytest.mark.slow
def test_a_shared_string_of_a_million_characters_referred_to_a_thousand_times_takes_moments(
        tmp_path: Path) -> None:
    """The tester's bomb: 2 GB and a crash before; now the string is never kept."""
    rows: list[list[Any]] = [HEADER, GOOD,
                             *[[f"JB-B{n}", _shared(1)] for n in range(1_000)]]
    book = make_xlsx(tmp_path / "r.xlsx", sheet_xml(rows, dimension="A1:E1002"),
                     shared=["station", " " + _chinese(1_000_000) + " "])
    started = time.monotonic()
    tracemalloc.start()
    try:
        status, doc, _ = run(str(book))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 60
    assert peak < 200 * limits.MIB
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["JB-1"]
    assert doc["summary"]["rejected"] == 1_000
    assert [r["message"] for r in doc["rejected"]] == [
        f"sheet 设施, row {n}, column B (类型): the cell holds more than "
        f"{limits.MAX_CELL_CHARS:,} characters" for n in range(3, 1_003)]


def test_a_row_holding_more_text_than_the_limit_is_rejected_naming_its_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROW_CHARS", 30)
    rows: list[list[Any]] = [HEADER, GOOD, ["JB-2", "station", 250, None, "是" * 30],
                             ["JB-3", "station", _shared(0), None, None]]
    book = make_xlsx(tmp_path / "r.xlsx", sheet_xml(rows), shared=["甲" * 40])
    status, doc, _ = run(str(book))
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["JB-1"]
    assert [(r["record"], r["position"], r["message"]) for r in doc["rejected"]] == [
        ("JB-2", "设施!row 3", "sheet 设施, row 3: the row holds more than 30 characters of text"),
        ("JB-3", "设施!row 4", "sheet 设施, row 4: the row holds more than 30 characters of text")]
    assert "field" in doc["rejected"][0] and doc["rejected"][0]["field"] is None


def test_empty_rows_numbered_beyond_the_last_row_stop_the_sheet_with_one_entry(
        tmp_path: Path) -> None:
    """The tester's rows bomb: a million rejections, 20 s and 1.8 GB before."""
    numbers = random.Random(11).sample(range(limits.MAX_ROW + 1, 10**9), 100_000)
    empty = "".join(f'<row r="{n}"/>' for n in numbers)
    book = make_xlsx(tmp_path / "r.xlsx", sheet_xml([HEADER, GOOD], raw_rows=empty))
    started = time.monotonic()
    status, doc, _ = run(str(book))
    assert time.monotonic() - started < 30
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["JB-1"]
    assert len(doc["rejected"]) == 1
    assert doc["rejected"][0]["record"] is None
    assert doc["rejected"][0]["message"] == (
        f"the row number {numbers[0]} after row 2 of the sheet is invalid (expected 1 to "
        f"{limits.MAX_ROW:,}, increasing); the rows from there on are not read")


def test_a_row_number_going_backwards_stops_the_sheet_after_the_rows_already_read(
        tmp_path: Path) -> None:
    later = ('<row r="4"><c r="A4" t="inlineStr"><is><t>JB-4</t></is></c><c r="B4" '
             't="inlineStr"><is><t>station</t></is></c></row>'
             '<row r="3"><c r="A3" t="inlineStr"><is><t>JB-3</t></is></c></row>'
             '<row r="9"><c r="A9" t="inlineStr"><is><t>JB-9</t></is></c></row>')
    status, doc, _ = run(str(make_xlsx(tmp_path / "r.xlsx",
                                       sheet_xml([HEADER, GOOD], raw_rows=later))))
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["JB-1", "JB-4"]
    assert [(r["record"], r["message"]) for r in doc["rejected"]] == [
        (None, "the row number 3 after row 4 of the sheet is invalid (expected 1 to "
               f"{limits.MAX_ROW:,}, increasing); the rows from there on are not read")]


def test_rows_without_cells_are_no_records_whatever_their_number(tmp_path: Path) -> None:
    empty = '<row r="3"/><row r="x"/><row r="7"><c r="A7"/></row>'
    later = ('<row r="9"><c r="A9" t="inlineStr"><is><t>JB-9</t></is></c><c r="B9" '
             't="inlineStr"><is><t>station</t></is></c></row>')
    status, doc, _ = run(str(make_xlsx(tmp_path / "r.xlsx",
                                       sheet_xml([HEADER, GOOD], raw_rows=empty + later))))
    assert (status, doc["summary"]["rejected"]) == (1, 0)
    assert [r["id"] for r in doc["records"]] == ["JB-1", "JB-9"]


def test_rejections_from_a_broken_sheet_structure_are_capped_with_one_summary_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SHEET_ERRORS", 5)
    broken = "".join(f'<row r="{n}"><c r="A{n + 1}"><v>1</v></c></row>' for n in range(3, 13))
    later = ('<row r="20"><c r="A20" t="inlineStr"><is><t>JB-20</t></is></c></row>')
    status, doc, _ = run(str(make_xlsx(tmp_path / "r.xlsx",
                                       sheet_xml([HEADER, GOOD], raw_rows=broken + later))))
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["JB-1"]
    assert [r.get("position", r["record"]) for r in doc["rejected"][:5]] == [
        f"设施!row {n}" for n in range(3, 8)]
    assert all("cell reference" in r["message"] for r in doc["rejected"][:5])
    assert len(doc["rejected"]) == 6
    assert doc["rejected"][5]["record"] is None
    assert doc["rejected"][5]["message"] == (
        "more than 5 rows of the sheet have a broken structure (invalid row numbers or cell "
        "references); not read from row 8")
