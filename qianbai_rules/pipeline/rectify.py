"""Which findings become rectification items, and by when each is due: read from the
rules' dated settings (``rules/parameters/rectification.yaml``, reading RD-RECTIFICATION,
a 执行口径), the inspection file's deadline of an item taking precedence. One place for
the 检查意见书, which states the deadlines, and the history, which keeps the items."""

from __future__ import annotations

import datetime as dt
from typing import Final

from qianbai_rules.compile.compiled import Status
from qianbai_rules.model.inspection import Inspection
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


def deadline(ruleset: Ruleset, inspection: Inspection | None, rule: str,
             opened_on: dt.date) -> dt.date | None:
    """The deadline of the item ``rule`` opened on ``opened_on``: the inspection's own for
    that item, else ``opened_on`` plus the period in force then; None where the rules have
    no period in force (the reports then ask for one)."""
    given = inspection.deadline_of(rule) if inspection is not None else None
    if given is not None:
        return given
    period = ruleset.parameters.get(PERIOD)
    value = period.at(opened_on) if period is not None else None
    if value is None or not isinstance(value.value, int) or isinstance(value.value, bool):
        return None
    return opened_on + dt.timedelta(days=value.value)
