"""The annual evaluation as a document: JSON, text, HTML/Markdown/PDF reports, workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from qianbai_rules.annual.evaluation import Evaluation
from qianbai_rules.core.jsontext import indented_json
from qianbai_rules.history.store import History
from qianbai_rules.io import writing
from qianbai_rules.model.display import type_names
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.reports import render
from qianbai_rules.reports.output import rejected_json
from qianbai_rules.rules.readings import applied, tags
from qianbai_rules.texts.labels import pair


def _change(now: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any] | None:
    """Year-over-year change against the stored evaluation of the previous year."""
    if before is None:
        return None
    def delta(path: list[str]) -> int | None:
        a: Any = now
        b: Any = before
        for key in path:
            a = a.get(key) if isinstance(a, dict) else None
            b = b.get(key) if isinstance(b, dict) else None
        return a - b if isinstance(a, int) and isinstance(b, int) else None
    kinds = list(now["district"]["by_type"])
    return {
        "previous_year": before["year"],
        "completed": {k: delta(["district", "by_type", k, "completed"]) for k in kinds},
        "compliance": {v: delta(["compliance", v]) for v in
                       ("compliant", "non_compliant", "incomplete", "in_service")},
        "construction_total": delta(["subsidies", "construction", "total"]),
        "operating_total": delta(["subsidies", "operating", "total"]),
    }


def annual_json(evaluation: Evaluation, context: RunContext, lottery_fund: int,
                before: dict[str, Any] | None, history: History | None) -> dict[str, Any]:
    body = evaluation.as_json(lottery_fund, context.lang)
    header = context.header()
    document = {
        "version": header["version"], "engine": header["engine"], "ruleset": header["ruleset"],
        "as_of": header["as_of"], **body,
        "summary": {"records": evaluation.records, "rejected": len(evaluation.rejected)},
        "rejected": [rejected_json(r, context.lang) for r in evaluation.rejected],
        "history": None if history is None else {
            "database": str(history.path), "previous_year_found": before is not None},
        "change": _change(body, before),
        "readings": applied(context.compiled.ruleset.readings.values(), True, context.lang),
    }
    return document


def write_annual(document: dict[str, Any], fmt: str, context: RunContext, target: str | None,
                 out: TextIO) -> None:
    """Write the evaluation; a target folder (``-o out/``) gets evaluation-YEAR.<format>."""
    if target and writing.is_folder(target):
        suffix = {"text": "txt"}.get(fmt, fmt)
        target = str(Path(target) / f"evaluation-{document['year']}.{suffix}")
    if fmt == "json":
        text = indented_json(document) + "\n"
        writing.emit(text.encode("utf-8"), target, out)
        return
    if fmt == "xlsx":
        if not target:
            raise writing.ReportError(*pair("problem.workbook_needs_file"))
        from qianbai_rules.annual.workbook import write_evaluation
        write_evaluation(document, Path(target), context.lang)
        return
    ruleset = context.compiled.ruleset
    values = render.run_context(
        context.lang, context.header(), doc=document, types=type_names(context.lang),
        chart=_chart(document),
        tags=tags(ruleset.readings.values(), (r.id for r in ruleset.rules if r.subsidy)))
    template = {"text": "text/annual.txt", "md": "md/annual.md"}.get(fmt, "html/annual.html")
    rendered = render.render(template, values)
    data = render.to_pdf(rendered) if fmt == "pdf" else rendered.encode("utf-8")
    writing.emit(data, target, out, binary=fmt == "pdf")


BAR = 18
GAP = 8
LABEL_WIDTH = 110
SCALE = 110  # pixels per facility


def _chart(document: dict[str, Any]) -> dict[str, Any]:
    """Geometry of the progress chart (drawn as inline SVG by the template)."""
    rows = []
    kinds = list(document["district"]["by_type"])
    y = 0
    for street in document["streets"]:
        bars = []
        for i, kind in enumerate(kinds):
            target = street["targets"].get(kind, 0)
            done = street["completed"].get(kind, 0)
            bars.append({"kind": kind, "y": y + i * (BAR // 2 + 2), "target": target, "done": done,
                         "target_width": target * SCALE, "done_width": done * SCALE})
        rows.append({"street": street["street_town"], "y": y, "bars": bars})
        y += len(kinds) * (BAR // 2 + 2) + GAP
    widest = max((b["target_width"] for r in rows for b in r["bars"]), default=SCALE)
    widest = max(widest, max((b["done_width"] for r in rows for b in r["bars"]), default=0))
    return {"rows": rows, "height": y + 20, "width": LABEL_WIDTH + widest + 60,
            "label_width": LABEL_WIDTH, "bar": BAR // 2}
