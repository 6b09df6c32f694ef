"""Collects the tests written as data (a pytest plugin loaded by the root conftest).

- ``rules/tests/*.yaml``: rule test cases, run through both evaluators (casefile.py).
- ``tests/cases/cli/*.yaml``: command-line cases (see ``cli_cases.py``).

A failing item prints the file and the case name.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.rules.ruleset import Ruleset, load_ruleset
from qianbai_rules.ruletest.cases import Case, load_cases, run_case
from tests.cli_cases import CliCase, load_cli_cases, run_cli_case

ROOT = Path(__file__).resolve().parent.parent


@cache
def _ruleset() -> Ruleset:
    return load_ruleset(ROOT / "rules")


class _DataCaseItem(pytest.Item):
    """A test case written as data: named by its file and its sentence."""

    def __init__(self, *, case: Case | CliCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def failures(self) -> list[str]:
        raise NotImplementedError

    def runtest(self) -> None:
        failures = self.failures()
        if failures:
            raise AssertionError("\n".join(failures))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.case.file}: {self.case.name}"

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        return f"{self.case.file}: {self.case.name}\n{excinfo.value}"


class RuleCaseItem(_DataCaseItem):
    def failures(self) -> list[str]:
        assert isinstance(self.case, Case)
        return run_case(self.case, _ruleset())


class CliCaseItem(_DataCaseItem):
    def failures(self) -> list[str]:
        assert isinstance(self.case, CliCase)
        tmp = Path(self.config._tmp_path_factory.mktemp("cli"))  # type: ignore[attr-defined]
        return run_cli_case(self.case, tmp)


class RuleCaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        cases, problems = load_cases(self.path.parent)
        for problem in problems:
            if problem.file == self.path.as_posix():
                raise pytest.UsageError(str(problem))
        for case in cases:
            if Path(case.file).resolve() == self.path.resolve():
                yield RuleCaseItem.from_parent(self, name=case.name, case=case)


class CliCaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        for case in load_cli_cases(self.path):
            item = CliCaseItem.from_parent(self, name=case.name, case=case)
            if case.spec.get("slow"):
                item.add_marker(pytest.mark.slow)
            yield item


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix != ".yaml":
        return None
    if file_path.parent.name == "cli" and file_path.parent.parent.name == "cases":
        return CliCaseFile.from_parent(parent, path=file_path)
    if file_path.parent == ROOT / "rules" / "tests" and file_path.name != "fixtures.yaml":
        return RuleCaseFile.from_parent(parent, path=file_path)
    return None
