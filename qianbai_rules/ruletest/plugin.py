"""The pytest plugin for rule test cases, shipped with the package (entry point ``pytest11``).

pytest collects every ``*.test.yaml`` file under its test paths that lies inside a rule
folder (a folder above it holds ``ruleset.yaml``); each case is one test item, named by its
sentence, run through both evaluators against that folder's rules. A user with a rule folder
of their own gets its cases run by ``pytest rules/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.core.problems import collect
from qianbai_rules.rules.ruleset import CASE_SUFFIX, Ruleset, load_ruleset
from qianbai_rules.ruletest.cases import CASE_KIND, Case, load_case_file, load_fixtures, rule_root, run_case


@cache
def _ruleset(root: Path) -> Ruleset:
    return load_ruleset(root)


@cache
def _fixtures(root: Path) -> dict[str, dict[str, Any]]:
    return load_fixtures(root)


class NamedCaseItem(pytest.Item):
    """A test case written as data: reported by its file and its sentence, failing with the
    list of what differed (``failures``)."""

    case: Any  # has .file and .name

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


class RuleCaseItem(NamedCaseItem):
    """One rule test case, run through both evaluators against its folder's rules."""

    def __init__(self, *, case: Case, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.root = root

    def failures(self) -> list[str]:
        return run_case(self.case, _ruleset(self.root))


class RuleCaseFile(pytest.File):
    """A ``*.test.yaml`` file of a rule folder."""

    def collect(self) -> Iterator[pytest.Item]:
        root = rule_root(self.path)
        assert root is not None  # pytest_collect_file made sure
        cases, problems = collect(load_case_file(self.path, _fixtures(root)))
        for problem in problems:
            if problem.kind != CASE_KIND:  # a case's own problems fail that case
                raise pytest.UsageError(str(problem))
        for case in cases:
            yield RuleCaseItem.from_parent(self, name=case.name, case=case, root=root)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.endswith(CASE_SUFFIX) and rule_root(file_path) is not None:
        return RuleCaseFile.from_parent(parent, path=file_path)
    return None
