"""Rectification items (整改事项) in the history: opened by a recorded check for each
finding :func:`.rectify.opens_item` takes, closed by a later recorded check where the rule
passes, overdue while open past their deadline; and the questions asked of them.

An item's state is always judged on a date (the check's, the listing's, the evaluation's
cut-off): closed if it was closed by then, else overdue if its deadline is before that
date, else open. An item opened after the date did not exist yet.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from qianbai_rules.compile.compiled import CompiledRuleset, Status
from qianbai_rules.history.codec import marks_of
from qianbai_rules.model.values import id_key
from qianbai_rules.pipeline.check import Evaluated
from qianbai_rules.pipeline.followup import FollowUp, ItemState, RectificationItem
from qianbai_rules.pipeline.rectify import deadline, opens_item

_COLUMNS = ("id, facility, rule, opened_by, opened_on, deadline, street_town, department, "
            "inspection, closed_by, closed_on")


@dataclass(frozen=True)
class Stored:
    """An item as the database keeps it, with the assessments that opened and closed it."""

    id: int
    opened_by: int
    closed_by: int | None
    item: RectificationItem  # its state as the database holds it (open or closed)

    def on(self, day: dt.date) -> RectificationItem:
        """The item as it stood on ``day``."""
        item = self.item
        if item.closed_on is not None and item.closed_on <= day:
            return replace(item, state=ItemState.closed)
        state = ItemState.overdue if item.deadline < day else ItemState.open
        return replace(item, state=state, closed_on=None)


def _stored(row: Sequence[object]) -> Stored:
    (id_, facility, rule, opened_by, opened_on, due, street, department, inspection,
     closed_by, closed_on) = row
    closed = dt.date.fromisoformat(str(closed_on)) if closed_on is not None else None
    item = RectificationItem(str(facility), str(rule), dt.date.fromisoformat(str(opened_on)),
                             dt.date.fromisoformat(str(due)),
                             None if street is None else str(street), str(department),
                             None if inspection is None else str(inspection),
                             ItemState.open if closed is None else ItemState.closed, closed)
    return Stored(int(str(id_)), int(str(opened_by)),
                  None if closed_by is None else int(str(closed_by)), item)


def stored_items(connection: sqlite3.Connection, facility: str | None = None) -> list[Stored]:
    """Every item (of one facility), in the order they were opened."""
    where, values = ("WHERE facility_key = ?", (id_key(facility),)) if facility is not None \
        else ("", ())
    rows = connection.execute(f"SELECT {_COLUMNS} FROM rectification_items {where} "
                              "ORDER BY id", values)
    return [_stored(row) for row in rows]


def check_date(result: Evaluated, compiled: CompiledRuleset) -> dt.date:
    """The date of a check: its inspection's, else the as-of date."""
    inspection = result.marks.inspection if result.marks is not None else None
    return inspection.date if inspection is not None and inspection.date is not None \
        else compiled.as_of


@dataclass(frozen=True)
class Followed:
    """What a check does to the items: the follow-up its report shows, and the changes
    to write once the assessment is stored."""

    follow_up: FollowUp
    closes: tuple[int, ...]  # ids of the items it closes
    opens: tuple[RectificationItem, ...]


def follow(connection: sqlite3.Connection, result: Evaluated, compiled: CompiledRuleset,
           same: int | None) -> Followed:
    """The follow-up of a recorded check against the facility's items. ``same`` is the
    stored assessment identical to this one, if any (a run made again): what it opened and
    closed is this check's own, so the follow-up is the same as the first time."""
    on = check_date(result, compiled)
    facility = result.record.id
    statuses = dict(zip((r.rule.id for r in compiled.rules), result.statuses, strict=True))
    closed: list[RectificationItem] = []
    still_open: list[RectificationItem] = []
    overdue: list[RectificationItem] = []
    opened: list[RectificationItem] = []
    closes: list[int] = []
    pending: set[str] = set()  # rules with an item open after this check
    for stored in stored_items(connection, facility):
        item = stored.item
        if same is not None and stored.opened_by == same:
            opened.append(replace(item, state=ItemState.open, closed_on=None))
            pending.add(item.rule)
            continue
        if item.opened_on > on or (stored.closed_by is not None and stored.closed_by != same):
            continue  # opened after this check's date, or closed by another check
        if statuses.get(item.rule) is Status.passed:
            closed.append(replace(item, state=ItemState.closed, closed_on=on))
            closes.append(stored.id)
            continue
        pending.add(item.rule)
        (overdue if item.deadline < on else still_open).append(
            replace(item, state=ItemState.overdue if item.deadline < on else ItemState.open,
                    closed_on=None))
    # An identical check stored before opened these items already (they are in pending);
    # one stored before items were kept (schema 3) opened none, and this one opens them.
    opens = list(_new_items(result, compiled, on, pending))
    previous_on, previous_number = _previous(connection, facility, on)
    return Followed(FollowUp(previous_on, previous_number, tuple(closed), tuple(still_open),
                             tuple(overdue), tuple(opened) + tuple(opens)),
                    tuple(closes), tuple(opens))


