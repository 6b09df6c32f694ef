"""Excel workbooks (openpyxl): registries read row by row, the input template, and the
annual evaluation as a workbook officials can sort and filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook as NewWorkbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from qianbai_rules.core import limits
from qianbai_rules.core.problems import Lang, Problem, Text
from qianbai_rules.core.safetext import cell_text
from qianbai_rules.io import writing
from qianbai_rules.io.inputs import Item, RawRecord, trim
from qianbai_rules.io.xlsx import Workbook, WorkbookError, letter
from qianbai_rules.model.display import type_names
from qianbai_rules.model.fields import BY_LABEL, FIELDS, Kind
from qianbai_rules.model.validation import record_label
from qianbai_rules.texts.labels import fill, labels

SHEET_NAMES = ("设施", "facilities")


def _cell(value: Any) -> Any:
    """A cell as the record model reads it: dates as ISO text, a date-time with a time of
    day as date and time (a date field refuses it: the time is never silently dropped)."""
    if isinstance(value, dt.datetime):  # Excel keeps dates as date-times
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return trim(value)
    return value


def _problem(source: str, message: Text, position: str | None = None,
             column: str | None = None, record: str | None = None,
             field: str | None = None) -> Problem:
    return Problem.in_record(source, record if record is not None else position, field, message,
                               position, column)


def read_xlsx(source: str) -> Iterator[Item]:
    """Records of a workbook: the sheet named 设施 (or facilities), else the first sheet.

    Positions name the sheet and the row (``设施!row 4``) so that an official finds them.
    A malformed cell rejects its row (sheet, row, column and why); a workbook that cannot
    be opened is one problem naming the file; reading stops with one problem at a limit.
    """
    try:
        workbook = Workbook(source)
    except WorkbookError as exc:
        yield _problem(source, exc.text)
        return
    try:
        yield from _records(source, workbook)
    except WorkbookError as exc:
        yield _problem(source, exc.text)
    finally:
        workbook.close()


def _records(source: str, workbook: Workbook) -> Iterator[Item]:
    names = list(workbook.sheets)
    chosen = next((n for n in SHEET_NAMES if n in names), names[0] if names else None)
    if chosen is None:
        yield _problem(source, Text("工作簿中没有工作表", "no sheet"))
        return
    rows = workbook.rows(chosen)
    header: list[str] = []
    for row in rows:
        if row.errors or row.cells:
            header_row = row
            break
    else:
        header_row = None
    if header_row is not None and not header_row.errors:
        width = max(header_row.cells)
        if width > limits.MAX_HEADER_COLUMNS:
            yield _problem(source, Text(
                f"工作表“{chosen}”的表头超过 {limits.MAX_HEADER_COLUMNS:,} 列",
                f"the header of sheet {chosen!r} has more than {limits.MAX_HEADER_COLUMNS:,} "
                f"columns"))
            return
        header = [_header_text(header_row.cells.get(c)) for c in range(1, width + 1)]
    elif header_row is not None:
        column, message = header_row.errors[0]
        where = f"第 {letter(column)} 列：" if column else ""
        where_en = f"column {letter(column)}: " if column else ""
        yield _problem(source, Text(f"工作表“{chosen}”的表头无法读取：{where}{message.zh}",
                                    f"the header of sheet {chosen!r} cannot be read: "
                                    f"{where_en}{message.en}"))
        return
    if not header:
        yield _problem(source, Text(f"工作表“{chosen}”没有表头", f"sheet {chosen!r} has no header row"))
        return
    for column, name in enumerate(header, start=1):
        if not name or name in header[:column - 1]:
            at = letter(column)
            yield Problem.in_record(source, None, None, Text(
                f"工作表“{chosen}”第 {at} 列：" + ("表头为空" if not name else f"表头“{name}”重复"),
                f"sheet {chosen!r} column {at}: " + ("an empty header" if not name
                                                    else f"a repeated header {name!r}")),
                column=at)
            return
    columns = tuple(header)
    for row in rows:
        position = f"{chosen}!row {row.number}"
        values = {header[c - 1]: _cell(v) for c, v in row.cells.items() if c <= len(header)}
        values = {k: v for k, v in values.items() if v not in (None, "")}
        label = record_label(values, position)
        if row.errors:
            bad, message = row.errors[0]
            label_of = header[bad - 1] if bad and bad <= len(header) else None
            yield _problem(source, message, position, letter(bad) if bad else None,
                           label, BY_LABEL.get(label_of, label_of) if label_of else None)
            continue
        if any(c > len(header) and _cell(v) not in (None, "") for c, v in row.cells.items()):
            yield _problem(source, Text("该行在表头之外还有内容", "the row has cells beyond the header"),
                           position)
            continue
        if values:
            yield RawRecord(source, position, values, columns)


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return trim(str(value))


def _codes_text(name: str) -> str:
    spec = FIELDS[name]
    return "、".join(spec.code_name(c) for c in spec.codes)


def write_template(path: Path, lang: Lang) -> None:
    """An empty registry workbook: Chinese headers, drop-down lists, and a help sheet."""
    workbook = NewWorkbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAMES[0]
    words = labels(lang)["workbook"]
    yes_no = [labels("zh")["value"]["true"], labels("zh")["value"]["false"]]
    help_sheet = workbook.create_sheet(words["help"])
    _append(help_sheet, [words["help_header"], words["help_field"], words["help_type"],
                       words["help_values"]])
    _append(sheet, [spec.label_zh for spec in FIELDS.values()])
    for column, (name, spec) in enumerate(FIELDS.items(), start=1):
        header = spec.label_zh
        sheet.column_dimensions[get_column_letter(column)].width = max(10, len(header) * 2 + 2)
        kind = words["kind"][spec.kind.value]
        choices = _codes_text(name) if spec.codes else (
            "、".join(yes_no) if spec.kind is Kind.boolean else words["notes"].get(name, ""))
        _append(help_sheet, [header, name, kind + (words["required"] if spec.required else ""),
                           choices])
        if spec.kind in (Kind.code, Kind.boolean):
            options = [spec.code_name(c) for c in spec.codes] if spec.codes else yes_no
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"',
                                        allow_blank=True)
            letter = get_column_letter(column)
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 40
    help_sheet.column_dimensions["D"].width = 60
    _save(workbook, path)


def _append(sheet: Worksheet, values: list[Any]) -> None:
    """A row of a workbook the tool writes; every writer goes through here. Text is never
    a live formula (text Excel would read as one, ``=…``, ``+…``, ``-…``, ``@…``, is
    stored as a literal string cell with Excel's quote prefix) and never holds a
    character that makes the file unreadable (escaped as ``\\x01``, ``\\ufffe``).
    Numbers stay numbers."""
    cells: list[Any] = []
    for value in values:
        if isinstance(value, str):
            text, literal = cell_text(value)
            if literal:
                cell = Cell(sheet, value=text)
                cell.data_type = "s"
                cell.quotePrefix = True
                cells.append(cell)
                continue
            value = text
        cells.append(value)
    sheet.append(cells)


def _save(workbook: NewWorkbook, path: Path) -> None:
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    writing.write_atomically(path, buffer.getvalue())


def write_evaluation(document: dict[str, Any], path: Path, lang: Lang) -> None:
    """The annual evaluation as a workbook: one sheet per table, filters on."""
    L = labels(lang)["annual"]
    types = type_names(lang)
    workbook = NewWorkbook()
    summary = workbook.active
    assert summary is not None
    sheets = labels(lang)["workbook"]["sheet"]
    summary.title = sheets["district"]
    _append(summary, [L["type"], L["target"], L["completed"], L["rate"]])
    for kind, d in document["district"]["by_type"].items():
        _append(summary, [types[kind], d["target"], d["completed"], d["rate"]])
    total = document["district"]["total"]
    _append(summary, [L["all_types"], total["target"], total["completed"], total["rate"]])
    filters = {summary.title: summary.dimensions}  # the table only, not the counts below
    words = labels(lang)["workbook"]
    _append(summary, [])
    _append(summary, [words["records_evaluated"], document["summary"]["records"]])
    _append(summary, [words["records_rejected"], document["summary"]["rejected"]])
    streets = workbook.create_sheet(sheets["streets"])
    kinds = list(document["district"]["by_type"])
    _append(streets, [L["street"], *[f"{types[k]} {L['target']}" for k in kinds],
                    *[f"{types[k]} {L['completed']}" for k in kinds], L["pilot"]])
    for s in document["streets"]:
        _append(streets, [s["street_town"], *[s["targets"][k] for k in kinds],
                        *[s["completed"][k] for k in kinds], s["pilot_on_time"]])
    money = workbook.create_sheet(sheets["subsidies"])
    _append(money, ["", L["total"], L["city"], L["district"], L["facilities"], L["undetermined"]])
    for key in ("construction", "operating"):
        m = document["subsidies"][key]
        _append(money, [L[key], m["total"], m["city"], m["district"], m["facilities"],
                      m["undetermined"]])
    built = document["subsidies"]["construction"]
    _append(money, [L["construction_standard"], built["standard"]])
    _append(money, [L["construction_paid"], built["paid"]])
    _append(money, [L["construction_owed"], built["owed"]])
    _append(money, [L["construction_overpaid"], built["overpaid"]])
    funding = document["subsidies"]["funding"]
    _append(money, [])
    _append(money, [L["district_owed"], funding["district_owed"]])
    _append(money, [L["lottery_fund"], funding["lottery_fund"]])
    _append(money, [L["pooled_and_budget"], funding["pooled_and_budget"]])
    departments = workbook.create_sheet(sheets["departments"])
    _append(departments, [L["department"], L["mandatory"], L["advisory"]])
    for name, counts in document["departments"].items():
        _append(departments, [name, counts.get("mandatory", 0), counts.get("advisory", 0)])
    by_street = workbook.create_sheet(sheets["street_towns"])
    _append(by_street, [L["street"], L["mandatory"], L["advisory"]])
    for s in document["street_towns"]:
        _append(by_street, [s["street_town"] or L["no_street"], s["mandatory"], s["advisory"]])
    review = workbook.create_sheet(sheets["exit_review"])
    year = document["year"]
    _append(review, [L["exit_review"], L["exit_operator"], L["exit_facility"], L["street"],
                   *[fill(L["exit_failed"], {"year": y}) for y in (year - 1, year)]])
    for operator in document["exit_review_by_operator"]:
        for f in operator["facilities"]:
            failed = ["\n".join(f"{r['rule']} {r['title'] or ''}".strip()
                                for r in y["failed_mandatory"]) for y in f["years"]]
            _append(review, [f["id"], operator["operator_name"] or L["exit_no_operator"],
                           f["name"], f["street_town"] or L["no_street"], *failed])
    unplanned = workbook.create_sheet(sheets["unplanned"])
    _append(unplanned, ["id", L["street"]])
    for item in document["unplanned"]:
        _append(unplanned, [item["id"], item["street_town"]])
    readings = workbook.create_sheet(sheets["readings"])
    _append(readings, [words["reading_id"], words["reading_text"], words["reading_rules"]])
    for reading in document.get("readings", []):
        _append(readings, [reading["id"], reading["text"],
                           labels(lang)["value"]["list_separator"].join(reading["rules"])])
    _rejected_sheet(workbook.create_sheet(sheets["rejected"]), document["rejected"], lang)
    for sheet in workbook.worksheets:
        if sheet.max_row > 1:
            sheet.auto_filter.ref = filters.get(sheet.title, sheet.dimensions)
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 28
    _save(workbook, path)


def _rejected_sheet(sheet: Worksheet, rejected: list[dict[str, Any]], lang: Lang) -> None:
    """The records that could not be evaluated, as the reports' annex lists them (file,
    record and its position, field, reason): one row for each reason."""
    words = labels(lang)
    report, punct = words["report"], words["punct"]
    _append(sheet, [report["col_source"], report["col_record"], report["col_field"],
                    report["col_reason"]])
    for entry in rejected:
        record = entry.get("record") or ""
        if entry.get("position"):
            record = f"{record}{punct['open']}{entry['position']}{punct['close']}"
        errors = entry.get("errors") or [{"field": entry.get("field"),
                                          "message": entry["message"]}]
        for error in errors:
            _append(sheet, [entry["source"], record, error["field"] or "", error["message"]])
