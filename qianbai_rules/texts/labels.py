"""User-facing labels, read from ``labels.yaml`` beside the report templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from qianbai_rules.core.problems import Lang, Text
from qianbai_rules.core.resources import templates_dir
from qianbai_rules.core.yamlio import load_yaml

_SLOT = re.compile(r"\{([a-z_]+)\}")


@cache
def _catalogue() -> dict[str, Any]:
    loaded = load_yaml((templates_dir() / "labels.yaml").read_text(encoding="utf-8"), shipped=True)
    assert isinstance(loaded, dict)
    return loaded


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[str, ...]:
    """The template split at its slots: text, slot name, text, slot name, ..., text."""
    return tuple(_SLOT.split(template))


def fill(template: str, values: Mapping[str, object], lang: Lang = "zh") -> str:
    """Replace ``{name}`` slots with values already rendered as text; never a template.
    A :class:`Text` value gives its own text in ``lang`` (a date written 2019年12月31日 in
    Chinese and 2019-12-31 in English, a nested text).

    A slot without a value is left as it is.
    """
    pieces = _pieces(template)
    if len(pieces) == 1:
        return template
    filled = list(pieces)
    for i in range(1, len(filled), 2):
        name = filled[i]
        if name in values:
            value = values[name]
            filled[i] = value(lang) if isinstance(value, Text) else str(value)
        else:
            filled[i] = f"{{{name}}}"
    return "".join(filled)


@cache
def _text(key: str, lang: Lang) -> str:
    node: Any = _catalogue()
    for part in key.split("."):
        node = node[part]
    return str(node[lang])


def label(key: str, lang: Lang, **values: object) -> str:
    return fill(_text(key, lang), values, lang)


def pair(key: str, **values: object) -> tuple[str, str]:
    """The catalogue's text in Chinese and in English, slots filled (a :class:`Text` value
    in its language): for an error that carries both (``ReportError(*pair(...))``)."""
    return label(key, "zh", **values), label(key, "en", **values)


def text(key: str, **values: object) -> Text:
    """The catalogue's text in both languages, slots filled, as a :class:`Text`."""
    return Text(*pair(key, **values))


def labels(lang: Lang) -> dict[str, Any]:
    """The whole catalogue in one language, for templates: ``L.status.pass``."""
    def pick(node: Any) -> Any:
        if isinstance(node, dict) and set(node) == {"zh", "en"}:
            return node[lang]
        if isinstance(node, dict):
            return {k: pick(v) for k, v in node.items()}
        return node
    picked = pick(_catalogue())
    assert isinstance(picked, dict)
    return picked


def status_word(status: str, severity: str, entitlement: bool, picked: Mapping[str, Any]) -> str:
    """The word for a finding's status in one language (``picked`` is ``labels(lang)``):
    an entitlement or info rule that holds says 可享受/已登记, never 符合."""
    if severity == "info" or entitlement:
        kind = "entitlement" if entitlement else "info"
        word = picked["status_info"][kind].get(status)
        if word is not None:
            return str(word)
    return str(picked["status"][status])
