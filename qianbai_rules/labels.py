"""User-facing labels, read from ``labels.yaml`` beside the report templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from .problems import Lang
from .resources import templates_dir
from .yamlio import load_yaml

_SLOT = re.compile(r"\{([a-z_]+)\}")


@cache
def _catalogue() -> dict[str, Any]:
    loaded = load_yaml((templates_dir() / "labels.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def fill(template: str, values: Mapping[str, object]) -> str:
    """Replace ``{name}`` slots with values already rendered as text; never a template."""
    return _SLOT.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def label(key: str, lang: Lang, **values: object) -> str:
    node: Any = _catalogue()
    for part in key.split("."):
        node = node[part]
    return fill(str(node[lang]), values)


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
