"""Which findings become rectification items, and by when each is due: the inspection
file's deadline for the item, else the expiry of a current 限期整改, else the rules' dated
default period (``rules/parameters/rectification.yaml``, reading RD-RECTIFICATION, a
执行口径). One place for the 检查意见书, which states the deadlines, and the history, which
keeps the items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from qianbai_rules.compile.compiled import Status
from qianbai_rules.model.inspection import WaiverKind
from qianbai_rules.pipeline.marks import Marks
from qianbai_rules.rules.rulefile import Rule, Severity
from qianbai_rules.rules.ruleset import Ruleset

PERIOD: Final = "rectification.period_days"
OPENS_FOR: Final = "rectification.opens_for"
WITH_ADVISORY: Final = "mandatory_and_advisory"


def opens_item(ruleset: Ruleset, rule: Rule, status: Status, on: dt.date) -> bool:
    """Whether this outcome of ``rule`` on ``on`` is a rectification item: a failed
    mandatory rule; a failed advisory one where the setting in force says so."""
    if status is not Status.failed or rule.entitlement:
        return False
    if rule.severity is Severity.mandatory:
        return True
    if rule.severity is not Severity.advisory:
        return False
    setting = ruleset.parameters.get(OPENS_FOR)
    value = setting.at(on) if setting is not None else None
    return value is not None and value.value == WITH_ADVISORY


@dataclass(frozen=True)
class Deadline:
    """When an item is due, and what set it: the inspection's own deadline for the item, the
    expiry of a current 限期整改 approved for it, or the rules' default period (a 执行口径)."""

    on: dt.date
    by: str  # "inspection", "waiver" or "period"

    @property
    def reading(self) -> bool:
        return self.by == "period"


def deadline(ruleset: Ruleset, marks: Marks | None, rule: str,
             opened_on: dt.date) -> Deadline | None:
    """The deadline of the item ``rule`` opened on ``opened_on``: the inspection's own for
    that item; else the expiry of the 限期整改 that counts for it; else ``opened_on`` plus
    the period in force then; None where the rules have no period in force (the reports
    then ask for one)."""
    inspection = marks.inspection if marks is not None else None
    given = inspection.deadline_of(rule) if inspection is not None else None
    if given is not None:
        return Deadline(given, "inspection")
    waiver = marks.waived.get(rule) if marks is not None else None
    if waiver is not None and waiver.counts and waiver.waiver.kind is WaiverKind.rectification:
        return Deadline(waiver.waiver.expires_on, "waiver")
    period = ruleset.parameters.get(PERIOD)
    value = period.at(opened_on) if period is not None else None
    if value is None or not isinstance(value.value, int) or isinstance(value.value, bool):
        return None
    return Deadline(opened_on + dt.timedelta(days=value.value), "period")
