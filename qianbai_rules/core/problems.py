"""Problems found in input or rules, as objects that carry where they happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qianbai_rules.core.errors import QianbaiError

Lang = Literal["zh", "en"]


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
class RecordProblem:
    """Why one input record (or a whole input file) could not be evaluated."""

    source: str
    record: str | None
    field: str | None
    message: Text
    position: str | None = None
    column: str | None = None  # a spreadsheet column letter

    def as_json(self, lang: Lang) -> dict[str, str | None]:
        entry = {
            "source": self.source,
            "record": self.record,
            "field": self.field,
            "message": self.message(lang),
        }
        if self.position is not None and self.position != self.record:
            entry["position"] = self.position
        if self.column is not None:
            entry["column"] = self.column
        return entry


@dataclass(frozen=True)
class RuleProblem:
    """A defect in a rule file, parameter file or rule test file."""

    file: str
    message: str
    rule: str | None = None
    field: str | None = None
    line: int | None = None
    kind: str = "rule"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.rule:
            parts.append(f"{self.kind} {self.rule}")
        if self.field:
            parts.append(f"field {self.field}")
        return f"{', '.join(parts)}: {self.message}"


class RulesError(QianbaiError):
    """Raised when a rule folder cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
