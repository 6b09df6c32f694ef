"""Rectification items (整改事项) and what a check found of those opened before: the
contract between the history, which keeps them, and the 复查意见书, which reports them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ItemState(StrEnum):
    open = "open"
    overdue = "overdue"  # open, and its deadline has passed
    closed = "closed"


@dataclass(frozen=True)
class RectificationItem:
    """One mandatory failure (advisory ones by a setting) to be put right by a deadline,
    followed up by the street/town and the rule's department."""

    facility: str
    rule: str
    opened_on: dt.date  # the inspection date (the check's as-of date)
    deadline: dt.date
    street_town: str | None
    department: str  # the rule's lead department, by code
    inspection: str | None  # the inspection number, where the inspection file gives one
    state: ItemState
    closed_on: dt.date | None = None

    def as_json(self) -> dict[str, Any]:
        return {"facility": self.facility, "rule": self.rule,
                "opened_on": self.opened_on.isoformat(), "deadline": self.deadline.isoformat(),
                "street_town": self.street_town, "department": self.department,
                "inspection": self.inspection, "state": self.state.value,
                "closed_on": self.closed_on.isoformat() if self.closed_on else None}


@dataclass(frozen=True)
class FollowUp:
    """A re-inspection (复查): what this check found of the items the previous recorded
    inspections of the facility opened, and what it opened itself."""

    previous_on: dt.date | None  # the date of the previous recorded inspection
    previous_number: str | None  # its number, where one was given
    closed: tuple[RectificationItem, ...] = ()  # closed by this check
    still_open: tuple[RectificationItem, ...] = ()  # open, deadline not passed
    overdue: tuple[RectificationItem, ...] = ()  # open, deadline passed
    opened: tuple[RectificationItem, ...] = ()  # opened by this check

    @property
    def is_reinspection(self) -> bool:
        return self.previous_on is not None
