"""Reports issued (Deliver 6 of issue 15): every report a run writes with ``--db`` is kept
in the ``reports`` table by the SHA-256 of its exact bytes, with what it was made with
(``settings``), the rejected records it listed, and the assessments it shows, in order
(``report_assessments``). One :class:`Issue` per run, in the run's one transaction.

Which assessment row each result became is learnt from the database itself: two
temporary triggers log the id of every assessment row written or rewritten by this
connection, whatever way the store writes it, so this side depends on the schema only.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from qianbai_rules.core.problems import Text
from qianbai_rules.history.codec import column_text
from qianbai_rules.history.store import History
from qianbai_rules.io.digests import Digests, Written, collecting
from qianbai_rules.io.writing import is_folder
from qianbai_rules.pipeline.check import Evaluated, Rejected, Result
from qianbai_rules.pipeline.context import RunContext

_SEEN = (
    "CREATE TEMP TABLE IF NOT EXISTS issued_seen (assessment INTEGER NOT NULL)",
    "CREATE TEMP TRIGGER IF NOT EXISTS issued_inserted AFTER INSERT ON main.assessments "
    "BEGIN INSERT INTO issued_seen (assessment) VALUES (NEW.id); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS issued_updated AFTER UPDATE ON main.assessments "
    "BEGIN INSERT INTO issued_seen (assessment) VALUES (NEW.id); END",
)

# The parts of a folder output (one file per record and an index); any other report is
# one document of the whole run.
DOCUMENT, RECORD, INDEX = "document", "record", "index"


def settings_of(context: RunContext, output: str | None, rules: str | None,
                **more: Any) -> dict[str, Any]:
    """What a run's output is made with, beside the records: what regeneration needs."""
    from qianbai_rules import __version__

    ruleset = context.compiled.ruleset
    return {"audience": context.audience, "lang": context.lang, "year": context.year,
            "as_of": context.as_of.isoformat(), "as_of_given": context.as_of_given,
            "today": (context.today or dt.date.today()).isoformat(),
            "findings": context.findings, "engine": context.engine, "format": context.fmt,
            "rules": rules, "rules_root": ruleset.root.as_posix(),
            "fingerprint": ruleset.fingerprint, "version": __version__,
            "output": output or "-", **more}


def rejectedcolumn_text(rejected: Rejected, index: int) -> dict[str, Any]:
    """A rejected record as kept, enough to rebuild it (:func:`rejected_of`)."""
    problem = rejected.problem
    message = problem.message if isinstance(problem.message, Text) \
        else Text(problem.message, problem.message)
    return {"index": index, "file": problem.file, "item": problem.item, "field": problem.field,
            "message": {"zh": message.zh, "en": message.en}, "position": problem.position,
            "column": problem.column,
            "errors": [[name, {"zh": m.zh, "en": m.en}] for name, m in rejected.errors]}


