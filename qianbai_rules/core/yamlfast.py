"""libyaml's parser for plain record documents, read exactly as the strict reference loader
(``yamlio``) reads them, or not at all.

The reference loader is PyYAML's own parser, about 10 ms per record. libyaml's parser is
many times faster but accepts and words some documents differently (tabs, ``?`` in flow
collections, escapes, directives), so it is used only where the two cannot differ: a
document without anchors, aliases, tags, directives, complex keys, duplicate keys, special
line breaks, tabs, byte order marks, escapes in double quotes, odd block scalar headers or
multi-line flow collections, whose scalars resolve to text, null, true/false or a number as JSON writes one.
On anything else, and on any error, ``read`` raises ``Unusual`` and the reference loader
reads the document, so every error and its line come from the reference loader.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from qianbai_rules.core.errors import QianbaiError

_CParser: Any
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: the reference loader reads everything
    _CParser = None

_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_BUILT = {tag: _CONSTRUCTOR.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float")}

# Where the two parsers are known to part, or that this module does not vouch for: tabs,
# byte order marks, line breaks other than LF and CR LF, NUL, directives (%YAML, %TAG).
_UNUSUAL_TEXT = re.compile("[\t\ufeff\x85\u2028\u2029\x00]|\r(?!\n)|^%", re.MULTILINE)
# The header of a literal (|) or folded (>) scalar, up to the end of its line: libyaml
# accepts some that PyYAML refuses (a comment without a space before it).
_BLOCK_HEADER = re.compile(r"[|>](?:[1-9][+-]?|[+-][1-9]?)?(?: +#[^\r]*)? *\r?")
# A plain scalar inside a flow collection ([...] or {...}): the two parsers end such
# scalars differently around these characters (PyYAML at "?", libyaml not), so only
# other text is read here; quoted scalars are delimited alike by both.
_FLOW_PLAIN = re.compile(r"(?!-\s|-$)[^:?#,\[\]{}&*!|>'\"%@`\s][^:?#,\[\]{}\n\r]*")
_LONGEST_KEY = 128  # libyaml and PyYAML bound a simple key's length differently (1024)

_KEY = object()  # a mapping that expects a key next


class Unusual(QianbaiError):
    """The document is one that only the reference loader reads (never leaves ``yamlio``)."""


def _plain(value: str, resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]]) -> Any:
    """What a plain scalar builds: PyYAML's ``BaseResolver.resolve`` with the strict table,
    then SafeConstructor's own constructor for the tag."""
    candidates = resolvers.get(value[0] if value else "", []) + resolvers.get(None, [])
    for tag, regexp in candidates:
        if regexp.match(value):
            build = _BUILT.get(tag)
            if build is None:
                raise Unusual(tag)
            return build(_CONSTRUCTOR, yaml.ScalarNode(tag, value))
    return value


def read(text: str, resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]],
         max_depth: int) -> Any:
    """The document's value, as the reference loader builds it; ``Unusual`` otherwise."""
    if _CParser is None or _UNUSUAL_TEXT.search(text):
        raise Unusual("text")
    try:
        get = _CParser(text).get_event
        if type(get()) is not StreamStartEvent:
            raise Unusual("stream")
        start = get()
        if type(start) is not DocumentStartEvent or start.version or start.tags:
            raise Unusual("document")
        root = _events(get, text, resolvers, max_depth)
        if type(get()) is not StreamEndEvent:
            raise Unusual("several documents")
    except Unusual:
        raise
    except Exception as exc:  # any doubt goes to the reference loader
        raise Unusual(repr(exc)) from None
    return root


def _events(get: Any, text: str, resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]],
            max_depth: int) -> Any:
    backslash = "\\" in text
    plain: dict[str, Any] = {}  # each plain scalar's value, built once
    lines: list[str] | None = None
    outer: list[tuple[Any, bool, Any, bool, int]] = []  # the collections being filled around
    container: Any = None  # the collection being filled, with its kind, pending key, style, line
    mapping = flow = False
    key: Any = _KEY
    line = 0
    root: Any = _KEY
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise Unusual("anchor or tag")
            value = event.value
            if event.implicit[0]:
                if flow and not _FLOW_PLAIN.fullmatch(value):
                    raise Unusual("flow scalar")
                built = plain.get(value, _KEY)
                if built is _KEY:
                    built = plain[value] = _plain(value, resolvers)
                value = built
            elif not event.implicit[1] or (backslash and event.style == '"'):
                raise Unusual("scalar")
            elif event.style in ("|", ">"):
                if lines is None:
                    lines = text.split("\n")
                mark = event.start_mark
                if not _BLOCK_HEADER.fullmatch(lines[mark.line], mark.column):
                    raise Unusual("block scalar header")
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or not event.implicit:
                raise Unusual("anchor or tag")
            if len(outer) + 2 > max_depth:
                raise Unusual("deep")
            if mapping and key is _KEY:
                raise Unusual("complex key")
            outer.append((container, mapping, key, flow, line))
            mapping = kind is MappingStartEvent
            container = {} if mapping else []
            key, flow, line = _KEY, bool(event.flow_style), event.start_mark.line
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if flow and event.end_mark.line != line:
                raise Unusual("flow collection over several lines")
            value = container
            container, mapping, key, flow, line = outer.pop()
        elif kind is DocumentEndEvent and container is None and root is not _KEY:
            return root
        else:
            raise Unusual(kind.__name__)
        if container is None:
            root = value
        elif not mapping:
            container.append(value)
        elif key is _KEY:
            if (isinstance(value, str) and len(value) > _LONGEST_KEY) or value in container:
                raise Unusual("key")
            key = value
        else:
            container[key] = value
            key = _KEY
