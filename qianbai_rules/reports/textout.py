"""The ``--format text`` block of one record, assembled in Python from pieces.

It writes exactly what the template ``text/record.txt`` wrote (kept as the reference the
tests compare against): every value made visible on one line, as the template's
``finalize`` does (:func:`.render.finalize`). A finding's lines depend only on the
finding, which records share (:class:`.findings.FindingWriter`), and on the run's labels:
they are worked out once per finding and run.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any, Final

from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.reports import render
from qianbai_rules.reports.model import Finding, RecordReport
from qianbai_rules.texts.labels import fill, labels

RULE: Final = "=" * 64
DASHES: Final = "-" * 64
# What the text block's first two lines already show of the identity block.
HEADLINE: Final = ("id", "name", "facility_type")


def _shown(value: Any) -> str:
    """A ``{{ value }}`` of the text template: finalized, then made text."""
    return str(render.finalize(value))


class RecordText:
    """The text blocks of one run's records, with the lines of each finding kept while the
    finding lives, for at most ``CACHE_SIZE`` findings (then it starts again)."""

    CACHE_SIZE: Final = 20_000

    def __init__(self, L: Mapping[str, Any]) -> None:
        self.L = L
        punct, text = L["punct"], L["text"]
        colon = punct["colon"]
        heading_colon = _shown(colon.strip())
        self.record_label = _shown(text["record"]) + _shown(colon)
        self.type_label = _shown(text["type"]) + _shown(colon)
        self.verdict_label = "    " + _shown(text["verdict"]) + _shown(colon)
        self.colon = _shown(colon)
        self.open, self.comma, self.close = (_shown(punct[k]) for k in ("open", "comma", "close"))
        self.tag = _shown(L["reading"]["separator"] + L["reading"]["tag"])
        self.interpretation_label = "    " + _shown(text["interpretation"]) + _shown(colon)
        self.todo_headings = [(text[key], heading_colon) for key in ("to_fix", "to_improve",
                                                                      "to_supply")]
        self.nothing_to_do = _shown(text["nothing_to_do"]) + "\n"
        self.subsidy_heading = f"{_shown(text['subsidy'])}{heading_colon}\n"
        self.entitlement_heading = _shown(L["entitlement"]["heading"]) + heading_colon + "\n"
        # held weakly: a finding's lines last as long as the finding (kept by the run's
        # FindingWriter, itself bounded), never keeping it alive
        self._lines: weakref.WeakKeyDictionary[Finding, str] = weakref.WeakKeyDictionary()
        self._todo: weakref.WeakKeyDictionary[Finding, str] = weakref.WeakKeyDictionary()
        self._headings: dict[tuple[int, int], str] = {}  # bounded: counts up to the rule count

    def finding(self, f: Finding) -> str:
        """A finding's lines (memoised per finding: findings are never changed)."""
        lines = self._lines.get(f)
        if lines is None:
            if len(self._lines) >= self.CACHE_SIZE:
                self._lines.clear()
            lines = self._lines[f] = self.finding_lines(f)
        return lines

    def finding_lines(self, f: Finding) -> str:
        """A finding's lines in the full list, worked out afresh."""
        L = self.L
        tag = self.tag if f.interpretation else ""
        parts = [f"[{_shown(render.finding_status_word(f, L))}] {_shown(f.rule)} {_shown(f.title)}"
                 f"{self.open}{_shown(L['severity'][f.severity])}{self.comma}{_shown(f.clause)}"
                 f"{self.close}{tag}\n",
                 f"    {_shown(f.message)}\n"]
        parts.extend(f"    {_shown(line)}\n" for line in f.mark_lines)
        if f.remediation:
            parts.append(f"    {_shown(render.remedy(f, L))}\n")
        if f.responsible:
            parts.append(f"    {_shown(render.responsible(f, L))}\n")
        if f.interpretation:
            readings = L["value"]["list_separator"].join(str(r) for r in f.readings or ())
            parts.append(f"{self.interpretation_label}{_shown(readings)}\n")
        return "".join(parts)

    def todo(self, f: Finding) -> str:
        """A finding as an item of what to fix, improve or supply, after its number
        (memoised like :meth:`finding`)."""
        lines = self._todo.get(f)
        if lines is None:
            if len(self._todo) >= self.CACHE_SIZE:
                self._todo.clear()
            lines = self._todo[f] = self.todo_lines(f)
        return lines

    def todo_lines(self, f: Finding) -> str:
        L = self.L
        parts = [_shown(fill(L["text"]["todo_line"], {"rule": f.rule, "title": f.title,
                                                      "text": f.message})), "\n"]
        parts.extend(f"     {_shown(line)}\n" for line in f.mark_lines)
        if f.remediation:
            parts.append(f"     {_shown(render.remedy(f, L))}\n")
        if f.responsible:
            parts.append(f"     {_shown(render.responsible(f, L))}\n")
        return "".join(parts)

    def heading(self, which: int, count: int) -> str:
        """The line over what to fix (0), improve (1) or supply (2), with how many."""
        line = self._headings.get((which, count))
        if line is None:
            heading, colon = self.todo_headings[which]
            line = self._headings[which, count] = f"{_shown(fill(heading, {'count': count}))}{colon}\n"
        return line

    def record(self, record: RecordReport) -> str:
        """The record's text block, as ``text/record.txt`` renders it: the verdict and what
        to fix, improve or supply first, then the money, then the facility and every
        finding."""
        L = self.L
        name = f" {_shown(record.name)}" if record.name else ""
        parts = [f"\n{RULE}\n{self.record_label}{_shown(record.id)}{name}\n",
                 f"{self.type_label}{_shown(record.type_name)}{self.verdict_label}"
                 f"{_shown(L['verdict'][record.verdict])}{self._unwaived(record)}\n"]
        for which, items in enumerate((record.fix, record.improve)):
            if items:
                parts.append(self.heading(which, len(items)))
                parts.extend(f"  {n}. {self.todo(f)}" for n, f in enumerate(items, 1))
        if record.supply:
            parts.append(self.heading(2, len(record.supply)))
            parts.extend(f"  {n}. {_shown(name)}\n" for n, name in enumerate(record.missing, 1))
        if not (record.fix or record.improve or record.supply):
            parts.append(self.nothing_to_do)
        if record.subsidy:
            parts.append(self._subsidy(record))
        parts.append(f"{DASHES}\n")
        parts.extend(f"{_shown(row['label'])}{self.colon}{_shown(row['value'])}\n"
                     for row in record.identity_besides(HEADLINE))
        parts.append(f"{_shown(fill(L['text']['counts'], record.counts))}\n{DASHES}\n")
        parts.extend(self.finding(f) for f in record.findings)
        return "".join(parts)

    def _unwaived(self, record: RecordReport) -> str:
        unwaived = record.unwaived_verdict
        return "" if unwaived is None else _shown(fill(self.L["marks"]["unwaived"], {
            "verdict": self.L["verdict"][unwaived]}))

    def _subsidy(self, record: RecordReport) -> str:
        L = self.L
        assert record.subsidy
        parts = [self.subsidy_heading]
        separator = L["value"]["list_separator"]
        tag = L["reading"]["separator"] + L["reading"]["tag"]
        for block in record.subsidy.values():
            readings = (tag + separator.join(str(r) for r in block.readings)) \
                if block.readings else ""
            parts.append(f"  {_shown(block.message)}{_shown(readings)}\n")
        if record.entitlements:
            parts.append(self.entitlement_heading)
            parts.extend(f"  - {_shown(fill(L['entitlement']['line'], e))}\n"
                         for e in record.entitlements)
        return "".join(parts)


_RUNS: weakref.WeakKeyDictionary[RunContext, RecordText] = weakref.WeakKeyDictionary()


def record_text(record: RecordReport, context: RunContext) -> str:
    """A record's ``--format text`` block; the run's finding lines are kept per run."""
    writer = _RUNS.get(context)
    if writer is None:
        writer = _RUNS[context] = RecordText(labels(context.lang))
    return writer.record(record)
