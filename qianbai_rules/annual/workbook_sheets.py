"""Sheets of the annual workbook about single facilities: the list of facilities (设施清单),
with dates as real dates and money as numbers formatted as officials read them, and the
facilities by operator (运营主体)."""

from __future__ import annotations

from openpyxl import Workbook

from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.core.problems import Lang
from qianbai_rules.io.workbooks import append_row
from qianbai_rules.model.display import render_value, type_names
from qianbai_rules.texts.labels import fill, labels

DATE = 'yyyy"年"m"月"d"日"'
MONEY = "#,##0"
RATE = "0.0%"


def facilities_sheet(workbook: Workbook, report: AnnualReport, lang: Lang) -> None:
    """One row per evaluated facility, in registry order."""
    words = labels(lang)
    AF, verdicts, status = words["annual_facilities"], words["verdict"], \
        words["report"]["subsidy_status"]
    types = type_names(lang)
    separator = words["value"]["list_separator"]
    sheet = workbook.create_sheet(AF["sheet"])
    columns = ["id", "name", "street", "type", "operator", "operator_kind", "credit_code",
               "completed_on", "opened_on", "verdict", "failed", "departments",
               "construction_status", "construction_amount", "construction_year",
               "operating_status", "operating_amount"]
    if report.history is not None:
        columns.append("open_items")
    append_row(sheet, [AF[c] for c in columns])
    for f in report.facilities:
        r = f.row
        kind = None if r.operator_kind is None else \
            render_value("operation.operator_kind", r.operator_kind, lang)
        values = [r.id, r.name, r.street_town, types.get(r.type, r.type), r.operator_name,
                  kind, r.operator_credit_code, r.completed_on, r.opened_on,
                  verdicts[r.verdict],
                  "\n".join(f"{i.rule} {i.title or ''}".strip() for i in f.failed_mandatory),
                  separator.join(f.departments),
                  None if r.construction_status is None else status[r.construction_status],
                  r.construction_amount, r.construction_year,
                  None if r.operating_status is None else status[r.operating_status],
                  r.operating_amount]
        if report.history is not None:
            values.append(f.open_items)
        append_row(sheet, values)
    formats = {columns.index("completed_on") + 1: DATE, columns.index("opened_on") + 1: DATE,
               columns.index("construction_amount") + 1: MONEY,
               columns.index("operating_amount") + 1: MONEY}
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format


def operators_sheet(workbook: Workbook, report: AnnualReport, lang: Lang) -> None:
    """Facilities by operator: count, by type, by verdict, and their ids."""
    words = labels(lang)
    AF, verdicts = words["annual_facilities"], words["verdict"]
    types = type_names(lang)
    order = ("compliant", "non_compliant", "incomplete")
    sheet = workbook.create_sheet(AF["operators_sheet"])
    append_row(sheet, [AF["operator"], AF["operator_facilities"],
                       *[fill(AF["operator_type"], {"type": types[k]}) for k in types],
                       *[fill(AF["operator_verdict"], {"verdict": verdicts[v]}) for v in order],
                       AF["operator_ids"]])
    for o in report.operators:
        append_row(sheet, [o.name or AF["no_operator"], len(o.facilities),
                           *[o.by_type.get(k, 0) for k in types],
                           *[o.verdicts[v] for v in order],
                           words["value"]["list_separator"].join(o.facilities)])
