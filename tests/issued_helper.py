"""Until the store keeps each assessment's record and source (task C of issue 15), the
tests of kept reports fill those columns themselves, as the store will: the record as
evaluated (JSON that validates back to the same record) and where it came from."""

from __future__ import annotations

import json
from pathlib import Path

from qianbai_rules.history.store import History
from qianbai_rules.pipeline.check import validated


def keep_records(db: Path, inputs: list[str]) -> None:
    """Fill ``record`` and ``source`` of the assessments stored without them."""
    records = {r[1].id: r for r in validated(inputs) if isinstance(r, tuple)}
    with History(db, create=False) as history:
        connection = history.connection
        rows = connection.execute(
            "SELECT id, facility FROM assessments WHERE record IS NULL").fetchall()
        for assessment, facility in rows:
            source, record = records[facility]
            connection.execute(
                "UPDATE assessments SET record = ?, source = ? WHERE id = ?",
                (json.dumps(record.model_dump(mode="json", exclude_none=True),
                            ensure_ascii=False), source, assessment))
