"""A Word document for officials to edit before sealing: A4, Chinese fonts named for a
Chinese desktop (宋体 body, 黑体 headings, Times New Roman for Latin), page numbers in the
footer, and the same bytes for the same input (fixed properties and zip timestamps).

Text always goes in as text (python-docx escapes it); never as markup."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from qianbai_rules.core.safetext import visible

BODY_FONT = ("Times New Roman", "宋体")  # (Latin, East Asian)
HEADING_FONT = ("Times New Roman", "黑体")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _fonts(element: object, latin: str, east_asian: str) -> None:
    r_pr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = r_pr.get_or_add_rFonts()
    for key in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(key), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE) in ``paragraph``, which Word fills in when it lays out."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)


class Word:
    """One Word document being written, with the few shapes the reports use."""

    def __init__(self, page_before: str, page_after: str) -> None:
        self.doc: WordDocument = Document()
        self.pages = 0
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)
        styles = self.doc.styles
        for lang in styles.element.iter(qn("w:lang")):  # the template's en-US, for CJK too
            lang.set(qn("w:eastAsia"), "zh-CN")
        normal = styles["Normal"]
        normal.font.size = Pt(12)
        _fonts(normal.element, *BODY_FONT)
        for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
            style = styles[name]
            _fonts(style.element, *HEADING_FONT)
            style.font.color.rgb = None
        title = styles["Title"]
        title.paragraph_format.alignment = 1  # centred, without the template's rule below
        borders = title.element.pPr.find(qn("w:pBdr")) if title.element.pPr is not None else None
        if borders is not None:
            title.element.pPr.remove(borders)
        footer = section.footer.paragraphs[0]
        footer.alignment = 1  # centred
        footer.add_run(page_before)
        _field(footer, "PAGE")
        footer.add_run(page_after)

    def new_page(self) -> None:
        """Each facility after the first starts on a new page."""
        if self.pages:
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self.pages += 1

    def heading(self, text: str, level: int) -> Paragraph:
        heading: Paragraph = self.doc.add_heading(visible(text), level)
        return heading

    def para(self, *parts: str | tuple[str, bool], style: str | None = None) -> Paragraph:
        """A paragraph of text runs; a ``(text, True)`` part is bold."""
        paragraph = self.doc.add_paragraph(style=style)
        for part in parts:
            text, bold = part if isinstance(part, tuple) else (part, False)
            if text:
                paragraph.add_run(visible(text)).bold = bold or None
        return paragraph

    def item(self, number: int, *parts: str | tuple[str, bool]) -> Paragraph:
        """A numbered item whose number is text, so an edit in Word never renumbers it."""
        return self.para(f"{number}. ", *parts)

    def table(self, header: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> None:
        """A table with a header row that repeats on each page (None: facts, no header)."""
        width = len(header) if header is not None else len(rows[0]) if rows else 2
        table = self.doc.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        if header is not None:
            head = table.add_row()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            head._tr.get_or_add_trPr().append(repeat)
            for cell, text in zip(head.cells, header, strict=True):
                cell.paragraphs[0].add_run(visible(text)).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                first, *more = text.split("\n")  # one paragraph a line
                cell.paragraphs[0].add_run(visible(first))
                for line in more:
                    cell.add_paragraph(visible(line))

    def keep_together(self, paragraphs: Sequence[Paragraph]) -> None:
        """Keep ``paragraphs`` on one page (the seal block)."""
        for paragraph in paragraphs:
            paragraph.paragraph_format.keep_together = True
        for paragraph in paragraphs[:-1]:
            paragraph.paragraph_format.keep_with_next = True

    def save(self, title: str, on: dt.date) -> bytes:
        """The document's bytes: dated ``on`` (the run's as-of date), zip entries with fixed
        timestamps, so the same input gives the same bytes."""
        props = self.doc.core_properties
        moment = dt.datetime.combine(on, dt.time())
        props.created = props.modified = props.last_printed = moment
        props.title = visible(title)
        props.author = props.last_modified_by = ""
        props.revision = 1
        props.comments = props.keywords = props.subject = props.category = ""
        raw = io.BytesIO()
        self.doc.save(raw)
        fixed = io.BytesIO()
        with zipfile.ZipFile(raw) as source, \
                zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                entry = zipfile.ZipInfo(info.filename, _ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o600 << 16
                target.writestr(entry, source.read(info.filename))
        return fixed.getvalue()
