"""Assessments and evaluations in the history: how one is stored (with what it was made
from) and the questions asked of them.

The identity of an assessment is its facility, year, as-of date, kind (check or
evaluate), the rules' fingerprint, the record's evaluated fields (a digest of the flat
record) and, where an inspection's files were given, the inspection, attestations and
waivers used; of an evaluation, its year, as-of date, the rules' and the plan's
fingerprints and its summary. Storing the same again stores one assessment, not two: the
earlier row is moved to the newest place (the latest stored is the newest), and every
reference to it (the rectification items it opened or closed, the reports that show it)
follows it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from qianbai_rules.compile.compiled import CompiledRuleset, Status
from qianbai_rules.history.codec import column_text, follow_up_json, marks_json
from qianbai_rules.model.values import id_key
from qianbai_rules.pipeline.check import Evaluated
from qianbai_rules.pipeline.followup import FollowUp
from qianbai_rules.subsidies.amounts import SubsidyOutcome


def identity(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False,
                                     default=str).encode("utf-8")).hexdigest()



@dataclass(frozen=True)
class Assessment:
    facility: str
    year: int
    as_of: str
    kind: str
    fingerprint: str
    verdict: str
    findings: dict[str, str]
    subsidy: list[dict[str, Any]]
    recorded_at: str

    def as_json(self) -> dict[str, Any]:
        return {"facility": self.facility, "year": self.year, "as_of": self.as_of,
                "kind": self.kind, "fingerprint": self.fingerprint, "verdict": self.verdict,
                "subsidy": self.subsidy, "findings": self.findings,
                "recorded_at": self.recorded_at}


def _compact(outcome: SubsidyOutcome) -> dict[str, Any]:
    kind = outcome.rule.subsidy.spec.kind.value if outcome.rule.subsidy else "?"
    key = "total" if kind == "construction" else "amount"
    compact = {"kind": kind, "rule": outcome.rule.rule.id, "status": outcome.decision.value,
               "amount": outcome.paid(key)}
    if outcome.construction is not None:  # one-off: the year it belongs to
        compact["year"] = outcome.construction.year
    return compact


@dataclass(frozen=True)
class StoredRow:
    """An assessment as it is written: its identity, then every column."""

    identity: str
    values: dict[str, Any]


def row_of(result: Evaluated, compiled: CompiledRuleset, year: int, kind: str,
           recorded_at: str) -> StoredRow:
    rule_ids = [r.rule.id for r in compiled.rules]
    as_of, fingerprint = compiled.as_of.isoformat(), compiled.ruleset.fingerprint
    failed = [rule_ids[i] for i in compiled.mandatory if result.statuses[i] is Status.failed]
    marks = None if result.marks is None else marks_json(result.marks)
    parts: tuple[object, ...] = (result.record.id, year, as_of, kind, fingerprint, result.flat)
    if marks is not None:  # without, the identity is the one schema 3 gave
        parts = (*parts, marks)
    return StoredRow(identity(*parts), {
        "facility": result.record.id, "facility_key": id_key(result.record.id), "year": year,
        "as_of": as_of, "kind": kind,
        "fingerprint": fingerprint, "verdict": result.verdict.value,
        "findings": json.dumps(dict(zip(rule_ids, (s.value for s in result.statuses),
                                        strict=True)), ensure_ascii=False),
        "subsidy": json.dumps([_compact(o) for o in result.subsidies], ensure_ascii=False),
        "recorded_at": recorded_at, "failed_mandatory": json.dumps(failed),
        "record": result.record.model_dump_json(), "source": result.source,
        "marks": None if marks is None else column_text(marks), "follow_up": None})


def stored_as(connection: sqlite3.Connection, identity: str) -> int | None:
    """The id of the stored assessment with this identity, if any."""
    row = connection.execute("SELECT id FROM assessments WHERE identity = ?",
                             (identity,)).fetchone()
    return None if row is None else int(row[0])


# Every column that names an assessment: a moved assessment takes them along.
_REFERENCES = (("rectification_items", "opened_by"), ("rectification_items", "closed_by"),
               ("report_assessments", "assessment"))


def store(connection: sqlite3.Connection, row: StoredRow,
          follow_up: FollowUp | None = None) -> int:
    """Store one assessment and return its id. An identical one stored before gives way
    to it: the new row is the newest, and what named the old one names the new one."""
    earlier = stored_as(connection, row.identity)
    if earlier is not None:
        connection.execute("UPDATE assessments SET identity = NULL WHERE id = ?", (earlier,))
    values = {**row.values, "identity": row.identity,
              "follow_up": None if follow_up is None else column_text(follow_up_json(follow_up))}
    names = ", ".join(values)
    cursor = connection.execute(
        f"INSERT INTO assessments ({names}) VALUES ({', '.join('?' * len(values))})",
        tuple(values.values()))
    new = cursor.lastrowid
    assert new is not None
    if earlier is not None:
        for table, column in _REFERENCES:
            connection.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?",
                               (new, earlier))
        connection.execute("DELETE FROM assessments WHERE id = ?", (earlier,))
    return new


def store_evaluation(connection: sqlite3.Connection, year: int, compiled: CompiledRuleset,
                     plan: str, summary: dict[str, Any], recorded_at: str) -> None:
    as_of, fingerprint = compiled.as_of.isoformat(), compiled.ruleset.fingerprint
    stored = json.dumps(summary, ensure_ascii=False)
    connection.execute(
        "INSERT OR REPLACE INTO evaluations (year, as_of, fingerprint, plan, summary, "
        "recorded_at, identity) VALUES (?,?,?,?,?,?,?)",
        (year, as_of, fingerprint, plan, stored, recorded_at,
         identity(year, as_of, fingerprint, plan, stored)))


def non_compliant(connection: sqlite3.Connection, year: int,
                  mandatory: AbstractSet[str] = frozenset()) -> dict[str, tuple[str, ...]]:
    """Facilities whose latest stored assessment for ``year`` is non-compliant, each with
    the mandatory rules it failed. An assessment stored before those were recorded
    (schema 1) gives its failed rules that are in ``mandatory`` (today's rules)."""
    rows = connection.execute(
        "SELECT facility, verdict, findings, failed_mandatory FROM assessments a "
        "WHERE year = ? AND id = (SELECT MAX(id) FROM assessments b "
        "WHERE b.facility = a.facility AND b.year = ?) ORDER BY facility", (year, year))
    found: dict[str, tuple[str, ...]] = {}
    for facility, verdict, findings, failed in rows:
        if verdict != "non_compliant":
            continue
        if failed is not None:
            found[facility] = tuple(json.loads(failed))
        else:
            statuses: dict[str, str] = json.loads(findings)
            found[facility] = tuple(sorted(rule for rule, status in statuses.items()
                                           if status == "fail" and rule in mandatory))
    return found


def evaluation(connection: sqlite3.Connection, year: int) -> dict[str, Any] | None:
    row = connection.execute(
        "SELECT summary FROM evaluations WHERE year = ? ORDER BY id DESC LIMIT 1",
        (year,)).fetchone()
    return json.loads(row[0]) if row else None


_OF_FACILITY = "FROM assessments WHERE facility_key = ? ORDER BY year, id"  # as history lists


def assessments(connection: sqlite3.Connection, facility: str) -> list[Assessment]:
    """A facility's assessments (its id compared in its NFKC form), in the order ``qianbai
    history`` numbers them."""
    rows = connection.execute(
        "SELECT facility, year, as_of, kind, fingerprint, verdict, findings, subsidy, "
        f"recorded_at {_OF_FACILITY}", (id_key(facility),))
    return [Assessment(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]),
                       json.loads(r[7]), r[8]) for r in rows]


def numbered(connection: sqlite3.Connection, facility: str) -> list[int]:
    """The ids of the facility's assessments by number (1 is the first), as listed."""
    return [row[0] for row in connection.execute(f"SELECT id {_OF_FACILITY}",
                                                 (id_key(facility),))]
