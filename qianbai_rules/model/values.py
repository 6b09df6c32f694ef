"""The value types of the facility record: how each kind of value is read from any input
format (text from a table, numbers from a workbook, YAML and JSON scalars) and why a value
is refused, in both languages.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import BeforeValidator, Field

from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.limits import MAX_AREA_M2, MAX_COUNT, MAX_LIST_ITEMS
from qianbai_rules.core.problems import Text
from qianbai_rules.core.safetext import char_name, first_invisible, first_unsafe
from qianbai_rules.model import creditcode
from qianbai_rules.model.codes import CODE_NAMES_ZH
from qianbai_rules.model.dates import read_date
from qianbai_rules.texts.labels import text

# Identity limits: an id is at most this many characters (after trimming).
MAX_ID_LENGTH: Final = 100
# Unicode categories an id's characters may have: letters, numbers, punctuation, symbols
# (and the ordinary space between them); no marks, controls, format or private-use
# characters, so that two ids that look the same are the same.
ID_CATEGORIES: Final = ("L", "N", "P", "S")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and newline are allowed
_LIST_SEPARATORS = re.compile(r"[、,，;；]")
_TRUE_WORDS = {"是", "有", "true", "yes", "y", "1"}
_FALSE_WORDS = {"否", "无", "false", "no", "n", "0"}


def code_validator(enum: type[StrEnum]) -> BeforeValidator:
    by_name = {zh: code for code, zh in CODE_NAMES_ZH[enum].items()}

    def to_code(value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            return by_name.get(text, text)
        return value

    return BeforeValidator(to_code)


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in _LIST_SEPARATORS.split(value) if part.strip()]
    return value


def code_list_validator(enum: type[StrEnum]) -> BeforeValidator:
    one = code_validator(enum).func

    def to_codes(value: Any) -> Any:
        value = _split_list(value)
        if isinstance(value, list):
            return [one(item) for item in value]  # type: ignore[call-arg]
        return value

    return BeforeValidator(to_codes)


def _strict_bool(value: Any) -> Any:
    """true/false, 是/否 and the like, and 1/0 whether written as text (CSV) or as a
    number (an XLSX number cell, YAML, JSON): one rule for every format."""
    if value is True or value is False:
        return value
    if isinstance(value, int) and value in (0, 1):
        return value == 1
    if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE_WORDS:
        return False
    raise ValueError("bool")


# A number written as text (CSV, an XLSX text cell, a YAML scalar kept as written): ASCII
# digits with an optional sign, decimal point and exponent, as JSON writes one, or with
# thousands separated by commas in groups of exactly three, as Excel writes 1,500,000.
# Nothing else: no 4_2_0 (Python would read 420), no Arabic-Indic or full-width digits,
# no 0x1F, no inf or nan.
_NUMBER_TEXT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)
_GROUPED_NUMBER = re.compile(r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", re.ASCII)


def _strict_number(value: Any) -> Any:
    if type(value) is int or type(value) is float:  # the usual case, first
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("number")
    if isinstance(value, str):
        text = value.strip()
        if _GROUPED_NUMBER.fullmatch(text):
            return text.replace(",", "")
        if not _NUMBER_TEXT.fullmatch(text):
            raise ValueError("number")
        return text
    return value


def _to_text(value: Any) -> Any:
    """Text as given, trimmed; numbers become text; control characters are refused, and
    so are bytes (YAML ``!!binary``, refused by the loader already): never decoded."""
    if isinstance(value, bytes | bytearray | memoryview):
        raise ValueError("text")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        if _CONTROL.search(value) or (not value.isprintable() and _unencodable(value)):
            raise ValueError("text")
    return value


class ValueProblem(QianbaiError, ValueError):
    """Why a field's value is refused, in both languages, saying what was expected."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


class CharacterError(ValueProblem):
    """Why an id or a name is refused, naming the character."""


# What ids and names refuse: how to find it, and what it is (a catalogue key).
_REFUSED: Final = (
    (first_unsafe, "problem.value.unsafe_character"),
    (first_invisible, "problem.value.invisible_character"),
)


