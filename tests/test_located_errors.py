"""Errors that find the cell (issue 14): every error of a record in one run, each in the
user's own terms — the sheet, the row, the column letter and the header the user wrote —
and a header that names no field explained once per sheet, with the nearest known header.
The workbooks are made here with openpyxl, as Excel writes them (date cells included)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from qianbai_rules.cli.app import main
from qianbai_rules.io.inputs import read
from qianbai_rules.io.sources import RawRecord
from qianbai_rules.model.fields import FIELDS
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import parse_record

# Every field's label as a header, in the catalogue's order, with 运营日期 (the older header
# record.md accepts) for the opening date: so the columns run far past Z, as in a registry.
HEADER = [("运营日期" if spec.name == "status.opened_on" else spec.label_zh)
          for spec in FIELDS.values()]


def _column(header: str) -> str:
    return str(get_column_letter(HEADER.index(header) + 1))


def _row(values: dict[str, Any]) -> list[Any]:
    return [values.get(header) for header in HEADER]


GOOD = {"编号": "JB-1", "类型": "社区养老服务站", "建筑面积（平方米）": 250, "社区人口": 2600,
        "建成日期": dt.datetime(2019, 3, 1),  # an Excel date cell
        "验收日期": 43525,  # a serial number in a number cell: 2019-03-01
        "运营日期": "2019/5/20"}


def _check(path: Path, lang: str = "zh") -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["check", str(path), "--format", "json", "--as-of", "2019-12-31",
                   "--lang", lang], out=out, err=err)
    assert "Traceback" not in err.getvalue()
    return status, json.loads(out.getvalue())


def _workbook(path: Path, header: list[str], rows: list[list[Any]], date1904: bool = False) -> Path:
    book = Workbook()
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    sheet.title = "设施"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_row_with_four_errors_gets_four_located_messages_in_one_run(tmp_path: Path) -> None:
    bad = {"编号": "JB-2", "类型": "社区养老服务", "建筑面积（平方米）": -180, "社区人口": "很多",
           "运营日期": "2019-02-30"}
    book = _workbook(tmp_path / "r.xlsx", HEADER, [_row(GOOD), _row(bad)])
    status, doc = _check(book)
    assert status == 2
    assert doc["summary"]["records"] == 1 and doc["summary"]["rejected"] == 1
    [entry] = doc["rejected"]
    expected = [
        f"“设施”表第3行{_column('类型')}列（类型）：应为以下之一：社区养老服务站、社区养老服务中心、"
        "市级示范社区养老服务中心，实际为“社区养老服务”，是否为“社区养老服务站”？",
        f"“设施”表第3行{_column('建筑面积（平方米）')}列（建筑面积（平方米））："
        "应为大于0且不超过10000000的数，实际为-180",
        f"“设施”表第3行{_column('社区人口')}列（社区人口）：应为0至1000000000的整数，实际为“很多”",
        f"“设施”表第3行{_column('运营日期')}列（运营日期）：2019年2月没有30日",
    ]
    assert [e["message"] for e in entry["errors"]] == expected
    assert [e["field"] for e in entry["errors"]] == [
        "facility_type", "floor_area_m2", "community.population", "status.opened_on"]
    assert entry["message"] == expected[0] + "；".join(expected[1:])  # no ；after ？
    assert (entry["record"], entry["position"], entry["field"], entry["column"]) == (
        "JB-2", "设施!row 3", "facility_type", _column("类型"))
    assert len(_column("运营日期")) == 2  # past Z, as the AP


def test_the_other_records_of_the_sheet_are_evaluated_as_alone(tmp_path: Path) -> None:
    bad = {"编号": "JB-2", "类型": "社区养老服务", "建筑面积（平方米）": -180}
    _, together = _check(_workbook(tmp_path / "both.xlsx", HEADER, [_row(GOOD), _row(bad)]))
    _, alone = _check(_workbook(tmp_path / "alone.xlsx", HEADER, [_row(GOOD)]))
    assert [{**r, "source": None} for r in together["records"]] == [
        {**r, "source": None} for r in alone["records"]]
    assert [r["id"] for r in alone["records"]] == ["JB-1"]


def test_excel_date_cells_serials_and_slashed_dates_are_read(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "r.xlsx", HEADER, [_row(GOOD)])
    status, doc = _check(book, "en")
    assert doc["rejected"] == [] and status in (0, 1)
    [item] = read(str(book))
    assert isinstance(item, RawRecord)
    record = parse_record(item.data)
    assert isinstance(record, FacilityRecord)
    assert (record.status.completed_on, record.status.accepted_on, record.status.opened_on) == (
        dt.date(2019, 3, 1), dt.date(2019, 3, 1), dt.date(2019, 5, 20))


def test_a_workbook_in_the_1904_date_system_reads_its_serials_as_excel_shows_them(
        tmp_path: Path) -> None:
    # 2019-03-01 is 42063 in the 1904 system (43525 in the 1900 system)
    book = _workbook(tmp_path / "r.xlsx", HEADER, [_row({**GOOD, "验收日期": 42063})],
                     date1904=True)
    [item] = read(str(book))
    assert isinstance(item, RawRecord)
    record = parse_record(item.data)
    assert isinstance(record, FacilityRecord)
    assert (record.status.completed_on, record.status.accepted_on) == (
        dt.date(2019, 3, 1), dt.date(2019, 3, 1))


def test_digits_in_a_date_column_outside_the_window_of_serials_reject_the_row(
        tmp_path: Path) -> None:
    rows = [_row({**GOOD, "编号": f"JB-{n}", "验收日期": n}) for n in (19, 201905, 20180401)]
    status, doc = _check(_workbook(tmp_path / "r.xlsx", HEADER, rows))
    assert status == 2 and doc["summary"]["records"] == 0
    assert [r["message"].split("：", 1)[1] for r in doc["rejected"]] == [
        f"{n}不是日期：表格日期列中的数按Excel日期序号读取，应为18264至73050的整数"
        "（1950年1月1日至2099年12月31日）" for n in (19, 201905, 20180401)]


def test_an_unknown_header_is_explained_once_per_sheet_with_the_nearest_header(
        tmp_path: Path) -> None:
    header = ["编号", "类型", "运营日其"]
    rows: list[list[Any]] = [["JB-1", "社区养老服务站", "2019/5/20"], ["JB-2", "社区养老服务站", None],
            ["JB-3", "社区养老服务站", "2019/6/1"], ["JB-4", "社区养老服务站", "2019/7/1"]]
    status, doc = _check(_workbook(tmp_path / "r.xlsx", header, rows))
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["JB-2"]  # its cell there is empty
    assert [(r["record"], r["message"]) for r in doc["rejected"]] == [
        ("JB-1", "“设施”表第1行C列：表头“运营日其”无法识别，是否为“运营日期”？"),
        ("JB-3", "“设施”表第4行C列（运营日其）：表头“运营日其”无法识别（见“设施”表第2行的说明）"),
        ("JB-4", "“设施”表第5行C列（运营日其）：表头“运营日其”无法识别（见“设施”表第2行的说明）"),
    ]
    assert sum("是否为" in r["message"] for r in doc["rejected"]) == 1


def test_a_csv_row_is_located_by_row_column_and_header_and_reads_slashed_dates(
        tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("编号,类型,建筑面积（平方米）,开始运营日期\n"
                    "C-1,社区养老服务站,250,2019/5/20\n"
                    "C-2,社区养老服务站,-5,2019/2/30\n", encoding="utf-8")
    status, doc = _check(path, "en")
    assert status == 2
    assert [r["id"] for r in doc["records"]] == ["C-1"]
    assert [e["message"] for e in doc["rejected"][0]["errors"]] == [
        "row 3, column C (建筑面积（平方米）): expected a number > 0 and <= 10000000, got '-5'",
        "row 3, column D (开始运营日期): 2019 has no 30 February"]
