"""The commands the inspection-cycle documents and the annual evaluation guide show run as a
new user would run them.

Every ``sh`` block of ``docs/inspection-cycle.md``, ``docs/en/inspection-cycle.md`` and the
inspection section of ``examples/README.md`` is run in order in a fresh folder that holds a
copy of ``examples/`` (as ``ex/`` for the docs, ``examples/`` for the examples' README).
The commands of a block must exit with the status the paragraph after it states, if it states
one; else they must not fail (exit 0 or 1, never 2); none may print a traceback. The examples' README
states each command's status in its table; its regenerated report must be the issued one.
"""

from __future__ import annotations

import io
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from qianbai_rules.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```sh\n(.*?)```\n(.*?)(?:\n\n|\Z)", re.DOTALL)
STATED = re.compile(r"退出状态均?为(\d)|\b[Ee]xit(?: status)? (\d)\b")
SECTION = "## 检查、复查与核验"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Block:
    commands: list[list[str]]
    stated: int | None


def _commands(source: str) -> list[list[str]]:
    joined = source.replace("\\\n", " ")
    return [shlex.split(line, comments=True) for line in joined.splitlines()
            if shlex.split(line, comments=True)]


def blocks(text: str) -> list[Block]:
    found = []
    for match in BLOCK.finditer(text):
        commands = _commands(match.group(1))
        stated = STATED.search(match.group(2))
        status = next(int(g) for g in stated.groups() if g) if stated else None
        found.append(Block(commands, status))
    return found


def run(argv: list[str], folder: Path) -> tuple[int, str]:
    """One command of a block, in ``folder``: ``qianbai …`` through the CLI, ``cp`` as cp."""
    if argv[0] == "cp":
        shutil.copyfile(folder / argv[1], folder / argv[2])
        return 0, ""
    assert argv[0] == "qianbai", argv
    out, err = io.StringIO(), io.StringIO()
    status = main(argv[1:], out=out, err=err)
    return status, err.getvalue()


def run_blocks(found: list[Block], folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    for block in found:
        for argv in block.commands:
            status, stderr = run(argv, folder)
            assert "Traceback" not in stderr, (argv, stderr)
            expected = (0, 1) if block.stated is None else (block.stated,)
            assert status in expected, (argv, status, stderr)


@pytest.mark.parametrize("doc", ["docs/inspection-cycle.md", "docs/en/inspection-cycle.md"])
def test_every_command_of_the_inspection_cycle_doc_runs_with_its_stated_status(
        doc: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = blocks((ROOT / doc).read_text(encoding="utf-8"))
    assert sum(1 for b in found if b.stated is not None) >= 5
    shutil.copytree(ROOT / "examples", tmp_path / "ex")
    run_blocks(found, tmp_path, monkeypatch)
    assert (tmp_path / "重新生成.pdf").read_bytes() == (tmp_path / "检查意见书.pdf").read_bytes()


def test_the_examples_readme_cycle_runs_with_the_status_its_table_states(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "examples/README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION):]
    found = blocks(section)
    assert len(found) == 1
    commands = found[0].commands
    table = section[section.index("### 中文"):section.index("### English")]
    statuses = [int(row.split("|")[2]) for row in table.splitlines()
                if row.startswith("| ") and row.split("|")[2].strip().isdigit()]
    assert len(statuses) == len(commands) == 5
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for argv, stated in zip(commands, statuses, strict=True):
        status, stderr = run(argv, tmp_path)
        assert "Traceback" not in stderr, (argv, stderr)
        assert status == stated, (argv, status, stderr)
    assert (tmp_path / "重新生成.pdf").read_bytes() == (tmp_path / "检查意见书.pdf").read_bytes()


@pytest.mark.parametrize("doc", ["docs/annual-evaluation.md", "docs/en/annual-evaluation.md"])
def test_every_command_of_the_annual_evaluation_guide_runs_with_its_stated_status(
        doc: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = blocks((ROOT / doc).read_text(encoding="utf-8"))
    assert [b.stated for b in found] == [0, 0, 0]
    shutil.copytree(ROOT / "examples", tmp_path / "ex")
    run_blocks(found, tmp_path, monkeypatch)
    written = [Path(argv[argv.index("-o") + 1]) for b in found for argv in b.commands]
    assert len(written) == 7 and all((tmp_path / w).stat().st_size > 10_000 for w in written)
