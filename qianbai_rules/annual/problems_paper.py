"""五、存在问题 and 六、下一步建议 as blocks (:mod:`.blocks`): the drafted sentences as numbered
items, then the problem list as a table; the workbook's 问题清单 (problems_sheet.py) has the
same columns and cells."""

from __future__ import annotations

from collections.abc import Sequence

from qianbai_rules.annual.blocks import Block, Items, Para, Table, TableRow
from qianbai_rules.annual.drafting import Drafted
from qianbai_rules.annual.problems import ProblemFacility, ProblemItem
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.core.problems import Lang
from qianbai_rules.model.display import type_names
from qianbai_rules.texts.labels import label, labels

Cell = str | int | None


HISTORY = ("exit_review", "open_items")  # the columns only a history gives


def columns(report: AnnualReport) -> tuple[str, ...]:
    """The problem list's columns; the exit review and open items only with a history."""
    found = ("number", "id", "name", "street", "type", "operator", "verdict", "failed",
             "missing", "departments")
    return found + (HISTORY if report.history is not None else ())


def header(report: AnnualReport, lang: Lang) -> tuple[str, ...]:
    col = labels(lang)["annual_problems"]["col"]
    return tuple(col[c] for c in columns(report))


def cells(report: AnnualReport, lang: Lang, lines: str) -> list[tuple[ProblemFacility,
                                                                      dict[str, Cell]]]:
    """Each listed facility with its cells by column; items joined by ``lines``."""
    words = labels(lang)
    AP, verdicts, types = words["annual_problems"], words["verdict"], type_names(lang)

    def items(found: Sequence[ProblemItem]) -> str:
        return lines.join(f"{i.rule} {i.title or ''}".strip() for i in found)
    rows = []
    for n, p in enumerate(report.drafting.facilities, 1):
        values: dict[str, Cell] = {
            "number": n, "id": p.id, "name": p.name,
            "street": p.street_town or words["annual"]["no_street"],
            "type": types.get(p.type, p.type), "operator": p.operator_name or AP["no_operator"],
            "verdict": verdicts[p.verdict], "failed": items(p.failed_mandatory),
            "missing": items(p.missing_mandatory),
            "departments": words["value"]["list_separator"].join(d.name for d in p.departments),
            "exit_review": AP["yes"] if p.exit_review else AP["no"],
            "open_items": p.open_items}
        rows.append((p, {c: values[c] for c in columns(report)}))
    return rows


def _numbered(sentences: Sequence[Drafted], key: str) -> Items:
    return Items(tuple(s.text for s in sentences), key=key)


def _paper_table(report: AnnualReport, lang: Lang) -> Table:
    """The problem list as the report prints it: the workbook's cells, paired as the facility
    annex pairs them (id and name, street and type) and the unmet and missing items in one
    column, so that a page holds it."""
    words = labels(lang)
    AP, sep = words["annual_problems"], words["value"]["list_separator"]
    col = AP["col"]
    history = HISTORY if report.history is not None else ()
    rows = []
    for p, v in cells(report, lang, "\n"):
        items = [f"{AP[lead]}{v[key]}" for key, lead in (("failed", "failed_lead"),
                                                       ("missing", "missing_lead")) if v[key]]
        shown = (v["number"], f"{v['id']}\n{v['name'] or ''}".strip(),
                 f"{v['street']}\n{v['type']}", v["operator"], v["verdict"], "\n".join(items),
                 "\n".join(d.name for d in p.departments), *(v[c] for c in history))
        rows.append(TableRow(tuple("" if c is None else str(c) for c in shown), key=p.id))
    return Table("problem_facilities", (
        col["number"], f"{col['id']}{sep}{col['name']}", f"{col['street']}{sep}{col['type']}",
        col["operator"], col["verdict"], col["items"], col["departments"],
        *(col[c] for c in history)), tuple(rows),
        (True, *(False,) * 6, *(c == "open_items" for c in history)),
        caption=label("annual_problems.list_caption", lang))


def problems_blocks(report: AnnualReport, lang: Lang) -> list[Block]:
    """存在问题: the drafted problems, then the problem list."""
    blocks: list[Block] = [_numbered(report.drafting.problems, "problems")]
    if not report.drafting.facilities:
        return [*blocks, Para(label("annual_problems.list_none", lang))]
    return [*blocks, _paper_table(report, lang)]


def suggestions_blocks(report: AnnualReport, lang: Lang) -> list[Block]:
    """下一步建议: one numbered item per drafted suggestion."""
    return [_numbered(report.drafting.suggestions, "suggestions")]
