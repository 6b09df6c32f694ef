"""Why a YAML or JSON document cannot be read, as a person reads it: the wording of
``core.yamlio``'s reasons, from the catalogue (``cli.yaml``)."""

from __future__ import annotations

from qianbai_rules.core.problems import Text
from qianbai_rules.core.yamlio import StrictLoadError
from qianbai_rules.texts.labels import text


def load_problem(exc: StrictLoadError) -> Text:
    """The reason in both languages, with its column where known (the line is the
    caller's: it locates the problem in its own words)."""
    try:
        what = text(f"cli.yaml.{exc.reason}", **exc.values)
    except KeyError:
        what = text("cli.yaml.invalid")
    return what if exc.column is None else text("cli.yaml.at_column", what=what,
                                                 column=exc.column)
