"""The blank input template: an empty registry workbook with Chinese headers, drop-down
lists for codes and yes/no fields, and a help sheet saying what each column holds.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from qianbai_rules.core.problems import Lang
from qianbai_rules.io.registry import SHEET_NAMES
from qianbai_rules.io.workbooks import append_row, save_workbook
from qianbai_rules.model.fields import FIELDS, Kind
from qianbai_rules.model.validation import column_letters
from qianbai_rules.texts.formats import listing
from qianbai_rules.texts.labels import labels


def _codes_text(name: str) -> str:
    spec = FIELDS[name]
    return listing((spec.code_name(c) for c in spec.codes), "zh")  # the values typed in


def write_template(path: Path, lang: Lang) -> None:
    """An empty registry workbook: Chinese headers, drop-down lists, and a help sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAMES[0]
    words = labels(lang)["workbook"]
    yes_no = [labels("zh")["value"]["true"], labels("zh")["value"]["false"]]
    help_sheet = workbook.create_sheet(words["help"])
    append_row(help_sheet, [words["help_header"], words["help_field"], words["help_type"],
                            words["help_values"]])
    append_row(sheet, [spec.label_zh for spec in FIELDS.values()])
    for column, (name, spec) in enumerate(FIELDS.items(), start=1):
        header = spec.label_zh
        sheet.column_dimensions[column_letters(column)].width = max(10, len(header) * 2 + 2)
        kind = words["kind"][spec.kind.value]
        choices = _codes_text(name) if spec.codes else (
            listing(yes_no, "zh") if spec.kind is Kind.boolean else words["notes"].get(name, ""))
        append_row(help_sheet, [header, name, kind + (words["required"] if spec.required else ""),
                                choices])
        if spec.kind in (Kind.code, Kind.boolean):
            options = [spec.code_name(c) for c in spec.codes] if spec.codes else yes_no
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"',
                                        allow_blank=True)
            letter = column_letters(column)
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 40
    help_sheet.column_dimensions["D"].width = 60
    save_workbook(workbook, path)
