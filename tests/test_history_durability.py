"""The history database survives a process killed while it writes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .generated import records

ROOT = Path(__file__).resolve().parent.parent


def _registry(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for record in records(count, seed=11):
            data = record.model_dump(mode="json", exclude_none=True)
            data.setdefault("status", {})["completed_on"] = "2019-05-01"
            stream.write(json.dumps(data, ensure_ascii=False) + "\n")


def _evaluate(registry: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "qianbai_rules.cli", "evaluate", str(registry), "--year", "2019",
         "--format", "json", "--db", str(db), "--engine", "plain"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _counts(db: Path) -> tuple[str, int, int]:
    with sqlite3.connect(db) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        assessments = connection.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]
        evaluations = connection.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0]
    return integrity, assessments, evaluations


def _writing(db: Path) -> bool:
    """Whether another connection holds the database's write transaction (WAL mode keeps a
    run's writes in memory or in the -wal file, so no journal file shows it)."""
    connection = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        connection.close()


@pytest.mark.slow
def test_a_run_killed_midway_leaves_the_history_as_it_was_before_the_run(tmp_path: Path) -> None:
    registry, db = tmp_path / "registry.jsonl", tmp_path / "history.db"
    _registry(registry, 3000)
    first = _evaluate(registry, db)
    assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
    before = _counts(db)
    assert before[0] == "ok" and before[1] > 0 and before[2] == 1

    second = _evaluate(registry, db)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill it once it holds the write transaction
        time.sleep(0.05)
        if _writing(db):
            break
    second.send_signal(signal.SIGKILL)
    second.wait(timeout=60)
    assert second.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    assert _counts(db) == before
