"""libyaml's parser for plain record documents, read exactly as the strict reference loader
(``yamlio``) reads them, or not at all.

The reference loader is PyYAML's own parser, about 10 ms per record. libyaml's parser is
many times faster but accepts and words some documents differently (tabs, ``?`` in flow
collections, escapes, directives), so it is used only where the two cannot differ: a
document without anchors, aliases, tags, directives, complex keys, duplicate keys, special
line breaks, tabs, byte order marks, escapes in double quotes or multi-line flow
collections, whose scalars resolve to text, null, true/false or a number as JSON writes one.
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


class Unusual(Exception):
    """The document is one that only the reference loader reads."""


class _Frame:
    __slots__ = ("container", "flow", "key", "line")

    def __init__(self, container: dict[Any, Any] | list[Any], flow: bool, line: int) -> None:
        self.container = container
        self.flow = flow
        self.key: Any = _KEY
        self.line = line


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
    plain: dict[str, Any] = {}
    lines: list[str] | None = None
    stack: list[_Frame] = []
    root: Any = _KEY
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise Unusual("anchor or tag")
            written = event.value
            if event.implicit[0]:
                if stack and stack[-1].flow and not _FLOW_PLAIN.fullmatch(written):
                    raise Unusual("flow scalar")
                if written not in plain:
                    plain[written] = _plain(written, resolvers)
                value = plain[written]
            elif not event.implicit[1] or (backslash and event.style == '"'):
                raise Unusual("scalar")
            elif event.style in ("|", ">"):
                if lines is None:
                    lines = text.split("\n")
                mark = event.start_mark
                if not _BLOCK_HEADER.fullmatch(lines[mark.line], mark.column):
                    raise Unusual("block scalar header")
                value = written
            else:
                value = written
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or not event.implicit:
                raise Unusual("anchor or tag")
            if len(stack) + 2 > max_depth:
                raise Unusual("deep")
            if stack and stack[-1].container.__class__ is dict and stack[-1].key is _KEY:
                raise Unusual("complex key")
            stack.append(_Frame({} if kind is MappingStartEvent else [],
                                bool(event.flow_style), event.start_mark.line))
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            frame = stack.pop()
            if frame.flow and event.end_mark.line != frame.line:
                raise Unusual("flow collection over several lines")
            value = frame.container
        elif kind is DocumentEndEvent and not stack and root is not _KEY:
            return root
        else:
            raise Unusual(kind.__name__)
        if not stack:
            root = value
            continue
        top = stack[-1]
        container = top.container
        if container.__class__ is list:
            container.append(value)
        elif top.key is _KEY:
            if (isinstance(value, str) and len(value) > _LONGEST_KEY) or value in container:
                raise Unusual("key")
            top.key = value
        else:
            container[top.key] = value
            top.key = _KEY
