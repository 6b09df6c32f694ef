"""Outputs and the history database under hostile paths and faults (issue 11): the one
output-path policy, file names unique per run, temporary files on SIGTERM, standard output
checked, the history database in WAL mode under concurrent use."""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from qianbai_rules.cli.app import main
from qianbai_rules.history.store import MIGRATIONS, History
from qianbai_rules.io import writing
from qianbai_rules.io.writing import ReportError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = str(ROOT / "examples" / "sites")
COMMAND = [sys.executable, "-m", "qianbai_rules.cli"]


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([*args], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _site(path: Path, record_id: str = "JB-X1") -> Path:
    path.write_text(json.dumps({"id": record_id, "facility_type": "station",
                                "floor_area_m2": 150}), encoding="utf-8")
    return path


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*.tmp"))


# --- the output-path policy ---------------------------------------------------------------

def test_a_fifo_given_as_output_is_written_into_and_never_replaced_even_with_force(
        tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    status, _, err = _run("check", str(_site(tmp_path / "site.json")), "--format", "json",
                          "-o", str(fifo), "--force", "--as-of", "2019-12-31")
    reader.join(timeout=30)
    assert status == 1, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(received[0])["records"][0]["id"] == "JB-X1"


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_character_device_given_as_output_is_never_replaced_by_a_regular_file(
        tmp_path: Path) -> None:
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a copy of /dev/null
    status, _, err = _run("check", str(_site(tmp_path / "site.json")), "--format", "json",
                          "-o", str(device), "--force", "--as-of", "2019-12-31")
    assert status == 1, err
    assert stat.S_ISCHR(device.stat().st_mode)
    assert _temporaries(tmp_path) == []


@pytest.mark.slow
def test_dev_stdout_given_as_output_writes_into_the_pipe_it_names() -> None:
    done = subprocess.run([*COMMAND, "check", EXAMPLES, "--format", "json", "-o", "/dev/stdout",
                           "--as-of", "2019-12-31"], cwd=ROOT, capture_output=True, check=False)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["records"] == 14
    assert Path("/dev/stdout").is_symlink()


def test_a_hard_link_to_an_input_is_refused_as_output_even_with_force(tmp_path: Path) -> None:
    site = _site(tmp_path / "site.json")
    os.link(site, tmp_path / "result.json")
    before = site.read_bytes()
    status, _, err = _run("check", str(site), "--format", "json", "-o",
                          str(tmp_path / "result.json"), "--force", "--lang", "en")
    assert status == 2 and "is an input of this run" in err
    assert site.read_bytes() == before


def test_the_library_default_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    target = tmp_path / "kept.txt"
    target.write_text("kept", encoding="utf-8")
    with pytest.raises(ReportError):
        writing.write_atomically(target, b"new")
    assert target.read_text(encoding="utf-8") == "kept"


def test_a_file_that_appears_while_a_run_writes_is_not_clobbered(tmp_path: Path) -> None:
    """Create-exclusive, not check-then-rename: a concurrent run's file survives."""
    target = tmp_path / "result.json"
    with pytest.raises(ReportError) as refused, \
            writing.output_policy(writing.OutputPolicy()), writing.atomic_text(target) as out:
        out.write("ours")
        target.write_text("theirs", encoding="utf-8")  # the other run finished first
    assert "exists" in refused.value.text("en")
    assert target.read_text(encoding="utf-8") == "theirs"
    assert _temporaries(tmp_path) == []


def test_a_new_file_is_created_with_the_umask_mode_and_a_forced_one_keeps_its_mode(
        tmp_path: Path) -> None:
    new, old = tmp_path / "new.txt", tmp_path / "old.txt"
    old.write_text("old", encoding="utf-8")
    old.chmod(0o600)
    with writing.output_policy(writing.OutputPolicy(force=True)):
        writing.write_atomically(new, b"new")
        writing.write_atomically(old, b"replaced")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert old.read_bytes() == b"replaced"


# --- report file names unique per run -----------------------------------------------------

# "A/" is hashed to A-fdf6e585b6; the second id is that very name.
COLLIDING = ("A/", "A-fdf6e585b6")


@pytest.mark.parametrize("order", [COLLIDING, COLLIDING[::-1]])
@pytest.mark.parametrize("force", [False, True])
def test_an_id_equal_to_another_ids_hashed_name_gets_its_own_report_file(
        tmp_path: Path, order: tuple[str, str], force: bool) -> None:
    source = tmp_path / "sites.jsonl"
    source.write_text("".join(json.dumps({"id": i, "facility_type": "station"}) + "\n"
                              for i in order), encoding="utf-8")
    folder = tmp_path / "out"
    status, _, err = _run("check", str(source), "--format", "html", "-o", f"{folder}/",
                          "--as-of", "2019-12-31", *(["--force"] if force else []))
    assert status == 1, err
    index = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = [str(a["href"]) for a in index.select("a[href]")]
    assert len(links) == 2 and len(set(links)) == 2
    for record_id, link in zip(order, links, strict=True):
        assert record_id in (folder / link).read_text(encoding="utf-8")


def test_file_names_are_unique_whatever_the_ids() -> None:
    ids = ["A/", "A-fdf6e585b6", "a-FDF6E585B6", "index", "index-x", "B", "b", "C",
           "x" * 61, "x" * 60, "观音桥", "观音桥站"]
    names = writing.file_names(ids)
    assert len({n.lower() for n in names}) == len(ids)
    assert names[5:8] == ["B-" + names[5][2:], "b-" + names[6][2:], "C"]
    assert writing.file_names(ids[::-1]) == names[::-1]  # the same names in any order


def test_a_report_folder_with_one_taken_name_gets_nothing_written(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "JB-GYQ-S01.html").write_text("an earlier report", encoding="utf-8")
    status, _, err = _run("check", EXAMPLES, "--format", "html", "-o", f"{folder}/",
                          "--as-of", "2019-12-31", "--lang", "en")
    assert status == 2 and "JB-GYQ-S01.html exists; add --force" in err
    assert sorted(p.name for p in folder.iterdir()) == ["JB-GYQ-S01.html"]


# --- SIGTERM ------------------------------------------------------------------------------

@pytest.mark.slow
def test_sigterm_removes_the_temporary_output_file(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    with source.open("w", encoding="utf-8") as stream:
        for index in range(50000):
            stream.write(json.dumps({"id": f"T-{index}", "facility_type": "station",
                                     "floor_area_m2": 150}) + "\n")
    run = subprocess.Popen([*COMMAND, "check", str(source), "--format", "json", "-o",
                            str(tmp_path / "out.json"), "--as-of", "2019-12-31"], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not _temporaries(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert run.poll() is None, "the run ended before it could be stopped"
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in err
    assert _temporaries(tmp_path) == []
    assert not (tmp_path / "out.json").exists()


# --- standard output ----------------------------------------------------------------------

def _closed_pipe() -> int:
    """The write end of a pipe whose reader is gone (as with ``| head`` once it is done)."""
    read, write = os.pipe()
    os.close(read)
    return write


def _history_rows(db: Path) -> int:
    """The assessments stored; a database the failed run made is removed again (none)."""
    if not db.exists():
        return 0
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM assessments").fetchone()[0])


@pytest.mark.slow
@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_a_reader_gone_away_is_exit_2_naming_standard_output_and_nothing_is_stored(
        tmp_path: Path, unbuffered: str) -> None:
    """Decision: a run whose output could not be written whole stores nothing."""
    db = tmp_path / "h.db"
    pipe = _closed_pipe()
    try:
        done = subprocess.run([*COMMAND, "check", EXAMPLES, "--format", "json", "--record",
                               "--db", str(db), "--as-of", "2019-12-31"], cwd=ROOT,
                              stdout=pipe, stderr=subprocess.PIPE, check=False,
                              env={**os.environ, "PYTHONUNBUFFERED": unbuffered})
    finally:
        os.close(pipe)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2, err
    assert "标准输出" in err and "本次结果未存入历史数据库" in err and "Traceback" not in err
    assert _history_rows(db) == 0 and not db.exists()


@pytest.mark.slow
@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_standard_output_over_a_file_size_limit_is_exit_2_naming_it(
        tmp_path: Path, unbuffered: str) -> None:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    with (tmp_path / "out.json").open("wb") as out:
        done = subprocess.run([*COMMAND, "check", EXAMPLES, "--format", "json", "--as-of",
                               "2019-12-31"], cwd=ROOT, stdout=out, stderr=subprocess.PIPE,
                              check=False, preexec_fn=limit,
                              env={**os.environ, "PYTHONUNBUFFERED": unbuffered})
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2, err
    assert "标准输出" in err and "None:" not in err and "Traceback" not in err


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_disk_on_standard_output_is_exit_2_naming_it() -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run([*COMMAND, "check", EXAMPLES, "--format", "json", "--lang", "en"],
                              cwd=ROOT, stdout=full, stderr=subprocess.PIPE, check=False)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2 and "standard output" in err and "Traceback" not in err


@pytest.mark.slow
def test_a_closed_standard_output_is_exit_2_naming_it() -> None:
    done = subprocess.run(["sh", "-c", '"$@" >&-', "sh", *COMMAND, "check", EXAMPLES,
                           "--format", "json"], cwd=ROOT, capture_output=True, check=False)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2 and "标准输出已关闭" in err and "Traceback" not in err


@pytest.mark.slow
def test_a_closed_standard_error_never_corrupts_the_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "B-1", "facility_type": "station", "floor_area_m2": -1}',
                   encoding="utf-8")
    done = subprocess.run(["sh", "-c", '"$@" 2>&-', "sh", *COMMAND, "check", EXAMPLES, str(bad),
                           "--format", "json", "--as-of", "2019-12-31"], cwd=ROOT,
                          capture_output=True, check=False)
    document = json.loads(done.stdout)  # whole, with no message mixed in
    assert document["summary"]["rejected"] == 1
    assert done.returncode == 2


# --- the history database -----------------------------------------------------------------

def _open_new(db: str, start: float) -> None:
    time.sleep(max(0.0, start - time.time()))
    with History(Path(db)) as history:
        assert history.connection  # made on first use: a run stores something


@pytest.mark.slow
def test_many_processes_opening_a_new_history_at_once_all_succeed(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    start = time.time() + 2.0
    script = ("import sys; from tests.test_hostile_outputs import _open_new; "
              "_open_new(sys.argv[1], float(sys.argv[2]))")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(db), repr(start)], cwd=ROOT,
                             stderr=subprocess.PIPE) for _ in range(12)]
    errors = [run.communicate(timeout=120)[1].decode("utf-8") for run in runs]
    assert [run.returncode for run in runs] == [0] * len(runs), errors
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "ORDER BY name").fetchall()
    assert tables == [("assessments",), ("evaluations",), ("rectification_items",),
                      ("report_assessments",), ("reports",)]


def test_history_answers_while_another_run_holds_the_write_lock(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with History(db) as history:
        history.connection.execute(
            "INSERT INTO assessments (facility, facility_key, year, as_of, kind, fingerprint, "
            "verdict, findings, subsidy, recorded_at) VALUES ('JB-W1', 'JB-W1', 2019, "
            "'2019-12-31', 'check', 'f', 'compliant', '{}', '[]', '2020-01-01T00:00:00+00:00')")
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # as a run does while it commits or spills to disk
    writer.execute("DELETE FROM assessments")
    try:
        began = time.monotonic()
        status, out, err = _run("history", "JB-W1", "--db", str(db), "--format", "json")
        elapsed = time.monotonic() - began
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert status == 0, err
    assert [row["facility"] for row in json.loads(out)["assessments"]] == ["JB-W1"]
    assert elapsed < 5
