"""Command-line cases as data: ``tests/cases/cli/*.yaml``.

A case file holds ``cases:``, each::

    name: a negative floor area is rejected, naming the field, with exit 2
    files:                       # written into a fresh folder, {dir} in args
      bad.yaml: |                # text (UTF-8) ...
        id: X
      raw.csv: {gb18030: "编号,类型\\nA,station\\n"}   # ... text in another encoding
      blob.yaml: {hex: "00ff10"}                       # ... or bytes
    rules_files:                 # written over a copy of the shipped rules in {dir}/rules
      checks/9-extra.yaml: "rules: []"
    args: [check, "{dir}/bad.yaml", --format, json, --as-of, "2019-12-31"]
    exit: 2
    stdout_json: {summary: {rejected: 1}}   # every key given must match (recursively)
    stdout_contains: [...]
    stderr_contains: [...]
    stdout_lines: 3              # optional: number of output lines
    slow: true                   # optional: left out of the fast run (pytest -m "not slow")
"""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qianbai_rules.cli.app import main
from qianbai_rules.core.yamlio import load_yaml

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"name", "files", "rules_files", "args", "exit", "stdout_json", "stdout_contains",
        "stdout_not_contains", "stderr_contains", "stderr_not_contains", "stdout_lines", "slow"}


@dataclass(frozen=True)
class CliCase:
    file: str
    name: str
    spec: dict[str, Any]


def load_cli_cases(path: Path) -> list[CliCase]:
    doc = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
        raise ValueError(f"{path}: a CLI case file is {{cases: [case, ...]}}")
    cases = []
    for index, raw in enumerate(doc["cases"]):
        if not isinstance(raw, dict) or not raw.get("name"):
            raise ValueError(f"{path}: case {index + 1} needs a name")
        unknown = set(raw) - KEYS
        if unknown:
            raise ValueError(f"{path}: case {raw['name']!r}: unknown keys {sorted(unknown)}")
        cases.append(CliCase(path.as_posix(), str(raw["name"]), raw))
    return cases


def _write(target: Path, content: Any) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict) and "hex" in content:
        target.write_bytes(bytes.fromhex(content["hex"]))
    elif isinstance(content, dict):
        (encoding, text), = content.items()
        target.write_bytes(str(text).encode(encoding))
    else:
        target.write_text(str(content), encoding="utf-8")


def _matches(expected: Any, actual: Any, path: str, failures: list[str]) -> None:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            failures.append(f"{path}: expected a mapping, got {actual!r}")
            return
        for key, value in expected.items():
            if key not in actual:
                failures.append(f"{path}.{key}: missing")
            else:
                _matches(value, actual[key], f"{path}.{key}", failures)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            failures.append(f"{path}: expected {len(expected)} items, got {len(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            _matches(e, a, f"{path}[{i}]", failures)
    elif expected != actual:
        failures.append(f"{path}: expected {expected!r}, got {actual!r}")


def run_cli_case(case: CliCase, tmp: Path) -> list[str]:
    spec = case.spec
    for name, content in (spec.get("files") or {}).items():
        _write(tmp / name, content)
    if spec.get("rules_files") is not None:
        shutil.copytree(ROOT / "rules", tmp / "rules")
        for name, content in spec["rules_files"].items():
            if content is None:
                (tmp / "rules" / name).unlink()
            else:
                _write(tmp / "rules" / name, content)
    args = [str(a).replace("{dir}", tmp.as_posix()).replace("{root}", ROOT.as_posix())
            for a in spec["args"]]
    out, err = io.StringIO(), io.StringIO()
    status = main(args, out=out, err=err)
    stdout, stderr = out.getvalue(), err.getvalue()
    failures = []
    if "exit" in spec and status != spec["exit"]:
        failures.append(f"exit status {status}, expected {spec['exit']}")
    for text in spec.get("stdout_contains") or []:
        if str(text) not in stdout:
            failures.append(f"stdout lacks {text!r}")
    for text in spec.get("stdout_not_contains") or []:
        if str(text) in stdout:
            failures.append(f"stdout has {text!r}")
    for text in spec.get("stderr_contains") or []:
        if str(text) not in stderr:
            failures.append(f"stderr lacks {text!r}")
    for text in [*(spec.get("stderr_not_contains") or []), "Traceback"]:
        if str(text) in stderr:
            failures.append(f"stderr has {text!r}")
    if "stdout_lines" in spec and len(stdout.splitlines()) != spec["stdout_lines"]:
        failures.append(f"{len(stdout.splitlines())} output lines, expected {spec['stdout_lines']}")
    if "stdout_json" in spec:
        try:
            document = json.loads(stdout)
        except json.JSONDecodeError as exc:
            failures.append(f"stdout is not JSON: {exc}")
        else:
            _matches(spec["stdout_json"], document, "$", failures)
    if failures:
        failures.append(f"--- stdout ---\n{stdout[:3000]}\n--- stderr ---\n{stderr[:3000]}")
    return failures
