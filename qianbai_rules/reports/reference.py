"""The documents that ship with the project (``docs/``), generated from the model, the rules
and the catalogue: the record reference, the output contract and the rule catalogue, in
Chinese (``docs/``) and English (``docs/en/``).

``python -m qianbai_rules.reports.reference [FOLDER]`` (re)writes them (``docs`` by default);
the output depends only on the shipped model, rules and labels: sorted, with no date of
generation, so that a test can tell a stale document by comparing bytes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from qianbai_rules.core.problems import Lang
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.reports.reference_fields import record_context
from qianbai_rules.reports.reference_output import output_context
from qianbai_rules.reports.reference_rules import rules_context
from qianbai_rules.reports.render import render
from qianbai_rules.rules.ruleset import Ruleset, load_ruleset
from qianbai_rules.texts.labels import label, labels

LANGS: Final[tuple[Lang, ...]] = ("zh", "en")
FOLDERS: Final[dict[str, str]] = {"zh": "", "en": "en/"}
REGENERATE: Final = "python -m qianbai_rules.reports.reference"

# Each document: its file name, its template, and what the template reads.
DOCUMENTS: Final[tuple[tuple[str, str, Callable[[Ruleset, Lang], dict[str, Any]]], ...]] = (
    ("record-fields.md", "docs/record.md", record_context),
    ("commands-and-outputs.md", "docs/output.md", lambda ruleset, lang: output_context(lang)),
    ("rule-catalogue.md", "docs/rules.md", rules_context),
)


def cell(value: object) -> str:
    """Text for one cell of a Markdown table: a bar would end the cell."""
    return str(value).replace("|", "\\|")


def documents(ruleset: Ruleset) -> dict[str, str]:
    """Every document by its path under the docs folder."""
    found: dict[str, str] = {}
    for lang in LANGS:
        links = {name.split(".")[0].replace("-", "_"): name for name, _t, _c in DOCUMENTS}
        links["up"] = "../" * FOLDERS[lang].count("/")  # from a language's folder to docs/
        for name, template, context in DOCUMENTS:
            values = {"L": labels(lang), "R": labels(lang)["reference"], "lang": lang,
                      "cell": cell, "links": links, **context(ruleset, lang)}
            found[FOLDERS[lang] + name] = render(template, values).rstrip("\n") + "\n"
    return found


def stale(folder: Path, wanted: dict[str, str]) -> list[str]:
    """The documents under ``folder`` that differ from ``wanted`` (what the generator
    writes) or are missing, by path."""
    return [path for path, text in wanted.items()
            if not (folder / path).is_file()
            or (folder / path).read_text(encoding="utf-8") != text]


def write(folder: Path, ruleset: Ruleset) -> list[str]:
    """Write every document that changed; the paths written."""
    wanted = documents(ruleset)
    written = stale(folder, wanted)
    for path in written:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(wanted[path], encoding="utf-8", newline="\n")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0] if args else "docs")
    written = write(folder, load_ruleset(rules_dir()))
    for path in written:
        print(label("reference.written", "zh", path=(folder / path).as_posix()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
