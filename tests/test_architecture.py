"""The package's shape, read from its source: stages in order, small modules.

The folder tree is the architecture (docs/architecture.md): a module imports only from its
own stage or an earlier one, at module level or inside a function, and no module grows past
400 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qianbai_rules"
STAGES = ["core", "texts", "model", "rules", "compile", "engines", "subsidies", "io",
          "pipeline", "reports", "history", "annual", "ruletest", "cli"]
MAX_LINES = 400
MODULES = sorted(PACKAGE.rglob("*.py"))


def _stage(module: str) -> str | None:
    """The stage of a dotted module name inside the package, or None outside it."""
    parts = module.split(".")
    return parts[1] if parts[0] == "qianbai_rules" and len(parts) > 1 else None


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """Every module that ``path`` (or ``source`` as if it were there) imports, with the line."""
    here = list(path.relative_to(PACKAGE.parent).parts[:-1])
    text = path.read_text(encoding="utf-8") if source is None else source
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here[:len(here) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names
                      if (PACKAGE.parent / f"{base}.{alias.name}".replace(".", "/")).exists()
                      or (PACKAGE.parent / f"{base}.{alias.name}".replace(".", "/")
                          ).with_suffix(".py").exists()]
    return found


def test_every_module_is_in_a_known_stage() -> None:
    stray = [p.relative_to(PACKAGE).as_posix() for p in MODULES
             if len(p.relative_to(PACKAGE).parts) > 1
             and p.relative_to(PACKAGE).parts[0] not in STAGES
             and not p.relative_to(PACKAGE).parts[0].startswith("_")]
    assert stray == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_import_from_a_later_stage(path: Path) -> None:
    own = path.relative_to(PACKAGE).parts
    if len(own) == 1:
        return  # the package's __init__: the version only
    rank = STAGES.index(own[0])
    later = [f"line {line}: {module}" for line, module in _imports(path)
             if (stage := _stage(module)) in STAGES and STAGES.index(stage) > rank]
    assert later == [], f"{own[0]} may import only from {STAGES[:rank + 1]}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_is_over_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{lines} lines"


def test_the_reader_sees_later_imports_in_every_spelling() -> None:
    """The check itself can fail: absolute, relative and function-level imports are seen."""
    source = ("from ..cli import app\n"
              "def f() -> None:\n"
              "    from qianbai_rules.reports.render import ReportError\n"
              "    import qianbai_rules.history.store\n")
    seen = {module for _, module in _imports(PACKAGE / "core" / "problems.py", source)}
    assert {"qianbai_rules.cli", "qianbai_rules.cli.app", "qianbai_rules.reports.render",
            "qianbai_rules.history.store"} <= seen


def _public_types(path: Path) -> list[str]:
    """Classes and type aliases (``Name = ...`` in CamelCase) a module defines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    names += [t.id for n in tree.body if isinstance(n, ast.Assign | ast.AnnAssign)
              for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
              if isinstance(t, ast.Name) and t.id[:1].isupper() and not t.id.isupper()]
    return [name for name in names if not name.startswith("_")]


def test_no_two_public_types_share_a_name() -> None:
    seen: dict[str, list[str]] = {}
    for path in MODULES:
        for name in _public_types(path):
            seen.setdefault(name, []).append(path.relative_to(PACKAGE).as_posix())
    assert {name: where for name, where in seen.items() if len(where) > 1} == {}
