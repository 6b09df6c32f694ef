"""Defects an independent review of the inspection cycle (issue 15) found, each kept as
the regression test that showed it: a re-run or a full-width id that made a re-inspection
forget what came before, deadlines the 检查意见书 stated wrongly, evidence or a report file
that never ends, an inspection's faulty field that moved the as-of date."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qianbai_rules.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "inspection"
FAILING = ROOT / "examples" / "sites" / "station-failing.yaml"
REINSPECTED = EXAMPLES / "reinspection" / "station-failing-2020-01.yaml"


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in args], out, err)
    return status, out.getvalue(), err.getvalue()


def first_inspection(db: Path, output: Path) -> None:
    status, _, err = run("check", FAILING, "--inspection", EXAMPLES / "inspection.yaml",
                         "--attestations", EXAMPLES / "attestations.csv",
                         "--waivers", EXAMPLES / "waivers.yaml", "--record", "--db", db,
                         "--format", "md", "-o", output, "--force")
    assert status == 1, err


def reinspection(db: Path, output: Path) -> None:
    status, _, err = run("check", REINSPECTED,
                         "--inspection", EXAMPLES / "reinspection" / "inspection.yaml",
                         "--attestations", EXAMPLES / "reinspection" / "attestations.csv",
                         "--waivers", EXAMPLES / "waivers.yaml", "--record", "--db", db,
                         "--format", "md", "-o", output, "--force")
    assert status == 1, err


def test_rerunning_the_first_inspection_keeps_the_reinspection_a_reinspection(
        tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    first_inspection(db, tmp_path / "first.md")
    reinspection(db, tmp_path / "second.md")
    before = (tmp_path / "second.md").read_bytes()
    assert before.startswith("# 社区养老服务设施复查意见书".encode())
    first_inspection(db, tmp_path / "first-again.md")  # printed again, identical inputs
    reinspection(db, tmp_path / "second-again.md")
    assert (tmp_path / "second-again.md").read_bytes() == before


def test_a_facility_written_full_width_is_the_same_facility_in_the_history(
        tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    first_inspection(db, tmp_path / "first.md")
    wide = tmp_path / "wide.yaml"
    wide.write_text(REINSPECTED.read_text(encoding="utf-8").replace(
        "id: JB-DSB-S02", "id: ＪＢ-DSB-S02"), encoding="utf-8")
    status, _, err = run("check", wide,
                         "--inspection", EXAMPLES / "reinspection" / "inspection.yaml",
                         "--record", "--db", db, "--format", "md",
                         "-o", tmp_path / "second.md")
    assert status == 1, err
    assert (tmp_path / "second.md").read_text(encoding="utf-8").startswith(
        "# 社区养老服务设施复查意见书")
    _, out, _ = run("rectification", "--db", db, "--as-of", "2020-01-20", "--format", "json")
    assert out.count('"rule": "QB-SITING-SUNLIGHT"') == 1


def _deadline_of(document: str, rule: str) -> str:
    """The deadline the 整改事项 list of a Markdown 检查意见书 gives ``rule``."""
    item = document.split(f"（{rule}，必备项）", 1)[1].split("\n\n", 1)[0]
    found = re.search(r"整改期限：(\d+年\d+月\d+日)前", item)
    assert found is not None, item
    return found.group(1)


def test_the_reinspection_gives_an_overdue_item_its_own_deadline(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    first_inspection(db, tmp_path / "first.md")
    reinspection(db, tmp_path / "second.md")
    document = (tmp_path / "second.md").read_text(encoding="utf-8")
    assert "QB\\-SITING\\-SUNLIGHT 选址阳光充足（整改期限：2020年1月19日，已逾期1天）" in document
    assert _deadline_of(document, "QB-SITING-SUNLIGHT") == "2020年1月19日"


def test_the_conclusion_does_not_give_more_time_than_the_items(tmp_path: Path) -> None:
    output = tmp_path / "first.md"
    status, _, err = run("check", FAILING, "--inspection", EXAMPLES / "inspection.yaml",
                         "--attestations", EXAMPLES / "attestations.csv",
                         "--waivers", EXAMPLES / "waivers.yaml", "--format", "md", "-o", output)
    assert status == 1, err
    document = output.read_text(encoding="utf-8")
    assert _deadline_of(document, "QB-SITING-SUNLIGHT") == "2020年1月19日"
    conclusion = re.search(r"最早一项须于(\d+年\d+月\d+日)前完成", document)
    assert conclusion is not None
    assert conclusion.group(1) == "2020年1月19日"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/pagemap").exists(), reason="Linux /proc only")
def test_an_evidence_path_into_proc_does_not_hang_the_run(tmp_path: Path) -> None:
    attestations = tmp_path / "attestations.csv"
    attestations.write_text("facility,rule,status,method,inspector,date,evidence\n"
                            "JB-DSB-S02,QB-SITING-SUNLIGHT,fail,site,王建国,2019-12-20,"
                            "/proc/self/pagemap\n", encoding="utf-8")
    command = [sys.executable, "-c", "import sys; from qianbai_rules.cli.app import main; "
               "sys.exit(main(sys.argv[1:]))", "check", str(FAILING), "--as-of", "2019-12-20",
               "--attestations", str(attestations), "--format", "json", "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=30,
                              env={**os.environ, "QIANBAI_LANG": "zh"}, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("the run hung reading /proc/self/pagemap as evidence")
    assert done.returncode == 2  # refused as a located problem, the rest evaluated


def test_one_faulty_field_of_the_inspection_does_not_move_the_as_of_date(tmp_path: Path) -> None:
    inspection = tmp_path / "inspection.yaml"
    inspection.write_text("inspections:\n  - facility: JB-DSB-S02\n    number: 江北民养检〔2019〕第12号\n"
                          "    date: 2019-12-20\n    inspectors: [王建国, 李晓梅]\n"
                          "    receiver: \"张丽\\u202e\"\n", encoding="utf-8")
    db = tmp_path / "h.db"
    status, out, err = run("check", FAILING, "--inspection", inspection, "--record", "--db", db,
                           "--format", "json")
    assert status == 2, err
    assert "U+202E" in err
    assert json.loads(out)["as_of"] == "2019-12-20"


@pytest.mark.slow
def test_verify_of_a_fifo_does_not_hang(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    first_inspection(db, tmp_path / "first.md")
    fifo = tmp_path / "report.md"
    os.mkfifo(fifo)
    command = [sys.executable, "-c", "import sys; from qianbai_rules.cli.app import main; "
               "sys.exit(main(sys.argv[1:]))", "verify", str(fifo), "--db", str(db)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=20, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("qianbai verify hung reading a FIFO")
    assert done.returncode == 2


def test_a_check_recorded_again_after_migration_opens_its_items(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    args = ("check", FAILING, "--as-of", "2019-12-20", "--record", "--db", db,
            "--format", "json")
    assert run(*args)[0] == 1
    with sqlite3.connect(db) as connection:  # as migration 4 leaves a schema-3 assessment
        connection.execute("DELETE FROM rectification_items")
        connection.execute("UPDATE assessments SET record = NULL, source = NULL")
    connection.close()
    assert run(*args)[0] == 1
    _, out, _ = run("rectification", "--db", db, "--as-of", "2019-12-20", "--format", "json")
    assert len(json.loads(out)["items"]) == 3


def test_an_item_deadline_before_the_inspection_date_is_refused(tmp_path: Path) -> None:
    inspection = tmp_path / "inspection.yaml"
    inspection.write_text("inspections:\n  - facility: JB-DSB-S02\n    date: 2019-12-20\n"
                          "    inspectors: [王建国, 李晓梅]\n    items:\n"
                          "      QB-SITING-TERRAIN: {deadline: 2019-01-01}\n", encoding="utf-8")
    status, _, err = run("check", FAILING, "--inspection", inspection, "--format", "md",
                         "-o", tmp_path / "opinion.md")
    assert status == 2
    assert "QB-SITING-TERRAIN" in err
    assert "2019年1月1日前" not in (tmp_path / "opinion.md").read_text(encoding="utf-8")
