"""By when a rectification item is due (pipeline/rectify.deadline): the inspection's own
deadline for the item, else the expiry of a current 限期整改 approved for it, else the
rules' default period from the inspection date (a 执行口径)."""

from __future__ import annotations

import datetime as dt

import pytest

from qianbai_rules.compile.compiled import Status
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.engines.admit import load_runnable
from qianbai_rules.model.inspection import Inspection, InspectionItem, Waiver, WaiverKind
from qianbai_rules.pipeline.marks import Marks, Standing, WaiverUse
from qianbai_rules.pipeline.rectify import deadline

RULE = "QB-AREA-STATION"
OPENED = dt.date(2019, 12, 20)
RULESET = load_runnable(rules_dir())


def _waiver(kind: WaiverKind, standing: Standing) -> WaiverUse:
    return WaiverUse(Waiver("JB-1", RULE, kind, "扩建中", "养老服务科", dt.date(2019, 12, 1),
                            dt.date(2020, 3, 31)), standing)


INSPECTION = Inspection("JB-1", items={RULE: InspectionItem(RULE, None, dt.date(2020, 2, 29))})


@pytest.mark.parametrize(("marks", "due", "by"), [
    (None, dt.date(2020, 1, 19), "period"),
    (Marks(inspection=INSPECTION), dt.date(2020, 2, 29), "inspection"),
    (Marks(waived={RULE: _waiver(WaiverKind.rectification, Standing.counts)}),
     dt.date(2020, 3, 31), "waiver"),
    (Marks(inspection=INSPECTION,
           waived={RULE: _waiver(WaiverKind.rectification, Standing.counts)}),
     dt.date(2020, 2, 29), "inspection"),
    (Marks(waived={RULE: _waiver(WaiverKind.deferred, Standing.counts)}),
     dt.date(2020, 1, 19), "period"),
    (Marks(waived={RULE: _waiver(WaiverKind.rectification, Standing.expired)}),
     dt.date(2020, 1, 19), "period"),
], ids=["the default period of 30 days", "the inspection's own deadline",
        "a current 限期整改 is due when it expires", "the inspection's deadline comes first",
        "a 容缺受理 sets no deadline of its own", "an expired 限期整改 sets none either"])
def test_the_deadline_of_an_item(marks: Marks | None, due: dt.date, by: str) -> None:
    found = deadline(RULESET, marks, RULE, OPENED)
    assert found is not None and (found.on, found.by) == (due, by)
    assert found.reading is (by == "period")


def test_only_failures_open_items() -> None:
    from qianbai_rules.pipeline.rectify import opens_item
    rule = RULESET.rule(RULE)
    assert rule is not None
    assert opens_item(RULESET, rule, Status.failed, OPENED)
    assert not opens_item(RULESET, rule, Status.unknown, OPENED)
