"""The workbook's 问题清单: one row per facility needing action, as the report's problem list
shows it (problems_paper.py), with a header of Chinese labels, an autofilter and a frozen
header."""

from __future__ import annotations

from openpyxl import Workbook

from qianbai_rules.annual.problems_paper import cells, header
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.core.problems import Lang
from qianbai_rules.io.workbooks import append_row
from qianbai_rules.texts.labels import label


def problems_sheet(workbook: Workbook, report: AnnualReport, lang: Lang) -> None:
    sheet = workbook.create_sheet(label("annual_problems.sheet", lang))
    append_row(sheet, list(header(report, lang)))
    for _facility, values in cells(report, lang, "\n"):
        append_row(sheet, list(values.values()))
    sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "A2"
    for column, width in (("C", 34), ("F", 30), ("H", 40), ("I", 40), ("J", 30)):
        sheet.column_dimensions[column].width = width
