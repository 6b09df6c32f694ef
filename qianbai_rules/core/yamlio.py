"""Strict YAML and JSON parsing shared by rule files and record files.

The reference is ``yaml.SafeLoader`` (PyYAML's own parser: libyaml's accepts and words some
documents differently); libyaml's parser reads only the plain documents that it reads
exactly as the reference does (``yamlfast``), and never words an error. Duplicate keys,
which PyYAML silently resolves to the last value, are errors here, and so are documents
with many aliases, or whose aliases would expand them far beyond what is written, or that
contain themselves (a "billion laughs" file must not exhaust memory in whatever later
walks it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

import yaml

from qianbai_rules.core import limits, yamlfast
from qianbai_rules.core.errors import QianbaiError

MAX_ALIASES = 100
MAX_EXPANSION = 100_000  # values that aliases may add to a document, once expanded


class StrictLoadError(QianbaiError, ValueError):
    """A document refused: ``str()`` in English (for rule authors), and ``reason`` with
    ``values``, the key and slots of its wording for people (``cli.yaml`` in labels.yaml,
    texts/loading.py), at ``line`` and ``column`` where known."""

    def __init__(self, message: str, line: int | None = None, reason: str = "invalid",
                 column: int | None = None, **values: object) -> None:
        super().__init__(message)
        self.line = line
        self.reason = reason
        self.column = column
        self.values = values


# PyYAML's problems (by a piece of its English wording) -> the reason a person reads
_YAML_PROBLEMS = (
    ("mapping values are not allowed here", "colon_in_value"),
    ("could not find expected ':'", "no_colon"),
    ("found character '\\t'", "tab"),
    ("that cannot start any token", "bad_start"),
    ("found unexpected end of stream", "unclosed"),
    ("expected ',' or ']'", "unclosed_list"),
    ("expected ',' or '}'", "unclosed_mapping"),
    ("expected <block end>", "indentation"),
    ("did not find expected key", "indentation"),
    ("did not find expected '-' indicator", "indentation"),
    ("found undefined alias", "undefined_alias"),
    ("unacceptable character", "bad_character"),
)


def _yaml_reason(problem: str) -> str:
    return next((reason for piece, reason in _YAML_PROBLEMS if piece in problem), "invalid")


if TYPE_CHECKING:
    _Mixin = yaml.SafeLoader
else:
    _Mixin = object


# YAML 1.1 reads 012 as 10 (octal), 0x1F as 31, 12:30 as 750 (base 60), 1_000 as 1000,
# on/off/yes/no as booleans and .inf/.nan as numbers: values silently rewritten. Here a
# plain scalar is a number only when written as JSON writes one (no leading zero, no sign
# but minus, no base, no separator), a boolean only as true/false, and anything else is
# kept as the text written; whoever validates the field then refuses or accepts it.
_REWRITTEN = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool",
              "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:value"}
_PLAIN_TYPES = [
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    ("tag:yaml.org,2002:int", re.compile(r"^-?(?:0|[1-9][0-9]*)$"), "-0123456789"),
    ("tag:yaml.org,2002:float",
     re.compile(r"^-?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
     "-.0123456789"),
]


# The only values a document may build: what JSON has. Any other tag, explicit (``!!binary``,
# ``!!timestamp``, ``!!set``, ``!!omap``, ``!!pairs``, ``!foo``) or implied (a ``<<`` merge
# key), is refused with its line: bytes, dates, sets and pairs would slip past every check
# of a text field (an id built from bytes is never compared with the others).
_STR = "tag:yaml.org,2002:str"
_ALLOWED_TAGS = frozenset({_STR, "tag:yaml.org,2002:null", "tag:yaml.org,2002:seq",
                           "tag:yaml.org,2002:map", *(tag for tag, _, _ in _PLAIN_TYPES)})
_PLAIN_PATTERN = {tag: regexp for tag, regexp, _ in _PLAIN_TYPES}
_PLAIN_PATTERN["tag:yaml.org,2002:float"] = re.compile(
    f"{_PLAIN_PATTERN['tag:yaml.org,2002:int'].pattern}|"
    f"{_PLAIN_PATTERN['tag:yaml.org,2002:float'].pattern}")
_PLAIN_WORDS = {"tag:yaml.org,2002:bool": "true or false"}


def _resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REWRITTEN]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for tag, regexp, firsts in _PLAIN_TYPES:
        for first in firsts:
            table.setdefault(first, []).append((tag, regexp))
    return table


class _Checks(_Mixin):
    """What every loader here refuses: duplicate keys and documents that contain
    themselves or that aliases expand far beyond what is written. Dates stay text, so
    that an impossible date (2019-13-45) is one field's error, reported by whoever
    validates that field, not a crash of the whole document; numbers and booleans are
    only what JSON would call them (see ``_PLAIN_TYPES``)."""

    yaml_implicit_resolvers = _resolvers()

    def get_single_node(self) -> Any:
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
        return node

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        line = node.start_mark.line + 1
        if node.tag not in _ALLOWED_TAGS:
            shown = ("<< (a merge key)" if node.tag == "tag:yaml.org,2002:merge"
                     else node.tag.replace("tag:yaml.org,2002:", "!!"))
            raise StrictLoadError(f"the YAML tag {shown} is not accepted: only text, numbers, "
                                  "true/false, null, lists and mappings", line, "tag", tag=shown)
        pattern = _PLAIN_PATTERN.get(node.tag)
        if pattern is not None and isinstance(node, yaml.ScalarNode) \
                and not pattern.match(node.value):
            what = _PLAIN_WORDS.get(node.tag, "a number as JSON writes one")
            raise StrictLoadError(f"{node.value[:80]!r} is not {what}", line,
                                  "not_boolean" if node.tag in _PLAIN_WORDS else "not_number",
                                  value=node.value[:80])
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise StrictLoadError(
                    "a mapping key must be a plain value", key_node.start_mark.line + 1,
                    "key_not_plain") from None
            if duplicate:
                raise StrictLoadError(f"duplicate key {key!r}", key_node.start_mark.line + 1,
                                      "duplicate_key", name=key)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _StrictLoader(_Checks, yaml.SafeLoader):
    """PyYAML's own parser, which also counts aliases as it meets them: the reference for
    every file a user gives."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise StrictLoadError(
                    f"more than {MAX_ALIASES} YAML aliases", event.start_mark.line + 1,
                    "aliases", limit=MAX_ALIASES)
        self._depth += 1
        try:
            if self._depth > limits.MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise _too_deep(event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# libyaml's parser, several times faster, for the files shipped with the package only: it
# accepts and words some documents differently, and a test checks that it reads every
# shipped file exactly as the reference does.
_ShippedLoader: Any = (type("_ShippedLoader", (_Checks, yaml.CSafeLoader), {})
                       if hasattr(yaml, "CSafeLoader") else _StrictLoader)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document that contains itself, or whose aliases expand it by more than
    MAX_EXPANSION values: nine aliases of nine aliases of ... are few, and expand to
    hundreds of millions."""
    written: set[int] = set()
    expanded: dict[int, int] = {}  # node -> values once expanded, for nodes done
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = ([part for pair in node.value for part in pair]
                    if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if children_done:
            open_nodes.discard(key)
            expanded[key] = 1 + sum(expanded[id(child)] for child in children)
            if expanded[key] > len(written) + MAX_EXPANSION:
                raise StrictLoadError(f"YAML aliases expand the document to more than "
                                      f"{MAX_EXPANSION:,} values", node.start_mark.line + 1,
                                      "expansion", limit=f"{MAX_EXPANSION:,}")
            continue
        if key in expanded:
            continue
        if key in open_nodes:
            raise StrictLoadError("a YAML alias refers to a node that contains it",
                                  node.start_mark.line + 1, "self_alias")
        open_nodes.add(key)
        written.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children)


def load_yaml(text: str, shipped: bool = False) -> Any:
    """Parse one YAML document strictly; raise StrictLoadError with a line number.

    A plain document is read with libyaml's parser where that reads it exactly as the
    reference loader does (``read_plain``); any other, and any error, is the reference
    loader's (``load_yaml_strictly``). ``shipped``: the text is a file shipped with the
    package (rules, labels), read with libyaml's parser even when it is not plain; where
    that fails, the reference loader has the last word.
    """
    try:
        return read_plain(text)
    except yamlfast.Unusual:
        pass
    if shipped and _ShippedLoader is not _StrictLoader:
        try:
            return yaml.load(text, Loader=_ShippedLoader)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            pass
    return load_yaml_strictly(text)


def read_plain(text: str) -> Any:
    """The document's value as the reference loader builds it, read with libyaml's parser;
    ``yamlfast.Unusual`` if the document is not one that the two parsers surely read alike."""
    return yamlfast.read(text, _Checks.yaml_implicit_resolvers, limits.MAX_DEPTH)


def load_yaml_strictly(text: str) -> Any:
    """The reference loader: PyYAML's own parser with every check here."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except StrictLoadError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        problem = str(exc.problem or exc)
        raise StrictLoadError(f"not valid YAML: {problem}", line, _yaml_reason(problem),
                              column) from None
    except yaml.YAMLError as exc:
        raise StrictLoadError(f"not valid YAML: {exc}") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise StrictLoadError(f"not valid YAML: {exc}") from None


def _too_deep(line: int | None = None) -> StrictLoadError:
    return StrictLoadError(f"lists and mappings nested more than {limits.MAX_DEPTH} levels deep",
                           line, "too_deep", limit=limits.MAX_DEPTH)


def _check_depth(value: Any) -> None:
    """Refuse a parsed document nested more than MAX_DEPTH levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limits.MAX_DEPTH:
                raise _too_deep()
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


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
    raise StrictLoadError(f"{name} is not a JSON number", reason="not_number", value=name)


def load_json(text: str) -> Any:
    """Parse JSON strictly: no duplicate keys, no NaN or Infinity."""
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        _check_depth(value)
        return value
    except StrictLoadError:
        raise
    except json.JSONDecodeError as exc:
        raise StrictLoadError(f"not valid JSON: {exc.msg}", exc.lineno, "invalid_json",
                              exc.colno) from None
    except _DuplicateKey as exc:
        raise StrictLoadError(f"duplicate key {exc.key!r}",
                              _second_occurrence_line(text, exc.key), "duplicate_key",
                              name=exc.key) from None
    except RecursionError:
        raise StrictLoadError("not valid JSON: nested too deeply", reason="too_deep",
                              limit=limits.MAX_DEPTH) from None
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
