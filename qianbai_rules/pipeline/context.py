"""The one run context: what a run of ``check`` or ``evaluate`` was asked for and decided
once (the rules compiled for the as-of date, the engine, the year, language, format and
audience), read by the command line, the ``--jobs`` workers and the writers; and the tally
of results that gives the exit status."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from qianbai_rules.compile.compiled import CompiledRuleset, Verdict
from qianbai_rules.core.problems import Lang
from qianbai_rules.pipeline.check import Evaluated, Rejected, Result


@dataclass(frozen=True, eq=False)
class RunContext:
    """One run. Compared by identity: what the writers keep for a run (e.g. findings
    already written) is kept per context."""

    compiled: CompiledRuleset
    engine: str  # the evaluator's name: "durable" or "plain"
    year: int
    lang: Lang
    fmt: str = "text"
    audience: str = "inspector"
    findings: str = "lean"  # JSON Lines: lean (static fields in the header) or full
    as_of_given: bool = True  # False: the as-of date defaulted (the reports say so)
    today: dt.date | None = None  # the day the reports are dated by (None: today)

    @property
    def as_of(self) -> dt.date:
        return self.compiled.as_of


class Tally:
    """Counts results as they stream past; the exit status derives from it."""

    def __init__(self) -> None:
        self.verdicts: Counter[Verdict] = Counter()
        self.rejected = 0
        self.waived = 0  # records whose verdict rests on a waiver

    def add(self, result: Result) -> None:
        if isinstance(result, Rejected):
            self.count(None)
        else:
            self.count(result.verdict, rests_on_waiver(result))

    def count(self, verdict: Verdict | None, waived: bool = False) -> None:
        """One record more: evaluated with this verdict (``waived``: which a waiver gave it),
        or rejected (None)."""
        if verdict is None:
            self.rejected += 1
        else:
            self.verdicts[verdict] += 1
            self.waived += waived

    def counting(self, results: Iterable[Result]) -> Iterator[Result]:
        """The same results, each counted as it passes."""
        for result in results:
            self.add(result)
            yield result

    def summary(self) -> dict[str, int]:
        return {"records": sum(self.verdicts.values()),
                **{v.value: self.verdicts[v] for v in (Verdict.compliant, Verdict.non_compliant,
                                                       Verdict.incomplete)},
                "rejected": self.rejected, **({"waived": self.waived} if self.waived else {})}

    @property
    def exit_status(self) -> int:
        if self.rejected:
            return 2
        if self.verdicts[Verdict.non_compliant] or self.verdicts[Verdict.incomplete]:
            return 1
        return 0


def rests_on_waiver(result: Evaluated) -> bool:
    """Whether the record's verdict is not what it would be without waivers."""
    marks = result.marks
    return marks is not None and marks.unwaived is not None and marks.unwaived != result.verdict
