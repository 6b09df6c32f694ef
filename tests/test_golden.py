"""The outputs of the shipped examples, byte for byte: a redesign must not change them.

``tests/data/golden/outputs.yaml`` lists command lines with the SHA-256 of what each wrote
(standard output, and every file under ``{dir}``). A change that alters an output on
purpose regenerates the digests with ``python -m tests.test_golden`` and says why in its
commit.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.core.yamlio import load_yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "golden" / "outputs.yaml"

COMMANDS: dict[str, list[str]] = {
    "check sites json": ["check", "examples/sites", "--as-of", "2019-12-31", "--format", "json"],
    "check sites json en": ["check", "examples/sites", "--as-of", "2019-12-31", "--format", "json",
                            "--lang", "en"],
    "check sites jsonl": ["check", "examples/sites", "--as-of", "2019-12-31", "--format", "jsonl",
                          "--findings", "full"],
    "check sites jsonl lean": ["check", "examples/sites", "--as-of", "2019-12-31", "--format",
                               "jsonl"],
    "check sites jsonl lean en": ["check", "examples/sites", "--as-of", "2019-12-31", "--format",
                                  "jsonl", "--lang", "en"],
    "check sites text": ["check", "examples/sites", "--as-of", "2019-12-31"],
    "check sites text en": ["check", "examples/sites", "--as-of", "2019-12-31", "--lang", "en"],
    "check sites md en": ["check", "examples/sites", "--as-of", "2019-12-31", "--format", "md",
                          "--lang", "en"],
    "check sites md operator": ["check", "examples/sites", "--as-of", "2019-12-31", "--format", "md",
                                "--audience", "operator"],
    "check sites html": ["check", "examples/sites", "--as-of", "2019-12-31", "--format", "html"],
    "check sites html files": ["check", "examples/sites", "--as-of", "2019-12-31", "--format",
                               "html", "-o", "{dir}/out/"],
    "check sites jsonl two jobs": ["check", "examples/sites", "--as-of", "2019-12-31", "--format",
                                   "jsonl", "--jobs", "2", "--findings", "full"],
    "check registry csv json 2020": ["check", "examples/jiangbei-registry.csv", "--as-of",
                                     "2020-12-31", "--format", "json"],
    "check one site plain engine": ["check", "examples/sites/station-failing.yaml", "--engine",
                                    "plain", "--as-of", "2019-12-31", "--format", "json"],
    "evaluate 2019 json": ["evaluate", "examples/jiangbei-registry.xlsx", "--year", "2019",
                           "--format", "json"],
    "evaluate 2019 text": ["evaluate", "examples/jiangbei-registry.xlsx", "--year", "2019"],
    "evaluate 2020 md en": ["evaluate", "examples/jiangbei-registry.csv", "--year", "2020",
                            "--format", "md", "--lang", "en"],
    "evaluate 2019 html": ["evaluate", "examples/jiangbei-registry.xlsx", "--year", "2019",
                           "--format", "html"],
    "rules list": ["rules", "list"],
    "rules list en": ["rules", "list", "--lang", "en"],
    "rules show": ["rules", "show", "QB-AREA-STATION", "--as-of", "2019-12-31"],
    "rules show per capita": ["rules", "show", "QB-AREA-PER-CAPITA", "--as-of", "2019-12-31"],
    "rules show operating subsidy en": ["rules", "show", "QB-SUBSIDY-OPERATING", "--as-of",
                                        "2019-12-31", "--lang", "en"],
    "rules test": ["rules", "test"],
    "rules test one rule en": ["rules", "test", "QB-SMART-ONLINE", "--lang", "en"],
    "rules lint": ["rules", "lint"],
    "schema": ["schema"],
}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run(args: list[str], tmp: Path) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    status = main([a.replace("{dir}", tmp.as_posix()) for a in args], out=out, err=err)
    files = {path.relative_to(tmp).as_posix(): _digest(path.read_bytes())
             for path in sorted(tmp.rglob("*")) if path.is_file()}
    return {"exit": status, "stdout": _digest(out.getvalue().encode("utf-8")),
            "stderr": _digest(err.getvalue().encode("utf-8")), "files": files}


def _expected() -> dict[str, Any]:
    document = load_yaml(CASES.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_examples_give_the_same_bytes(name: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert run(COMMANDS[name], tmp_path) == _expected()[name]


def _update() -> None:
    import tempfile

    import yaml

    results = {}
    for name, args in sorted(COMMANDS.items()):
        with tempfile.TemporaryDirectory() as tmp:
            results[name] = run(args, Path(tmp))
    CASES.write_text(yaml.safe_dump(results, sort_keys=True, allow_unicode=True),
                     encoding="utf-8")
    print(f"{len(results)} outputs written to {CASES}", file=sys.stderr)


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    _update()
