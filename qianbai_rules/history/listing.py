"""The list of rectification items (``qianbai rectification``) as a person or a program
reads it: JSON (one object per item), a text table, a workbook with one sheet."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from qianbai_rules.core.problems import Lang, Text
from qianbai_rules.io.workbooks import append_row, save_workbook
from qianbai_rules.pipeline.followup import ItemState, RectificationItem
from qianbai_rules.rules.departments import names_on
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.texts.formats import display_width, written_date
from qianbai_rules.texts.labels import label

COLUMNS = ("facility", "rule", "title", "street_town", "department", "opened_on",
           "inspection", "deadline", "state", "closed_on")
_DATES = frozenset({"opened_on", "deadline", "closed_on"})
DATE_FORMAT: Mapping[Lang, str] = {"zh": 'yyyy"年"m"月"d"日"', "en": "yyyy-mm-dd"}


@dataclass(frozen=True)
class Names:
    """What the items name by code, in words: rule titles, department names."""

    titles: Mapping[str, Text]
    departments: Mapping[str, Text]

    @classmethod
    def of(cls, ruleset: Ruleset, day: dt.date) -> Names:
        return cls({rule.id: rule.title for rule in ruleset.rules},
                   names_on(ruleset.departments, day))

    def title(self, rule: str, lang: Lang) -> str | None:
        title = self.titles.get(rule)
        return title(lang) if title is not None else None

    def code(self, given: str) -> str | None:
        """The code of a department named by its code or by its name (either language)."""
        for code, name in self.departments.items():
            if given in (code, name("zh"), name("en")):
                return code
        return None

    def known_departments(self, lang: Lang) -> list[str]:
        return [*self.departments, *(name(lang) for name in self.departments.values())]

    def departments_named(self, lang: Lang) -> list[str]:
        """Every department as ``name（code）``, for a message."""
        return [label("rectification.department_choice", lang, name=name(lang), code=code)
                for code, name in self.departments.items()]

    def department(self, code: str, lang: Lang) -> str:
        name = self.departments.get(code)
        return name(lang) if name is not None else code


def as_json(items: Sequence[RectificationItem], day: dt.date, names: Names,
            lang: Lang) -> dict[str, Any]:
    return {"as_of": day.isoformat(),
            "items": [{**item.as_json(), "title": names.title(item.rule, lang)}
                      for item in items]}


def _cells(item: RectificationItem, names: Names, lang: Lang,
           date: Callable[[dt.date | None], Any]) -> dict[str, Any]:
    return {"facility": item.facility, "rule": item.rule,
            "title": names.title(item.rule, lang) or "",
            "street_town": item.street_town or label("rectification.no_street", lang),
            "department": names.department(item.department, lang),
            "opened_on": date(item.opened_on), "inspection": item.inspection or "",
            "deadline": date(item.deadline),
            "state": label(f"rectification.state.{item.state.value}", lang),
            "closed_on": date(item.closed_on)}


def _header(lang: Lang) -> dict[str, str]:
    return {column: label(f"rectification.col.{column}", lang) for column in COLUMNS}


def summary(items: Sequence[RectificationItem], day: dt.date, lang: Lang) -> str:
    counts = Counter(item.state for item in items)
    return label("rectification.summary", lang, as_of=written_date(day, lang),
                 total=len(items), **{state.value: counts[state] for state in ItemState})


def as_text(items: Sequence[RectificationItem], day: dt.date, names: Names, lang: Lang) -> str:
    """A heading with the counts, then a table whose columns are as wide as their widest
    cell (a Chinese character counts two)."""
    lines = [summary(items, day, lang)]
    if not items:
        return "\n".join([*lines, label("rectification.none", lang)]) + "\n"
    def written(value: dt.date | None) -> str:
        return written_date(value, lang) if value is not None else ""
    table = [_header(lang), *(_cells(item, names, lang, written) for item in items)]
    widths = {c: max(display_width(str(row[c])) for row in table) for c in COLUMNS}
    lines.append("")
    lines += ["  ".join(str(row[c]) + " " * (widths[c] - display_width(str(row[c])))
                        for c in COLUMNS).rstrip() for row in table]
    return "\n".join(lines) + "\n"


def write_workbook(items: Sequence[RectificationItem], path: Path, names: Names,
                   lang: Lang) -> None:
    """One sheet: the header row frozen and filtered, dates as dates (shown 2019年12月31日)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = label("rectification.sheet", lang)
    header = _header(lang)
    append_row(sheet, [header[c] for c in COLUMNS])
    for item in items:
        cells = _cells(item, names, lang, lambda value: value)
        append_row(sheet, [cells[c] for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        widest = max((display_width(str(c.value or "")) for c in sheet[letter]), default=8)
        sheet.column_dimensions[letter].width = min(max(widest, 8) + 2, 60)
        if column in _DATES:
            for cell in sheet[letter][1:]:
                cell.number_format = DATE_FORMAT[lang]
    sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "A2"
    save_workbook(workbook, path)
