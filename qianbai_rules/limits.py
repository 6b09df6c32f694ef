"""Input-sanity limits of the readers: what one input file may hold before it is refused
with a clear message. They are not plan thresholds (those live in ``rules/``); they keep
a careless or hostile file from taking hours or gigabytes (README, "Limits").
"""

from __future__ import annotations

from typing import Final

MIB: Final = 1024 * 1024

# A YAML, JSON or CSV file (or standard input) is read whole: at most this many bytes.
MAX_DOCUMENT_BYTES: Final = 64 * MIB
# A JSON Lines file is read one line at a time: each line at most this many bytes.
MAX_LINE_BYTES: Final = 1 * MIB
# Nesting of lists and mappings in a YAML or JSON document.
MAX_DEPTH: Final = 50

# An XLSX workbook (a zip of XML parts).
MAX_XLSX_BYTES: Final = 64 * MIB  # the workbook file itself
MAX_XLSX_UNCOMPRESSED: Final = 512 * MIB  # all of its parts, uncompressed
MAX_XLSX_RATIO: Final = 200  # uncompressed : compressed, for any part of more than 1 MiB
MAX_XLSX_PARTS: Final = 10_000
MAX_CELLS: Final = 10_000_000  # cells read from the sheet
MAX_ROW: Final = 1_048_576  # Excel's own last row and column (XFD)
MAX_COLUMN: Final = 16_384
MAX_HEADER_COLUMNS: Final = 1_000  # columns of the header row
MAX_CELL_CHARS: Final = 32_767  # Excel's own limit on a cell's text

# Items of a list field in a record (equipment, services, ...).
MAX_LIST_ITEMS: Final = 100