def _name(value: Any) -> Any:
    """A name (or an id): text that shows what it is. Control characters (line breaks and
    tabs too), format characters (zero-width space, word joiner, soft hyphen, BOM,
    bidirectional controls) and non-characters are refused: they are invisible or change
    how text around them is shown, so two names that look alike could differ."""
    if isinstance(value, str):
        for find, kind in _REFUSED:
            found = find(value.strip())
            if found is not None:
                position, char = found
                raise CharacterError(text("problem.value.refused_character", position=position,
                                          char=_character(char), kind=text(kind)))
    return _to_text(value)


def _identifier(value: Any) -> Any:
    """An id: a name of at most :data:`MAX_ID_LENGTH` letters, digits, punctuation marks
    and symbols (spaces between them allowed)."""
    value = _name(value)
    if not isinstance(value, str):
        return value
    if len(value) > MAX_ID_LENGTH:
        raise CharacterError(text("problem.value.id_too_long", limit=MAX_ID_LENGTH,
                                  length=len(value)))
    for position, char in enumerate(value, start=1):
        if char != " " and not unicodedata.category(char).startswith(ID_CATEGORIES):
            raise CharacterError(text("problem.value.id_character", position=position,
                                      char=_character(char)))
    return value


def _character(char: str) -> Text:
    """A refused character as a message names it: its code point, and its name in English."""
    return Text(f"U+{ord(char):04X}", char_name(char))


# Dashes that look like the hyphen-minus, compared as '-' (NFKC already folds the small
# and full-width hyphen-minus U+FE63 and U+FF0D, and U+2011 into U+2010).
_DASHES: Final = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d", "-"))


def id_key(record_id: str) -> str:
    """What two ids are compared by: their NFKC form with look-alike dashes as '-', so that
    the full-width ＪＢ－００１, JB‐001 (U+2010 HYPHEN), JB−001 (U+2212 MINUS SIGN) and
    JB-001 (or ① and 1) are one id. The id itself is kept as written."""
    return unicodedata.normalize("NFKC", record_id).translate(_DASHES)


def _credit_code(value: Any) -> Any:
    """A unified social credit code, checked and upper-cased (see :mod:`.creditcode`)."""
    return creditcode.normalize(value if isinstance(value, str) else str(value))


def _unencodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from JSON "\ud800"
        return True
    return False


# How many texts each remembering reader keeps (then it forgets them all and starts again).
REMEMBERED_TEXTS: Final = 4096
_UNSEEN: Final = object()


def remembering(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``read`` (a reader of one value that reads nothing else, and gives text or a date)
    remembering what it gave for each text: a name, address or date recurs from record to
    record. Refusals are not remembered (their messages are made afresh)."""
    memo: dict[str, Any] = {}

    @functools.wraps(read)
    def remembered(value: Any) -> Any:
        if type(value) is not str:
            return read(value)
        found = memo.get(value, _UNSEEN)
        if found is _UNSEEN:
            found = read(value)
            if len(memo) >= REMEMBERED_TEXTS:
                memo.clear()
            memo[value] = found
        return found

    return remembered


Bool = Annotated[bool, BeforeValidator(_strict_bool)]
Area = Annotated[
    int | float, Field(gt=0, le=MAX_AREA_M2, allow_inf_nan=False), BeforeValidator(_strict_number)
]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT), BeforeValidator(_strict_number)]
Date = Annotated[dt.date, BeforeValidator(remembering(read_date))]
# Text of at most 500 characters (an address, a telephone, an item of a list): not the
# bilingual text of messages, core.problems.Text.
ShortText = Annotated[str, Field(min_length=1, max_length=500),
                      BeforeValidator(remembering(_to_text))]
LIST_ITEMS = Field(max_length=MAX_LIST_ITEMS)
ShortTextList = Annotated[list[ShortText], LIST_ITEMS, BeforeValidator(_split_list)]
Name = Annotated[str, Field(min_length=1, max_length=500), BeforeValidator(remembering(_name))]
Identifier = Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH),
                       BeforeValidator(remembering(_identifier))]
CreditCode = Annotated[str, Field(pattern=creditcode.PATTERN),
                      BeforeValidator(remembering(_credit_code))]
