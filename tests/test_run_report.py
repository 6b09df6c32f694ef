"""``check --format json`` is the run report's document, assembled as the records stream
past (the records kept on disk, not in memory, until the summary is known): the bytes must
be exactly the canonical JSON text of the document, with records, without, and in parallel."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.core.jsontext import indented_json
from qianbai_rules.reports import output

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "examples" / "jiangbei-registry.csv"
REJECTED = """facilities:
  - {id: B-1, facility_type: station, street_town: 复盛镇, floor_area_m2: -5}
  - {id: B-2, facility_type: bogus, street_town: 复盛镇, floor_area_m2: -1}
"""


def _json(*args: str | Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    main(["check", *map(str, args), "--format", "json"], out=out, err=err)
    assert "Traceback" not in err.getvalue()
    return out.getvalue()


@pytest.mark.parametrize("jobs", [[], ["--jobs", "2"]])
def test_the_streamed_json_is_the_canonical_text_of_the_document(jobs: list[str],
                                                                 tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(REJECTED, encoding="utf-8")
    text = _json(bad, CSV, *jobs)
    document = json.loads(text)
    assert len(document["records"]) == 27
    assert [r["record"] for r in document["rejected"]] == ["B-1", "B-2"]
    assert text == indented_json(document) + "\n"


def test_a_run_with_only_rejected_records_has_an_empty_records_list(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(REJECTED, encoding="utf-8")
    text = _json(bad)
    document = json.loads(text)
    assert document["records"] == []
    assert document["summary"]["rejected"] == 2
    assert text == indented_json(document) + "\n"


def test_records_beyond_the_memory_spool_go_to_disk_and_give_the_same_bytes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    in_memory = _json(CSV)
    monkeypatch.setattr(output, "SPOOL_MEMORY", 100)
    rolled: list[Any] = []
    spooled = tempfile.SpooledTemporaryFile

    def watched(*args: Any, **kwargs: Any) -> Any:
        spool = spooled(*args, **kwargs)
        rolled.append(spool)
        return spool

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", watched)
    assert _json(CSV) == in_memory
    assert [spool._rolled for spool in rolled] == [True]
