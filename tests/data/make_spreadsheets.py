"""Builds the XLSX fixtures of this folder (used by tests/cases/cli/spreadsheets.yaml and
tests/test_evaluation.py).

Run ``python tests/data/make_spreadsheets.py`` to write them again. The workbooks are made
the way an official's Excel file looks: Chinese headers, dates as real date cells, numbers as
number cells, yes/no as 是/否 text or as real TRUE/FALSE cells. The rows are taken from
``examples/jiangbei-registry.csv`` with the csv module only (qianbai_rules is not imported),
so a workbook row means the same facility as the CSV row of the same id.

- ``registry-typed.xlsx``: a help sheet first, then the sheet 设施 with three facilities;
  row 3 (JBR-SMH-S01) has a negative floor area (column G).
- ``registry-first-sheet.xlsx``: no sheet named 设施; the first sheet holds the records.
- ``registry-repeated-header.xlsx``: the header 名称 appears twice (columns B and D).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
CSV = HERE.parent.parent / "examples" / "jiangbei-registry.csv"

NUMBERS = {"建筑面积（平方米）", "社区人口", "服务人员数", "辐射带动站点数", "核定建设补贴（元）",
           "已拨付建设补贴（元）"}
DATES = {"建成日期", "运营日期", "停运日期"}


def csv_rows() -> tuple[list[str], dict[str, dict[str, str]]]:
    """The example registry: its header and its rows by id (text, as in the CSV)."""
    with CSV.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = {row[0]: dict(zip(header, row, strict=True)) for row in reader}
    return header, rows


def typed(label: str, text: str, booleans: bool = False) -> Any:
    """A CSV cell as Excel would hold it: number, date, TRUE/FALSE, text; None when blank."""
    if text == "":
        return None
    if label in NUMBERS:
        number = float(text)
        return int(number) if number.is_integer() else number
    if label in DATES:
        return dt.date.fromisoformat(text)
    if booleans and text in ("是", "否"):
        return text == "是"
    return text


def registry_typed() -> Workbook:
    header, rows = csv_rows()
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "说明"
    notes.append(["本工作簿的记录在“设施”工作表中"])
    sheet = workbook.create_sheet("设施")
    sheet.append(header)
    for facility, booleans in (("JBR-GYQ-S01", False), ("JBR-SMH-S01", False),
                               ("JBR-JBC-D01", True)):
        row = [typed(label, rows[facility][label], booleans) for label in header]
        if facility == "JBR-SMH-S01":
            row[header.index("建筑面积（平方米）")] = -180
        sheet.append(row)
    return workbook


def registry_first_sheet() -> Workbook:
    header, rows = csv_rows()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "登记表"
    sheet.append(header)
    for facility in ("JBR-GYQ-S01", "JBR-YZ-D01"):
        sheet.append([typed(label, rows[facility][label]) for label in header])
    other = workbook.create_sheet("备注")
    other.append(["编号", "类型"])
    other.append(["NOT-A-RECORD", "社区养老服务站"])
    return workbook


def registry_repeated_header() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "设施"
    sheet.append(["编号", "名称", "类型", "名称", "街镇"])
    sheet.append(["R-1", "甲", "社区养老服务站", "乙", "石马河街道"])
    return workbook


BUILDERS = {
    "registry-typed.xlsx": registry_typed,
    "registry-first-sheet.xlsx": registry_first_sheet,
    "registry-repeated-header.xlsx": registry_repeated_header,
}


def main() -> None:
    for name, build in BUILDERS.items():
        build().save(HERE / name)


if __name__ == "__main__":
    main()
