"""What a report shows of one record, shaped for the templates in ``reports/templates``.

The inspector's report groups every finding by plan section; the operator's self-check
orders what to do: mandatory failures first, then the data to supply, then advice.
The templates choose what to display; this module only sorts and labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from qianbai_rules.io import writing
from qianbai_rules.pipeline.check import Rejected, Result
from qianbai_rules.reports import render
from qianbai_rules.reports.model import RecordReport, RunReport
from qianbai_rules.reports.output import RunInfo, Tally, record_report, rejected_json
from qianbai_rules.texts.labels import labels


def _index_entry(report: RecordReport, file: str) -> dict[str, Any]:
    subsidy = report.subsidy or {}
    return {"id": report.id, "name": report.name, "verdict": report.verdict,
            "type_name": report.type_name, "file": file,
            "construction": subsidy.get("construction"), "operating": subsidy.get("operating")}


def _context(info: RunInfo, **values: Any) -> dict[str, Any]:
    return {"L": labels(info.lang), "run": info.header(), "lang": info.lang, **values}


def _document(fmt: str, template: str, context: dict[str, Any]) -> bytes:
    text = render.render(f"{'md' if fmt == 'md' else 'html'}/{template}", context)
    return render.to_pdf(text) if fmt == "pdf" else text.encode("utf-8")


def write_reports(outcomes: Iterable[Result], fmt: str, info: RunInfo, audience: str,
                  target: str | None, out: TextIO) -> Tally:
    """Reports in html, md or pdf: one document for all records, or, when ``target`` is a
    folder, one file per record and an index (see :func:`_write_folder`)."""
    if target and writing.is_folder(target):
        return _write_folder(outcomes, fmt, info, audience, Path(target))
    tally = Tally()
    reports: list[RecordReport] = []
    rejected: list[dict[str, Any]] = []
    for outcome in tally.counting(outcomes):
        if isinstance(outcome, Rejected):
            rejected.append(rejected_json(outcome, info.lang))
        else:
            reports.append(record_report(outcome, info))
    run = RunReport(info.header(), reports, rejected, tally.summary())
    title = reports[0].title if len(reports) == 1 else labels(info.lang)["report"]["batch_title"]
    document = _document(fmt, "report.md" if fmt == "md" else "report.html", _context(
        info, views=run.records, rejected=run.rejected, audience=audience, title=title))
    writing.emit(document, target, out, binary=fmt == "pdf")
    return tally


def _write_folder(outcomes: Iterable[Result], fmt: str, info: RunInfo, audience: str,
                  folder: Path) -> Tally:
    """One report per record, each kept aside as it is evaluated; once all are known, the
    file names are decided for the whole run (unique by construction), and the reports and
    the index are put in place together, every path checked before any is written."""
    tally = Tally()
    suffix = {"html": ".html", "md": ".md", "pdf": ".pdf"}[fmt]
    batch = writing.Batch(folder)
    ids: list[str] = []
    entries: list[dict[str, Any]] = []  # the index's, without the file name until known
    rejected: list[dict[str, Any]] = []
    try:
        for outcome in tally.counting(outcomes):
            if isinstance(outcome, Rejected):
                rejected.append(rejected_json(outcome, info.lang))
                continue
            report = record_report(outcome, info)
            batch.keep(_document(fmt, "report.md" if fmt == "md" else "report.html", _context(
                info, views=[report], rejected=[], audience=audience, title=report.title)))
            ids.append(report.id)
            entries.append(_index_entry(report, ""))
        files = [name + suffix for name in writing.file_names(ids)]
        for entry, file in zip(entries, files, strict=True):
            entry["file"] = file
        batch.keep(_document(fmt, "index.md" if fmt == "md" else "index.html",
                             _context(info, entries=entries, rejected=rejected,
                                      summary=tally.summary())))
        batch.place([*files, f"index{suffix}"])
    finally:
        batch.discard()
    return tally
