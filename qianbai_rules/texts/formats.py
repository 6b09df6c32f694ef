"""One formatter per kind of value a person reads: every report, message and template
shows numbers, amounts, dates and lists through these, so the same value reads the same
wherever it appears.

Two families: :func:`number` and :func:`scalar` are exact and machine-stable (the
``required`` expression of a finding, rule descriptions); :func:`quantity`, :func:`money`,
:func:`count` are for people: whole numbers from 1,000 on are grouped in thousands (the
financial convention of amounts in yuan), so ``8,333`` reads the same in a table and in
a sentence.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Final

from qianbai_rules.core.problems import Lang, Text
from qianbai_rules.texts.labels import label

GROUP_FROM: Final = 1_000  # whole numbers from here on are grouped in thousands
WAN: Final = 10_000  # yuan in one 万元
NO_AMOUNT: Final = "—"  # an amount that is not known, in a table or in a sentence
# Units of amounts in yuan, with the label of what follows the amount (per year).
YUAN_UNITS: Final = {"yuan": None, "yuan per year": "unit.per_year"}


def number(value: Fraction | int | float) -> str:
    """A number exactly: ``200``, ``0.1``, ``2`` for 2.0; a fraction as a decimal when it
    is short, else as ``p/q``."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return format(float(value), "g") if len(str(float(value))) < 12 else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def scalar(value: Any) -> str:
    """A constant of a condition, machine-stable: ``true``, ``[a, b]``, a number exactly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, int | float):
        return number(value)
    return str(value)


def _grouped(value: int) -> str:
    return f"{value:,}" if abs(value) >= GROUP_FROM else str(value)


def quantity(value: Any) -> str:
    """A number a person reads (an area, a rate, a parameter value): large whole numbers
    grouped in thousands, others exactly; anything else as :func:`scalar` shows it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _grouped(value)
    return scalar(value)


def count(value: int) -> str:
    """How many (records, bytes, cells): grouped like any whole number."""
    return _grouped(value)


def money(value: int | None) -> str:
    """Whole yuan, grouped; :data:`NO_AMOUNT` when the amount is not known."""
    return NO_AMOUNT if value is None else _grouped(value)


def money_text(value: int | None, lang: Lang) -> str:
    """An amount in running text, as a government document writes it: in Chinese 万元 where
    the amount is exact in 万元 to two places (``25万元``, ``4.17万元``), else whole yuan
    (``8,333元``), no space before the unit; in English ``250,000 yuan``. :data:`NO_AMOUNT`
    when the amount is not known. Tables keep :func:`money` with the unit in the header."""
    if value is None:
        return NO_AMOUNT
    if lang != "zh":
        return f"{_grouped(value)} {label('unit.yuan', lang)}"
    if abs(value) >= WAN and value % 100 == 0:
        wan = Fraction(value, WAN)
        shown = str(wan.numerator // wan.denominator) if wan.denominator == 1 \
            else format(float(wan), ".2f").rstrip("0").rstrip(".")
        return f"{shown}{label('unit.wan_yuan', lang)}"
    return f"{_grouped(value)}{label('unit.yuan', lang)}"


def measure(value: Any, unit: str, lang: Lang) -> str:
    """A value with its unit as the catalogue names it: in Chinese with no space
    (``200平方米``, ``5万元/年``: amounts as :func:`money_text` writes them), in English
    with one (``200 m²``, ``50,000 yuan a year``); a word (``monthly``) by its label."""
    if isinstance(value, str):
        return label_or(f"subsidy.word.{value}", lang, value)
    if unit in YUAN_UNITS and isinstance(value, int) and not isinstance(value, bool):
        per = YUAN_UNITS[unit]
        return money_text(value, lang) + (label(per, lang) if per else "")
    shown = label_or(f"unit.{unit}", lang, unit)
    return f"{quantity(value)}{'' if lang == 'zh' else ' '}{shown}"


def amount_or_quantity(value: Any, unit: str, lang: Lang) -> str:
    """A parameter's value in a rule text: amounts as :func:`money_text` writes them (with
    their unit: the text leaves it out), other numbers as :func:`quantity` (the text names
    the unit)."""
    if unit in YUAN_UNITS and isinstance(value, int) and not isinstance(value, bool):
        return measure(value, unit, lang)
    return quantity(value)


def label_or(key: str, lang: Lang, default: str) -> str:
    """The catalogue's text for ``key``, or ``default`` where it has none."""
    try:
        return label(key, lang)
    except KeyError:
        return default


def date(value: dt.date) -> str:
    """A date as machines read it: ISO 8601, ``2019-12-31``."""
    return value.isoformat()


def written_date(value: dt.date, lang: Lang) -> str:
    """A date in running text: ``2019年12月31日`` in Chinese, ISO 8601 in English."""
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()


def written_text(value: dt.date) -> Text:
    """A date in running text in both languages, for a slot of a catalogue text:
    ``2019年12月31日`` in the Chinese text, ``2019-12-31`` in the English."""
    return Text(written_date(value, "zh"), written_date(value, "en"))


def display_width(text: str) -> int:
    """Columns a text takes on a terminal or in a spreadsheet cell: a wide (Chinese)
    character two, any other one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def percent(fraction: float | None, digits: int = 0) -> str:
    """A share as a percentage with ``digits`` decimals (``45%``, ``42.9%``);
    :data:`NO_AMOUNT` when it is not known (no target to measure against)."""
    if fraction is None:
        return NO_AMOUNT
    shown = (Decimal(repr(fraction)) * 100).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return f"{shown}%"  # half up, as a hand count (and a spreadsheet) rounds 81.25% to 81.3%


def change(delta: int | None) -> str:
    """A change from one year to the next, signed: ``+2``, ``-1``, ``+0``; :data:`NO_AMOUNT`
    when either year is not known."""
    return NO_AMOUNT if delta is None else f"{delta:+d}"


def rate(per_second: float) -> str:
    """Records per second, whole, grouped like a count."""
    return count(round(per_second))


def duration(seconds: float) -> str:
    """Hours, minutes and seconds: ``0:03:07``."""
    minutes, whole = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{whole:02d}"


def listing(items: Iterable[str], lang: Lang) -> str:
    """Items in a sentence, with the list separator of the language (、 or , )."""
    return label("value.list_separator", lang).join(items)
