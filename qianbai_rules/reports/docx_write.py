"""The Word (DOCX) documents of ``qianbai check``: all records' documents in one file, each
facility on a new page, or one record's; and the index of a folder of them. Word lays out
the whole file, so the document is built whole and written at the end."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.reports import docx_views
from qianbai_rules.reports.docx_base import Word
from qianbai_rules.reports.model import RecordReport, RejectedEntry
from qianbai_rules.reports.opinion import Opinion
from qianbai_rules.reports.output import about, run_header
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import fill, labels


def _word(context: RunContext) -> Word:
    words = labels(context.lang)["docx"]
    return Word(words["page_before"], words["page_after"])


def document(views: Iterable[RecordReport | Opinion], rejected: list[RejectedEntry],
             context: RunContext) -> tuple[bytes, int]:
    """The run's records' documents in one file, and how many records it holds."""
    L = labels(context.lang)
    word = _word(context)
    run = run_header(context).as_json()
    told = about(context)
    title = ""
    count = 0
    for view in views:
        count += 1
        title = view.title if count == 1 else L["report"]["batch_title"]
        if isinstance(view, Opinion):
            docx_views.inspector(word, view, run, told, L)
        else:
            docx_views.operator(word, view, run, told, L)
    if rejected:
        word.new_page()
        docx_views.rejected(word, rejected, L)
    return word.save(title or L["report"]["batch_title"], context.compiled.as_of), count


def index(entries: Sequence[Mapping[str, Any]], rejected: list[RejectedEntry],
          summary: Mapping[str, int], context: RunContext) -> bytes:
    """The folder's index: each record's verdict, subsidies and file."""
    L = labels(context.lang)
    R = L["report"]
    word = _word(context)
    word.heading(R["index_title"], 0)
    word.para(R["subtitle"])
    word.para(fill(L["text"]["summary_line"], summary))
    word.heading(R["batch_title"], 2)

    def amount(claim: Any, field: str) -> str:
        if claim is None:
            return ""
        return f"{R['subsidy_status'][claim.status]} {formats.money(getattr(claim, field))}"

    word.table([R["col_record"], R["col_name"], R["col_type"], R["col_verdict"],
                R["construction_yuan"], R["operating_yuan"], L["docx"]["file"]],
               [[e["id"], e["name"] or "", e["type_name"],
                 f"{L['symbol'][e['verdict']]} {L['verdict'][e['verdict']]}",
                 amount(e["construction"], "total"), amount(e["operating"], "amount"),
                 e["file"]] for e in entries])
    if rejected:
        docx_views.rejected(word, rejected, L)
    docx_views.technote(word, run_header(context).as_json(), about(context), L)
    return word.save(R["index_title"], context.compiled.as_of)
