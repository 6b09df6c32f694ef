"""What the annual evaluation counts of the inspection cycle: the rectification items of
the year from the history (``evaluate --db``), by street/town and by department, and the
findings waived (限期整改 / 容缺受理), counted apart from the verdicts they spared.

Of the items, on the cut-off (31 December, or the as-of date when earlier):
- carried over: opened before the year and still open on its first day;
- opened: opened in the year by the cut-off; closed: closed in the year by the cut-off;
- open: open on the cut-off, of which overdue: its deadline before the cut-off;
- closure rate: closed / (carried over + opened), None when there was nothing to close.
So carried over + opened = closed + open.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qianbai_rules.annual.rates import completion_rate
from qianbai_rules.compile.compiled import CompiledRuleset, Status, Verdict
from qianbai_rules.core.problems import Lang, Text
from qianbai_rules.history.rectification import Stored
from qianbai_rules.pipeline.check import Evaluated
from qianbai_rules.pipeline.marks import Standing


def street_order(planned: Sequence[str]) -> Callable[[str | None], tuple[int, int, str]]:
    """Streets/towns in the plan's order, then others by name, then none."""
    def order(name: str | None) -> tuple[int, int, str]:
        if name is None:
            return (2, 0, "")
        return (0, planned.index(name), "") if name in planned else (1, 0, name)
    return order


@dataclass
class ItemCounts:
    carried_over: int = 0
    opened: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def closure_rate(self) -> float | None:
        due = self.carried_over + self.opened
        return completion_rate(self.closed, due)

    def add(self, stored: Stored, first: dt.date, cutoff: dt.date) -> None:
        item = stored.item
        closed_on = item.closed_on
        if item.opened_on > cutoff or (closed_on is not None and closed_on < first):
            return  # not yet, or done with before the year
        if item.opened_on < first:
            self.carried_over += 1
        else:
            self.opened += 1
        if closed_on is not None and closed_on <= cutoff:
            self.closed += 1
            return
        self.open += 1
        self.overdue += item.deadline < cutoff

    def as_json(self) -> dict[str, Any]:
        return {"carried_over": self.carried_over, "opened": self.opened,
                "closed": self.closed, "open": self.open, "overdue": self.overdue,
                "closure_rate": self.closure_rate}


@dataclass(frozen=True)
class StreetItems:
    street_town: str | None
    counts: ItemCounts

    def as_json(self) -> dict[str, Any]:
        return {"street_town": self.street_town, **self.counts.as_json()}


@dataclass(frozen=True)
class DepartmentItems:
    department: str  # its code
    name: str  # its name on the as-of date
    counts: ItemCounts

    def as_json(self) -> dict[str, Any]:
        return {"department": self.department, "name": self.name, **self.counts.as_json()}


@dataclass(frozen=True)
class Rectification:
    """The year's rectification items (``rectification`` of the annual JSON)."""

    cutoff: dt.date
    total: ItemCounts
    by_street_town: list[StreetItems]
    by_department: list[DepartmentItems]

    def as_json(self) -> dict[str, Any]:
        return {"cutoff": self.cutoff.isoformat(), **self.total.as_json(),
                "by_street_town": [s.as_json() for s in self.by_street_town],
                "by_department": [d.as_json() for d in self.by_department]}


def rectification(items: Iterable[Stored], year: int, cutoff: dt.date,
                  planned: Sequence[str], departments: Mapping[str, Text],
                  lang: Lang) -> Rectification:
    first = dt.date(year, 1, 1)
    total = ItemCounts()
    streets: dict[str | None, ItemCounts] = {}
    by_department: dict[str, ItemCounts] = {}
    for stored in items:
        before = (total.carried_over, total.opened)
        total.add(stored, first, cutoff)
        if (total.carried_over, total.opened) == before:
            continue  # not an item of the year
        streets.setdefault(stored.item.street_town, ItemCounts()).add(stored, first, cutoff)
        by_department.setdefault(stored.item.department, ItemCounts()).add(stored, first, cutoff)
    order = street_order(planned)
    codes = list(departments)

    def department(code: str) -> tuple[int, str]:
        return (codes.index(code), "") if code in codes else (len(codes), code)
    return Rectification(
        cutoff, total,
        [StreetItems(name, streets[name]) for name in sorted(streets, key=order)],
        [DepartmentItems(code, departments[code](lang) if code in departments else code,
                         by_department[code]) for code in sorted(by_department, key=department)])


@dataclass
class WaivedTally:
    """Waivers in force on the as-of date, over the facilities whose verdicts are counted:
    the facilities compliant only thanks to one, the waived findings (a mandatory rule
    failed or unknown) by rule, and the waivers that expired and count again."""

    seen: bool = False  # a record came with its inspection's files
    compliant_by_waiver: list[str] = field(default_factory=list)
    by_rule: Counter[str] = field(default_factory=Counter)
    expired: int = 0

    def add(self, result: Evaluated, compiled: CompiledRuleset) -> None:
        marks = result.marks
        if marks is None:
            return
        self.seen = True
        if result.verdict is Verdict.compliant and marks.unwaived not in (None, Verdict.compliant):
            self.compliant_by_waiver.append(result.record.id)
        index = {rule.rule.id: i for i, rule in enumerate(compiled.rules)}
        for rule, use in marks.waived.items():
            status = result.statuses[index[rule]] if rule in index else None
            if use.counts and status in (Status.failed, Status.unknown):
                self.by_rule[rule] += 1
            elif use.standing is Standing.expired:
                self.expired += 1


@dataclass(frozen=True)
class WaivedRule:
    rule: str
    title: str | None
    findings: int


@dataclass(frozen=True)
class Waived:
    """``waived`` of the annual JSON."""

    compliant_by_waiver: list[str]
    by_rule: list[WaivedRule]
    expired: int

    @property
    def findings(self) -> int:
        return sum(r.findings for r in self.by_rule)

    def as_json(self) -> dict[str, Any]:
        return {"compliant_by_waiver": len(self.compliant_by_waiver),
                "facilities": self.compliant_by_waiver, "findings": self.findings,
                "by_rule": [{"rule": r.rule, "title": r.title, "findings": r.findings}
                            for r in self.by_rule],
                "expired": self.expired}


def waived(tally: WaivedTally, compiled: CompiledRuleset, lang: Lang) -> Waived | None:
    """None where no record came with an inspection's files."""
    if not tally.seen:
        return None
    order = {rule.rule.id: i for i, rule in enumerate(compiled.rules)}
    by_id = compiled.by_id
    return Waived(sorted(tally.compliant_by_waiver),
                  [WaivedRule(rule, by_id[rule].rule.title(lang) if rule in by_id else None, n)
                   for rule, n in sorted(tally.by_rule.items(),
                                         key=lambda i: (order.get(i[0], len(order)), i[0]))],
                  tally.expired)
