"""Hostile and malformed input to the readers (issue 11): every record evaluated or rejected
with a located reason, a file that cannot be read at all one rejected entry, never a
traceback, within the limits of :mod:`qianbai_rules.core.limits`.

The workbooks are written part by part with zipfile, so each defect is exactly the one
named (openpyxl would refuse to write most of them). CLI cases that need no binary file
are in tests/cases/cli/hostile-readers.yaml.
"""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.core import limits
from qianbai_rules.core.yamlio import StrictLoadError, load_yaml
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import parse_record

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
HEADER: list[Any] = ["编号", "类型", "建筑面积（平方米）", "建成日期", "服务标准"]


def _cell(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("<"):
        return f'<c r="{ref}"{value[1:]}' if value.startswith("< ") else value
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_xml(rows: list[list[Any]], dimension: str = "A1:E10", raw_rows: str = "") -> str:
    body = []
    for number, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{chr(65 + i)}{number}", v) for i, v in enumerate(row))
        body.append(f'<row r="{number}">{cells}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>'
            f'<dimension ref="{dimension}"/><sheetData>{"".join(body)}{raw_rows}</sheetData>'
            f'</worksheet>')


STYLES = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {_NS}><numFmts count="1">'
          '<numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
          '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="22"/></cellXfs>'
          '</styleSheet>')


def make_xlsx(path: Path, sheet: str, shared: list[str] | None = None,
              styles: str = STYLES, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A minimal workbook: one sheet named 设施 holding ``sheet`` (XML text)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override '
            'PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml"'
            ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} {_REL_NS}><sheets>'
            '<sheet name="设施" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/styles.xml": styles,
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>'
            + "".join(f"<si><t>{s}</t></si>" for s in shared or []) + "</sst>"),
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2019, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, text.encode("utf-8"))
    return path


def run(*args: str) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["check", *args, "--format", "json", "--as-of", "2019-12-31", "--lang", "en"],
                  out=out, err=err)
    assert "Traceback" not in err.getvalue()
    return status, json.loads(out.getvalue()), err.getvalue()


GOOD: list[Any] = ["JB-1", "station", 250, None, None]


def _rows(bad: str) -> list[list[Any]]:
    """Header, a good row, the bad row (id JB-2, ``bad`` in column C), a good row."""
    return [HEADER, GOOD, ["JB-2", "station", f"< s=\"0\">{bad}</c>", None, None],
            ["JB-3", "station", 300, None, None]]


@pytest.mark.parametrize(("cell", "says"), [
    ("<v>NaN</v>", "not a finite number"),
    ("<v>inf</v>", "not a finite number"),
    ("<v>12abc</v>", "not a number"),
    ('<f>SUM(A1:A2)</f>', "formula without a computed value"),
])
def test_a_malformed_number_cell_rejects_its_row_naming_sheet_row_and_column(
        tmp_path: Path, cell: str, says: str) -> None:
    book = make_xlsx(tmp_path / "r.xlsx", sheet_xml(_rows(cell)))
    status, doc, _ = run(str(book))
    assert status == 2
    assert doc["summary"]["records"] == 2 and doc["summary"]["rejected"] == 1
    assert [r["id"] for r in doc["records"]] == ["JB-1", "JB-3"]
    rejected = doc["rejected"][0]
    assert (rejected["record"], rejected["position"], rejected["column"], rejected["field"]) == (
        "JB-2", "设施!row 3", "C", "floor_area_m2")
    assert says in rejected["message"]


def test_a_shared_string_index_out_of_range_rejects_its_row(tmp_path: Path) -> None:
    rows = _rows("<v>1</v>")
    rows[2][1] = '< t="s"><v>99</v></c>'
    book = make_xlsx(tmp_path / "r.xlsx", sheet_xml(rows), shared=["station"])
    status, doc, _ = run(str(book))
    assert status == 2 and doc["summary"] == {**doc["summary"], "records": 2, "rejected": 1}
    rejected = doc["rejected"][0]
    assert (rejected["position"], rejected["column"], rejected["field"]) == (
        "设施!row 3", "B", "facility_type")
    assert "shared-string index '99' is out of range" in rejected["message"]


@pytest.mark.parametrize("cell", ['< s="1"><v>99999999999</v></c>', '< s="1"><v>-5</v></c>',
                                  '< t="d"><v>2019-13-45</v></c>'])
def test_an_impossible_date_cell_rejects_its_row(tmp_path: Path, cell: str) -> None:
    rows = [HEADER, GOOD, ["JB-2", "station", 200, cell, None], ["JB-3", "station", 300, None, None]]
    status, doc, _ = run(str(make_xlsx(tmp_path / "r.xlsx", sheet_xml(rows))))
    assert status == 2 and (doc["summary"]["records"], doc["summary"]["rejected"]) == (2, 1)
    rejected = doc["rejected"][0]
    assert (rejected["position"], rejected["column"], rejected["field"]) == (
        "设施!row 3", "D", "status.completed_on")


