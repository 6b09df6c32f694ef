"""Strict YAML and JSON parsing shared by rule files and record files.

Only ``yaml.SafeLoader`` is used. Duplicate keys, which PyYAML silently resolves to the
last value, are errors here, and documents that expand aliases beyond a small budget are
refused (a "billion laughs" file must not exhaust memory).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import yaml

MAX_ALIASES = 100


class StrictLoadError(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when built in


class _StrictLoader(_Loader):  # type: ignore[misc]
    """SafeLoader that refuses duplicate keys and alias floods, and keeps dates as text.

    Dates stay strings so that an impossible date (2019-13-45) is one field's error,
    reported by whoever validates that field, not a crash of the whole document.
    Aliases are counted on the composed document (each is a second path to a node), so
    the check holds with libyaml's parser as with PyYAML's own.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class attribute
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def get_single_node(self) -> Any:
        node = super().get_single_node()
        if node is not None:
            _count_aliases(node)
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise StrictLoadError(
                    "a mapping key must be a plain value", key_node.start_mark.line + 1
                ) from None
            if duplicate:
                raise StrictLoadError(f"duplicate key {key!r}", key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _count_aliases(root: Any) -> None:
    """Refuse a document reaching its nodes by more than MAX_ALIASES second paths."""
    seen: set[int] = set()
    aliases = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise StrictLoadError(f"more than {MAX_ALIASES} YAML aliases",
                                      node.start_mark.line + 1)
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def load_yaml(text: str) -> Any:
    """Parse one YAML document strictly; raise StrictLoadError with a line number."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except StrictLoadError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise StrictLoadError(f"not valid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise StrictLoadError(f"not valid YAML: {exc}") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise StrictLoadError(f"not valid YAML: {exc}") from None


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _second_occurrence_line(text: str, key: str) -> int | None:
    quoted = json.dumps(key, ensure_ascii=False)
    first = text.find(quoted)
    second = text.find(quoted, first + 1) if first >= 0 else -1
    return text.count("\n", 0, second) + 1 if second >= 0 else None


def _no_constant(name: str) -> Any:
    raise StrictLoadError(f"{name} is not a JSON number")


def load_json(text: str) -> Any:
    """Parse JSON strictly: no duplicate keys, no NaN or Infinity."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise StrictLoadError(f"not valid JSON: {exc.msg}", exc.lineno) from None
    except _DuplicateKey as exc:
        raise StrictLoadError(f"duplicate key {exc.key!r}",
                              _second_occurrence_line(text, exc.key)) from None
    except RecursionError:
        raise StrictLoadError("not valid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise StrictLoadError(f"not valid JSON: {exc}") from None


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_date(value: Any) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) given as text or as a date; None for anything else."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
