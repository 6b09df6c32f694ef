"""The evaluation's figures by name: the one vocabulary the indicator scheme's formulas, the
drafted 存在问题 and 下一步建议, and the JSON's traces of them share.

A figure is a count, a rate (0..1, rounded to four places), or an amount in yuan; None when
the evaluation does not know it (no history, no funds given, no target to measure against).
Names are public: a scheme file names them, so they are extended, never renamed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from qianbai_rules.annual.rates import completion_rate
from qianbai_rules.core.problems import Lang
from qianbai_rules.texts.labels import label

if TYPE_CHECKING:  # report.py drafts its 存在问题 from these figures (drafting.py)
    from qianbai_rules.annual.report import AnnualReport, StreetProgress

FigureValue = int | float | None


class Unit(Enum):
    count = "count"  # facilities, items, streets
    rate = "rate"  # a share, 0..1
    yuan = "yuan"


@dataclass(frozen=True)
class Figure:
    name: str
    unit: Unit
    value: FigureValue


Path = tuple[str, ...]  # attributes (or keys) from the report to the value


def _at(report: AnnualReport, path: Path) -> FigureValue:
    """The value at ``path``; None where a part on the way is absent (no history, no
    yearly target)."""
    node: object = report
    for step in path:
        if node is None:
            return None
        node = node[step] if isinstance(node, dict) else getattr(node, step)
    assert node is None or isinstance(node, int | float)
    return node


def _progress(types: Iterable[str]) -> Iterator[tuple[str, Unit, Path]]:
    yield "year.target", Unit.count, ("year_progress", "total", "target")
    yield "year.completed", Unit.count, ("year_progress", "total", "completed")
    yield "year.rate", Unit.rate, ("year_progress", "total", "rate")
    for kind in types:
        for key in ("target", "completed"):
            yield f"year.{key}.{kind}", Unit.count, ("year_progress", "by_type", kind, key)
            yield f"cumulative.{key}.{kind}", Unit.count, ("district", "by_type", kind, key)
    yield "cumulative.target", Unit.count, ("district", "total", "target")
    yield "cumulative.completed", Unit.count, ("district", "total", "completed")
    yield "cumulative.rate", Unit.rate, ("district", "total", "rate")


def _quality() -> Iterator[tuple[str, Unit, Path]]:
    for key in ("completed", "accepted", "acceptance_unrecorded", "compliant"):
        yield f"built.{key}", Unit.count, ("built_compliant", "total", key)
    for key in ("compliant", "non_compliant", "incomplete", "in_service"):
        yield f"compliance.{key}", Unit.count, ("compliance", key)
    for key in ("carried_over", "opened", "closed", "open", "overdue", "closure_rate"):
        unit = Unit.rate if key == "closure_rate" else Unit.count
        yield f"rectification.{key}", unit, ("rectification", "total", key)


def _money() -> Iterator[tuple[str, Unit, Path]]:
    for kind in ("construction", "operating"):
        for key in ("total", "city", "district", "facilities", "undetermined"):
            unit = Unit.count if key in ("facilities", "undetermined") else Unit.yuan
            yield f"subsidies.{kind}.{key}", unit, ("subsidies", kind, key)
    for key in ("standard", "owed", "overpaid", "paid_facilities", "unrecorded"):
        unit = Unit.count if key in ("paid_facilities", "unrecorded") else Unit.yuan
        yield f"subsidies.construction.{key}", unit, ("subsidies", "construction", key)
    # unknown (not 0) when no record says what was paid: a rate of it is then not scored
    yield "subsidies.construction.paid", Unit.yuan, ("subsidies", "construction",
                                                     "recorded_paid")
    for key in ("district_owed", "lottery_fund", "pooled_and_budget", "city",
                "lottery_fund_available", "lottery_fund_unused"):
        yield f"funding.{key}", Unit.yuan, ("subsidies", "funding", key)


def _funds() -> Iterator[tuple[str, Unit, Path]]:
    """The year's funds in total (None without funds given for the year, or with rows of
    them refused: funds.py)."""
    for key in ("budgeted", "received", "paid", "unspent", "arrival_rate", "execution_rate"):
        yield f"funds.{key}", Unit.rate if key.endswith("rate") else Unit.yuan, \
            ("funds", "counted", key)
    yield "funds.gap", Unit.yuan, ("funds", "gap")


def _derived(report: AnnualReport) -> Iterator[Figure]:
    """Figures that are counts of a list or sums over a table, not one value of the report."""
    yield Figure("late.facilities", Unit.count, len(report.late))
    yield Figure("pilots.late", Unit.count,
                 sum(s.pilot_on_time is False for s in report.streets))
    yield Figure("unplanned.facilities", Unit.count, len(report.unplanned))
    yield Figure("compliance.rate", Unit.rate, completion_rate(
        report.compliance.compliant, report.compliance.in_service))
    for severity in ("mandatory", "advisory"):
        yield Figure(f"failures.{severity}", Unit.count,
                     sum(c.get(severity, 0) for c in report.departments.values()))
    history = report.history
    yield Figure("exit_review.facilities", Unit.count,
                 None if history is None or not history.previous_year_found
                 else len(report.exit_review))


def _paths(types: Iterable[str]) -> Iterator[tuple[str, Unit, Path]]:
    """Every figure that is one value of the report: its name, unit and path."""
    for source in (_progress(types), _quality(), _money(), _funds()):
        yield from source


def figures(report: AnnualReport) -> dict[str, Figure]:
    """Every figure of ``report`` by name, in a stable order."""
    found = {name: Figure(name, unit, _at(report, path))
             for name, unit, path in _paths(report.district.by_type)}
    found.update((f.name, f) for f in _derived(report))
    found.update((f.name, f) for f in _problems(report))
    return found


# The names _derived yields, for a scheme checked before any report exists (``names``).
DERIVED: tuple[str, ...] = ("late.facilities", "pilots.late", "unplanned.facilities",
                            "compliance.rate", "failures.mandatory", "failures.advisory",
                            "exit_review.facilities")


# The names _problems yields whatever the report, and the families of the names it yields
# for one department or street/town (the family, a dot, the code or name): the drafted
# sentences' traces name those, a scheme cannot (it is written before the subjects are known).
PROBLEMS: tuple[str, ...] = ("problems.facilities", "problems.incomplete", "streets.behind")
BY_SUBJECT: tuple[str, ...] = ("failures.mandatory", "problems.non_compliant", "streets.short",
                               "rectification.overdue")


def names(types: Iterable[str]) -> list[str]:
    """Every figure's name for a plan of ``types``: what ``figures`` of its report holds but
    the figures of one department or street/town."""
    return [*(name for name, _, _ in _paths(types)), *DERIVED, *PROBLEMS]


def by_subject(name: str) -> bool:
    """Whether ``name`` is a figure of one department or street/town (``BY_SUBJECT``)."""
    return name.rpartition(".")[0] in BY_SUBJECT


def values(report: AnnualReport) -> Mapping[str, FigureValue]:
    return {name: f.value for name, f in figures(report).items()}


def figure_name(name: str, lang: Lang, types: Mapping[str, str]) -> str:
    """What a figure is called in ``lang``; a figure of one facility type names the type, one
    of a department or street/town its name when ``types`` gives it (else its code or name:
    see drafting.subjects)."""
    head, _, kind = name.rpartition(".")
    if kind in types and head:
        return label(f"figures.{_key(head)}_kind", lang, type=types[kind])
    try:
        return label(f"figures.{_key(name)}", lang)
    except KeyError:  # of one department or street/town not in ``types``: its code or name
        return label(f"figures.{_key(head)}_kind", lang, type=kind)


def _key(name: str) -> str:
    return name.replace(".", "_")  # a label's key is a path of dotted parts


def _problems(report: AnnualReport) -> Iterator[Figure]:
    """The figures the drafted 存在问题 name: the problem list, its failed mandatory items by
    lead department (its code last), the streets/towns behind their targets and their overdue
    rectification items (the street's name last)."""
    listed = report.drafting.facilities
    yield Figure("problems.facilities", Unit.count, len(listed))
    yield Figure("problems.incomplete", Unit.count,
                 sum(p.verdict == "incomplete" for p in listed))
    codes = dict.fromkeys(i.department for p in listed for i in p.failed_mandatory
                          if i.department)
    for code in codes:
        yield Figure(f"failures.mandatory.{code}", Unit.count,
                     sum(i.department == code for p in listed for i in p.failed_mandatory))
        yield Figure(f"problems.non_compliant.{code}", Unit.count,
                     sum(any(i.department == code for i in p.failed_mandatory) for p in listed))
    short = {s.street_town: n for s, n in ((s, shortfall(report, s)) for s in report.streets)
             if n is not None}
    yield Figure("streets.behind", Unit.count,
                 sum(n > 0 for n in short.values()) if short else None)
    for street, n in short.items():
        if n:
            yield Figure(f"streets.short.{street}", Unit.count, n)
    if report.rectification is not None:
        for s in report.rectification.by_street_town:
            if s.street_town is not None and s.counts.overdue:
                yield Figure(f"rectification.overdue.{s.street_town}", Unit.count,
                             s.counts.overdue)


def shortfall(report: AnnualReport, street: StreetProgress) -> int | None:
    """Facilities ``street`` is short of the target due by the evaluated year: the plan's
    ``by_year`` where it gives one, its period totals in the plan's last year; None when
    no target is due yet."""
    due = street.targets_by_year
    if due is None and report.year >= report.plan.end.year:
        due = street.targets
    if due is None:
        return None
    return sum(max(due.get(k, 0) - street.completed.get(k, 0), 0) for k in due)
