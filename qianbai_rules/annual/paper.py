"""The annual evaluation as a 绩效评价报告 (财预〔2020〕10号, adapted): the outline every format
renders, built from the :class:`.AnnualReport` with the blocks of :mod:`.blocks`.

The parts keep stable keys (``conclusion``, ``funds``, ``problems``, ``suggestions``): the
score opens the conclusion, the funds as given close the funds part, the drafted problems and
suggestions fill the parts of their names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qianbai_rules.annual.blocks import Block, Paper, Para, Part, Signature, Table, TableRow
from qianbai_rules.annual.evaluation import cutoff
from qianbai_rules.annual.paper_analysis import indicators, numbered, other, problems
from qianbai_rules.annual.paper_progress import progress
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.annual.score_paper import score_blocks
from qianbai_rules.annual.wording import notice, technical_note
from qianbai_rules.core.problems import Lang
from qianbai_rules.model.display import type_names
from qianbai_rules.texts.formats import listing, money, money_text, percent, written_date
from qianbai_rules.texts.labels import fill, labels


@dataclass(frozen=True)
class Words:
    """What every part of the outline needs: the labels of ``lang``, the type names, the
    readings (执行口径) each part rests on, and the parameters' names in words."""

    lang: Lang
    L: Mapping[str, Any]
    types: Mapping[str, str]
    tags: Mapping[str, list[str]]
    names: Mapping[str, str] = field(default_factory=dict)

    def rate(self, value: float | None) -> str:
        return self.L["annual"]["no_rate"] if value is None else percent(value, 1)

    def money(self, amount: int | None) -> str:
        return money_text(amount, self.lang)

    def tag(self, key: str) -> tuple[str, ...]:
        return tuple(self.tags.get(key, ()))

    def listing(self, items: list[str]) -> str:
        return listing(items, self.lang)


def words(lang: Lang, tags: Mapping[str, list[str]],
          names: Mapping[str, str] | None = None) -> Words:
    return Words(lang, labels(lang), type_names(lang), tags, names or {})


def paper(report: AnnualReport, w: Words, unit: str | None = None) -> Paper:
    """The whole report, in the outline's order."""
    P = w.L["annual_paper"]
    said = notice(report, w.lang)  # at the top, where a reader meets it first
    sections: list[Part] = [Part("notice", "", (Para(said, lead=w.L["annual"]["notice"][
        "heading"] + w.L["punct"]["colon"]),))] if said else []
    sections += numbered([_basic(report, w), _conclusion(report, w), progress(report, w),
                          indicators(report, w), *problems(report, w), other(report, w)],
                         w, "top")  # numbered as present: no gap where a part is left out
    sections.append(Part("signature", "", (_signature(w, unit),)))
    sections.append(Part("facilities", P["annex_facilities"], (_facilities(report, w),),
                         new_page=True))
    sections.append(_technical(report, w))
    return Paper(fill(P["title"], {"district": report.district.name, "year": report.year}),
                 fill(P["subtitle"], {"plan": report.plan.name, "source": report.plan.source}),
                 sections, w.lang)


def _counts(counts: Mapping[str, int], w: Words) -> str:
    P = w.L["annual_paper"]
    return w.listing([fill(P["type_count"], {"type": w.types[k], "count": n})
                      for k, n in counts.items()])


def _basic(report: AnnualReport, w: Words) -> Part:
    L, P, plan = w.L["annual"], w.L["annual_paper"], report.plan
    totals = {kind: sum(s.targets.get(kind, 0) for s in report.streets)
              for kind in report.district.by_type}
    overview = fill(P["overview_text"], {
        "plan": plan.name, "source": plan.source, "start": plan.start.year,
        "end": plan.end.year, "streets": len(report.streets), "totals": _counts(totals, w)})
    goals: list[Block] = []
    year = report.year_progress
    if year is not None and year.total.target:
        goals.append(Para(fill(P["goals_year"], {
            "year": report.year, "targets": _counts(
                {k: p.target for k, p in year.by_type.items()}, w)})))
    else:
        goals.append(Para(fill(P["goals_none"], {"year": report.year})))
    goals.append(Para(fill(P["goals_cumulative"], {
        "year": report.year,
        "targets": _counts({k: p.target for k, p in report.district.by_type.items()}, w)})))
    scope: list[Block] = [
        Para(fill(L["dates"], {"year": report.year,
                               "as_of": written_date(report.header.as_of, w.lang)})),
        Para(fill(L["records"], report.summary))]
    return Part("basic", P["basic"], (
        Part("overview", P["overview"], (Para(overview),)),
        Part("goals", P["goals"], tuple(goals)),
        Part("scope", P["scope"], tuple(scope))))


