"""The workbook's 绩效评分 sheet: one row per indicator with its value and score as numbers
(to sort and filter), the total, then the conclusion, whose scheme it is and the grades'
source under the table."""

from __future__ import annotations

from fractions import Fraction

from openpyxl import Workbook

from qianbai_rules.annual.figures import Unit
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.annual.score_paper import (
    conclusion,
    method_text,
    score_header,
    value_text,
    why_unscored,
)
from qianbai_rules.annual.scoring import shown
from qianbai_rules.annual.workbook_sheets import MONEY, RATE
from qianbai_rules.core.problems import Lang
from qianbai_rules.io.workbooks import append_row
from qianbai_rules.texts.labels import label

FORMATS = {Unit.rate: RATE, Unit.yuan: MONEY, Unit.count: "0"}
SCORE = "0.0"


def score_sheet(workbook: Workbook, report: AnnualReport, lang: Lang) -> None:
    """The 绩效评分 sheet, second in the workbook (none without a score); the last column
    says what each value is made of, or why it is not scored."""
    score = report.score
    if score is None:
        return

    def said(key: str, **values: object) -> str:
        return label(f"annual_score.{key}", lang, **values)

    sheet = workbook.create_sheet(said("sheet"), 1)
    header = list(score_header(lang))
    append_row(sheet, [*header, said("note")])
    for row, r in enumerate(score.indicators, start=2):
        append_row(sheet, [r.level1, r.level2, r.name, shown(r.indicator.weight), shown(r.value),
                           said("unscored") if r.score is None else shown(r.score),
                           method_text(r.indicator.scoring, r.unit, lang),
                           why_unscored(r, lang) if r.score is None else value_text(r, lang)])
        sheet.cell(row, 5).number_format = FORMATS[r.unit]
        sheet.cell(row, 6).number_format = SCORE
    total = len(score.indicators) + 2
    append_row(sheet, [said("total"), None, None,
                       shown(sum((i.indicator.weight for i in score.indicators), Fraction(0))),
                       None,
                       shown(score.total)])
    sheet.cell(total, 6).number_format = SCORE
    sheet.auto_filter.ref = f"A1:H{total - 1}"
    sheet.freeze_panes = "A2"
    append_row(sheet, [])
    append_row(sheet, [said("grade"), score.grade or said("no_grade")])
    append_row(sheet, [said("heading"), conclusion(score, lang)])
    append_row(sheet, [said("scheme_name"), score.name])
    append_row(sheet, [said("issuer"), score.issuer])
    if score.scheme.example:
        append_row(sheet, [said("example_word"), said("example")])
    append_row(sheet, [said("grades_heading"), score.grades_source])
    for column, width in zip("ABCDEFGH", (14, 14, 28, 10, 12, 10, 36, 36), strict=True):
        sheet.column_dimensions[column].width = width