def _new_items(result: Evaluated, compiled: CompiledRuleset, on: dt.date,
               pending: Collection[str]) -> Iterable[RectificationItem]:
    """An item for each finding that opens one and has none open already. A finding whose
    deadline the rules cannot give (no period in force) opens none."""
    inspection = result.marks.inspection if result.marks is not None else None
    ruleset = compiled.ruleset
    for compiled_rule, status in zip(compiled.rules, result.statuses, strict=True):
        rule = compiled_rule.rule
        if rule.id in pending or not opens_item(ruleset, rule, status, on):
            continue
        due = deadline(ruleset, result.marks, rule.id, on)
        if due is not None:
            yield RectificationItem(result.record.id, rule.id, on, due.on,
                                    result.record.street_town, rule.department,
                                    inspection.number if inspection is not None else None,
                                    ItemState.open)


def _previous(connection: sqlite3.Connection, facility: str,
              on: dt.date) -> tuple[dt.date | None, str | None]:
    """The date and number of the facility's latest recorded check dated before ``on``
    (by the checks' dates, not by when they were stored: a check stored again later is
    still the one it was)."""
    found: tuple[dt.date, int, str | None] | None = None
    for id_, as_of, marks in connection.execute(
            "SELECT id, as_of, marks FROM assessments WHERE facility_key = ? AND kind = 'check'",
            (id_key(facility),)):
        inspection = marks_of(json.loads(marks)).inspection if marks is not None else None
        day = inspection.date if inspection is not None and inspection.date is not None \
            else dt.date.fromisoformat(as_of)
        number = inspection.number if inspection is not None else None
        if day < on and (found is None or (day, id_) > found[:2]):
            found = (day, id_, number)
    return (None, None) if found is None else (found[0], found[2])


def apply(connection: sqlite3.Connection, followed: Followed, assessment: int,
          on: dt.date) -> None:
    """Write what a stored check (``assessment``) opened and closed."""
    for item_id in followed.closes:
        connection.execute("UPDATE rectification_items SET closed_by = ?, closed_on = ? "
                           "WHERE id = ?", (assessment, on.isoformat(), item_id))
    for item in followed.opens:
        connection.execute(
            "INSERT INTO rectification_items (facility, facility_key, rule, opened_by, "
            "opened_on, deadline, street_town, department, inspection) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            (item.facility, id_key(item.facility), item.rule, assessment,
             item.opened_on.isoformat(),
             item.deadline.isoformat(), item.street_town, item.department, item.inspection))


@dataclass(frozen=True)
class ItemFilter:
    """Which items a listing wants; an empty part wants every item."""

    street_towns: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()  # codes
    facilities: frozenset[str] = frozenset()  # ids, compared in their NFKC form
    states: frozenset[ItemState] = frozenset()

    def wants(self, item: RectificationItem) -> bool:
        return ((not self.street_towns or item.street_town in self.street_towns)
                and (not self.departments or item.department in self.departments)
                and (not self.facilities
                     or id_key(item.facility) in {id_key(f) for f in self.facilities})
                and (not self.states or item.state in self.states))


def items_on(connection: sqlite3.Connection, day: dt.date,
             wanted: ItemFilter = ItemFilter()) -> list[RectificationItem]:
    """The items that existed on ``day``, as they stood then, that ``wanted`` wants: by
    street/town, facility, deadline and rule."""
    found = [stored.on(day) for stored in stored_items(connection) if stored.item.opened_on <= day]
    return sorted((item for item in found if wanted.wants(item)),
                  key=lambda i: (i.street_town is None, i.street_town or "", i.facility,
                                 i.deadline, i.rule, i.opened_on))