def test_a_date_cell_with_a_time_of_day_is_refused_not_truncated(tmp_path: Path) -> None:
    rows = [HEADER, ["JB-1", "station", 250, '< s="1"><v>43525</v></c>', None],
            ["JB-2", "station", 250, '< s="2"><v>43525.5</v></c>', None]]
    status, doc, _ = run(str(make_xlsx(tmp_path / "r.xlsx", sheet_xml(rows))))
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["JB-1"]
    rejected = doc["rejected"][0]
    assert (rejected["record"], rejected["field"], rejected["column"]) == (
        "JB-2", "status.completed_on", "D")
    assert "2019-03-01 12:00:00" in rejected["message"]


@pytest.mark.parametrize("row", [
    '<row r="3"><c r="A9"><v>1</v></c></row>',  # a cell of another row
    '<row r="3"><c r="ZZZZ3"><v>1</v></c></row>',  # a column beyond XFD
    '<row r="3"><c r="B3"><v>1</v></c><c r="A3"><v>1</v></c></row>',  # columns going back
    '<row r="x"><c><v>1</v></c></row>',  # a row number that is not a number
])
def test_a_bad_cell_reference_or_row_number_rejects_that_row_only(tmp_path: Path, row: str) -> None:
    sheet = sheet_xml([HEADER, GOOD], raw_rows=row + '<row><c t="inlineStr"><is><t>JB-9</t></is>'
                      '</c><c t="inlineStr"><is><t>station</t></is></c></row>')
    status, doc, _ = run(str(make_xlsx(tmp_path / "r.xlsx", sheet)))
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["JB-1", "JB-9"]
    assert doc["summary"]["rejected"] == 1
    rejected = doc["rejected"][0]
    assert rejected.get("position", rejected["record"]).startswith("设施!row ")
    assert "invalid" in doc["rejected"][0]["message"]


def test_a_workbook_that_cannot_be_opened_is_one_entry_and_the_other_inputs_are_evaluated(
        tmp_path: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    no_sheet = tmp_path / "no-workbook.xlsx"
    with zipfile.ZipFile(no_sheet, "w") as archive:
        archive.writestr("hello.txt", "hi")
    bad_xml = make_xlsx(tmp_path / "bad-xml.xlsx", "<worksheet><sheetData><row>")
    (tmp_path / "good.yaml").write_text("{id: Y-1, facility_type: station}\n", encoding="utf-8")
    status, doc, _ = run(str(tmp_path / "broken.xlsx"), str(no_sheet), str(bad_xml),
                         str(tmp_path / "good.yaml"))
    assert status == 2
    assert (doc["summary"]["records"], doc["summary"]["rejected"]) == (1, 3)
    assert [r["source"].rsplit("/", 1)[-1] for r in doc["rejected"]] == [
        "broken.xlsx", "no-workbook.xlsx", "bad-xml.xlsx"]
    assert all(r["record"] is None for r in doc["rejected"])


def test_a_document_type_declaration_in_a_part_is_refused(tmp_path: Path) -> None:
    sheet = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
             + sheet_xml([HEADER, GOOD]).split("?>", 1)[1])
    status, doc, _ = run(str(make_xlsx(tmp_path / "r.xlsx", sheet)))
    assert status == 2 and doc["summary"]["rejected"] == 1
    assert "document type" in doc["rejected"][0]["message"]


def test_a_dimension_claiming_the_whole_sheet_is_read_in_moments(tmp_path: Path) -> None:
    last = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    sheet = sheet_xml([HEADER, GOOD], dimension="A1:XFD1048576", raw_rows=last)
    started = time.perf_counter()
    status, doc, _ = run(str(make_xlsx(tmp_path / "r.xlsx", sheet)))
    assert time.perf_counter() - started < 5
    assert status == 2 and [r["id"] for r in doc["records"]] == ["JB-1"]
    assert doc["rejected"][0]["record"] == "设施!row 1048576"
    assert "beyond the header" in doc["rejected"][0]["message"]


def test_a_decompression_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    sheet = sheet_xml([HEADER, GOOD], raw_rows=" " * (8 * limits.MIB))
    book = make_xlsx(tmp_path / "bomb.xlsx", sheet)
    assert book.stat().st_size < 200_000
    status, doc, _ = run(str(book))
    assert status == 2 and (doc["summary"]["records"], doc["summary"]["rejected"]) == (0, 1)
    assert "decompression bomb" in doc["rejected"][0]["message"]


