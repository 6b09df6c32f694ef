"""Hostile rule folders (issue 11): conditions beyond what durable_rules compiles or matches,
rule and plan files that are FIFOs, devices, links that loop or huge files.

Every folder is generated; every run is a subprocess with a timeout, because what is
guarded against here is the engine hanging or a read that never ends. The limits measured
(durable_rules 2.0.28, see qianbai_rules/limits.py): one engine rule holds at most 31
expression slots (an ``any`` of 13 comparisons compiles, of 14 does not: error 113); a node
with 512 tests below it hangs the engine when a fact is asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.engines.durable import available as durable_available

# Every test here runs the command in a subprocess: slow (run by CI, left out of the fast run).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120


def _qianbai(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qianbai_rules.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)


def _rule(rule_id: str, requires: dict[str, Any]) -> dict[str, Any]:
    return {"id": rule_id, "title": {"zh": "生成的规则", "en": "generated rule"},
            "clause": "二（一）", "department": "civil_affairs", "severity": "advisory",
            "requires": requires,
            "text": {"requirement": {"zh": "生成的要求", "en": "generated requirement"},
                     "fail": {"zh": "未达到", "en": "not met"},
                     "remediation": {"zh": "改正", "en": "correct it"}}}


def _folder(tmp_path: Path, rules: list[dict[str, Any]]) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    doc = {"section": {"clause": "二（一）", "title": {"zh": "生成", "en": "Generated"}},
           "rules": rules}
    (root / "checks" / "9-generated.yaml").write_text(json.dumps(doc, ensure_ascii=False),
                                                      encoding="utf-8")
    return root


def _any(count: int) -> dict[str, Any]:
    return {"any": [{"field": "floor_area_m2", "gte": 100 + i} for i in range(count)]}


def _deep(depth: int) -> dict[str, Any]:
    condition: dict[str, Any] = {"field": "floor_area_m2", "gte": 1}
    for level in range(depth):
        other = {"field": "floor_area_m2", "lt": -level - 1} if level % 2 == 0 \
            else {"field": "floor_area_m2", "gte": 0}
        condition = {"any" if level % 2 == 0 else "all": [condition, other]}
    return condition


def _all(count: int) -> dict[str, Any]:
    return {"all": [{"field": "floor_area_m2", "gte": i} for i in range(count)]}


def _in(op: str, count: int) -> dict[str, Any]:
    return {"field": "five_ones.service_team.staff_count", op: list(range(count))}


def _outcomes(root: Path, engine: str) -> dict[str, Any]:
    done = _qianbai("check", "examples", "--rules", str(root), "--as-of", "2019-12-31",
                    "--format", "json", "--engine", engine, "--quiet")
    assert "Traceback" not in done.stderr
    document = json.loads(done.stdout)
    assert document["summary"]["records"] == 41
    return {r["id"]: [(o["rule"], o["status"]) for o in r["findings"]]
            for r in document["records"]}


ACCEPTED = {
    "an any of 13 comparisons (29 expression slots)": [_any(13)],
    "an all of 13 comparisons (its negation is an any of 13)": [_all(13)],
    "five levels of any within all": [_deep(5)],
    "a not_in of 100 values": [_in("not_in", 100)],
    "an in of 100 values": [_in("in", 100)],
}


@pytest.mark.skipif(not durable_available(), reason="durable_rules cannot be imported")
@pytest.mark.parametrize("conditions", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_conditions_within_the_limits_give_the_same_outcomes_in_both_engines(
        tmp_path: Path, conditions: list[dict[str, Any]]) -> None:
    root = _folder(tmp_path, [_rule(f"QB-GEN-{i}", c) for i, c in enumerate(conditions)])
    plain = _outcomes(root, "plain")
    assert _outcomes(root, "durable") == plain
    assert any(("QB-GEN-0", status) in outcomes for outcomes in plain.values()
               for status in ("pass", "fail"))


@pytest.mark.skipif(not durable_available(), reason="durable_rules cannot be imported")
def test_rules_whose_tests_under_one_node_exceed_the_engine_are_split_across_rulesets(
        tmp_path: Path) -> None:
    """Six rules each listing 100 staff counts: 600 tests below one node hung durable_rules
    before; the compiler now spreads them over rulesets of at most 400 tests."""
    rules = [_rule(f"QB-GEN-{i}", {"field": "five_ones.service_team.staff_count",
                                   "in": list(range(i * 100, i * 100 + 100))}) for i in range(6)]
    root = _folder(tmp_path, rules)
    lint = _qianbai("rules", "lint", "--rules", str(root)).stderr.splitlines()
    # the engine takes the rules: lint asks only for the test cases they lack
    assert len(lint) == 6 and all("field cases: no test case expects" in line for line in lint)
    assert _outcomes(root, "durable") == _outcomes(root, "plain")


REFUSED = {
    "an any of 14 comparisons": (_any(14), "take 32 expression slots in one engine rule, at most 31"),
    "an any of 100 comparisons": (_any(100), "at most 31"),
    "ten levels of any within all": (_deep(10), "at most 31"),
    "an all of 14 comparisons": (_all(14), "take 32 expression slots in one engine rule"),
    "an all of 300 comparisons": (_all(300), "602 distinct tests, at most 400"),
    "a not_in of 700 values": (_in("not_in", 700), "not_in lists 700 values; at most 100"),
}


@pytest.mark.parametrize(("condition", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_conditions_beyond_the_engine_fail_lint_stating_the_limit(
        tmp_path: Path, condition: dict[str, Any], message: str) -> None:
    root = _folder(tmp_path, [_rule("QB-GEN-BIG", condition)])
    done = _qianbai("rules", "lint", "--rules", str(root))
    assert done.returncode == 2
    assert "9-generated.yaml, rule QB-GEN-BIG, field requires" in done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    for engine in ("durable", "plain"):  # refused before any record, by either engine
        run = _qianbai("check", "examples", "--rules", str(root), "--as-of", "2019-12-31",
                       "--engine", engine, "--format", "json")
        assert (run.returncode, run.stdout) == (2, "")
        assert message in run.stderr


def _hostile_entries(root: Path) -> None:
    os.mkfifo(root / "checks" / "7-fifo.yaml")
    (root / "parameters" / "zero.yaml").symlink_to("/dev/zero")
    (root / "parameters" / "up").symlink_to("..")
    (root / "checks" / "8-loop.yaml").symlink_to("8-loop.yaml")


def test_a_rule_folder_with_a_fifo_a_device_and_links_that_loop_fails_lint_naming_each(
        tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    _hostile_entries(root)
    done = _qianbai("rules", "lint", "--rules", str(root))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert f"{root}/checks/7-fifo.yaml: not a regular file (a device, FIFO or socket)" in lines
    assert f"{root}/parameters/zero.yaml: not a regular file (a device, FIFO or socket)" in lines
    assert any(line.startswith(f"{root}/parameters/up: a symbolic link to a folder")
               for line in lines)
    assert any(line.startswith(f"{root}/checks/8-loop.yaml: a symbolic link") for line in lines)
    assert "Traceback" not in done.stderr


def test_a_rule_file_larger_than_the_limit_is_refused_without_reading_it_whole(
        tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    (root / "readings.yaml").write_bytes(b"#" * (1024 * 1024 + 1))
    done = _qianbai("rules", "lint", "--rules", str(root))
    assert done.returncode == 2
    assert f"{root}/readings.yaml: cannot read: larger than 1,048,576 bytes" in done.stderr


def test_rule_test_files_that_are_fifos_are_reported_by_lint(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    os.mkfifo(root / "checks" / "3-smart-care" / "smart-care.fifo.test.yaml")
    done = _qianbai("rules", "lint", "--rules", str(root))
    assert done.returncode == 2
    assert f"{root}/checks/3-smart-care/smart-care.fifo.test.yaml: not a regular file" in done.stderr


@pytest.mark.parametrize("kind", ["fifo", "zero", "huge", "loop"])
def test_a_plan_that_is_not_a_bounded_regular_file_is_one_clear_error(
        tmp_path: Path, kind: str) -> None:
    plan = tmp_path / "plan.yaml"
    if kind == "fifo":
        os.mkfifo(plan)
    elif kind == "zero":
        plan.symlink_to("/dev/zero")
    elif kind == "huge":
        plan.write_bytes(b"#" * (1024 * 1024 + 1))
    else:
        plan.symlink_to(plan)
    done = _qianbai("evaluate", "examples", "--year", "2019", "--plan", str(plan))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"{plan}: cannot read the plan: ")
    assert "Traceback" not in done.stderr
