"""The entries of a YAML document that lists them, as the side files and the funds file are
written: a list of mappings, or that list under the one key the file is named for."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from qianbai_rules.core.problems import Problem
from qianbai_rules.core.yamlio import StrictLoadError, load_yaml
from qianbai_rules.io.places import document_record, located, place
from qianbai_rules.io.sources import file_problem
from qianbai_rules.texts.labels import text
from qianbai_rules.texts.loading import load_problem


def listed_entries(source: str, decoded: str,
                   key: str) -> Iterator[tuple[str, Mapping[Any, Any]] | Problem]:
    """Each entry with its position (``record N``); a problem for a document that is not
    such a list, and for an entry that is not a mapping (the others are still given)."""
    try:
        doc = load_yaml(decoded)
    except StrictLoadError as exc:
        where = text("problem.input.at_line", line=exc.line) if exc.line else ""
        yield file_problem(source, text("problem.input.syntax", where=where,
                                        error=load_problem(exc)))
        return
    if isinstance(doc, dict) and len(doc) == 1 and key in doc:
        doc = doc[key]
    if not isinstance(doc, list):
        yield file_problem(source, text("sidecar.problem.not_list", name=key))
        return
    for index, item in enumerate(doc, start=1):
        position = document_record(index)
        if not isinstance(item, dict):
            yield Problem.in_record(source, position, None, located(place(position), text(
                "sidecar.problem.not_mapping", type=type(item).__name__)), position)
            continue
        yield position, item
