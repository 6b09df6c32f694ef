"""The assessment history in an embedded SQLite database the user names (``--db``).

The schema is created on first use and migrated forward by numbered steps, under an
exclusive transaction (concurrent first use is safe). The database is in WAL mode: a run
that writes never blocks a reader such as ``qianbai history``. Every run
stores its assessments in one transaction, committed only once the run's output is
written: a run that fails or is killed midway leaves the database as it was before the
run (SQLite's journal), never half written.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from qianbai_rules.compile.compiled import CompiledRuleset, Status
from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.pipeline.check import Evaluated, Result
from qianbai_rules.subsidies.amounts import SubsidyOutcome

MIGRATIONS: Final = (
    """
    CREATE TABLE assessments (
        id INTEGER PRIMARY KEY,
        facility TEXT NOT NULL,
        year INTEGER NOT NULL,
        as_of TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('check', 'evaluate')),
        fingerprint TEXT NOT NULL,
        verdict TEXT NOT NULL,
        findings TEXT NOT NULL,
        subsidy TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX assessments_by_facility ON assessments (facility, year);
    CREATE INDEX assessments_by_year ON assessments (year, verdict);
    CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,
        as_of TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        plan TEXT NOT NULL,
        summary TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );
    """,
    # 2: the mandatory rules each assessment failed, as the rules stood then (the exit
    # review names them). Rows written before stay NULL: see non_compliant().
    """
    ALTER TABLE assessments ADD COLUMN failed_mandatory TEXT;
    """,
)


APPLICATION_ID: Final = 0x51424831  # "QBH1": marks the file as a qianbai history
TIMEOUT: Final = 30.0  # seconds a run waits for another one's write to the database


class HistoryError(QianbaiError):
    pass


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


class History:
    """A connection to the history database; use as a context manager."""

    def __init__(self, path: Path, create: bool = True) -> None:
        self.path = path
        if not create and not path.is_file():
            raise HistoryError(f"{path}: no such history database")
        try:
            self.connection = sqlite3.connect(path, isolation_level=None, timeout=TIMEOUT)
            self._state()  # refuses a file that is not a qianbai history, before any change
            self._wal()
            self._migrate()
        except sqlite3.Error as exc:
            raise HistoryError(f"{path}: {exc}") from None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close; a transaction that was not committed is rolled back."""
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
        self.connection.close()

    def commit(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("COMMIT")

    def _begin(self) -> None:
        if not self.connection.in_transaction:
            self.connection.execute("BEGIN IMMEDIATE")

    def _wal(self) -> None:
        """Write-ahead logging, so that readers (``qianbai history``) are never blocked by a
        run that writes. Switching needs a moment alone with the file: another process
        switching it at the same time makes this wait and try again."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                mode = self.connection.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    self.connection.execute("PRAGMA journal_mode = WAL").fetchone()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _state(self) -> tuple[int, int, int]:
        with closing(self.connection.cursor()) as cursor:
            version = cursor.execute("PRAGMA user_version").fetchone()[0]
            application = cursor.execute("PRAGMA application_id").fetchone()[0]
            tables = cursor.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
        if version > len(MIGRATIONS):
            raise HistoryError(f"{self.path}: written by a newer qianbai (schema {version})")
        if application != APPLICATION_ID and (version or tables):
            raise HistoryError(f"{self.path}: not a qianbai history database")
        return version, application, tables

    def _migrate(self) -> None:
        """Bring the schema up to date, all steps in one exclusive transaction in which the
        version is read again: of many processes opening a new database at once, one
        creates it and the others find it done. An up-to-date database is only read."""
        if self._state()[0] == len(MIGRATIONS):
            return
        with closing(self.connection.cursor()) as cursor:
            cursor.execute("BEGIN EXCLUSIVE")
            try:
                version = self._state()[0]
                for step, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    for statement in script.split(";"):
                        if statement.strip():
                            cursor.execute(statement)
                    cursor.execute(f"PRAGMA user_version = {step}")
                cursor.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise

    def recording(self, results: Iterable[Result], compiled: CompiledRuleset, year: int,
                  kind: str, keep: Callable[[Evaluated], bool] = lambda result: True,
                  ) -> Iterator[Result]:
        """Pass results through, storing each assessment ``keep`` accepts, in the run's
        transaction (see :meth:`commit`)."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        rule_ids = [r.rule.id for r in compiled.rules]
        self._begin()
        for result in results:
            if isinstance(result, Evaluated) and keep(result):
                failed = [rule_ids[i] for i in compiled.mandatory
                          if result.statuses[i] is Status.failed]
                self.connection.execute(
                    "INSERT INTO assessments (facility, year, as_of, kind, fingerprint, "
                    "verdict, findings, subsidy, recorded_at, failed_mandatory) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (result.record.id, year, compiled.as_of.isoformat(), kind,
                     compiled.ruleset.fingerprint, result.verdict.value,
                     json.dumps(dict(zip(rule_ids, (s.value for s in result.statuses),
                                         strict=True)), ensure_ascii=False),
                     json.dumps([_compact(o) for o in result.subsidies], ensure_ascii=False),
                     now, json.dumps(failed)))
            yield result

    def store_evaluation(self, year: int, compiled: CompiledRuleset, plan: str,
                         summary: dict[str, Any]) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._begin()
        self.connection.execute(
            "INSERT INTO evaluations (year, as_of, fingerprint, plan, summary, recorded_at) "
            "VALUES (?,?,?,?,?,?)",
            (year, compiled.as_of.isoformat(), compiled.ruleset.fingerprint, plan,
             json.dumps(summary, ensure_ascii=False), now))

    def non_compliant(self, year: int, mandatory: AbstractSet[str] = frozenset(),
                      ) -> dict[str, tuple[str, ...]]:
        """Facilities whose latest stored assessment for ``year`` is non-compliant, each with
        the mandatory rules it failed. An assessment stored before those were recorded
        (schema 1) gives its failed rules that are in ``mandatory`` (today's rules)."""
        rows = self.connection.execute(
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

    def evaluation(self, year: int) -> dict[str, Any] | None:
        row = self.connection.execute(
            "SELECT summary FROM evaluations WHERE year = ? ORDER BY id DESC LIMIT 1",
            (year,)).fetchone()
        return json.loads(row[0]) if row else None

    def assessments(self, facility: str) -> list[Assessment]:
        rows = self.connection.execute(
            "SELECT facility, year, as_of, kind, fingerprint, verdict, findings, subsidy, "
            "recorded_at FROM assessments WHERE facility = ? ORDER BY year, id", (facility,))
        return [Assessment(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]),
                           json.loads(r[7]), r[8]) for r in rows]
