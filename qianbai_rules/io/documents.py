"""YAML and JSON record files: one record, a list of records, or a list under
``facilities:``, read with the project's strict loaders.
"""

from __future__ import annotations

from collections.abc import Iterator

from qianbai_rules.core.yamlio import StrictLoadError, load_json, load_yaml
from qianbai_rules.io.places import document_record
from qianbai_rules.io.sources import InputItem, RawRecord, file_problem
from qianbai_rules.texts import labels
from qianbai_rules.texts.loading import load_problem


def read_document(source: str, text: str, suffix: str) -> Iterator[InputItem]:
    """The records of a YAML document (JSON when ``suffix`` is .json), in order."""
    try:
        doc = load_json(text) if suffix == ".json" else load_yaml(text)
    except StrictLoadError as exc:
        where = labels.text("problem.input.at_line", line=exc.line) if exc.line else ""
        yield file_problem(source, labels.text("problem.input.syntax", where=where,
                                               error=load_problem(exc)))
        return
    if isinstance(doc, dict) and "facilities" in doc:
        items = doc["facilities"]
        if not isinstance(items, list):
            yield file_problem(source, labels.text("problem.input.facilities_not_list"))
            return
    elif isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict):
        yield RawRecord(source, document_record(1), doc)
        return
    else:
        yield file_problem(source, labels.text("problem.input.no_records"))
        return
    for index, item in enumerate(items, start=1):
        yield RawRecord(source, document_record(index), item)
