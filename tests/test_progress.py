"""The progress bar: shown on a terminal only, silent with --quiet, and never in the output."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from qianbai_rules.io import progress as progress_module
from qianbai_rules.io.inputs import Meter
from qianbai_rules.io.progress import progress, progress_line
from qianbai_rules.io.sources import STDIN
from qianbai_rules.pipeline.check import items


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_line_without_a_known_input_size_gives_the_count_and_rate() -> None:
    assert progress_line(1200, 2.0, None, "en") == "1,200 records evaluated (600/s)…  "
    assert progress_line(1200, 2.0, None, "zh").startswith("已评估 1,200 条记录（每秒 600 条）")


def test_a_line_with_a_known_input_size_gives_a_bar_a_share_and_the_time_left() -> None:
    line = progress_line(500, 10.0, 0.25, "en")
    assert line.startswith("█████··············· 25%  500 records evaluated (50/s, about 0:00:30 left)")
    assert "约剩 0:00:30" in progress_line(500, 10.0, 0.25, "zh")


def test_on_a_terminal_the_items_pass_unchanged_and_the_last_line_says_done(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "EVERY_SECONDS", 0.0)
    stream = Terminal()
    assert list(progress(range(5), stream, "en", True)) == [0, 1, 2, 3, 4]
    shown = stream.getvalue()
    assert shown.count("records evaluated (") == 5
    assert shown.endswith("5 records evaluated.                    \n")


@pytest.mark.parametrize(("stream", "enabled"), [(io.StringIO(), True), (Terminal(), False)])
def test_not_a_terminal_or_quiet_writes_nothing(stream: io.StringIO, enabled: bool,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "EVERY_SECONDS", 0.0)
    assert list(progress(range(3), stream, "en", enabled)) == [0, 1, 2]
    assert stream.getvalue() == ""


def test_the_meter_follows_the_reading_of_json_lines_and_other_files(tmp_path: Path) -> None:
    lines = tmp_path / "a.jsonl"
    lines.write_text("".join(json.dumps({"id": f"L{i}"}) + "\n" for i in range(100)), encoding="utf-8")
    document = tmp_path / "b.json"
    document.write_text(json.dumps([{"id": "D1"}, {"id": "D2"}]), encoding="utf-8")
    meter = Meter([str(lines), str(document)])
    assert meter.total == lines.stat().st_size + document.stat().st_size
    seen = []
    for _item in items([str(lines), str(document)], meter):
        assert meter.fraction is not None
        seen.append(meter.fraction)
    assert seen == sorted(seen) and 0 < seen[0] < seen[99] < 1 and meter.fraction == 1.0


def test_standard_input_has_no_known_size() -> None:
    assert Meter([STDIN]).fraction is None


def _run_on_a_terminal(*args: str) -> tuple[str, str]:
    """Run qianbai with standard error on a pseudo-terminal; its stdout and its terminal."""
    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "qianbai_rules.cli", *args], stdout=subprocess.PIPE,
                          stderr=follower, check=False, env={**os.environ, "COLUMNS": "120"})
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once everything has been read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return done.stdout.decode("utf-8"), shown.decode("utf-8", "replace")


@pytest.mark.slow
def test_a_long_run_on_a_terminal_shows_the_bar_on_standard_error_only(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"id": f"T{i}", "facility_type": "station",
                                          "floor_area_m2": 200 + i % 7}) + "\n"
                              for i in range(3000)), encoding="utf-8")
    out, terminal = _run_on_a_terminal("check", str(source), "--format", "jsonl", "--engine", "plain",
                                       "--as-of", "2019-12-31", "--lang", "en")
    assert "%" in terminal and "3,000 records evaluated." in terminal
    assert "records evaluated" not in out and len(out.splitlines()) == 3002
    _out, quiet = _run_on_a_terminal("check", str(source), "--format", "jsonl", "--engine", "plain",
                                     "--as-of", "2019-12-31", "--quiet")
    assert quiet == ""


def test_a_file_removed_during_the_run_does_not_stop_the_meter(tmp_path: Path) -> None:
    here = tmp_path / "a.jsonl"
    here.write_text('{"id": "A"}\n', encoding="utf-8")
    meter = Meter([str(here)])
    assert meter.total == 12
    here.unlink()
    meter.finished(str(here))  # no error: reading the file reports the problem
    assert meter.fraction == 0.0
