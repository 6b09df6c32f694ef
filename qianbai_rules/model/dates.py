"""A record's dates as people write them: the one reader of a date field for every input
format (YAML gives dates, JSON and CSV text, a workbook date cells and numbers).

Accepted (record.md): ``2019-05-20``, ``2019/5/20`` (what Excel in China writes to CSV),
``2019年5月20日``, a date, and a number from a date column of a spreadsheet read as Excel's
serial day number (:class:`Serial`, the 1900 date system). A date that does not exist
(2019-02-30) is named as such; text that is no date says which forms are accepted.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import Any, Final

from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.limits import (
    FIRST_DATE,
    FIRST_SERIAL,
    FIRST_SERIAL_DATE,
    LAST_DATE,
    LAST_SERIAL,
    LAST_SERIAL_DATE,
)
from qianbai_rules.core.problems import Text
from qianbai_rules.texts.formats import written_text
from qianbai_rules.texts.labels import text

# Year, month and day as written: 2019-05-20 (or 2019-5-20), 2019/5/20, 2019年5月20日.
_FORMS: Final = re.compile(
    r"(\d{4})(?:-(\d{1,2})-(\d{1,2})|/(\d{1,2})/(\d{1,2})|\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日)",
    re.ASCII)
# Excel counts 1900 as a leap year (its serial 60 is a 29 February 1900 that never was): the
# serials read (from 1950 on) are one ahead of the count from 31 December 1899.
_EPOCH: Final = dt.date(1899, 12, 31)


class Serial(float):
    """A number read from a date column of a spreadsheet (an XLSX number cell, digits in a
    CSV cell): Excel's serial number of a day. Only the readers of tables make one, so a
    number in a YAML or JSON date field stays a number, and is refused."""

    __slots__ = ()

    def __repr__(self) -> str:
        """As the user typed it: 20180401, not 2.01804e+07."""
        value = float(self)
        if not math.isfinite(value) or abs(value) >= 1e15:
            return f"{value:g}"
        return str(int(value)) if value.is_integer() else f"{value:f}".rstrip("0").rstrip(".")


class DateProblem(QianbaiError, ValueError):
    """Why a date is refused, in both languages."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.text = message


def read_date(value: Any) -> dt.date:
    """The date a field's value gives, from FIRST_DATE to LAST_DATE. Raises
    :class:`DateProblem` for a date that does not exist or is out of range, and a plain
    ValueError for what is no date at all (the caller says which forms are accepted)."""
    if isinstance(value, Serial):
        day = serial_date(value)
    elif isinstance(value, dt.datetime):
        raise ValueError("date")
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        day = _written(value.strip())
    else:
        raise ValueError("date")
    if not FIRST_DATE <= day <= LAST_DATE:
        raise DateProblem(text("problem.value.date_out_of_range", date=written_text(day),
                               first=written_text(FIRST_DATE), last=written_text(LAST_DATE)))
    return day


def _written(written: str) -> dt.date:
    found = _FORMS.fullmatch(written)
    if found is None:
        raise ValueError("date")
    year, *parts = (int(part) for part in found.groups() if part is not None)
    month, day = parts
    return checked_date(year, month, day)


def checked_date(year: int, month: int, day: int) -> dt.date:
    """The date of these numbers, or :class:`DateProblem` naming what does not exist."""
    if not 1 <= month <= 12:
        raise DateProblem(text("problem.value.no_such_month", year=year, month=month))
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise DateProblem(text("problem.value.no_such_day", year=year, day=day,
                               month=Text(str(month), calendar.month_name[month])))
    return dt.date(year, month, day)


def serial_date(serial: float) -> dt.date:
    """The day of an Excel serial number (1900 date system): 1 is 1900-01-01, 61 is
    1900-03-01; 60, Excel's 29 February 1900, is named as the day that does not exist.
    A number that reads as a year (1900 to 2999) is refused as one: a year typed into a date
    column is more likely than a day of 1905 to 1908. Only the serials of
    FIRST_SERIAL_DATE to LAST_SERIAL_DATE are read (core/limits.py says why)."""
    if serial.is_integer() and FIRST_DATE.year <= serial <= LAST_DATE.year:
        raise DateProblem(text("problem.value.year_not_date", year=int(serial)))
    if not serial.is_integer() or not FIRST_SERIAL <= serial <= LAST_SERIAL:
        raise DateProblem(text("problem.value.date_serial", value=repr(Serial(serial)),
                               first=FIRST_SERIAL, last=LAST_SERIAL,
                               first_date=written_text(FIRST_SERIAL_DATE),
                               last_date=written_text(LAST_SERIAL_DATE)))
    return _EPOCH + dt.timedelta(days=int(serial) - 1)  # after the false leap day


def serial_of(day: dt.date) -> int:
    """Excel's serial number of a day (1900 date system): :func:`serial_date` undone."""
    return (day - _EPOCH).days + 1