def test_the_total_uncompressed_size_is_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    monkeypatch.setattr(limits, "MAX_XLSX_UNCOMPRESSED", 2000)
    book = make_xlsx(tmp_path / "r.xlsx", sheet_xml([HEADER, GOOD]))
    status, doc, _ = run(str(book))
    assert status == 2 and doc["summary"]["rejected"] == 1
    assert "uncompresses to" in doc["rejected"][0]["message"]


def test_the_cells_of_a_sheet_are_limited_and_the_rows_before_the_limit_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELLS", 8)
    rows = [HEADER[:2], *[[f"JB-{n}", "station"] for n in range(1, 10)]]
    status, doc, _ = run(str(make_xlsx(tmp_path / "r.xlsx", sheet_xml(rows))))
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["JB-1", "JB-2", "JB-3"]
    assert doc["rejected"][-1]["record"] is None
    assert "more than 8 cells" in doc["rejected"][-1]["message"]


def test_booleans_one_and_zero_are_one_rule_for_xlsx_csv_and_yaml(tmp_path: Path) -> None:
    rows = [HEADER, ["JB-1", "station", 250, None, 1], ["JB-2", "station", 250, None, 0],
            ["JB-3", "station", 250, None, '< t="b"><v>1</v></c>']]
    make_xlsx(tmp_path / "r.xlsx", sheet_xml(rows))
    (tmp_path / "r.csv").write_text("编号,类型,服务标准\nC-1,station,1\nC-2,station,0\n",
                                    encoding="utf-8")
    status, doc, _ = run(str(tmp_path / "r.xlsx"), str(tmp_path / "r.csv"))
    assert status in (0, 1) and doc["summary"]["rejected"] == 0
    assert parse_record({"id": "Y", "facility_type": "station",
                         "five_ones": {"service_standards": 1}}) == parse_record(
        {"id": "Y", "facility_type": "station", "five_ones": {"service_standards": "1"}})
    refused = parse_record({"id": "Y", "facility_type": "station",
                            "five_ones": {"service_standards": 2}})
    assert isinstance(refused, list) and refused[0][0] == "five_ones.service_standards"


def test_shipped_xlsx_fixtures_read_as_before() -> None:
    root = Path(__file__).resolve().parent / "data"
    status, doc, _ = run(str(root / "registry-typed.xlsx"))
    assert status == 2 and len(doc["records"]) == 2 and doc["summary"]["rejected"] == 1
    assert doc["rejected"][0]["position"] == "设施!row 3"


# --- YAML scalars: never rewritten -------------------------------------------------------

@pytest.mark.parametrize(("written", "kept"), [
    ("012", "012"), ("0x1F", "0x1F"), ("12:30", "12:30"), ("3:20", "3:20"), ("0o17", "0o17"),
    ("1_000", "1_000"), ("0b101", "0b101"), ("+12", "+12"), (".inf", ".inf"), (".nan", ".nan"),
    ("on", "on"), ("off", "off"), ("yes", "yes"), ("no", "no"), ("y", "y"),
    ("2019-01-01", "2019-01-01"),
])
def test_yaml_1_1_implicit_typing_never_rewrites_a_value(written: str, kept: str) -> None:
    assert load_yaml(f"v: {written}") == {"v": kept}


@pytest.mark.parametrize(("written", "value"), [
    ("12", 12), ("-3", -3), ("0", 0), ("250.5", 250.5), ("1.5e3", 1500.0), ("true", True),
    ("false", False), ("null", None), ("~", None), ("", None),
])
def test_plain_numbers_booleans_and_nulls_are_still_typed(written: str, value: Any) -> None:
    assert load_yaml(f"v: {written}") == {"v": value}


def test_a_sexagesimal_area_is_refused_not_read_as_two_hundred() -> None:
    doc = load_yaml("{id: X, facility_type: station, floor_area_m2: 3:20}")
    parsed = parse_record(doc)
    assert isinstance(parsed, list) and parsed[0][0] == "floor_area_m2"
    kept = parse_record(load_yaml("{id: 012, facility_type: station}"))
    assert isinstance(kept, FacilityRecord) and kept.id == "012"


@pytest.mark.slow
def test_shipped_rules_and_labels_load_as_under_yaml_1_1() -> None:
    import yaml

    root = Path(__file__).resolve().parent.parent
    files = [*root.glob("rules/**/*.yaml"), *root.glob("reports/**/*.yaml"),
             *root.glob("examples/**/*.yaml")]
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert load_yaml(text) == load_yaml(text, shipped=True), path
        reference = yaml.load(text, Loader=yaml.SafeLoader)
        assert _without_dates(load_yaml(text)) == _without_dates(reference), path


