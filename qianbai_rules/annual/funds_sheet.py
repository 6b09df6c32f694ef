"""The annual workbook's sheet 资金到位与使用: the year's funds by line, level and in total,
beside what the rules say is owed (filters on the table, header frozen), then the facilities
whose record says what was paid of their construction subsidy."""

from __future__ import annotations

from openpyxl import Workbook

from qianbai_rules.annual.funds import FACILITY_COLUMNS, LINE_COLUMNS
from qianbai_rules.annual.funds_paper import row_names
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.annual.workbook_sheets import MONEY, RATE
from qianbai_rules.core.problems import Lang
from qianbai_rules.io.workbooks import append_row
from qianbai_rules.texts.labels import fill, labels


def funds_sheet(workbook: Workbook, report: AnnualReport, lang: Lang) -> None:
    """The sheet, placed after the subsidies' sheet (or last, before the technical note)."""
    found = report.funds
    if found is None:
        return
    AF, sheets = labels(lang)["annual_funds"], labels(lang)["workbook"]["sheet"]
    names = workbook.sheetnames
    at = names.index(sheets["subsidies"]) + 1 if sheets["subsidies"] in names else None
    sheet = workbook.create_sheet(AF["sheet"], at)
    col = AF["col"]
    append_row(sheet, [col[c] for c in LINE_COLUMNS])
    for row in found.table():
        values = row.values()
        append_row(sheet, [*row_names(row, lang), *(values[c] for c in LINE_COLUMNS[2:])])
    sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "A2"
    for index, name in enumerate(LINE_COLUMNS, start=1):
        number_format = RATE if name.endswith("rate") else MONEY if index > 2 else None
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if number_format is not None:
                cell.number_format = number_format
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 26
    append_row(sheet, [])
    if not found.given or not found.lines:
        append_row(sheet, [AF["none_given"] if not found.given
                           else fill(AF["none_for_year"], {"year": found.year})])
        append_row(sheet, [])
    append_row(sheet, [AF["facilities_heading"]])
    first = sheet.max_row + 1
    append_row(sheet, [col[c] for c in FACILITY_COLUMNS])
    for f in found.facilities:
        append_row(sheet, list(f.cells()))
    for row in sheet.iter_rows(min_row=first + 1, min_col=5, max_col=8):
        for cell in row:
            cell.number_format = MONEY
