"""What a report shows of one record, shaped for the templates in ``reports/templates``.

The inspector's report groups every finding by plan section; the operator's self-check
orders what to do: mandatory failures first, then the data to supply, then advice.
The templates choose what to display; this module only sorts and labels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from qianbai_rules.compile.compiled import CompiledRuleset, Status
from qianbai_rules.core.problems import Lang
from qianbai_rules.io import writing
from qianbai_rules.model.display import field_name, render_value
from qianbai_rules.pipeline.check import Evaluated, Rejected, Result
from qianbai_rules.reports import render
from qianbai_rules.reports.identity import identity_rows
from qianbai_rules.reports.output import RunInfo, Tally, record_json, rejected_json
from qianbai_rules.texts.labels import labels

# Keys a finding carries only sometimes; templates see them as None otherwise.
OPTIONAL: dict[str, None] = {"remediation": None, "interpretation": None,
                             "interpretation_parameter": None, "readings": None,
                             "entitlement": None}


@dataclass(frozen=True)
class Fields:
    """Labels and display values of a record's fields, for templates: F.label(name)."""

    flat: Mapping[str, Any]
    lang: Lang

    def label(self, name: str) -> str:
        return field_name(name, self.lang)

    def value(self, name: str) -> str:
        return render_value(name, self.flat.get(name), self.lang)

    def has(self, name: str) -> bool:
        return name in self.flat


@dataclass(frozen=True)
class RecordView:
    """One record as a report shows it."""

    record: dict[str, Any]  # the record's JSON, as ``--format json`` prints it
    fields: Fields
    identity: list[dict[str, str]]  # the identity block: {field, label, value} it has
    sections: list[dict[str, Any]]  # {clause, title, findings} in plan order
    counts: dict[str, int]
    fix: list[dict[str, Any]]  # mandatory failures
    supply: list[dict[str, Any]]  # mandatory rules that cannot be decided
    missing: list[str]  # labels of the fields to supply, once each
    improve: list[dict[str, Any]]  # advisory failures


def record_view(result: Evaluated, record: dict[str, Any], compiled: CompiledRuleset,
                lang: Lang) -> RecordView:
    fields = Fields(result.flat, lang)
    by_rule = compiled.by_id
    findings = []
    for finding in record["findings"]:
        observed = [{"label": fields.label(name), "value": fields.value(name)}
                    for name in finding["observed"]]
        findings.append({**OPTIONAL, **finding, "observed_text": observed})
    sections = []
    for clause, section in compiled.ruleset.sections.items():
        items = [f for f in findings if by_rule[f["rule"]].rule.section == clause]
        if items:
            sections.append({"clause": clause, "title": section.title(lang), "findings": items})
    mandatory = [f for f in findings if f["severity"] == "mandatory"]
    supply = [f for f in mandatory if f["status"] == "unknown"]
    missing: dict[str, None] = {}
    for finding in supply:
        for name, value in finding["observed"].items():
            if value is None:
                missing[fields.label(name)] = None
    return RecordView(
        record=record, fields=fields, identity=identity_rows(result.flat, lang),
        sections=sections,
        counts={status.value: 0 for status in Status} | dict(Counter(f["status"] for f in findings)),
        fix=[f for f in mandatory if f["status"] == "fail"],
        supply=supply, missing=list(missing),
        improve=[f for f in findings if f["severity"] == "advisory" and f["status"] == "fail"],
    )


def _index_entry(view: RecordView, file: str) -> dict[str, Any]:
    record = view.record
    subsidy = record.get("subsidy") or {}
    return {"id": record["id"], "name": record["name"], "verdict": record["verdict"],
            "type_name": view.fields.value("facility_type"), "file": file,
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
    views: list[RecordView] = []
    rejected: list[dict[str, Any]] = []
    for outcome in tally.counting(outcomes):
        if isinstance(outcome, Rejected):
            rejected.append(rejected_json(outcome, info.lang))
        else:
            views.append(record_view(outcome, record_json(outcome, info), info.compiled,
                                     info.lang))
    title = views[0].record["name"] or views[0].record["id"] if len(views) == 1 \
        else labels(info.lang)["report"]["batch_title"]
    document = _document(fmt, "report.md" if fmt == "md" else "report.html", _context(
        info, views=views, rejected=rejected, audience=audience, title=title))
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
            view = record_view(outcome, record_json(outcome, info), info.compiled, info.lang)
            title = view.record["name"] or view.record["id"]
            batch.keep(_document(fmt, "report.md" if fmt == "md" else "report.html", _context(
                info, views=[view], rejected=[], audience=audience, title=title)))
            ids.append(outcome.record.id)
            entries.append(_index_entry(view, ""))
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
