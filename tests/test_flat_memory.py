"""Streamed outputs keep memory flat: ten times the records, about the same peak memory.

Each run is a fresh process whose peak resident size its parent reads (``ru_maxrss`` of
its one child); a bound, not a timing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.generated import records

ROOT = Path(__file__).resolve().parent.parent
SMALL = 300  # ten times that: enough for a document held whole to show (~30 KB a record of HTML)
MARGIN_KB = 25 * 1024  # what the larger run may use beyond the smaller one
# The one child's peak resident size (KB on Linux), printed by a process that runs it.
PEAK = ("import resource, subprocess, sys; status = subprocess.run(sys.argv[1:]).returncode; "
        "print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
COMMANDS = {
    "text": ["check", "--format", "text"],
    "json": ["check", "--format", "json"],
    "jsonl": ["check", "--format", "jsonl"],
    "html": ["check", "--format", "html"],
    "md": ["check", "--format", "md"],
    "evaluate": ["evaluate", "--year", "2019"],
}


# HTML and Markdown are rendered record by record through a template (~10 ms a record):
# fewer of them still show a document held whole (about 45 MB at ten times).
SIZES = {name: 150 if name in ("html", "md") else SMALL for name in COMMANDS}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], tuple[Path, Path]]:
    """For a size: that many generated records, and ten times as many (the same ones under
    other ids), each written once per module."""
    made: dict[int, tuple[Path, Path]] = {}

    def sized(size: int) -> tuple[Path, Path]:
        if size not in made:
            folder = tmp_path_factory.mktemp(f"flat{size}")
            drawn = [r.model_dump(mode="json", exclude_none=True) for r in records(size, seed=7)]
            small, large = folder / "small.jsonl", folder / "large.jsonl"
            with small.open("w", encoding="utf-8") as one, \
                    large.open("w", encoding="utf-8") as ten:
                for record in drawn:
                    one.write(json.dumps(record, ensure_ascii=False) + "\n")
                for copy in range(10):
                    for record in drawn:
                        ten.write(json.dumps({**record, "id": f"{record['id']}-{copy}"},
                                             ensure_ascii=False) + "\n")
            made[size] = small, large
        return made[size]

    return sized


def _peak_kb(command: list[str], source: Path, output: Path) -> int:
    run = subprocess.run(
        [sys.executable, "-c", PEAK, sys.executable, "-m", "qianbai_rules.cli", *command,
         str(source), "--as-of", "2019-12-31", "--quiet", "-o", str(output)],
        cwd=ROOT, capture_output=True, text=True, check=True)
    status, peak = run.stdout.split()
    assert status in ("0", "1"), run.stderr  # every generated record is valid
    return int(peak)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_ten_times_the_records_take_about_the_same_peak_memory(
        name: str, inputs: Callable[[int], tuple[Path, Path]], tmp_path: Path) -> None:
    size = SIZES[name]
    small, large = inputs(size)
    few = _peak_kb(COMMANDS[name], small, tmp_path / "small.out")
    many = _peak_kb(COMMANDS[name], large, tmp_path / "large.out")
    if name != "evaluate":  # an evaluation is counts: about as long for more records
        assert (tmp_path / "large.out").stat().st_size > 9 * (tmp_path / "small.out").stat().st_size
    assert many <= few + MARGIN_KB, f"{name}: {few} KB for {size} records, {many} KB for ten times"
