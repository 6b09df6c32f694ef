"""The 复查 part of a 复查意见书: the previous inspection, and what became of the items it
opened (closed, still open with their deadline, overdue by how many days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qianbai_rules.pipeline.followup import FollowUp, RectificationItem
from qianbai_rules.reports.model import RecordReport
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import label


@dataclass(frozen=True)
class FollowUpView:
    previous: str  # 本次为复查。上次检查日期：……；编号：……。
    closed: list[str]
    still_open: list[str]
    overdue: list[str]


def follow_up_view(follow: FollowUp, report: RecordReport, on: dt.date) -> FollowUpView:
    """What ``follow`` says, worded; days overdue are counted to ``on`` (the check's date)."""
    lang = report.lang
    titles = {f.rule: f.title for f in report.findings}
    blank = label("opinion.blank", lang)

    def line(key: str, item: RectificationItem, **more: object) -> str:
        return label(f"opinion.{key}", lang, rule=item.rule, title=titles.get(item.rule, ""),
                     deadline=formats.written_date(item.deadline, lang), **more)

    previous = label("opinion.previous", lang,
                     date=formats.written_date(follow.previous_on, lang)
                     if follow.previous_on else blank,
                     number=follow.previous_number or blank)
    return FollowUpView(
        previous,
        [line("closed_line", item, closed=formats.written_date(item.closed_on or on, lang))
         for item in follow.closed],
        [line("open_line", item) for item in follow.still_open],
        [line("overdue_line", item, days=(on - item.deadline).days) for item in follow.overdue])
