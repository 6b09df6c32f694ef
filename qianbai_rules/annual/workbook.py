"""The annual evaluation as an Excel workbook officials can sort and filter: one sheet per
table of the annual report, filters on, the first row frozen.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from qianbai_rules.annual.funds_sheet import funds_sheet
from qianbai_rules.annual.problems_sheet import problems_sheet
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.annual.scoring_sheet import score_sheet
from qianbai_rules.annual.wording import TechnicalNote, notice, technical_note
from qianbai_rules.annual.workbook_sheets import RATE, facilities_sheet, operators_sheet
from qianbai_rules.core.problems import Lang
from qianbai_rules.io.workbooks import append_row, save_workbook
from qianbai_rules.model.display import type_names
from qianbai_rules.reports.model import RejectedEntry, RejectedField
from qianbai_rules.texts.labels import fill, labels


def write_evaluation(report: AnnualReport, path: Path, lang: Lang) -> None:
    """The annual evaluation as a workbook: one sheet per table, filters on."""
    L = labels(lang)["annual"]
    types = type_names(lang)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    sheets = labels(lang)["workbook"]["sheet"]
    summary.title = sheets["district"]
    append_row(summary, [L["type"], L["target"], L["completed"], L["rate"]])
    for kind, d in report.district.by_type.items():
        append_row(summary, [types[kind], d.target, d.completed, d.rate])
    total = report.district.total
    append_row(summary, [L["all_types"], total.target, total.completed, total.rate])
    for (cell,) in summary.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.number_format = RATE
    filters = {summary.title: summary.dimensions}  # the table only, not the counts below
    words = labels(lang)["workbook"]
    append_row(summary, [])
    append_row(summary, [words["records_evaluated"], report.records])
    append_row(summary, [words["records_rejected"], len(report.rejected)])
    said = notice(report, lang)
    if said:
        append_row(summary, [L["notice"]["heading"], said])
    streets = workbook.create_sheet(sheets["streets"])
    kinds = list(report.district.by_type)
    append_row(streets, [L["street"],
                         *[fill(L["street_target"], {"type": types[k]}) for k in kinds],
                         *[fill(L["street_completed"], {"type": types[k]}) for k in kinds],
                         L["pilot"]])
    for s in report.streets:
        pilot = None if s.pilot_on_time is None else \
            L["pilot_values"]["true" if s.pilot_on_time else "false"]
        append_row(streets, [s.street_town, *[s.targets[k] for k in kinds],
                             *[s.completed[k] for k in kinds], pilot])
    _target_sheets(workbook, report, lang)
    money = workbook.create_sheet(sheets["subsidies"])
    append_row(money, [L["money_kind"], L["total"], L["city"], L["district"], L["facilities"],
                       L["undetermined"]])
    for key in ("construction", "operating"):
        m = report.subsidies[key]
        append_row(money, [L[key], m.total, m.city, m.district, m.facilities, m.undetermined])
    built = report.subsidies.construction
    append_row(money, [L["construction_standard"], built.standard])
    append_row(money, [L["construction_paid"], built.paid])
    append_row(money, [L["construction_owed"], built.owed])
    append_row(money, [L["construction_overpaid"], built.overpaid])
    funding = report.subsidies.funding
    append_row(money, [])
    append_row(money, [L["district_owed"], funding.district_owed])
    append_row(money, [L["lottery_fund"], funding.lottery_fund])
    append_row(money, [L["pooled_and_budget"], funding.pooled_and_budget])
    departments = workbook.create_sheet(sheets["departments"])
    append_row(departments, [L["department"], L["mandatory"], L["advisory"]])
    for name, counts in report.departments.items():
        append_row(departments, [name, counts.get("mandatory", 0), counts.get("advisory", 0)])
    by_street = workbook.create_sheet(sheets["street_towns"])
    append_row(by_street, [L["street"], L["mandatory"], L["advisory"]])
    for t in report.street_towns:
        append_row(by_street, [t.street_town or L["no_street"], t.mandatory, t.advisory])
    review = workbook.create_sheet(sheets["exit_review"])
    year = report.year
    append_row(review, [L["exit_review"], L["exit_operator"], L["exit_facility"], L["street"],
                        *[fill(L["exit_failed"], {"year": y}) for y in (year - 1, year)]])
    for operator in report.exit_review_by_operator:
        for f in operator.facilities:
            failed = ["\n".join(f"{r.rule} {r.title or ''}".strip()
                                for r in y.failed_mandatory) for y in f.years]
            append_row(review, [f.id, operator.operator_name or L["exit_no_operator"],
                                f.name, f.street_town or L["no_street"], *failed])
    unplanned = workbook.create_sheet(sheets["unplanned"])
    append_row(unplanned, [L["facility_id"], L["street"]])
    for item in report.unplanned:
        append_row(unplanned, [item.id, item.street_town])
    facilities_sheet(workbook, report, lang)
    problems_sheet(workbook, report, lang)
    operators_sheet(workbook, report, lang)
    _rectification_sheets(workbook, report, lang)
    readings = workbook.create_sheet(sheets["readings"])
    append_row(readings, [words["reading_id"], words["reading_text"], words["reading_rules"]])
    for reading in report.readings:
        append_row(readings, [reading["id"], reading["text"],
                              labels(lang)["value"]["list_separator"].join(reading["rules"])])
    _rejected_sheet(workbook.create_sheet(sheets["rejected"]), report.rejected, lang)
    for sheet in workbook.worksheets:
        if sheet.max_row > 1:
            sheet.auto_filter.ref = filters.get(sheet.title, sheet.dimensions)
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 28
    funds_sheet(workbook, report, lang)
    score_sheet(workbook, report, lang)
    _technical_sheet(workbook, technical_note(report, lang), L["tech"])
    save_workbook(workbook, path)


def _target_sheets(workbook: Workbook, report: AnnualReport, lang: Lang) -> None:
    """The year's targets against completions, the streets' period totals beside their
    figures of the year, the facilities completed late, and completed/accepted/compliant."""
    L, TG, types = labels(lang)["annual"], labels(lang)["annual_targets"], type_names(lang)
    year, start, end = report.year, report.plan.start.year, report.plan.end.year
    if report.year_progress is not None:
        sheet = workbook.create_sheet(TG["sheet"]["year"])
        append_row(sheet, [L["type"], fill(TG["year_target"], {"year": year}),
                           fill(TG["year_completed"], {"year": year}), L["rate"]])
        progress = report.year_progress
        for name, count in [*[(types[k], n) for k, n in progress.by_type.items()],
                            (L["all_types"], progress.total)]:
            append_row(sheet, [name, count.target, count.completed, count.rate])
        for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
            cell.number_format = RATE
        kinds = list(progress.by_type)
        sheet = workbook.create_sheet(TG["sheet"]["streets"])
        append_row(sheet, [L["street"], *[fill(TG[key], {"type": types[k], "year": year,
                                                         "start": start, "end": end})
                                          for k in kinds
                                          for key in ("street_total_type", "street_done_type",
                                                      "street_year_target_type",
                                                      "street_year_done_type")]])
        for s in report.streets:
            if s.by_year is not None:
                target = s.by_year.target
                append_row(sheet, [s.street_town, *[v for k in kinds for v in (
                    s.targets[k], s.completed[k], None if target is None else target[k],
                    s.by_year.completed[k])]])
        sheet = workbook.create_sheet(TG["sheet"]["late"])
        append_row(sheet, [TG["id"], TG["name"], L["street"], L["type"], TG["completed_on"],
                           TG["final_year"]])
        for f in report.late:
            append_row(sheet, [f.id, f.name, f.street_town, types[f.type], f.completed_on,
                               f.final_year])
    built = report.built_compliant
    if built is not None:
        sheet = workbook.create_sheet(TG["sheet"]["built"])
        append_row(sheet, [L["street"], L["type"], TG["completed"], TG["accepted"],
                           TG["acceptance_unrecorded"], TG["compliant"]])
        rows = [*[(L["all_types"], types[k], c) for k, c in built.by_type.items()],
                *[(s.street_town, L["all_types"], s.counts) for s in built.by_street],
                (L["all_types"], L["all_types"], built.total)]
        for street, kind, c in rows:
            append_row(sheet, [street, kind, c.completed, c.accepted, c.acceptance_unrecorded,
                               c.compliant])


def _rectification_sheets(workbook: Workbook, report: AnnualReport, lang: Lang) -> None:
    """The year's rectification items by street/town and by department (with a history),
    and the waived findings (where the records came with an inspection's files)."""
    RA = labels(lang)["rectification"]["annual"]
    counts = ("carried_over", "opened", "closed", "open", "overdue")
    found = report.rectification
    if found is not None:
        for kind, rows in (("street", [(s.street_town or labels(lang)["annual"]["no_street"],
                                        s.counts) for s in found.by_street_town]),
                           ("department", [(d.name, d.counts) for d in found.by_department])):
            sheet = workbook.create_sheet(RA[f"sheet_{kind}s"])
            append_row(sheet, [RA[kind], *[RA[c] for c in counts], RA["rate"]])
            for name, c in [*rows, (RA["total"], found.total)]:
                append_row(sheet, [name, *[getattr(c, k) for k in counts], c.closure_rate])
            for (cell,) in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
                cell.number_format = RATE
    waived = report.waived
    if waived is not None:
        sheet = workbook.create_sheet(RA["sheet_waived"])
        append_row(sheet, [RA["rule"], RA["findings"]])
        for r in waived.by_rule:
            append_row(sheet, [f"{r.rule} {r.title or ''}".strip(), r.findings])


def _technical_sheet(workbook: Workbook, note: TechnicalNote, words: dict[str, str]) -> None:
    """The technical note (技术附注) as the last sheet: the facts, then the parameters."""
    sheet = workbook.create_sheet(note.heading)
    append_row(sheet, [words["parameter"], words["value"], words["since"]])
    for p in note.parameters:
        append_row(sheet, [p["name"], p["value"], p["since"]])
    sheet.auto_filter.ref = sheet.dimensions  # the parameters, not the facts below
    sheet.freeze_panes = "A2"
    append_row(sheet, [])
    for name, value in note.facts:
        append_row(sheet, [name, value])
    sheet.column_dimensions["A"].width = 48


def _rejected_sheet(sheet: Worksheet, rejected: list[RejectedEntry], lang: Lang) -> None:
    """The records that could not be evaluated, as the reports' annex lists them (file,
    record and its position, field, reason): one row for each reason."""
    words = labels(lang)
    report, punct = words["report"], words["punct"]
    append_row(sheet, [report["col_source"], report["col_record"], report["col_field"],
                       report["col_reason"]])
    for entry in rejected:
        record = entry.record or ""
        if entry.position:
            record = f"{record}{punct['open']}{entry.position}{punct['close']}"
        for error in entry.errors or [RejectedField(entry.field, entry.message)]:
            append_row(sheet, [entry.source, record, error.field or "", error.message])
