"""Dates as people write them, read in one place for every input format: the cases are
data (tests/data/dates.yaml), each named by a sentence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.core.limits import (
    FIRST_SERIAL,
    FIRST_SERIAL_DATE,
    LAST_SERIAL,
    LAST_SERIAL_DATE,
)
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.model.dates import DateProblem, Serial, read_date, serial_date, serial_of
from qianbai_rules.model.validation import parse_record

CASES = Path(__file__).parent / "data" / "dates.yaml"


def _cases() -> list[Any]:
    doc = load_yaml(CASES.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return [pytest.param(case, id=case["name"]) for case in doc["cases"]]


def _value(case: dict[str, Any]) -> Any:
    if "serial" in case:
        return Serial(case["serial"])
    return case["number"] if "number" in case else case["text"]


@pytest.mark.parametrize("case", _cases())
def test_a_date_as_written(case: dict[str, Any]) -> None:
    value = _value(case)
    if "date" in case:
        expected = case["date"]
        assert read_date(value) == (expected if isinstance(expected, dt.date)
                                    else dt.date.fromisoformat(expected))
        return
    with pytest.raises(ValueError) as raised:
        read_date(value)
    if case.get("not_a_date"):
        assert not isinstance(raised.value, DateProblem)
    else:
        assert isinstance(raised.value, DateProblem)
        assert (raised.value.text.zh, raised.value.text.en) == (
            case["error"]["zh"], case["error"]["en"])


@pytest.mark.parametrize("case", _cases())
def test_a_record_reads_a_date_as_the_reader_does(case: dict[str, Any]) -> None:
    """The record model reads a date field through the same reader: the same date, or the
    same reason (a text that is no date: the forms a date is written in)."""
    parsed = parse_record({"id": "D-1", "facility_type": "station",
                           "status": {"opened_on": _value(case)}})
    if "date" in case:
        assert not isinstance(parsed, list)
        assert parsed.status.opened_on == read_date(_value(case))
        return
    assert isinstance(parsed, list)
    [(field, message)] = parsed
    assert field == "status.opened_on"
    if case.get("not_a_date"):
        assert "2019/5/20" in message.zh and "2019年5月20日" in message.zh
        assert "2019/5/20" in message.en
    else:
        assert message.en == case["error"]["en"]


def test_every_serial_is_the_day_excel_shows_and_back() -> None:
    """Each day of the window of serials read and its serial number undo each other, and the
    serials of its first and last days are the limits' (every day: 54,787 of them)."""
    assert serial_of(FIRST_SERIAL_DATE) == FIRST_SERIAL == 18264
    assert serial_of(LAST_SERIAL_DATE) == LAST_SERIAL
    assert serial_of(dt.date(2019, 5, 20)) == 43605  # as Excel shows it
    day = FIRST_SERIAL_DATE
    while day <= LAST_SERIAL_DATE:
        assert serial_date(float(serial_of(day))) == day
        day += dt.timedelta(days=1)
