"""Where the shipped rules and templates are: inside the wheel, or in the source tree."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(installed: str, source: str) -> Path:
    inside = _PACKAGE / "_data" / installed
    return inside if inside.is_dir() else _PACKAGE.parent / source


def rules_dir() -> Path:
    return _find("rules", "rules")


def templates_dir() -> Path:
    return _find("templates", "reports/templates")


def shipped(path: Path) -> bool:
    """Whether a file is one of the rules or templates shipped with the package."""
    where = path.resolve()
    return where.is_relative_to(rules_dir().resolve()) or \
        where.is_relative_to(templates_dir().resolve())
