"""A report made again, byte for byte, from what the history kept of it (``qianbai
history ID --show N``): the stored records validated again and evaluated under the rules
compiled for the stored as-of date, with the stored marks and follow-up, the rejected
records rebuilt, rendered by the same writers with the same settings, and its SHA-256
compared with the one kept when it was issued."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qianbai_rules.compile.compiled import compile_ruleset
from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.engines.evaluator import make_evaluator
from qianbai_rules.history.assessments import numbered
from qianbai_rules.history.codec import follow_up_of, marks_of, sidecars_of
from qianbai_rules.history.issued import INDEX, RECORD, IssuedReport, Kept, issued_in
from qianbai_rules.history.store import History
from qianbai_rules.model.validation import parse_record
from qianbai_rules.pipeline.check import Evaluated, Rejected, Result, evaluate_record
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.texts.labels import text

REFUSED, MISMATCH = 2, 1  # exit statuses


class ReissueError(QianbaiError):
    """Why the report cannot be made again (``status`` 2), or was made but differs (1)."""

    def __init__(self, why: Text, status: int = REFUSED) -> None:
        super().__init__(why.en)
        self.why = why
        self.status = status


@dataclass(frozen=True)
class Reissued:
    data: bytes
    report: IssuedReport


def find(history: History, facility: str, number: int) -> IssuedReport:
    """The report assessment ``number`` (1 is the first) of ``facility`` was issued in."""
    ids = numbered(history.connection, facility)
    if not 1 <= number <= len(ids):
        raise ReissueError(text("issued.no_number", facility=facility, number=number,
                                count=len(ids)))
    report = issued_in(history.connection, ids[number - 1])
    if report is not None and report.kind != "check":
        raise ReissueError(text("issued.annual", number=number))
    if report is None or any(kept.record is None for kept in report.shown):
        raise ReissueError(text("issued.not_kept", number=number))
    return report


def reissue(report: IssuedReport, ruleset: Ruleset) -> Reissued:
    """The report made again under ``ruleset`` (which must be the rules it was made with);
    a ReissueError when it cannot be, or when the bytes differ from those issued."""
    settings = report.settings
    stored = settings["fingerprint"]
    if ruleset.fingerprint != stored:
        raise ReissueError(text("issued.rules_changed", stored=_short(stored),
                                current=_short(ruleset.fingerprint)))
    compiled = compile_ruleset(ruleset, dt.date.fromisoformat(settings["as_of"]))
    evaluator = make_evaluator(settings["engine"], compiled)
    context = RunContext(compiled, evaluator.name, settings["year"], settings["lang"],
                         settings["format"], settings["audience"], settings["findings"],
                         settings["as_of_given"], dt.date.fromisoformat(settings["today"]))
    results: list[tuple[int, Result]] = []
    for kept in report.shown:
        results.append((kept.position, _evaluated(kept, context, evaluator)))
    results += [(entry["index"], _rejected(entry)) for entry in report.rejected]
    data = _render([r for _, r in sorted(results, key=lambda pair: pair[0])], context,
                   settings.get("part"))
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise ReissueError(text("issued.mismatch", version=settings.get("version", "?")),
                           MISMATCH)
    return Reissued(data, report)


def _short(fingerprint: str) -> str:
    return fingerprint.removeprefix("sha256:")[:12]


def _evaluated(kept: Kept, context: RunContext, evaluator: Any) -> Evaluated:
    record = parse_record(kept.record)
    if isinstance(record, list):
        raise ReissueError(text("issued.record_invalid", facility=kept.facility))
    marks = marks_of(kept.marks) if kept.marks else None
    result = evaluate_record(record, kept.source or "", context.compiled, evaluator,
                             context.year, sidecars_of(record.id, marks))
    # The follow-up is the one kept, never recomputed: it told what the database held then.
    return replace(result, follow_up=follow_up_of(kept.follow_up) if kept.follow_up else None)


def _rejected(entry: dict[str, Any]) -> Rejected:
    message = entry["message"]
    problem = Problem.in_record(entry["file"], entry["item"], entry["field"],
                                Text(message["zh"], message["en"]), entry["position"],
                                entry["column"])
    return Rejected(problem, tuple((name, Text(m["zh"], m["en"]))
                                   for name, m in entry["errors"]))


def _render(results: list[Result], context: RunContext, part: str | None) -> bytes:
    """The document as the run wrote it: its format's writer, into memory."""
    from qianbai_rules.reports.documents import write_reports
    from qianbai_rules.reports.output import STREAMED, write

    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding="utf-8", errors="backslashreplace", newline="")
    if context.fmt in STREAMED:
        write(results, context, out)
    elif part in (RECORD, INDEX):
        with tempfile.TemporaryDirectory() as folder:
            write_reports(results, context, folder + "/", out)
            names = sorted(p.name for p in Path(folder).iterdir())
            index = next(n for n in names if n.startswith("index."))
            chosen = index if part == INDEX else next(n for n in names if n != index)
            return (Path(folder) / chosen).read_bytes()
    else:
        write_reports(results, context, None, out)
    out.flush()
    return buffer.getvalue()
