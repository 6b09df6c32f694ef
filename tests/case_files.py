"""The input file a reader case (tests/data/*/reader-cases.yaml) describes, written for the
test: a workbook from ``workbook`` (sheet title: rows), else a text file from ``content``
(``{long}`` standing for 600 Chinese characters)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook


def write_case_file(folder: Path, case: dict[str, Any]) -> Path:
    path: Path = folder / str(case["file"])
    if "workbook" in case:
        book = Workbook()
        book.remove(book.active)
        for title, rows in case["workbook"].items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        book.save(path)
    else:
        path.write_text(case["content"].replace("{long}", "长" * 600), encoding="utf-8")
    return path
