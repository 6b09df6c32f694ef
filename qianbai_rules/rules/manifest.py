"""The ruleset manifest, ``rules/ruleset.yaml``: the ruleset's name and version, the
document it encodes and how messages cite it, and the departments of 三（二）."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from qianbai_rules.core.problems import Found, Problem, unknown_keys
from qianbai_rules.rules.departments import Department, parse_departments

MANIFEST_KEYS: Final = ("name", "version", "source", "citation", "issued", "departments")
REQUIRED_MANIFEST_KEYS: Final = ("name", "version", "source", "citation")


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    source: str
    citation: str  # how messages cite the source, e.g. 江北府办发〔2018〕63号
    departments: Mapping[str, Department]  # in the plan's order


def parse_manifest(doc: dict[Any, Any], file: str) -> Found[Manifest]:
    """The manifest's values (text, possibly empty where a problem was found)."""
    def problem(field: str, message: str) -> Problem:
        return Problem.in_rules(file, message, field=field)

    yield from unknown_keys(doc, MANIFEST_KEYS, problem)
    for key in REQUIRED_MANIFEST_KEYS:
        if not doc.get(key):
            yield problem(key, f"missing {key}")
    departments = yield from parse_departments(doc.get("departments"), file)
    name, version, source, citation = (str(doc.get(key) or "") for key in REQUIRED_MANIFEST_KEYS)
    return Manifest(name, version, source, citation, departments)