def _conclusion(report: AnnualReport, w: Words) -> Part:
    P = w.L["annual_paper"]
    lines: list[str] = []
    year = report.year_progress
    if year is not None and year.total.target:
        lines.append(fill(P["conclusion_year"], {
            "year": report.year, "completed": year.total.completed,
            "target": year.total.target, "rate": w.rate(year.total.rate)}))
    total = report.district.total
    lines.append(fill(P["conclusion_cumulative"], {
        "completed": total.completed, "target": total.target, "rate": w.rate(total.rate)}))
    c = report.compliance
    lines.append(fill(P["conclusion_compliance"], {
        "in_service": c.in_service, "compliant": c.compliant,
        "rate": w.rate(c.compliant / c.in_service if c.in_service else None)}))
    s = report.subsidies
    lines.append(fill(P["conclusion_money"], {
        "construction": w.money(s.construction.total), "operating": w.money(s.operating.total),
        "district": w.money(s.funding.district_owed)}))
    said = Para(P["sentence_separator"].join(lines))
    if report.score is None:  # the scheme could not be read: say so where the score goes
        return Part("conclusion", P["conclusion"], (
            Para(w.L["annual_score"]["none"]), said))
    first, *rest = score_blocks(report.score, w.lang)  # the grade first, then the figures
    return Part("conclusion", P["conclusion"], (first, said, *rest))


def _signature(w: Words, unit: str | None) -> Signature:
    P = w.L["annual_paper"]
    return Signature((fill(P["signature_unit"], {"unit": unit or P["signature_blank"]}),
                      P["signature_date"]))


def _facilities(report: AnnualReport, w: Words) -> Block:
    AF, L = w.L["annual_facilities"], w.L
    if not report.facilities:
        return Para(AF["none"])
    sep, missing = L["value"]["list_separator"], L["value"]["missing"]
    history = report.history is not None
    header = [f"{AF['id']}{sep}{AF['name']}", f"{AF['street']}{sep}{AF['type']}",
              AF["operator"], f"{AF['completed_on']}{sep}{AF['opened_on']}", AF["verdict"],
              AF["construction_amount"], AF["operating_amount"]]
    if history:
        header.append(AF["open_items"])
    status = L["report"]["subsidy_status"]

    def day(value: Any) -> str:
        return missing if value is None else written_date(value, w.lang)

    rows = []
    cut = cutoff(report.year, report.header.as_of)
    for f in report.facilities:
        r = f.row
        verdict = [L["verdict"][r.verdict]]
        if r.completed_on is None or r.completed_on > cut:  # assessed, but not yet built
            verdict.append(fill(AF["not_built"], {"date": written_date(cut, w.lang)}))
        elif r.closed_on is not None and r.closed_on <= cut:
            verdict.append(fill(AF["closed"], {"date": written_date(r.closed_on, w.lang)}))
        verdict += [f"{i.rule} {i.title}" if i.title else i.rule for i in f.failed_mandatory]
        if f.departments:
            verdict.append(AF["departments"] + L["punct"]["colon"] + sep.join(f.departments))
        built = "" if r.construction_status is None else status[r.construction_status]
        if r.construction_status == "eligible":
            built = money(r.construction_amount) + "\n" + L["punct"]["open"] + fill(
                AF["year"], {"year": r.construction_year}) + L["punct"]["close"]
        run = "" if r.operating_status is None else status[r.operating_status]
        if r.operating_status == "eligible":
            run = money(r.operating_amount)
        operator = r.operator_name or missing
        if r.operator_credit_code:
            operator += "\n" + r.operator_credit_code
        cells = [f"{r.id}\n{r.name or missing}",
                 f"{r.street_town or L['annual']['no_street']}\n{w.types[r.type]}",
                 operator, f"{day(r.completed_on)}\n{day(r.opened_on)}", "\n".join(verdict),
                 built, run]
        if history:
            cells.append("" if f.open_items is None else str(f.open_items))
        rows.append(TableRow(tuple(cells), key=r.id))
    numeric = (False,) * 5 + (True, True) + ((True,) if history else ())
    return Table("facilities", tuple(header), tuple(rows), numeric)


def _technical(report: AnnualReport, w: Words) -> Part:
    note = technical_note(report, w.lang)
    T = w.L["annual"]["tech"]
    facts = Table("technical", ("", ""), tuple(TableRow((k, v)) for k, v in note.facts))
    parameters = Table("parameters", (T["parameter"], T["value"], T["since"]),
                       tuple(TableRow((_parameter(p["name"], w), p["value"], p["since"]),
                                      key=p["name"]) for p in note.parameters),
                       (False, True, False))
    return Part("technical", w.L["annual_paper"]["annex_technical"],
                (facts, Para(note.parameters_heading, small=True), parameters), new_page=True)


def _parameter(name: str, w: Words) -> str:
    """A parameter in words, its key below it (what the rules and the readings call it)."""
    said = w.names.get(name)
    return f"{said}\n{name}" if said and said != name else name
