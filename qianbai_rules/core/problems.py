"""Problems found in input or rules, as objects that carry where they happened.

One type, :class:`Problem`, for every loader: an input record that cannot be evaluated
and a defect in a rule, parameter, plan or test file are both a message at a place, the
place being a file, the item in it (a record, a rule, a parameter, a reading), the field
or YAML key path inside that item (``requires.all[1]``) and, where known, the line.

Loaders report problems as a generator (:data:`Found`): they ``yield`` each problem where
they find it and ``return`` what they parsed, so a caller writes
``rule = yield from parse_rule(...)`` and the top of the loader collects them all
(:func:`collect`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from qianbai_rules.core.errors import QianbaiError

Lang = Literal["zh", "en"]
T = TypeVar("T")


@dataclass(frozen=True)
class Text:
    """A user-facing text in both languages."""

    zh: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def parse(cls, raw: object) -> Text | None:
        """``{zh: ..., en: ...}`` with two non-empty texts (trimmed), or None."""
        if isinstance(raw, dict) and set(raw) == {"zh", "en"} and all(
                isinstance(v, str) and v.strip() for v in raw.values()):
            return cls(raw["zh"].strip(), raw["en"].strip())
        return None


@dataclass(frozen=True)
class Problem:
    """Something wrong, and where it is.

    ``file`` is the file (or input source, ``-`` for standard input); ``item`` what in it
    the problem belongs to, a ``kind`` (a record, a rule, a parameter, a reading) named by
    its id or position; ``field`` the record field or the YAML key path within the item
    (or within the file when there is no item). A message for the people who give records
    is bilingual (:class:`Text`); one for rule authors is English text.
    """

    file: str
    message: Text | str
    item: str | None = None
    field: str | None = None
    line: int | None = None
    kind: str = "rule"
    position: str | None = None  # where a record is in its file (line 5, row 3)
    column: str | None = None  # a spreadsheet column letter

    @classmethod
    def in_rules(cls, file: str, message: str, rule: str | None = None,
                 field: str | None = None, line: int | None = None,
                 kind: str = "rule") -> Problem:
        """A defect in a rule, parameter, plan or test file: of the item ``rule`` (a
        ``kind``: rule, parameter or reading), at the key path ``field``."""
        return cls(file, message, item=rule, field=field, line=line, kind=kind)

    @classmethod
    def in_record(cls, source: str, record: str | None, field: str | None, message: Text,
                  position: str | None = None, column: str | None = None) -> Problem:
        """Why one input record (``record`` None: a whole input file) cannot be evaluated."""
        return cls(source, message, item=record, field=field, kind="record",
                   position=position, column=column)

    def says(self, lang: Lang) -> str:
        return self.message if isinstance(self.message, str) else self.message(lang)

    def _places(self, field_word: str) -> list[str]:
        places = [self.file if self.line is None else f"{self.file}:{self.line}"]
        if self.item:
            places.append(f"{self.kind} {self.item}")
        if self.field:
            places.append(f"{field_word}{self.field}")
        return places

    @property
    def path(self) -> str:
        """The place as one line: ``file › rule QB-X › requires.all[1]``."""
        return " › ".join(self._places(""))

    def __str__(self) -> str:
        return f"{', '.join(self._places('field '))}: {self.says('en')}"

    def as_json(self, lang: Lang) -> dict[str, str | None]:
        entry = {
            "source": self.file,
            "record": self.item,
            "field": self.field,
            "message": self.says(lang),
        }
        if self.position is not None and self.position != self.item:
            entry["position"] = self.position
        if self.column is not None:
            entry["column"] = self.column
        return entry


Found = Generator[Problem, None, T]
"""A loader: yields every problem it finds, returns what it parsed."""

At = Callable[[str, str], Problem]
"""How a loader makes the problem found at a key path: ``at("text.fail", message)``."""


def collect(found: Found[T]) -> tuple[T, list[Problem]]:
    """Run a loader to its end: what it parsed, and the problems it found, in order."""
    problems: list[Problem] = []
    while True:
        try:
            problems.append(next(found))
        except StopIteration as done:
            return done.value, problems


def reported(parse: Callable[[Callable[[str, str], None]], T], at: At) -> Found[T]:
    """Run a parser that reports ``(key_path, message)`` through a callback (the condition
    parser) as a loader: each report becomes the problem ``at`` makes of it."""
    found: list[Problem] = []
    value = parse(lambda path, message: found.append(at(path, message)))
    yield from found
    return value


def key_path(*parts: str | int | None) -> str:
    """A YAML key path: ``key_path("rules", 3, "requires")`` is ``rules[3].requires``."""
    text = ""
    for part in parts:
        if part is None or part == "":
            continue
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def unknown_keys(raw: Mapping[Any, Any], allowed: Collection[str], at: At,
                 under: str = "") -> Iterator[Problem]:
    """A problem for each key of a mapping not among ``allowed``, at its key path under
    ``under``, in key order: the one check of unknown keys, with one message."""
    for key, message in unknown_key_messages(raw, allowed):
        yield at(key_path(under, key), message)


def unknown_key_messages(raw: Mapping[Any, Any], allowed: Collection[str]) -> Iterator[tuple[str, str]]:
    """``(key, message)`` for each key of a mapping not among ``allowed``, in key order."""
    known = ", ".join(sorted(allowed))
    for key in sorted(set(raw) - set(allowed), key=str):
        yield str(key), f"unknown key {key!r}; allowed: {known}"


class RulesError(QianbaiError):
    """Raised when a rule folder cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
