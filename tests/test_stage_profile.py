"""The per-stage profile of ``benchmarks/run.py --profile`` covers the whole check: every
stage is timed, and the stages add up to the same order as ``check --format jsonl`` in the
same process (between half and twice: stages timed one by one, with their memos fresh, on a
shared 2-core machine strayed from 80 % to 136 % of the whole), so that a stage gone missing
or counted twice shows."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from tests.generated import records

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from stage_profile import profile  # benchmarks/ is no package: its folder is put on the path


@pytest.mark.slow  # runs the whole check eleven times over 200 records
@pytest.mark.parametrize("engine", ["plain", "durable"])
def test_the_stages_add_up_to_the_whole_check(tmp_path: Path, engine: str) -> None:
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps(record.model_dump(mode="json", exclude_none=True),
                                         ensure_ascii=False) + "\n"
                              for record in records(200, seed=200)), encoding="utf-8")
    found = profile(source, engine, dt.date(2019, 12, 31), repeat=5)
    assert found.records == 200
    assert found.engine == engine
    assert [stage.name.split(" (")[0] for stage in found.stages] == [
        "read and parse the input lines", "raw mapping → FacilityRecord, ids", "FlatRecord.of",
        "rule statuses", "verdict", "subsidies", "run report", "findings", "subsidy claims", "entitlements",
        "JSON line encoding", "writing bytes"]
    assert all(stage.nanoseconds > 0 for stage in found.stages)
    assert 0.5 <= found.stages_ns / found.whole_ns <= 2.0, found.table()
