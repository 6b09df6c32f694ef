"""The blank input template, as a person fills it in.

``x.xlsx``: the sheet 设施 to fill in (bold frozen Chinese headers, columns as wide as
their labels and values, drop-down lists that refuse any other value), the sheet 说明 (what
each field means, how it is written, which facility types' checks read it, the accepted
date forms) and the sheet 示例 with one example row. The reader reads the sheet 设施 only
(:mod:`.registry`), so the example is never evaluated, even if nobody deletes it.
``x.csv``: the header row alone (UTF-8 with BOM, as Excel in China opens it). Any other
name is refused: a file is never written in a format its name does not say.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from qianbai_rules.core.problems import Lang
from qianbai_rules.io import writing
from qianbai_rules.io.registry import SHEET_NAMES
from qianbai_rules.io.template_help import choices, example_row, help_rows
from qianbai_rules.io.workbooks import append_row, save_workbook
from qianbai_rules.model.fields import FIELDS, Kind
from qianbai_rules.model.validation import column_letters
from qianbai_rules.texts.formats import display_width, listing
from qianbai_rules.texts.labels import fill, labels, pair

SHEET = SHEET_NAMES[0]
HEADERS = [spec.label_zh for spec in FIELDS.values()]
LAST_ROW = 1048576  # the drop-down lists hold for the whole column
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_template(path: Path, lang: Lang) -> None:
    """The blank template in the format its name says (.xlsx or .csv); else a
    :class:`ReportError` and nothing written."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerow(HEADERS)
        writing.write_atomically(path, buffer.getvalue().encode("utf-8-sig"))
    elif suffix == ".xlsx" or path.is_dir():  # a folder is refused as such, by the policy
        save_workbook(template_workbook(lang), path)
    else:
        raise writing.ReportError(*pair("workbook.template_suffix", path=str(path)))


def template_workbook(lang: Lang) -> Workbook:
    words = labels(lang)["workbook"]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    example = example_row()
    _header(sheet, HEADERS, 1)
    _fit(sheet, [[h, *choices(spec), _shown(v)]
                 for h, spec, v in zip(HEADERS, FIELDS.values(), example, strict=True)])
    for column, spec in enumerate(FIELDS.values(), start=1):
        letter = column_letters(column)
        offered = choices(spec)
        if offered:
            sheet.add_data_validation(_drop_down(offered, letter, 2, words))
        # What Excel does to a cell typed in: text stays text (a telephone number keeps its
        # leading 0, an id never becomes a number); a date shows as the register writes it.
        if spec.kind is Kind.text:
            sheet.column_dimensions[letter].number_format = "@"
        elif spec.kind is Kind.date:
            sheet.column_dimensions[letter].number_format = words["date_cell"]
    _help_sheet(workbook.create_sheet(words["help"]), lang)
    _example_sheet(workbook.create_sheet(words["example"]), example, words)
    return workbook


def _header(sheet: Worksheet, values: list[str], row: int) -> None:
    append_row(sheet, values)
    for cell in sheet[row]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = f"A{row + 1}"


def _shown(value: Any) -> str:
    """How wide a value shows: a date cell as 2019-03-15."""
    return "" if value is None else str(value)


def _fit(sheet: Worksheet, columns: list[list[str]]) -> None:
    """Each column as wide as its widest text (a header, a value of its list, the example)."""
    for column, texts in enumerate(columns, start=1):
        width = max(display_width(t) for t in texts) + 2
        sheet.column_dimensions[column_letters(column)].width = max(8, min(width, 60))


def _drop_down(offered: list[str], letter: str, first: int, words: dict[str, Any]) -> DataValidation:
    """A list that refuses any other value (Excel's "stop" style), saying which it takes."""
    validation = DataValidation(
        type="list", formula1='"' + ",".join(offered) + '"', allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle=words["choose_title"],
        error=fill(words["choose_error"], {"choices": listing(offered, "zh")}))
    validation.add(f"{letter}{first}:{letter}{LAST_ROW}")
    return validation


def _help_sheet(sheet: Worksheet, lang: Lang) -> None:
    """One line per field, then how to fill in the registry."""
    words = labels(lang)["workbook"]
    titles = [words["help_header"], words["help_meaning"], words["help_how"],
              words["help_values"], words["help_types"]]
    _header(sheet, titles, 1)
    rows = help_rows(lang)
    for row in rows:
        append_row(sheet, [row.header, row.meaning, row.how, row.values, row.types])
    widths = [max(display_width(r.header) for r in rows) + 2, 44, 18, 44, 30]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[column_letters(column)].width = width
    for line in sheet.iter_rows(min_row=2, min_col=2, max_col=5):
        for cell in line:
            cell.alignment = _WRAP
    required = listing((spec.label_zh for spec in FIELDS.values() if spec.required), lang)
    guide = [fill(words["guide_rows"], {"sheet": SHEET}),
             fill(words["guide_required"], {"fields": required}),
             words["guide_choices"], words["guide_dates"],
             fill(words["guide_types"], {"column": words["help_types"]}),
             fill(words["guide_example"], {"example": words["example"]})]
    append_row(sheet, [])
    append_row(sheet, [words["guide"]])
    sheet.cell(sheet.max_row, 1).font = _BOLD
    for line in guide:
        append_row(sheet, [line])


def _example_sheet(sheet: Worksheet, example: list[Any], words: dict[str, Any]) -> None:
    """A note that the row is an example, the headers, and the example row."""
    append_row(sheet, [fill(words["example_note"], {"sheet": SHEET})])
    sheet.cell(1, 1).font = Font(bold=True, color="C00000")
    _header(sheet, HEADERS, 2)
    append_row(sheet, example)
    for column, value in enumerate(example, start=1):
        if isinstance(value, dt.date):
            sheet.cell(3, column).number_format = words["date_cell"]
    _fit(sheet, [[h, _shown(v)] for h, v in zip(HEADERS, example, strict=True)])
