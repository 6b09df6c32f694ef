"""存在问题 and 下一步建议 drafted from the evaluation's figures.

Each problem is a sentence the data shows, with the figures it rests on by name (those of
:mod:`.figures`, so every number can be traced); each has its suggestion, naming who acts as
the plan's 三（一）“民政牵头、部门协同、街镇负责” assigns it: the lead department of the failed
items and the facilities' streets/towns; the district's lead department (the ruleset's first)
for targets and the exit review; the finance department (三（二）: 负责安排落实项目资金) for
money. A sentence whose figure is not known (None) is never drafted; when nothing is wrong,
one sentence says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from qianbai_rules.annual.evaluation import Evaluation, cutoff
from qianbai_rules.annual.figures import FigureValue, figures, shortfall
from qianbai_rules.annual.problems import ProblemFacility, problem_facilities
from qianbai_rules.core.problems import Lang
from qianbai_rules.model.display import type_names
from qianbai_rules.texts.formats import count, listing, money_text, percent, written_date
from qianbai_rules.texts.labels import label

if TYPE_CHECKING:
    from qianbai_rules.annual.report import AnnualReport

FINANCE = "finance"  # rules/ruleset.yaml: 区财政局, 三（二）“负责安排落实项目资金”
PLANNING = "planning"  # 区规划分局, 三（二）“协助……做好发展规划”


@dataclass(frozen=True)
class Drafted:
    """A drafted sentence of 存在问题 or 下一步建议 and the figures it rests on."""

    kind: str
    text: str
    figures: dict[str, FigureValue] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "figures": self.figures}


@dataclass(frozen=True)
class Drafting:
    """The problem list (problems.py) and the sentences drafted from the figures."""

    facilities: list[ProblemFacility] = field(default_factory=list)
    problems: list[Drafted] = field(default_factory=list)
    suggestions: list[Drafted] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"problem_facilities": [p.as_json() for p in self.facilities],
                "problems": [p.as_json() for p in self.problems],
                "suggestions": [s.as_json() for s in self.suggestions]}


@dataclass(frozen=True)
class _Draft:
    kind: str
    figures: tuple[str, ...]
    slots: Mapping[str, object]  # of the problem's sentence and of its suggestion
    wording: str = ""  # the sentences' label, where it is not the kind's


class _Facts:
    """What the sentences name besides figures: departments, streets, facility ids."""

    def __init__(self, report: AnnualReport, departments: Mapping[str, str],
                 lang: Lang) -> None:
        self.report, self.lang = report, lang
        self.values = {n: f.value for n, f in figures(report).items()}
        self.lead = next(iter(departments.values()), "")
        self.finance = departments.get(FINANCE, self.lead)
        self.planning = departments.get(PLANNING, self.lead)

    def ids(self, listed: Sequence[str]) -> str:
        return listing(listed, self.lang)

    def streets(self, names: Sequence[str | None]) -> str:
        none = label("annual.no_street", self.lang)
        return listing(dict.fromkeys(n or none for n in names), self.lang)

    def money(self, name: str) -> str:
        value = self.values[name]
        return money_text(value if isinstance(value, int) else None, self.lang)

    def n(self, name: str) -> str:
        value = self.values[name]
        return count(value) if isinstance(value, int) else ""


def _departments(facts: _Facts) -> Iterator[_Draft]:
    """One sentence per lead department with open mandatory failures; one for the
    facilities whose data are incomplete."""
    listed = facts.report.drafting.facilities
    names = {d.department: d.name for p in listed for d in p.departments}
    for code in dict.fromkeys(i.department for p in listed for i in p.failed_mandatory
                              if i.department):
        concerned = [p for p in listed if any(i.department == code for i in p.failed_mandatory)]
        used = (f"failures.mandatory.{code}", f"problems.non_compliant.{code}")
        slots = {"department": names.get(code, code),
                 "ids": facts.ids([p.id for p in concerned]),
                 "streets": facts.streets([p.street_town for p in concerned]),
                 "failures": facts.n(used[0]), "facilities": facts.n(used[1])}
        yield _Draft("department_failures", used, slots)
    incomplete = [p for p in listed if p.verdict == "incomplete"]
    if incomplete:
        codes = dict.fromkeys(i.department for p in incomplete for i in p.missing_mandatory
                              if i.department)
        slots = {"count": facts.n("problems.incomplete"),
                 "ids": facts.ids([p.id for p in incomplete]),
                 "streets": facts.streets([p.street_town for p in incomplete]),
                 "departments": listing((names.get(c, c) for c in codes), facts.lang)}
        yield _Draft("incomplete", ("problems.incomplete",), slots)


def _targets(facts: _Facts) -> Iterator[_Draft]:
    report, values, lang = facts.report, facts.values, facts.lang
    types = type_names(lang)
    progress = report.year_progress
    for kind in progress.by_type if progress is not None else ():
        target, done = f"year.target.{kind}", f"year.completed.{kind}"
        if (values.get(target) or 0) > (values.get(done) or 0):
            slots = {"year": report.year, "type": types.get(kind, kind),
                     "completed": facts.n(done), "target": facts.n(target), "lead": facts.lead}
            yield _Draft("year_target", (done, target), slots)
    behind = [s for s in report.streets if (shortfall(report, s) or 0) > 0]
    if behind and values.get("streets.behind"):
        names = [f"streets.short.{s.street_town}" for s in behind]
        short = listing((label("annual_problems.street_short", lang, street=s.street_town,
                               count=facts.n(n)) for s, n in zip(behind, names, strict=True)),
                        lang)
        final = report.year >= report.plan.end.year
        slots = {"date": written_date(cutoff(report.year, report.header.as_of), lang),
                 "count": facts.n("streets.behind"), "short": short,
                 "basis": label(f"annual_problems.basis_{'total' if final else 'year'}", lang,
                                start=report.plan.start.year, end=report.plan.end.year,
                                year=report.year),
                 "streets": facts.streets([s.street_town for s in behind]),
                 "lead": facts.lead}
        yield _Draft("streets_behind", ("streets.behind", *names), slots)
    late_pilots = [s.street_town for s in report.streets if s.pilot_on_time is False]
    if values.get("pilots.late"):
        slots = {"count": facts.n("pilots.late"), "streets": facts.streets(late_pilots),
                 "lead": facts.lead}
        yield _Draft("pilots_late", ("pilots.late",), slots)
    if values.get("late.facilities"):
        slots = {"count": facts.n("late.facilities"),
                 "ids": facts.ids([f.id for f in report.late]),
                 "streets": facts.streets([f.street_town for f in report.late]),
                 "lead": facts.lead}
        yield _Draft("late_facilities", ("late.facilities",), slots)


def _follow_up(facts: _Facts) -> Iterator[_Draft]:
    """Overdue rectification items (with a history), the exit review, the facilities in
    streets/towns the plan does not list."""
    report, values = facts.report, facts.values
    found = report.rectification
    if found is not None and values.get("rectification.overdue"):
        streets = [s.street_town for s in found.by_street_town
                   if s.street_town is not None and s.counts.overdue]
        names = [f"rectification.overdue.{s}" for s in streets]
        by_street = listing((label("annual_problems.street_overdue", facts.lang, street=s,
                                   count=facts.n(n)) for s, n in zip(streets, names,
                                                                     strict=True)), facts.lang)
        slots = {"count": facts.n("rectification.overdue"), "by_street": by_street,
                 "streets": facts.streets(streets), "lead": facts.lead}
        yield _Draft("rectification_overdue", ("rectification.overdue", *names), slots)
    if values.get("exit_review.facilities"):
        slots = {"count": facts.n("exit_review.facilities"),
                 "ids": facts.ids(report.exit_review), "lead": facts.lead}
        yield _Draft("exit_review", ("exit_review.facilities",), slots)


def _money(facts: _Facts) -> Iterator[_Draft]:
    """Construction subsidies still owed or paid beyond what is due; funds not spent (task
    F's figures, where the evaluation has them)."""
    report, values = facts.report, facts.values
    for kind in ("owed", "overpaid"):
        name = f"subsidies.construction.{kind}"
        if values.get(name):
            slots = {"year": report.year, "amount": facts.money(name),
                     "finance": facts.finance, "lead": facts.lead}
            unrecorded = "subsidies.construction.unrecorded"
            if kind == "owed" and values.get(unrecorded):  # owed as far as nothing is said
                yield _Draft("construction_owed", (name, unrecorded),
                             {**slots, "unrecorded": facts.n(unrecorded)},
                             "construction_owed_unrecorded")
            else:
                yield _Draft(f"construction_{kind}", (name,), slots)
    unspent, rate = values.get("funds.unspent"), values.get("funds.execution_rate")
    if isinstance(unspent, int) and unspent > 0 and rate is not None and rate < 1:
        slots = {"amount": facts.money("funds.unspent"), "rate": percent(rate, 1),
                 "finance": facts.finance}
        yield _Draft("funds_unspent", ("funds.unspent", "funds.execution_rate"), slots)


def _unplanned(facts: _Facts) -> Iterator[_Draft]:
    report = facts.report
    if facts.values.get("unplanned.facilities"):
        slots = {"count": facts.n("unplanned.facilities"),
                 "ids": facts.ids([u.id for u in report.unplanned]),
                 "streets": facts.streets([u.street_town for u in report.unplanned]),
                 "lead": facts.lead, "planning": facts.planning}
        yield _Draft("unplanned", ("unplanned.facilities",), slots)


def _drafts(facts: _Facts) -> list[_Draft]:
    found = [*_targets(facts), *_departments(facts), *_follow_up(facts), *_money(facts),
             *_unplanned(facts)]
    usable = [d for d in found if all(facts.values.get(n) is not None for n in d.figures)]
    if usable:
        return usable
    slots = {"lead": facts.lead, "year": facts.report.year}
    return [_Draft("none", ("problems.facilities",), slots)]


def sentences(report: AnnualReport, departments: Mapping[str, str],
              lang: Lang) -> tuple[list[Drafted], list[Drafted]]:
    """The drafted problems and their suggestions; ``departments``: names by code, the lead
    department first."""
    facts = _Facts(report, departments, lang)
    drafts = _drafts(facts)

    def drafted(part: str) -> list[Drafted]:
        return [Drafted(d.kind, label(f"annual_problems.{part}.{d.wording or d.kind}", lang,
                                      **d.slots),
                        {n: facts.values[n] for n in d.figures}) for d in drafts]
    return drafted("problem"), drafted("suggestion")


def drafted(report: AnnualReport, evaluation: Evaluation, lang: Lang) -> AnnualReport:
    """``report`` with its problem list, its drafted 存在问题 and its 下一步建议."""
    compiled = evaluation.compiled
    listed: list[ProblemFacility] = problem_facilities(
        report.facilities, report.exit_review, compiled, compiled.department_names,
        list(evaluation.plan.streets), cutoff(evaluation.year, compiled.as_of), lang)
    report = replace(report, drafting=Drafting(listed))
    problems, suggestions = sentences(
        report, {code: name(lang) for code, name in compiled.department_names.items()}, lang)
    return replace(report, drafting=Drafting(listed, problems, suggestions))


def subjects(report: AnnualReport, lang: Lang) -> dict[str, str]:
    """What the last part of a figure's name stands for (a facility type, a department's
    code, a street/town), by name in ``lang``: for :func:`.figure_name`."""
    found = dict(type_names(lang))
    found.update((d.department, d.name) for p in report.drafting.facilities
                 for d in p.departments)
    return found
