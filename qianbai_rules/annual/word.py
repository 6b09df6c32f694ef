"""The 绩效评价报告 as a Word document (``evaluate --format docx``): the blocks of the outline
laid out with :class:`.Word` (fonts, page numbers, the same bytes for the same input), so
what an official edits before sealing holds what the HTML shows."""

from __future__ import annotations

import datetime as dt

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

from qianbai_rules.annual.blocks import Block, Chart, Items, Paper, Para, Part, Signature, Table
from qianbai_rules.core.problems import Lang
from qianbai_rules.reports.docx_base import Word
from qianbai_rules.texts.labels import labels

WIDE = 5  # columns beyond which a table is set in smaller type


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
    small = len(table.header) > WIDE  # a wide table in smaller type, so its cells keep words
    for index, row in enumerate(made.rows):
        source = table.rows[index - offset] if index >= offset else None
        for cell, right in zip(row.cells, table.aligned(), strict=True):
            for paragraph in cell.paragraphs:
                if right and source is not None:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in paragraph.runs:
                    if source is not None and source.total:
                        run.bold = True
                    if small:
                        run.font.size = Pt(9)
