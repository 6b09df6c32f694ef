"""Input-sanity limits: the one place for the bounds that records, rules, readers and the
command line enforce. They are not plan thresholds (those live in ``rules/``): they keep every
value inside what both evaluators represent exactly and what durable_rules can compile and
match, and keep a careless or hostile file from taking hours or gigabytes (README, "Limits").
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Final

# Numbers: one policy for records and rules. Records have per-field bounds; a number
# written in a rule (a parameter value or a literal in a condition) is finite, at most
# 10^12 in magnitude and has at most six decimal places, so that a field times a
# parameter stays exact enough for both evaluators to agree (durable_rules clamps
# integers at 2**63 and refuses infinity and exponent notation).
MAX_AREA_M2: Final = 10_000_000
MAX_COUNT: Final = 1_000_000_000
MAX_RULE_NUMBER: Final = 10**12
MAX_DECIMALS: Final = 6
RULE_NUMBERS: Final = (f"a number in a rule is finite, at most {MAX_RULE_NUMBER:,} in magnitude, "
                       f"with at most {MAX_DECIMALS} decimal places")

# Dates: the as-of date and the evaluated year, so that a year after or before stays a
# date (9999-12-31 plus one day does not exist).
FIRST_DATE: Final = dt.date(1900, 1, 1)
LAST_DATE: Final = dt.date(2999, 12, 31)
# A number in a date column of a spreadsheet is Excel's serial day number, read only for
# the days a facility's dates can fall on: a wider window would read a typo or a year-month
# (19, 201905) as a day of 1900 or of the 25th century and decide a subsidy on it. (After
# Excel's false 29 February 1900, a serial counts the days since 1899-12-30.)
FIRST_SERIAL_DATE: Final = dt.date(1950, 1, 1)
LAST_SERIAL_DATE: Final = dt.date(2099, 12, 31)
FIRST_SERIAL: Final = (FIRST_SERIAL_DATE - dt.date(1899, 12, 30)).days
LAST_SERIAL: Final = (LAST_SERIAL_DATE - dt.date(1899, 12, 30)).days
# A workbook in Excel's 1904 date system counts from 1904-01-01: its serials are this many
# fewer than the 1900 system's for the same day.
SERIALS_1904_OFFSET: Final = 1462

# Rule, parameter and plan files: regular files of at most this size (the largest
# shipped file is about 25 KB).
MAX_RULE_FILE_BYTES: Final = 1024 * 1024

# Conditions, as durable_rules 2.0.28 compiles and matches them (measured; see
# tests/test_hostile_rules.py):
# - one engine rule holds at most 31 expression slots: each ``$and``/``$or`` takes two and
#   each comparison with another field (or a field times a parameter) one (error 113 above).
#   A comparison checks its fields' presence with it, so an ``any`` or ``all`` holds at
#   most 13 comparisons (either it or its negation is an ``$or`` of them);
# - one node of the engine's network has at most 511 distinct tests below it: with 512 the
#   engine loops forever when a fact is asserted.
MAX_ENGINE_EXPRESSIONS: Final = 31
MAX_ENGINE_TESTS: Final = 400  # distinct tests in one engine ruleset (the compiler splits)
MAX_LIST_VALUES: Final = 100  # values of one ``in``/``not_in`` list


def number_problem(value: object) -> str | None:
    """Why a number written in a rule is refused, or None (also for what is not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not a finite number"
    if abs(value) > MAX_RULE_NUMBER:
        return f"{value!r} is larger than {MAX_RULE_NUMBER:,} in magnitude"
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        return f"{value!r} has more than {MAX_DECIMALS} decimal places"
    return None


def date_problem(day: dt.date) -> str | None:
    """Why an as-of date is refused, or None."""
    if FIRST_DATE <= day <= LAST_DATE:
        return None
    return f"{day.isoformat()} is outside {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"


# --- the readers ---
MIB: Final = 1024 * 1024

# A YAML, JSON or CSV file (or standard input) is read whole: at most this many bytes.
MAX_DOCUMENT_BYTES: Final = 64 * MIB
# An evidence file of an attestation is hashed up to this size and refused beyond: a scan
# or a photograph is far smaller, and a "file" of /proc (pagemap) would never end.
MAX_EVIDENCE_BYTES: Final = 256 * MIB
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
MAX_FUNDS_ROWS: Final = 10_000  # rows of a funds file (a few per year, level and source)
MAX_CELL_CHARS: Final = 32_767  # Excel's own limit on a cell's text
MAX_ROW_CHARS: Final = 1_000_000  # the text of one row's cells, all together
MAX_SHEET_ERRORS: Final = 1_000  # rows a sheet's structure breaks (row numbers, cell
# references) before reading it stops with one entry

# Items of a list field in a record (equipment, services, ...).
MAX_LIST_ITEMS: Final = 100
