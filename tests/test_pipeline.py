"""One step per record (``pipeline.check.check_item``) for one process and for the ``--jobs``
workers: a record that makes an evaluator raise is rejected with the reason, the run goes
on, and both ways write the same bytes with the same exit status."""

from __future__ import annotations

import io
import json
import multiprocessing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.compile.compiled import Status
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.plain import PlainEvaluator

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "examples" / "sites"
FAULTY = "JB-GYQ-S02"  # a station in examples/sites/sites.jsonl

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="the fault is injected into workers started by fork")


def _inject_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both evaluators raise on the one record; the forked workers inherit the patch."""
    for evaluator in (PlainEvaluator, DurableEvaluator):
        real = evaluator.statuses

        def statuses(self: Any, flat: Mapping[str, Any], real: Any = real) -> list[Status]:
            if flat.get("id") == FAULTY:
                raise RuntimeError("injected fault")
            result: list[Status] = real(self, flat)
            return result

        monkeypatch.setattr(evaluator, "statuses", statuses)


def _run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in args], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("engine", ["durable", "plain"])
@pytest.mark.parametrize("fmt", ["json", "jsonl", "text"])
@pytest.mark.slow  # forks worker processes
def test_a_record_whose_evaluation_raises_is_rejected_alike_with_and_without_jobs(
        engine: str, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _inject_fault(monkeypatch)
    again = tmp_path / "again.json"  # the faulty record's id again: it was taken all the same
    again.write_text(json.dumps({"id": FAULTY, "name": "重复", "facility_type": "station"}),
                     encoding="utf-8")
    command: list[str | Path] = ["check", SITES, again, "--as-of", "2019-12-31", "--engine", engine,
               "--format", fmt, "--lang", "en"]
    one = _run(*command, "--jobs", "1")
    two = _run(*command, "--jobs", "2")
    assert one == two
    status, out, err = one
    assert status == 2
    assert "1 record(s) could not be evaluated" not in err  # two were: the fault, the repeat
    assert "2 record(s) could not be evaluated" in err
    if fmt == "json":
        document = json.loads(out)
        assert [r["id"] for r in document["records"]].count(FAULTY) == 0
        assert document["summary"]["rejected"] == 2
        fault, repeat = document["rejected"]
        assert fault["message"] == (f"record {FAULTY}: internal error while evaluating; "
                                    "please report it: RuntimeError: injected fault")
        assert fault["source"].endswith("sites.jsonl")
        assert repeat["message"] == f"record 1: duplicate id {FAULTY}"
        assert document["summary"]["records"] == len(document["records"]) > 5
