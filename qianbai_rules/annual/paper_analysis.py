"""四、绩效指标分析 (output quantity, quality, timeliness; funds), 五、存在问题, 六、下一步建议 and
七、其他需要说明的问题 of the 绩效评价报告."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from qianbai_rules.annual.blocks import Block, Items, Para, Part, Table, TableRow
from qianbai_rules.annual.funds_paper import funds_blocks
from qianbai_rules.annual.problems_paper import problems_blocks, suggestions_blocks
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.texts.formats import change, money, written_date
from qianbai_rules.texts.labels import fill

if TYPE_CHECKING:
    from qianbai_rules.annual.paper import Words


def numbered(parts: Sequence[Part], w: Words, form: str = "sub") -> tuple[Part, ...]:
    """Parts numbered in the order they are present: sub-parts （一）（二）…, the report's
    parts (``top``) 一、二、…"""
    P = w.L["annual_paper"]
    numerals = P["numerals"]

    def n(i: int) -> str:
        return numerals[i] if i < len(numerals) else str(i + 1)
    return tuple(Part(p.key, fill(P[form], {"n": n(i), "title": p.title}),
                      p.blocks, p.readings, p.new_page) for i, p in enumerate(parts))


def indicators(report: AnnualReport, w: Words) -> Part:
    P = w.L["annual_paper"]
    return Part("indicators", P["indicators"], (
        Part("quantity", P["quantity"], _quantity(report, w)),
        Part("quality", P["quality"], _quality(report, w)),
        Part("timeliness", P["timeliness"], _timeliness(report, w)),
        Part("funds", P["funds"], _funds(report, w))))


def _quantity(report: AnnualReport, w: Words) -> tuple[Block, ...]:
    L, AF = w.L["annual"], w.L["annual_facilities"]
    lines = []
    for kind, d in report.district.by_type.items():
        line = fill(L["progress_line"], {"type": w.types[kind], "target": d.target,
                                         "completed": d.completed, "rate": w.rate(d.rate)})
        if d.completed_unplanned:
            line += w.L["punct"]["semicolon"] + fill(L["unplanned_completed"],
                                                      {"count": d.completed_unplanned})
        lines.append(line)
    blocks: list[Block] = [Items(tuple(lines), numbered=False, key="quantity")]
    verdict, sep = w.L["verdict"], w.L["value"]["list_separator"]
    rows = []
    for o in report.operators:
        kinds = "\n".join(fill(AF["operator_count_verdict"], {"verdict": w.types[k], "count": n})
                          for k, n in o.by_type.items())
        verdicts = "\n".join(fill(AF["operator_count_verdict"],
                                  {"verdict": verdict[v], "count": o.verdicts[v]})
                             for v in ("compliant", "non_compliant", "incomplete")
                             if o.verdicts.get(v))
        rows.append(TableRow((o.name or AF["no_operator"], str(len(o.facilities)), kinds,
                              verdicts, sep.join(o.facilities)), o.name or ""))
    if rows:
        blocks.append(Para(AF["operators_about"], lead=w.L["annual_paper"]["operators"]
                           + w.L["punct"]["colon"], small=True))
        blocks.append(Table("operators", (AF["operator"], AF["operator_facilities"],
                                          AF["type"], AF["verdict"], AF["operator_ids"]),
                            tuple(rows), (False, True, False, False, False)))
    return tuple(blocks)


def _failures(key: str, first: str, rows: list[tuple[str, dict[str, int]]], w: Words,
              readings: tuple[str, ...] = ()) -> Table:
    L = w.L["annual"]
    return Table(key, (first, L["mandatory"], L["advisory"]), tuple(
        TableRow((name, str(c.get("mandatory", 0)), str(c.get("advisory", 0))), name)
        for name, c in rows), (False, True, True),
        caption=L["departments" if key == "departments" else "street_towns"], readings=readings)


def _quality(report: AnnualReport, w: Words) -> tuple[Block | Part, ...]:
    L, V = w.L["annual"], w.L["verdict"]
    c = report.compliance
    rows = [TableRow((fill(L["verdict_header"], {"verdict": V[v]}), str(getattr(c, v))), v)
            for v in ("compliant", "non_compliant", "incomplete")]
    rows.append(TableRow((L["in_service"], str(c.in_service)), "in_service", total=True))
    said = [fill(L["verdict_count"], {"verdict": V[v], "count": getattr(c, v)})
            for v in ("compliant", "non_compliant", "incomplete")]
    blocks: list[Block | Part] = [
        Para(fill(L["built_count"], {"count": c.in_service}) + w.L["punct"]["colon"]
             + w.L["punct"]["comma"].join(said)),
        Table("compliance", (L["compliance"], L["facility_count"]), tuple(rows),
              (False, True))]
    if c.undated:
        blocks.append(Para(w.listing(c.undated), lead=L["undated"] + w.L["punct"]["colon"],
                           small=True))
    blocks.append(_failures("departments", L["department"], list(report.departments.items()),
                            w, w.tag("department")))
    blocks.append(_failures("street_towns", L["street"], [
        (s.street_town or L["no_street"], {"mandatory": s.mandatory, "advisory": s.advisory})
        for s in report.street_towns], w))
    if report.rectification is not None:
        blocks.append(_rectification(report, w))
    if report.waived is not None:
        blocks.append(_waived(report, w))
    return tuple(blocks)


def _rectification(report: AnnualReport, w: Words) -> Part:
    RA = w.L["rectification"]["annual"]
    R = report.rectification
    assert R is not None
    blocks: list[Block] = [Para(fill(RA["about"], {"cutoff": written_date(R.cutoff, w.lang)}),
                                small=True)]
    if not R.total.carried_over + R.total.opened:
        blocks.append(Para(RA["none"]))
        return Part("rectification", RA["heading"], tuple(blocks), w.tag("rectification"))

    def cells(name: str, c: Any) -> tuple[str, ...]:
        return (name, str(c.carried_over), str(c.opened), str(c.closed), str(c.open),
                str(c.overdue), w.rate(c.closure_rate))
    for kind, rows in (
            ("street", [(s.street_town or w.L["annual"]["no_street"], s.counts)
                        for s in R.by_street_town]),
            ("department", [(d.name, d.counts) for d in R.by_department])):
        body = [TableRow(cells(name, counts), name) for name, counts in rows]
        body.append(TableRow(cells(RA["total"], R.total), total=True))
        blocks.append(Table(f"rectification_by_{kind}", (
            RA[kind], RA["carried_over"], RA["opened"], RA["closed"], RA["open"],
            RA["overdue"], RA["rate"]), tuple(body), (False,) + (True,) * 6,
            caption=RA[f"by_{kind}"]))
    return Part("rectification", RA["heading"], tuple(blocks), w.tag("rectification"))


def _waived(report: AnnualReport, w: Words) -> Part:
    RA = w.L["rectification"]["annual"]
    W = report.waived
    assert W is not None
    blocks: list[Block] = [Para(fill(RA["waived_line"], {
        "count": len(W.compliant_by_waiver), "findings": W.findings, "expired": W.expired}))]
    if W.compliant_by_waiver:
        blocks.append(Para(w.listing(W.compliant_by_waiver),
                           lead=RA["waived_facilities"] + w.L["punct"]["colon"], small=True))
    if W.by_rule:
        blocks.append(Table("waived", (RA["rule"], RA["findings"]), tuple(
            TableRow((f"{r.rule} {r.title or ''}".strip(), str(r.findings)), r.rule)
            for r in W.by_rule), (False, True)))
    return Part("waived", RA["waived_heading"], tuple(blocks))


def _timeliness(report: AnnualReport, w: Words) -> tuple[Block, ...]:
    P = w.L["annual_paper"]
    done = [s.street_town for s in report.streets if s.pilot_on_time is True]
    late = [s.street_town for s in report.streets if s.pilot_on_time is False]
    blocks: list[Block] = [Para(fill(P["pilots_line"], {"done": len(done), "late": len(late)}))]
    if late:
        blocks.append(Para(fill(P["pilots_late"], {"streets": w.listing(late)})))
    blocks.append(Para(fill(P["late_line"], {"count": len(report.late)})))
    return tuple(blocks)


def _funds(report: AnnualReport, w: Words) -> tuple[Block, ...]:
    L = w.L["annual"]
    s = report.subsidies
    rows = tuple(TableRow((L[key], money(m.total), money(m.city), money(m.district),
                           str(m.facilities), str(m.undetermined)), key)
                 for key, m in (("construction", s.construction), ("operating", s.operating)))
    m = s.construction
    settlement = fill(L["construction_settlement"], {
        "approved": m.approved_facilities, "standard": w.money(m.standard),
        "paid": w.money(m.paid), "paid_facilities": m.paid_facilities,
        "owed": w.money(m.owed), "overpaid": w.money(m.overpaid)})
    built, run = s.construction, s.operating
    amounts = Items((
        fill(L["construction_line"], {
            "kind": L["construction"], "total": w.money(built.total),
            "city": w.money(built.city), "district": w.money(built.district),
            "facilities": built.facilities, "undetermined": built.undetermined}),
        fill(L["operating_line"], {
            "kind": L["operating"], "total": w.money(run.total), "facilities": run.facilities,
            "undetermined": run.undetermined})), numbered=False, key="money")
    return (amounts, Table("money", (L["money_kind"], L["total"], L["city"], L["district"],
                            L["facilities"], L["undetermined"]), rows,
                  (False,) + (True,) * 5, readings=w.tag("money")),
            Para(settlement, small=True), *funds_blocks(report, w.lang, w.tag("funding")))


def problems(report: AnnualReport, w: Words) -> list[Part]:
    """五、存在问题 (the drafted problems, the problem list, then the exit review by
    operator) and 六、下一步建议 (the drafted suggestions)."""
    L, P = w.L["annual"], w.L["annual_paper"]
    exit_review = Part("exit_review", L["exit_review"], _exit_review(report, w),
                       w.tag("exit_review"))
    return [Part("problems", P["problems"],
                 (*problems_blocks(report, w.lang), *numbered([exit_review], w))),
            Part("suggestions", P["suggestions"], tuple(suggestions_blocks(report, w.lang)))]


def _exit_review(report: AnnualReport, w: Words) -> tuple[Block, ...]:
    L = w.L["annual"]
    if report.history is None:
        return (Para(L["exit_no_history"]),)
    if not report.history.previous_year_found:
        return (Para(L["exit_no_previous"]),)
    if not report.exit_review:
        return (Para(L["exit_none"]),)
    years = [y.year for y in report.exit_review_by_operator[0].facilities[0].years]
    rows = []
    for op in report.exit_review_by_operator:
        for f in op.facilities:
            failed = ["\n".join(f"{r.rule} {r.title or ''}".strip() for r in y.failed_mandatory)
                      for y in f.years]
            rows.append(TableRow((op.operator_name or L["exit_no_operator"],
                                  f"{f.id}\n{f.name or ''}".strip(),
                                  f.street_town or L["no_street"], *failed), f.id))
    return (Table("exit", (L["exit_operator"], L["exit_facility"], L["street"],
                           *(fill(L["exit_failed"], {"year": y}) for y in years)),
                  tuple(rows), readings=w.tag("exit_review")),)


def other(report: AnnualReport, w: Words) -> Part:
    L, P, R = w.L["annual"], w.L["annual_paper"], w.L["report"]
    punct = w.L["punct"]
    parts = [Part("unplanned", L["unplanned"], (
        Items(tuple(f"{u.id}{punct['open']}{u.street_town or L['no_street']}{punct['close']}"
                    for u in report.unplanned), key="unplanned"),)
        if report.unplanned else (Para(L["exit_none"]),))]
    if report.history is not None:
        parts.append(_change(report, w))
    parts.append(_readings(report, w))
    if report.rejected:
        parts.append(Part("rejected", R["rejected"], (Table(
            "rejected", (R["col_source"], R["col_reason"]), tuple(
                TableRow((x.source, message), x.record or "")
                for x in report.rejected
                for message in ([e.message for e in x.errors] if x.errors else [x.message]))),)))
    return Part("other", P["other"], numbered(parts, w))


def _change(report: AnnualReport, w: Words) -> Part:
    L, V, punct = w.L["annual"], w.L["verdict"], w.L["punct"]
    c = report.change
    if c is None:
        return Part("change", L["change"], (Para(L["no_change"]),))
    rows = [TableRow((fill(L["street_completed"], {"type": w.types[k]}), change(n)), k)
            for k, n in c.completed.items()]
    rows += [TableRow((fill(L["verdict_header"], {"verdict": V[v]}), change(c.compliance[v])),
                      v) for v in ("compliant", "non_compliant", "incomplete")]
    title = L["change"] + punct["open"] + fill(L["change_from"], {
        "year": c.previous_year}) + punct["close"]
    return Part("change", title, (Table("change", ("", ""), tuple(rows), (False, True)),))


def _readings(report: AnnualReport, w: Words) -> Part:
    """The readings (执行口径) the evaluation applies, each with what it rests on."""
    RD, punct, sep = w.L["reading"], w.L["punct"], w.L["value"]["list_separator"]
    items = []
    for r in report.readings:
        lines = [f"{r['id']}{punct['colon']}{r['text']}"]
        if r.get("rules"):
            lines.append(fill(RD["rules"], {"rules": sep.join(r["rules"])}))
        if r.get("parameters"):
            lines.append(fill(RD["parameters"], {"parameters": sep.join(
                w.names.get(p, p) for p in r["parameters"])}))
        if r.get("outputs"):
            lines.append(fill(RD["outputs"], {"outputs": sep.join(
                RD["output"][o] for o in r["outputs"])}))
        items.append("\n".join(lines))
    return Part("readings", RD["heading"], (Items(tuple(items), key="readings"),))
