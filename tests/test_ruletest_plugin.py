"""The pytest plugin shipped with the package: loaded from its entry point, it runs the
cases of any rule folder, and the repository's own run collects every case once."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _pytest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


def test_the_plugin_is_shipped_as_a_pytest11_entry_point() -> None:
    found = [e for e in importlib.metadata.entry_points(group="pytest11")
             if e.value == "qianbai_rules.ruletest.plugin"]
    assert len(found) == 1


@pytest.mark.slow  # a pytest run in a subprocess
def test_the_repository_collects_each_shipped_case_once() -> None:
    done = _pytest("--collect-only", "-q", "rules", cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    items = [line for line in done.stdout.splitlines() if ".test.yaml::" in line]
    assert len(items) == len(set(items)) == 334


@pytest.mark.slow  # a pytest run in a subprocess
def test_a_user_rule_folder_gets_its_cases_run_by_pytest_and_a_wrong_one_fails(
        tmp_path: Path) -> None:
    rules = tmp_path / "my-rules"
    shutil.copytree(ROOT / "rules" / "checks", rules / "checks",
                    ignore=shutil.ignore_patterns("*.test.yaml"))
    for name in ("ruleset.yaml", "readings.yaml", "eligibility.yaml", "fixtures.yaml"):
        shutil.copy(ROOT / "rules" / name, rules / name)
    shutil.copytree(ROOT / "rules" / "parameters", rules / "parameters")
    (rules / "checks" / "3-smart-care" / "smart-care.test.yaml").write_text(
        "cases:\n"
        "  - name: a station offering online services passes\n"
        "    base: station\n"
        "    record: {smart.online_services: true}\n"
        "    expect: {QB-SMART-ONLINE: pass}\n"
        "  - name: a station without online services is wrongly expected to pass\n"
        "    base: station\n"
        "    record: {smart.online_services: false}\n"
        "    expect: {QB-SMART-ONLINE: pass}\n", encoding="utf-8")
    (tmp_path / "notes.test.yaml").write_text("not: a rule case file\n", encoding="utf-8")
    done = _pytest("-q", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 1 passed" in done.stdout
    assert "a station without online services is wrongly expected to pass" in done.stdout
    assert "QB-SMART-ONLINE: expected pass, got fail" in done.stdout
