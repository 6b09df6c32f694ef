"""The 绩效评价报告 as a Word document (``evaluate --format docx``): the blocks of the outline
laid out with :class:`.Word` (fonts, page numbers, the same bytes for the same input), so
what an official edits before sealing holds what the HTML shows."""

from __future__ import annotations

import datetime as dt
import unicodedata

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as WordTable

from qianbai_rules.annual.blocks import Block, Chart, Items, Paper, Para, Part, Signature, Table
from qianbai_rules.core.problems import Lang
from qianbai_rules.reports.docx_base import Word
from qianbai_rules.texts.labels import labels

WIDE, WIDER = 5, 8  # columns beyond which a table is set in smaller type, then smaller still
BODY_POINTS = 12  # the body's type (docx_base.Word)
TEXT_WIDTH_MM = 160  # A4 less the margins (docx_base.Word)
MARGIN_MM, NARROW_MARGIN_MM = 1.9, 1.0  # either side of a cell's text: Word's, the widest's
NARROWEST, WIDEST = 6, 20  # what a column asks, in half-width characters, bounded
HEADER = 8  # what a header asks of its column's width, at most
HALF_WIDTH_EM = 0.55  # a digit or Latin letter of the body fonts, in ems (a little over)
MM_PER_POINT = 25.4 / 72


def word_document(paper: Paper, lang: Lang, on: dt.date) -> bytes:
    """The document's bytes, dated ``on`` (the evaluation's as-of date)."""
    L = labels(lang)
    word = Word(L["docx"]["page_before"], L["docx"]["page_after"])
    word.heading(paper.title, 0)
    word.para(paper.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in paper.sections:
        _part(word, section, 1, L)
    return word.save(paper.title, on)


def _tagged(text: str, readings: tuple[str, ...], L: dict[str, object]) -> str:
    if not readings:
        return text
    reading = L["reading"]
    assert isinstance(reading, dict)
    sep = L["value"]["list_separator"]  # type: ignore[index]
    return f"{text}{reading['separator']}{reading['tag']}{sep.join(readings)}"


def _part(word: Word, part: Part, level: int, L: dict[str, object]) -> None:
    if part.new_page:
        word.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    if part.title:
        word.heading(_tagged(part.title, part.readings, L), min(level, 3))
    for block in part.blocks:
        if isinstance(block, Part):
            _part(word, block, level + 1, L)
        else:
            _block(word, block, L)


def _block(word: Word, block: Block, L: dict[str, object]) -> None:
    if isinstance(block, Para):
        paragraph = word.para((block.lead, True), _tagged(block.text, block.readings, L))
        if block.small:
            for run in paragraph.runs:
                run.font.size = word.doc.styles["Normal"].font.size * 0.8
    elif isinstance(block, Items):
        for number, item in enumerate(block.items, 1):
            first, *more = item.split("\n")
            paragraph = word.item(number, first) if block.numbered else word.para(first)
            for line in more:
                paragraph.add_run().add_break()
                paragraph.add_run(line)
    elif isinstance(block, Table):
        _table(word, block, L)
    elif isinstance(block, Chart):
        if block.table is not None:
            _table(word, block.table, L)
    elif isinstance(block, Signature):
        lines = [word.para(line) for line in ("", *block.lines)]
        for paragraph in lines:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        word.keep_together(lines)


def _table(word: Word, table: Table, L: dict[str, object]) -> None:
    if table.caption or table.readings:
        word.para((_tagged(table.caption, table.readings, L), True))
    header = table.header if any(table.header) else None
    word.table(header, [row.cells for row in table.rows])
    made = word.doc.tables[-1]
    offset = 0 if header is None else 1
    columns = len(table.header)
    points = 8 if columns > WIDER else 9 if columns > WIDE else BODY_POINTS  # cells keep words
    for index, row in enumerate(made.rows):
        source = table.rows[index - offset] if index >= offset else None
        for cell, right in zip(row.cells, table.aligned(), strict=True):
            for paragraph in cell.paragraphs:
                if right and source is not None:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in paragraph.runs:
                    if source is not None and source.total:
                        run.bold = True
                    if points != BODY_POINTS:
                        run.font.size = Pt(points)
    if columns > WIDER:
        _narrow_margins(made)
    _widths(made, table, points, NARROW_MARGIN_MM if columns > WIDER else MARGIN_MM)


def _widths(made: WordTable, table: Table, points: float, margin_mm: float) -> None:
    """Column widths: a column of amounts, rates or dates as wide as its longest line, so
    that none is broken over two lines; the rest of the page shared by the other columns
    as their longest lines ask (within bounds), a long name wrapping; a header wraps at a
    few characters rather than widen its column."""
    body = [row.cells for row in table.rows]
    if not body:
        return
    per_character = points * HALF_WIDTH_EM * MM_PER_POINT
    asked = [min(max(NARROWEST, min(_longest(table.header[i]), HEADER),
                     *(_longest(row[i]) for row in body)), WIDEST)
             for i in range(len(body[0]))]
    numeric = table.aligned()
    kept = [a * per_character + 2 * margin_mm if n else 0.0
            for a, n in zip(asked, numeric, strict=True)]
    left = TEXT_WIDTH_MM - sum(kept)
    shared = sum(a for a, n in zip(asked, numeric, strict=True) if not n)
    if left < shared * per_character / 2:  # no room to keep the amounts whole: share all
        kept, left, shared = [0.0] * len(asked), TEXT_WIDTH_MM, sum(asked)
    widths = [Mm(k if k else left * a / shared) for k, a in zip(kept, asked, strict=True)]
    made.autofit = False
    for column, width in zip(made.columns, widths, strict=True):
        column.width = width  # the table's grid, which LibreOffice lays out by
    for row in made.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # each cell's, which Word lays out by


def _longest(text: str) -> int:
    """The width of a cell's longest line in half-width characters (a Chinese character
    is two)."""
    return max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
               for line in text.split("\n"))


def _narrow_margins(made: WordTable) -> None:
    """Cell margins of 1 mm (Word's default is 1.9 mm), so that a table of many amounts
    fits the page without breaking them."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(NARROW_MARGIN_MM / MM_PER_POINT * 20)))  # twips
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    made._tbl.tblPr.append(margins)