@dataclass
class Issue:
    """The reports of one run: the results in the order the output shows them, the
    assessment each evaluated one was stored as, and the documents written."""

    history: History
    kind: str  # check or evaluate
    settings: dict[str, Any]
    folder: bool = False  # one file per record and an index
    shown: list[tuple[int, int | None]] = field(default_factory=list)  # (index, assessment)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    _count: int = 0
    _mark: int = 0
    _watching: bool = False
    _digests: Digests | None = None

    @classmethod
    def of(cls, history: History, kind: str, context: RunContext, output: str | None,
           rules: Any, **more: Any) -> Issue:
        folder = context.fmt in ("html", "md", "pdf", "docx") and is_folder(output)
        return cls(history, kind, settings_of(context, output, None if rules is None
                                              else str(rules), **more), folder)

    def recording(self, results: Iterable[Result],
                  store: Callable[[Iterable[Result]], Iterator[Result]]) -> Iterator[Result]:
        """``store(results)`` (the history's recording), learning which assessment each
        result was stored as."""
        return self._after(store(self._before(results)))

    def _before(self, results: Iterable[Result]) -> Iterator[Result]:
        for result in results:
            if isinstance(result, Evaluated):
                connection = self.history.connection
                if not self._watching:
                    for statement in _SEEN:
                        connection.execute(statement)
                    self._watching = True
                self._mark = connection.execute(
                    "SELECT COALESCE(MAX(rowid), 0) FROM issued_seen").fetchone()[0]
            yield result

    def _after(self, results: Iterable[Result]) -> Iterator[Result]:
        for result in results:
            index, self._count = self._count, self._count + 1
            if isinstance(result, Rejected):
                self.rejected.append(rejectedcolumn_text(result, index))
            else:
                row = self.history.connection.execute(
                    "SELECT assessment FROM issued_seen WHERE rowid > ? ORDER BY rowid DESC "
                    "LIMIT 1", (self._mark,)).fetchone()
                self.shown.append((index, row[0] if row else None))
            yield result

    def output(self, out: TextIO, body: Callable[[TextIO], int]) -> int:
        """Run ``body`` with standard output, collecting the digest of every document it
        writes (files and standard output)."""
        with collecting() as digests:
            self._digests = digests
            return body(digests.stdout(out))

    def store(self) -> None:
        """Keep every document written, in the run's transaction (committed with it)."""
        assert self._digests is not None
        documents = self._digests.documents()
        if not documents or (self.kind == "check" and not any(a for _, a in self.shown)):
            return  # a check that stored no assessment keeps nothing (and makes no database)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        everything = [(index, a) for index, a in self.shown if a is not None]
        if self.folder and len(documents) == len(self.shown) + 1:
            *files, index_file = documents
            for written, (_, assessment) in zip(files, self.shown, strict=True):
                self._store(written, RECORD, [] if assessment is None else [(0, assessment)],
                            [], now)
            self._store(index_file, INDEX, everything, self.rejected, now)
            return
        for written in documents:
            self._store(written, DOCUMENT, everything, self.rejected, now)

    def _store(self, written: Written, part: str, shown: list[tuple[int, int]],
               rejected: list[dict[str, Any]], now: str) -> None:
        connection = self.history.connection
        if not connection.in_transaction:
            connection.execute("BEGIN IMMEDIATE")
        settings = {**self.settings, "output": written.name, "part": part}
        cursor = connection.execute(
            "INSERT INTO reports (sha256, kind, format, settings, rejected, issued_at) "
            "VALUES (?,?,?,?,?,?)",
            (written.sha256, self.kind, settings["format"], column_text(settings), column_text(rejected),
             now))
        connection.executemany(
            "INSERT INTO report_assessments (report, position, assessment) VALUES (?,?,?)",
            [(cursor.lastrowid, position, assessment) for position, assessment in shown])



@dataclass(frozen=True)
class Kept:
    """One stored assessment as a report shows it: what regeneration reads of it."""

    id: int
    position: int
    facility: str
    year: int
    as_of: str
    kind: str
    fingerprint: str
    record: Any  # the record as evaluated (JSON), None before schema 4
    source: str | None
    marks: Any
    follow_up: Any

    @property
    def name(self) -> str | None:
        record = self.record
        return record.get("name") if isinstance(record, dict) else None


@dataclass(frozen=True)
class IssuedReport:
    id: int
    sha256: str
    kind: str
    format: str
    settings: dict[str, Any]
    rejected: list[dict[str, Any]]
    issued_at: str
    shown: tuple[Kept, ...]


_KEPT = ("SELECT a.id, r.position, a.facility, a.year, a.as_of, a.kind, a.fingerprint, "
         "a.record, a.source, a.marks, a.follow_up FROM report_assessments r "
         "JOIN assessments a ON a.id = r.assessment WHERE r.report = ? ORDER BY r.position")


def _loads(value: str | None) -> Any:
    return json.loads(value) if value is not None else None


def _report(connection: sqlite3.Connection, row: tuple[Any, ...]) -> IssuedReport:
    kept = tuple(Kept(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _loads(r[7]), r[8],
                      _loads(r[9]), _loads(r[10]))
                 for r in connection.execute(_KEPT, (row[0],)))
    return IssuedReport(row[0], row[1], row[2], row[3], json.loads(row[4]), json.loads(row[5]),
                        row[6], kept)


_REPORT = "SELECT id, sha256, kind, format, settings, rejected, issued_at FROM reports"


def by_sha256(connection: sqlite3.Connection, sha256: str) -> list[IssuedReport]:
    """Every report kept with this SHA-256, the latest first."""
    rows = connection.execute(f"{_REPORT} WHERE sha256 = ? ORDER BY id DESC",
                              (sha256.lower(),)).fetchall()
    return [_report(connection, row) for row in rows]


def issued_in(connection: sqlite3.Connection, assessment: int) -> IssuedReport | None:
    """The report an assessment was issued in: of the latest run that wrote one showing
    it, its own (a folder's file of the record) rather than the whole run's."""
    row = connection.execute(
        f"{_REPORT} WHERE id IN (SELECT report FROM report_assessments WHERE assessment = ?) "
        "ORDER BY issued_at DESC, (SELECT COUNT(*) FROM report_assessments x "
        "WHERE x.report = reports.id), id DESC LIMIT 1", (assessment,)).fetchone()
    return _report(connection, row) if row else None
