"""YAML and JSON record files: one record, a list of records, or a list under
``facilities:``, read with the project's strict loaders.
"""

from __future__ import annotations

from collections.abc import Iterator

from qianbai_rules.core.problems import Text
from qianbai_rules.core.yamlio import StrictLoadError, load_json, load_yaml
from qianbai_rules.io.sources import InputItem, RawRecord, file_problem


def read_document(source: str, text: str, suffix: str) -> Iterator[InputItem]:
    """The records of a YAML document (JSON when ``suffix`` is .json), in order."""
    try:
        doc = load_json(text) if suffix == ".json" else load_yaml(text)
    except StrictLoadError as exc:
        where = f"（第 {exc.line} 行）" if exc.line else ""
        where_en = f" (line {exc.line})" if exc.line else ""
        yield file_problem(source, Text(f"文件格式错误{where}：{exc}", f"{exc}{where_en}"))
        return
    if isinstance(doc, dict) and "facilities" in doc:
        items = doc["facilities"]
        if not isinstance(items, list):
            yield file_problem(source, Text("facilities 应为记录列表", "facilities must be a list"))
            return
    elif isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict):
        yield RawRecord(source, "record 1", doc)
        return
    else:
        yield file_problem(source, Text("文件中没有记录（应为一条记录，或 facilities: 下的记录列表）",
                                         "no record in the file (expected one record, or a list "
                                         "under facilities:)"))
        return
    for index, item in enumerate(items, start=1):
        yield RawRecord(source, f"record {index}", item)
