"""One exception hierarchy: every error the package raises on purpose is a QianbaiError;
and the output policy refuses to overwrite for a library caller that did not ask to."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import qianbai_rules
from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.yamlio import StrictLoadError
from qianbai_rules.engines.durable_emit import DurableError
from qianbai_rules.io import writing
from qianbai_rules.io.writing import ReportError


def _public_exceptions() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module in pkgutil.walk_packages(qianbai_rules.__path__, "qianbai_rules."):
        if module.name.endswith("__main__"):
            continue  # running it is the command
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if (inspect.isclass(value) and issubclass(value, BaseException)
                    and value.__module__ == module.name and not name.startswith("_")):
                found[f"{module.name}.{name}"] = value
    return found


def test_every_public_error_of_the_package_is_a_qianbai_error() -> None:
    errors = _public_exceptions()
    assert {"qianbai_rules.core.problems.RulesError", "qianbai_rules.io.writing.ReportError",
            "qianbai_rules.history.store.HistoryError", "qianbai_rules.io.streams.StreamError",
            "qianbai_rules.io.xmlparts.WorkbookError"} <= set(errors)
    assert [name for name, error in errors.items() if not issubclass(error, QianbaiError)] == []


def test_the_errors_keep_the_built_in_base_callers_relied_on() -> None:
    assert issubclass(StrictLoadError, ValueError)
    assert issubclass(DurableError, RuntimeError)


def test_a_library_caller_does_not_overwrite_a_file_unless_it_asks(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("kept", encoding="utf-8")
    with pytest.raises(ReportError) as refused:  # no policy set: the default one
        writing.write_atomically(target, b"new")
    assert "--force" in refused.value.text("zh")
    assert target.read_text(encoding="utf-8") == "kept"
    assert writing.OutputPolicy().force is False
    with writing.output_policy(writing.OutputPolicy(force=True)):
        writing.write_atomically(target, b"new")
    assert target.read_text(encoding="utf-8") == "new"
