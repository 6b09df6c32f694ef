"""Collects the command-line cases written as data, ``tests/cases/cli/*.yaml`` (see
``cli_cases.py``): a pytest plugin loaded by the root conftest. A failing item prints the
file and the case name.

The rule test cases (``rules/**/*.test.yaml``) are collected by the plugin shipped with the
package, ``qianbai_rules.ruletest.plugin``, which pytest loads from its entry point.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.ruletest.plugin import NamedCaseItem
from tests.cli_cases import CliCase, load_cli_cases, run_cli_case


class CliCaseItem(NamedCaseItem):
    """A command-line case: run in a fresh folder."""

    def __init__(self, *, case: CliCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def failures(self) -> list[str]:
        tmp = Path(self.config._tmp_path_factory.mktemp("cli"))  # type: ignore[attr-defined]
        return run_cli_case(self.case, tmp)


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
    return None
