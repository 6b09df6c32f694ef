"""The output contract (命令行与输出说明): commands and their options, exit statuses, the
keys of the JSON documents, and the codes of statuses, verdicts, severities and subsidy
decisions, each code read from the enum that defines it and named by the catalogue.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from qianbai_rules.compile.compiled import Status, Verdict
from qianbai_rules.core.problems import Lang
from qianbai_rules.rules.rulefile import Severity
from qianbai_rules.rules.subsidy_spec import Decision
from qianbai_rules.texts.labels import label, labels

# The codes of the JSON documents, by the key that carries them, and the catalogue section
# that names each code.
CODES: tuple[tuple[str, type[StrEnum], str], ...] = (
    ("status", Status, "status"),
    ("verdict", Verdict, "verdict"),
    ("severity", Severity, "severity"),
    ("subsidy", Decision, "reference.output.decision"),
)


def _codes(lang: Lang) -> list[dict[str, Any]]:
    return [{"key": key, "title": label(f"reference.output.code_title.{key}", lang),
             "codes": [(code.value, label(f"{names}.{code.value}", lang),
                        label(f"reference.output.meaning.{key}.{code.value}", lang))
                       for code in enum]}
            for key, enum, names in CODES]


def output_context(lang: Lang) -> dict[str, Any]:
    """What the output contract template reads: the catalogue's ``reference.output``
    section (commands, options, keys) and the codes."""
    catalogue = labels(lang)
    words = catalogue["reference"]["output"]
    return {"O": {**words, "json": _with_marks(words["json"], catalogue["marks"]["json"])},
            "codes": _codes(lang)}


def _with_marks(keys: dict[str, str], marks: dict[str, str]) -> dict[str, str]:
    """The JSON keys with those the inspection adds, each after the last key of its
    parent (``summary.waived`` after ``summary``'s)."""
    items = list(keys.items())
    for key, meaning in marks.items():
        parent = key.rsplit(".", 1)[0]
        last = max(i for i, (known, _) in enumerate(items) if known.startswith(parent))
        items.insert(last + 1, (key, meaning))
    return dict(items)
