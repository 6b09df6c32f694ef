"""The record's leaf fields by dotted name, derived once from the pydantic model.

Rules are type-checked against this catalogue when they are compiled, and input keys
(dotted names or Chinese labels) are resolved through it.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Final, Union, get_args, get_origin

from pydantic import BaseModel

from qianbai_rules.model.codes import CODE_NAMES_ZH, LABEL_ALIASES_ZH
from qianbai_rules.model.record import FacilityRecord


class Kind(StrEnum):
    boolean = "boolean"
    number = "number"
    integer = "integer"
    text = "text"
    code = "code"
    date = "date"
    text_list = "text_list"
    code_list = "code_list"

    @property
    def is_list(self) -> bool:
        return self in (Kind.text_list, Kind.code_list)

    @property
    def is_numeric(self) -> bool:
        return self in (Kind.number, Kind.integer)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    label_zh: str
    label_en: str
    codes: tuple[str, ...] = ()
    code_names_zh: tuple[tuple[str, str], ...] = ()
    required: bool = False

    def code_name(self, code: str) -> str:
        return dict(self.code_names_zh).get(code, code)


def _strip(annotation: Any) -> Any:
    """Remove Annotated and Optional wrappers."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
            else:
                return tuple(_strip(a) for a in args)
        else:
            return annotation


def _kind(annotation: Any) -> tuple[Kind, type[StrEnum] | None]:
    bare = _strip(annotation)
    if bare == (int, float):
        return Kind.number, None
    if get_origin(bare) is list:
        item = _strip(get_args(bare)[0])
        if isinstance(item, type) and issubclass(item, StrEnum):
            return Kind.code_list, item
        return Kind.text_list, None
    if isinstance(bare, type) and issubclass(bare, StrEnum):
        return Kind.code, bare
    simple = {bool: Kind.boolean, int: Kind.integer, float: Kind.number, str: Kind.text,
              dt.date: Kind.date}
    return simple[bare], None


def _walk(model: type[BaseModel], prefix: str) -> list[FieldSpec]:
    specs: list[FieldSpec] = []
    for name, info in model.model_fields.items():
        bare = _strip(info.annotation)
        if isinstance(bare, type) and issubclass(bare, BaseModel):
            specs.extend(_walk(bare, f"{prefix}{name}."))
            continue
        kind, enum = _kind(info.annotation)
        names = CODE_NAMES_ZH.get(enum, {}) if enum else {}
        specs.append(FieldSpec(
            name=f"{prefix}{name}",
            kind=kind,
            label_zh=info.title or name,
            label_en=info.description or name,
            codes=tuple(e.value for e in enum) if enum else (),
            code_names_zh=tuple(names.items()),
            required=info.is_required(),
        ))
    return specs


FIELDS: Final[dict[str, FieldSpec]] = {s.name: s for s in _walk(FacilityRecord, "")}
# Chinese labels (and the other headers record.md accepts) to dotted names.
BY_LABEL: Final[dict[str, str]] = {s.label_zh: s.name for s in FIELDS.values()} | LABEL_ALIASES_ZH
GROUPS: Final[frozenset[str]] = frozenset(
    ".".join(name.split(".")[:i]) for name in FIELDS for i in range(1, name.count(".") + 1)
)


def _split(name: str) -> tuple[tuple[str, ...], str]:
    *groups, key = name.split(".")
    return tuple(groups), key


_PATHS: Final[dict[str, tuple[tuple[str, ...], str]]] = {name: _split(name) for name in FIELDS}


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted names to nested dicts: {"a.b": 1} -> {"a": {"b": 1}}; :func:`flatten` undone."""
    nested: dict[str, Any] = {}
    for name, value in flat.items():
        groups, key = _PATHS.get(name) or _split(name)
        node = nested
        for group in groups:
            child = node.get(group)
            if child is None:
                child = node[group] = {}
            node = child
        node[key] = value
    return nested


def flatten(nested: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts to dotted names: {"a": {"b": 1}} -> {"a.b": 1}."""
    flat: dict[str, Any] = {}
    for key, value in nested.items():
        if isinstance(value, dict):  # parsed data holds dicts; the Mapping ABC check is slow
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