def _without_dates(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, dict):
        return {_without_dates(k): _without_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_dates(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def test_nesting_deeper_than_the_limit_is_refused_with_a_line() -> None:
    deep = "[" * (limits.MAX_DEPTH + 1) + "]" * (limits.MAX_DEPTH + 1)
    with pytest.raises(StrictLoadError, match="nested more than"):
        load_yaml(deep)
    load_yaml("[" * 10 + "]" * 10)


def test_a_list_field_longer_than_the_limit_is_refused_with_a_clear_message() -> None:
    many = ["x"] * (limits.MAX_LIST_ITEMS + 1)
    parsed = parse_record({"id": "Y", "facility_type": "station", "five_ones": {"equipment": many}})
    assert isinstance(parsed, list)
    field, message = parsed[0]
    assert field == "five_ones.equipment"
    assert f"at most {limits.MAX_LIST_ITEMS}" in message.en
    assert f"不超过{limits.MAX_LIST_ITEMS}项" in message.zh


# --- files that are not files -------------------------------------------------------------

def test_a_symlinked_subfolder_is_followed_once_and_a_loop_reported(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.yaml").write_text("{id: L-1, facility_type: station}\n", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "b.yaml").write_text("{id: L-2, facility_type: station}\n", encoding="utf-8")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    status, doc, _ = run(str(folder))
    assert sorted(r["id"] for r in doc["records"]) == ["L-1", "L-2"]
    assert status == 2 and doc["summary"]["rejected"] == 1
    assert doc["rejected"][0]["source"].endswith("in/loop")
    assert "already read" in doc["rejected"][0]["message"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_folder_is_reported_not_skipped_or_read(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("{id: F-1, facility_type: station}\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.yaml")
    status, doc, _ = run(str(tmp_path))
    assert status == 2 and [r["id"] for r in doc["records"]] == ["F-1"]
    assert doc["rejected"][0]["source"].endswith("pipe.yaml")
    assert "not a regular file" in doc["rejected"][0]["message"]


def test_a_document_larger_than_the_limit_is_one_entry(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 100)
    (tmp_path / "big.yaml").write_text("facilities:\n" + "  - {id: B, facility_type: station}\n" * 9,
                                       encoding="utf-8")
    status, doc, _ = run(str(tmp_path / "big.yaml"))
    assert status == 2 and (doc["summary"]["records"], doc["summary"]["rejected"]) == (0, 1)
    assert "more than the limit of 100 bytes" in doc["rejected"][0]["message"]


def test_a_json_lines_line_longer_than_the_limit_is_that_line_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 60)
    lines = ['{"id": "J-1", "facility_type": "station"}',
             '{"id": "J-2", "facility_type": "station", "name": "' + "x" * 200 + '"}',
             '{"id": "J-3", "facility_type": "station"}']
    (tmp_path / "r.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, doc, _ = run(str(tmp_path / "r.jsonl"))
    assert status == 2 and [r["id"] for r in doc["records"]] == ["J-1", "J-3"]
    assert doc["rejected"][0]["record"] == "line 2"
    assert "more than the limit of 60 bytes" in doc["rejected"][0]["message"]


# --- standard input -----------------------------------------------------------------------

@pytest.mark.parametrize(("data", "ids"), [
    ("编号,类型\nS-1,station\nS-2,station\n".encode(), ["S-1", "S-2"]),
    ("编号,类型\nS-1,station\n".encode("gb18030"), ["S-1"]),
    (b'{"id": "J-1", "facility_type": "station"}\n{"id": "J-2", "facility_type": "station"}\n',
     ["J-1", "J-2"]),
    (b"- {id: Y-1, facility_type: station}\n", ["Y-1"]),
    (b'{"id": "J-1", "facility_type": "station"}', ["J-1"]),
])
def test_standard_input_is_read_as_yaml_json_json_lines_or_a_table(
        monkeypatch: pytest.MonkeyPatch, data: bytes, ids: list[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    status, doc, _ = run("-")
    assert status in (0, 1) and doc["summary"]["rejected"] == 0
    assert [r["id"] for r in doc["records"]] == ids


@pytest.mark.parametrize(("data", "says"), [
    ("id: X\n".encode("utf-16"), "encoded in UTF-16"),
    (b"\x84\x31\x95\x33id: X\n", "encoded in GB18030"),
    (b"\x00" * 200, "not a text file"),
])
def test_standard_input_in_another_encoding_is_named(monkeypatch: pytest.MonkeyPatch, data: bytes,
                                                     says: str | None) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    status, doc, _ = run("-")
    assert status == 2 and doc["summary"]["rejected"] == 1
    assert doc["rejected"][0]["source"] == "-"
    if says:
        assert says in doc["rejected"][0]["message"]


def test_standard_input_without_end_is_read_only_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 1000)

    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            buffer[:] = b"\x20" * len(buffer)
            return len(buffer)

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BufferedReader(Endless())))
    status, doc, _ = run("-")
    assert status == 2 and doc["rejected"][0]["source"] == "-"
    assert "more than the limit of 1,000 bytes" in doc["rejected"][0]["message"]
