"""The assessment history in an embedded SQLite database the user names (``--db``).

The schema is created on first use and migrated forward by numbered steps, under an
exclusive transaction (concurrent first use is safe). The database is in WAL mode: a run
that writes never blocks a reader such as ``qianbai history``. Every run
stores its assessments in one transaction, committed only once the run's output is
written: a run that fails or is killed midway leaves the database as it was before the
run (SQLite's journal), never half written.

A new database file is made only when a run first has something to store: a run that
fails before (a usage error, rules that do not load) or stores nothing leaves no empty
file behind; a folder where the file cannot be made is refused when the history is opened.

What is stored and how (the identity of an assessment, a run made again) is
:mod:`.assessments`; the rectification items, :mod:`.rectification`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from qianbai_rules.compile.compiled import CompiledRuleset
from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.problems import Text
from qianbai_rules.history import assessments, rectification
from qianbai_rules.history.assessments import Assessment
from qianbai_rules.history.rectification import ItemFilter
from qianbai_rules.pipeline.check import Evaluated, Result
from qianbai_rules.pipeline.followup import RectificationItem
from qianbai_rules.texts.labels import text

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
    # 3: the identity of what is stored (see the module's docstring). Rows written before
    # stay NULL and are never replaced.
    """
    ALTER TABLE assessments ADD COLUMN identity TEXT;
    CREATE UNIQUE INDEX assessments_by_identity ON assessments (identity);
    ALTER TABLE evaluations ADD COLUMN identity TEXT;
    CREATE UNIQUE INDEX evaluations_by_identity ON evaluations (identity);
    """,
    # 4: the inspection cycle (issue 15). An assessment keeps what it was made from (the
    # record as evaluated and its source; the inspection, attestations and waivers used;
    # what it found of earlier rectification items), so that its report can be made
    # again; rectification items are opened and closed by recorded checks; every report a
    # run writes is kept by its SHA-256 with the assessments it shows, in order. A facility
    # is found by its id's NFKC form (facility_key: model/values.id_key), as a run compares
    # ids; rows stored before keep their id as written there.
    """
    ALTER TABLE assessments ADD COLUMN record TEXT;
    ALTER TABLE assessments ADD COLUMN source TEXT;
    ALTER TABLE assessments ADD COLUMN marks TEXT;
    ALTER TABLE assessments ADD COLUMN follow_up TEXT;
    ALTER TABLE assessments ADD COLUMN facility_key TEXT;
    UPDATE assessments SET facility_key = facility;
    CREATE INDEX assessments_by_facility_key ON assessments (facility_key, kind);
    CREATE TABLE rectification_items (
        id INTEGER PRIMARY KEY,
        facility TEXT NOT NULL,
        facility_key TEXT NOT NULL,
        rule TEXT NOT NULL,
        opened_by INTEGER NOT NULL REFERENCES assessments (id),
        opened_on TEXT NOT NULL,
        deadline TEXT NOT NULL,
        street_town TEXT,
        department TEXT NOT NULL,
        inspection TEXT,
        closed_by INTEGER REFERENCES assessments (id),
        closed_on TEXT
    );
    CREATE INDEX rectification_by_facility ON rectification_items (facility_key, rule);
    CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('check', 'evaluate')),
        format TEXT NOT NULL,
        settings TEXT NOT NULL,
        rejected TEXT NOT NULL,
        issued_at TEXT NOT NULL
    );
    CREATE INDEX reports_by_sha256 ON reports (sha256);
    CREATE TABLE report_assessments (
        report INTEGER NOT NULL REFERENCES reports (id),
        position INTEGER NOT NULL,
        assessment INTEGER NOT NULL REFERENCES assessments (id),
        PRIMARY KEY (report, position)
    );
    """,
)


APPLICATION_ID: Final = 0x51424831  # "QBH1": marks the file as a qianbai history
TIMEOUT: Final = 30.0  # seconds a run waits for another one's write to the database


class HistoryError(QianbaiError):
    """What is wrong with the history database, in both languages (``why``)."""

    def __init__(self, why: Text) -> None:
        super().__init__(why.en)
        self.why = why


# SQLite's own words for the usual troubles -> the catalogue's (history.sqlite)
_SQLITE: Final = {"file is not a database": "not_database",
                  "unable to open database file": "cannot_open",
                  "database is locked": "locked",
                  "attempt to write a readonly database": "read_only",
                  "disk I/O error": "io"}


def sqlite_problem(path: Path, exc: sqlite3.Error) -> HistoryError:
    key = _SQLITE.get(str(exc))
    reason = text(f"history.sqlite.{key}") if key else Text(str(exc), str(exc))
    return HistoryError(text("history.database_error", path=path.as_posix(), reason=reason))


class History:
    """A connection to the history database; use as a context manager."""

    def __init__(self, path: Path, create: bool = True) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._made = False  # this run made the file: a failed run removes it again
        if path.exists():
            self._connect()
        elif not create:
            raise HistoryError(text("history.no_such_db", path=path.as_posix()))
        elif not path.parent.is_dir() or not os.access(path.parent, os.W_OK | os.X_OK):
            raise HistoryError(text("history.cannot_create", path=path.as_posix()))

    def _connect(self) -> sqlite3.Connection:
        made = not self.path.exists()
        try:
            self._connection = sqlite3.connect(self.path, isolation_level=None, timeout=TIMEOUT)
            self._made = self._made or made
            self._state()  # refuses a file that is not a qianbai history, before any change
            self._wal()
            self._migrate()
        except sqlite3.Error as exc:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            raise sqlite_problem(self.path, exc) from None
        return self._connection

    @property
    def connection(self) -> sqlite3.Connection:
        """The database, made (with its schema) if it does not exist yet."""
        return self._connection if self._connection is not None else self._connect()

    def _reader(self) -> sqlite3.Connection | None:
        """The database to read from, or None while there is none (nothing stored yet)."""
        if self._connection is None and self.path.exists():
            self._connect()
        return self._connection

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close; a transaction that was not committed is rolled back."""
        if self._connection is None:
            return
        rolled_back = self._connection.in_transaction
        if rolled_back:
            self._connection.execute("ROLLBACK")
        empty = self._made and rolled_back and self._holds_nothing()
        self._connection.close()
        self._connection = None
        if empty:  # a failed run leaves no empty database behind
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(f"{self.path}{suffix}").unlink()

    def _holds_nothing(self) -> bool:
        """No assessment and no evaluation stored (by this run, which made the file, or by
        one that opened it since: then it holds something and stays)."""
        assert self._connection is not None
        return all(self._connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
                   for table in ("assessments", "evaluations"))

    def commit(self) -> None:
        if self._connection is not None and self._connection.in_transaction:
            self._connection.execute("COMMIT")

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
            raise HistoryError(text("history.newer", path=self.path.as_posix(), version=version))
        if application != APPLICATION_ID and (version or tables):
            raise HistoryError(text("history.not_history", path=self.path.as_posix()))
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
        transaction (see :meth:`commit`). A recorded check is first followed up against
        the facility's rectification items (:mod:`.rectification`): it passes on with its
        :class:`.FollowUp`, which is stored with it."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for result in results:
            if isinstance(result, Evaluated) and keep(result):
                self._begin()
                row = assessments.row_of(result, compiled, year, kind, now)
                followed = None
                if kind == "check":
                    same = assessments.stored_as(self.connection, row.identity)
                    followed = rectification.follow(self.connection, result, compiled, same)
                    result = replace(result, follow_up=followed.follow_up)
                stored = assessments.store(self.connection, row,
                                           followed.follow_up if followed else None)
                if followed is not None:
                    rectification.apply(self.connection, followed, stored,
                                        rectification.check_date(result, compiled))
            yield result

    def store_evaluation(self, year: int, compiled: CompiledRuleset, plan: str,
                         summary: dict[str, Any]) -> None:
        self._begin()
        assessments.store_evaluation(self.connection, year, compiled, plan, summary,
                                     dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def non_compliant(self, year: int, mandatory: AbstractSet[str] = frozenset(),
                      ) -> dict[str, tuple[str, ...]]:
        """:func:`.assessments.non_compliant`; none while nothing is stored."""
        connection = self._reader()
        return {} if connection is None else \
            assessments.non_compliant(connection, year, mandatory)

    def evaluation(self, year: int) -> dict[str, Any] | None:
        connection = self._reader()
        return None if connection is None else assessments.evaluation(connection, year)

    def assessments(self, facility: str) -> list[Assessment]:
        connection = self._reader()
        return [] if connection is None else assessments.assessments(connection, facility)

    def stored_items(self) -> list[rectification.Stored]:
        """Every rectification item as the database keeps it."""
        connection = self._reader()
        return [] if connection is None else rectification.stored_items(connection)

    def items(self, day: dt.date, wanted: ItemFilter | None = None) -> list[RectificationItem]:
        """The rectification items as they stood on ``day`` (:func:`.rectification.items_on`)."""
        connection = self._reader()
        return [] if connection is None else rectification.items_on(connection, day, wanted or ItemFilter())
