"""The HTML, Markdown and PDF reports of ``qianbai check``: one document for the run, or
one per record and an index, from the records' reports (:mod:`.model`).

The inspector's document is the 检查意见书 (:mod:`.opinion`): the inspection's particulars,
the conclusion in a sentence, the numbered items to put right, the applicable findings by
plan section, the seal, signature and receipt blocks; the operator's self-check orders what
to do: mandatory failures first, then the data to supply, then advice.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from qianbai_rules.io import writing
from qianbai_rules.pipeline.check import Rejected, Result
from qianbai_rules.pipeline.context import RunContext, Tally
from qianbai_rules.reports import docx_write, render
from qianbai_rules.reports.fonts import require_chinese_font
from qianbai_rules.reports.model import RecordReport, RejectedEntry
from qianbai_rules.reports.opinion import Opinion, opinion
from qianbai_rules.reports.output import about, record_report, run_header
from qianbai_rules.texts.labels import labels


def _index_entry(report: RecordReport, file: str) -> dict[str, Any]:
    subsidy = report.subsidy or {}
    return {"id": report.id, "name": report.name, "verdict": report.verdict,
            "type_name": report.type_name, "file": file,
            "construction": subsidy.get("construction"), "operating": subsidy.get("operating")}


def _view(report: RecordReport, context: RunContext) -> RecordReport | Opinion:
    """What the audience's template shows of a record: the inspector's 检查意见书 (or
    复查意见书), or the operator's self-check of the report itself."""
    return opinion(report, context.compiled) if context.audience == "inspector" else report


def _values(context: RunContext, **values: Any) -> dict[str, Any]:
    return render.run_context(context.lang, run_header(context).as_json(), about=about(context), **values)


def _document(context: RunContext, template: str, values: dict[str, Any]) -> bytes:
    """One HTML, Markdown or PDF document of the run's format from ``template``."""
    kind = "md" if context.fmt == "md" else "html"
    text = render.render(f"{kind}/{template}.{kind}", values)
    return render.to_pdf(text) if context.fmt == "pdf" else text.encode("utf-8")


def write_reports(results: Iterable[Result], context: RunContext, target: str | None,
                  out: TextIO) -> Tally:
    """Reports in html, md, pdf or docx: one document for all records, or, when ``target`` is
    a folder, one file per record and an index (see :func:`_write_folder`).

    The one document is written as its records come: the template is rendered lazily
    (Jinja's ``generate``) over a stream of the records' reports, and only its title waits
    for the second record (one record's report is named after it). The rejected records are
    kept for the end of the document. PDF is the exception: WeasyPrint lays out the whole
    HTML at once, so that document is held whole (as text, not as reports) before it is
    converted; so is a Word document (:mod:`.docx_write`). A PDF is refused before the
    first record is read when no font covers Chinese (:mod:`.fonts`)."""
    if context.fmt == "pdf":
        require_chinese_font()
    if target and writing.is_folder(target):
        return _write_folder(results, context, Path(target))
    tally = Tally()
    rejected: list[RejectedEntry] = []
    reports = (_view(r, context) for r in _reports(tally.counting(results), context, rejected))
    if context.fmt == "docx":
        writing.emit(docx_write.document(reports, rejected, context)[0], target, out,
                     binary=True)
        return tally
    first = list(itertools.islice(reports, 2))
    title = first[0].title if len(first) == 1 \
        else labels(context.lang)["report"]["batch_title"]
    kind = "md" if context.fmt == "md" else "html"
    chunks = render.environment().get_template(f"{kind}/report.{kind}").generate(_values(
        context, views=itertools.chain(first, reports), rejected=rejected,
        audience=context.audience, title=title))
    if context.fmt == "pdf":
        writing.emit(render.to_pdf("".join(chunks)), target, out, binary=True)
    elif target:
        with writing.atomic_text(Path(target)) as handle:
            handle.writelines(chunks)
    else:
        out.writelines(chunks)
    return tally


def _reports(results: Iterable[Result], context: RunContext,
             rejected: list[RejectedEntry]) -> Iterator[RecordReport]:
    """The evaluated records' reports, one at a time; the rejected records go to
    ``rejected`` as they pass."""
    for result in results:
        if isinstance(result, Rejected):
            rejected.append(RejectedEntry.of(result, context.lang))
        else:
            yield record_report(result, context)


def _write_folder(results: Iterable[Result], context: RunContext, folder: Path) -> Tally:
    """One report per record, each kept aside as it is evaluated; once all are known, the
    file names are decided for the whole run (unique by construction), and the reports and
    the index are put in place together, every path checked before any is written."""
    tally = Tally()
    suffix = {"html": ".html", "md": ".md", "pdf": ".pdf", "docx": ".docx"}[context.fmt]
    batch = writing.Batch(folder)
    ids: list[str] = []
    entries: list[dict[str, Any]] = []  # the index's, without the file name until known
    rejected: list[RejectedEntry] = []
    try:
        for result in tally.counting(results):
            if isinstance(result, Rejected):
                rejected.append(RejectedEntry.of(result, context.lang))
                continue
            report = record_report(result, context)
            batch.keep(docx_write.document([_view(report, context)], [], context)[0]
                       if context.fmt == "docx" else _document(context, "report", _values(
                           context, views=[_view(report, context)], rejected=[],
                           audience=context.audience, title=report.title)))
            ids.append(report.id)
            entries.append(_index_entry(report, ""))
        files = [name + suffix for name in writing.file_names(ids)]
        for entry, file in zip(entries, files, strict=True):
            entry["file"] = file
        batch.keep(docx_write.index(entries, rejected, tally.summary(), context)
                   if context.fmt == "docx" else _document(
                       context, "index", _values(context, entries=entries, rejected=rejected,
                                                 summary=tally.summary())))
        batch.place([*files, f"index{suffix}"])
    finally:
        batch.discard()
    return tally
