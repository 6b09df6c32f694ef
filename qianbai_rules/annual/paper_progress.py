"""三、绩效目标完成情况: the year's targets against its completions, the cumulative progress,
the streets and towns (the plan's totals for its whole period, labelled as such, and yearly
targets only where the plan file gives them), the chart, late completions, and built versus
accepted versus compliant."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from qianbai_rules.annual.blocks import Block, Chart, Para, Part, Table, TableRow
from qianbai_rules.annual.progress import Progress
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.texts.formats import written_date
from qianbai_rules.texts.labels import fill

if TYPE_CHECKING:
    from qianbai_rules.annual.paper import Words

BAR = 18
GAP = 8
LABEL_WIDTH = 110
SCALE = 110  # pixels per facility


def progress(report: AnnualReport, w: Words) -> Part:
    P = w.L["annual_paper"]
    parts: list[Part] = []
    if report.year_progress is not None:
        parts.append(Part("year", fill(P["year"], {"year": report.year}), _year(report, w)))
    parts.append(Part("cumulative", P["cumulative"], (_cumulative(report, w),)))
    parts.append(Part("streets", P["streets"], _streets(report, w)))
    if report.year_progress is not None:
        parts.append(Part("late", P["late"], _late(report, w)))
    if report.built_compliant is not None:
        parts.append(Part("built", P["built"], _built(report, w)))
    return Part("progress", P["progress"], tuple(parts))


def _progress_row(name: str, p: Progress, w: Words, key: str = "",
                  total: bool = False) -> TableRow:
    return TableRow((name, str(p.target), str(p.completed), w.rate(p.rate)), key, total)


def _year(report: AnnualReport, w: Words) -> tuple[Block, ...]:
    L, TG = w.L["annual"], w.L["annual_targets"]
    Y = report.year_progress
    assert Y is not None
    year = {"year": Y.year}
    rows = [_progress_row(w.types[k], c, w, k) for k, c in Y.by_type.items()]
    rows.append(_progress_row(L["all_types"], Y.total, w, total=True))
    return (Para(TG["year_about"], small=True),
            Table("year_progress", (L["type"], fill(TG["year_target"], year),
                                    fill(TG["year_completed"], year), L["rate"]),
                  tuple(rows), (False, True, True, True)))


def _cumulative(report: AnnualReport, w: Words) -> Table:
    L = w.L["annual"]
    rows = []
    for kind, d in report.district.by_type.items():
        name = w.types[kind]
        if d.completed_unplanned:
            name += "\n" + fill(L["unplanned_completed"], {"count": d.completed_unplanned})
        rows.append(_progress_row(name, d, w, kind))
    rows.append(_progress_row(L["all_types"], report.district.total, w, total=True))
    return Table("district", (L["type"], L["target"], L["completed"], L["rate"]), tuple(rows),
                 (False, True, True, True), caption=L["progress"])


def _streets(report: AnnualReport, w: Words) -> tuple[Block, ...]:
    """One row a street: for each type the plan's total for its period, completed so far,
    and, with yearly figures, the year's target (where the plan file gives one) and
    completions; then whether its pilot was on time."""
    L, TG, P = w.L["annual"], w.L["annual_targets"], w.L["annual_paper"]
    span = {"start": report.plan.start.year, "end": report.plan.end.year, "year": report.year}
    kinds = list(report.district.by_type)
    yearly = report.year_progress is not None
    targeted = any(s.by_year is not None and s.by_year.target is not None
                   for s in report.streets)  # the plan file gives some street yearly targets
    header = [L["street"]]
    for kind in kinds:
        t = {**span, "type": w.types[kind]}
        header += [fill(TG["street_total_type"], t), fill(TG["street_done_type"], t)]
        if targeted:
            header.append(fill(TG["street_year_target_type"], t))
        if yearly:
            header.append(fill(TG["street_year_done_type"], t))
    header.append(L["pilot"])
    rows = []
    for s in report.streets:
        cells = [s.street_town]
        for kind in kinds:
            cells += [str(s.targets[kind]), str(s.completed[kind])]
            by_year = s.by_year
            if targeted:
                cells.append("—" if by_year is None or by_year.target is None
                             else str(by_year.target[kind]))
            if yearly:
                cells.append("—" if by_year is None else str(by_year.completed[kind]))
        cells.append(P["pilot_none"] if s.pilot_on_time is None
                     else L["pilot_values"]["true" if s.pilot_on_time else "false"])
        rows.append(TableRow(tuple(cells), s.street_town))
    numeric = (False, *(True,) * (len(header) - 2), False)
    blocks: list[Block] = []
    if yearly:
        blocks.append(Para(TG["street_note"], small=True))
    blocks.append(Table("streets", tuple(header), tuple(rows), numeric))
    blocks.append(_chart(report, w))
    return tuple(blocks)


def _chart(report: AnnualReport, w: Words) -> Chart:
    """The streets' progress drawn as bars (HTML, PDF); elsewhere its table."""
    L = w.L["annual"]
    kinds = list(report.district.by_type)
    rows: list[dict[str, Any]] = []
    y = 0
    for street in report.streets:
        bars: list[dict[str, Any]] = []
        for i, kind in enumerate(kinds):
            target = street.targets.get(kind, 0)
            done = street.completed.get(kind, 0)
            bars.append({"kind": kind, "name": w.types[kind], "y": y + i * (BAR // 2 + 2),
                         "target": target, "done": done, "target_width": target * SCALE,
                         "done_width": done * SCALE, "first": i == 0})
        rows.append({"street": street.street_town, "y": y, "bars": bars})
        y += len(kinds) * (BAR // 2 + 2) + GAP
    widest = max((max(b["target_width"], b["done_width"]) for r in rows for b in r["bars"]),
                 default=SCALE)
    data = {"rows": rows, "height": y + 20, "width": LABEL_WIDTH + widest + 60,
            "label_width": LABEL_WIDTH, "bar": BAR // 2, "title": L["chart"],
            "legend": [{"kind": k, "name": w.types[k]} for k in kinds]}
    punct = w.L["punct"]
    header = (L["street"], *(f"{w.types[k]}{punct['open']}{L['street_done']}{punct['close']}"
                             for k in kinds))
    table = Table("chart", header, tuple(
        TableRow((s.street_town, *(f"{s.completed[k]}/{s.targets[k]}" for k in kinds)),
                 s.street_town) for s in report.streets), caption=L["chart"])
    return Chart("progress", data, table)


def _late(report: AnnualReport, w: Words) -> tuple[Block, ...]:
    L, TG = w.L["annual"], w.L["annual_targets"]
    if not report.late:
        return (Para(TG["late_about"], small=True), Para(TG["late_none"]))
    rows = tuple(TableRow((f.id, f.name or "", f.street_town, w.types[f.type],
                           written_date(dt.date.fromisoformat(f.completed_on), w.lang),
                           str(f.final_year)), f.id) for f in report.late)
    return (Para(TG["late_about"], small=True),
            Table("late", (TG["id"], TG["name"], L["street"], L["type"], TG["completed_on"],
                           TG["final_year"]), rows, (False,) * 5 + (True,)))


def _built(report: AnnualReport, w: Words) -> tuple[Block, ...]:
    L, TG = w.L["annual"], w.L["annual_targets"]
    B = report.built_compliant
    assert B is not None
    about = TG["built_about"]
    if B.total.completed and B.total.acceptance_unrecorded == B.total.completed:
        about += TG["built_unknown"]
    columns = (TG["completed"], TG["accepted"], TG["acceptance_unrecorded"], TG["compliant"])
    numeric = (False, True, True, True, True)

    def cells(name: str, c: Any) -> tuple[str, ...]:
        return (name, str(c.completed), str(c.accepted), str(c.acceptance_unrecorded),
                str(c.compliant))
    by_type = [TableRow(cells(w.types[k], c), k) for k, c in B.by_type.items()]
    by_type.append(TableRow(cells(L["all_types"], B.total), total=True))
    by_street = tuple(TableRow(cells(s.street_town, s.counts), s.street_town)
                      for s in B.by_street)
    return (Para(about, small=True),
            Table("built_compliant", (TG["by_type"], *columns), tuple(by_type), numeric),
            Table("built_by_street", (TG["by_street"], *columns), by_street, numeric))
