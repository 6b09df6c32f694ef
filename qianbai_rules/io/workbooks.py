"""Writing Excel workbooks (openpyxl): rows whose text is never a live formula and never
makes the file unreadable, and the file saved atomically. Every workbook the tool writes
(the input template, the annual evaluation) goes through here.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from qianbai_rules.core.safetext import cell_text
from qianbai_rules.io import writing


def append_row(sheet: Worksheet, values: list[Any]) -> None:
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


def save_workbook(workbook: Workbook, path: Path) -> None:
    """The workbook written to ``path`` whole or not at all."""
    buffer = BytesIO()
    workbook.save(buffer)
    writing.write_atomically(path, buffer.getvalue())
