"""The annual evaluation written: JSON, text, HTML/Markdown/PDF reports, workbook, each a
rendering of the one :class:`.AnnualReport`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from qianbai_rules.annual.facilities import Facility
from qianbai_rules.annual.operators import OperatorFacilities
from qianbai_rules.annual.paper import paper, words
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.core.jsontext import indented_json
from qianbai_rules.io import writing
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.reports import render
from qianbai_rules.reports.runview import parameter_names
from qianbai_rules.rules.readings import tags
from qianbai_rules.texts.labels import pair


def write_annual(report: AnnualReport, context: RunContext, target: str | None,
                 out: TextIO) -> None:
    """Write the evaluation in the run's format; a target folder (``-o out/``) gets
    evaluation-YEAR.<format>."""
    fmt = context.fmt
    if target and writing.is_folder(target):
        suffix = {"text": "txt"}.get(fmt, fmt)
        target = str(Path(target) / f"evaluation-{report.year}.{suffix}")
    if fmt == "json":
        if target:
            with writing.atomic_text(Path(target)) as handle:
                handle.writelines(json_pieces(report))
        else:
            out.writelines(json_pieces(report))
        return
    if fmt == "xlsx":
        if not target:
            raise writing.ReportError(*pair("problem.workbook_needs_file"))
        from qianbai_rules.annual.workbook import write_evaluation
        write_evaluation(report, Path(target), context.lang)
        return
    ruleset, lang = context.compiled.ruleset, context.lang
    reading_tags = tags(ruleset.readings.values(), (r.id for r in ruleset.rules if r.subsidy))
    names = parameter_names(ruleset, lang)  # the readings name parameters in words
    outline = paper(report, words(lang, reading_tags, names))
    if fmt == "docx":
        from qianbai_rules.annual.word import word_document
        writing.emit(word_document(outline, lang, report.header.as_of), target, out, binary=True)
        return
    template = {"text": "text/annual.txt", "md": "md/annual.md"}.get(fmt, "html/annual.html")
    rendered = render.render(template, render.run_context(
        lang, report.header.as_json(), paper=outline, kind=lambda b: type(b).__name__))
    data = render.to_pdf(rendered) if fmt == "pdf" else rendered.encode("utf-8")
    writing.emit(data, target, out, binary=fmt == "pdf")


_LISTED = ("facilities", "operators")  # the last keys of the JSON, one entry per facility


def without_lists(report: AnnualReport) -> dict[str, Any]:
    """The evaluation's JSON with its per-facility lists empty: what the history keeps of
    it (the figures, not a copy of the registry)."""
    return replace(report, facilities=[], operators=[]).as_json()


def json_pieces(report: AnnualReport) -> Iterator[str]:
    """``indented_json(report.as_json())`` and a line feed, the same bytes, written piece by
    piece: the lists with an entry per facility are encoded one entry at a time, so a
    registry of any size never becomes one string (or one tree of dicts) in memory."""
    head = indented_json(without_lists(report))
    empty = "".join(f',\n  "{key}": []' for key in _LISTED) + "\n}"
    assert head.endswith(empty), "facilities and operators are the JSON's last keys"
    yield head[:-len(empty)]
    lists: tuple[tuple[str, Sequence[Facility | OperatorFacilities]], ...] = (
        ("facilities", report.facilities), ("operators", report.operators))
    for key, entries in lists:
        yield f',\n  "{key}": ['
        for index, entry in enumerate(entries):
            text = indented_json(entry.as_json()).replace("\n", "\n    ")
            yield f'{"," if index else ""}\n    {text}'
        yield "\n  ]" if entries else "]"
    yield "\n}\n"

