"""Streamed output formats of ``qianbai check``: json, jsonl and text (from a template).

JSON is written with a fixed key order and no timestamps, so the same input and rules
give byte-identical output.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TextIO

from . import __version__, render
from .check import Evaluated, Rejected, Result
from .claims import entitlements, subsidy_block
from .compiled import CompiledRuleset, Verdict
from .findings import FindingWriter, render_value
from .labels import labels
from .problems import Lang

FORMATS = ("text", "json", "jsonl", "html", "md", "pdf")
STREAMED = ("text", "json", "jsonl")


@dataclass(frozen=True)
class RunInfo:
    compiled: CompiledRuleset
    engine: str
    year: int
    lang: Lang

    @cached_property
    def findings(self) -> FindingWriter:
        return FindingWriter(self.compiled, self.lang)

    def header(self) -> dict[str, Any]:
        ruleset = self.compiled.ruleset
        return {
            "version": __version__,
            "engine": self.engine,
            "ruleset": {
                "name": ruleset.name,
                "version": ruleset.version,
                "source": ruleset.source,
                "fingerprint": ruleset.fingerprint,
                "rules": len(ruleset.rules),
                "parameters": [a.as_json() for a in self.compiled.applied],
            },
            "as_of": self.compiled.as_of.isoformat(),
            "year": self.year,
        }


class Tally:
    """Counts outcomes as they stream past; the exit status derives from it."""

    def __init__(self) -> None:
        self.verdicts: Counter[Verdict] = Counter()
        self.rejected = 0

    def add(self, outcome: Result) -> None:
        if isinstance(outcome, Rejected):
            self.rejected += 1
        else:
            self.verdicts[outcome.verdict] += 1

    def counting(self, outcomes: Iterable[Result]) -> Iterator[Result]:
        """The same outcomes, each counted as it passes."""
        for outcome in outcomes:
            self.add(outcome)
            yield outcome

    def summary(self) -> dict[str, int]:
        return {"records": sum(self.verdicts.values()),
                **{v.value: self.verdicts[v] for v in (Verdict.compliant, Verdict.non_compliant,
                                                       Verdict.incomplete)},
                "rejected": self.rejected}

    @property
    def exit_status(self) -> int:
        if self.rejected:
            return 2
        if self.verdicts[Verdict.non_compliant] or self.verdicts[Verdict.incomplete]:
            return 1
        return 0


def record_json(result: Evaluated, info: RunInfo) -> dict[str, Any]:
    record = result.record
    return {
        "id": record.id,
        "name": record.name,
        "facility_type": record.facility_type.value,
        "source": result.source,
        "verdict": result.verdict.value,
        "findings": info.findings.findings(result.statuses, result.flat),
        **({"subsidy": subsidy_block(result.subsidies, info.compiled, result.flat, info.year,
                                     info.lang),
            "entitlements": entitlements(info.compiled, result.statuses, info.lang)}
           if info.compiled.subsidy_rules else {}),
    }


def rejected_json(rejected: Rejected, lang: Lang) -> dict[str, Any]:
    entry: dict[str, Any] = rejected.problem.as_json(lang)
    if len(rejected.errors) > 1:
        entry["errors"] = [{"field": f, "message": m(lang)} for f, m in rejected.errors]
    return entry


def _dump(value: Any, indent: int | None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent,
                      separators=(",", ": ") if indent else (",", ":"))


def write(outcomes: Iterable[Result], fmt: str, info: RunInfo, out: TextIO) -> Tally:
    """Write every outcome in the format; return the tally for the exit status."""
    tally = Tally()

    counted = tally.counting(outcomes)
    if fmt == "json":
        records, rejected = [], []
        for outcome in counted:
            if isinstance(outcome, Rejected):
                rejected.append(rejected_json(outcome, info.lang))
            else:
                records.append(record_json(outcome, info))
        document = {**info.header(), "summary": tally.summary(), "records": records,
                    "rejected": rejected}
        out.write(_dump(document, 2) + "\n")
    elif fmt == "jsonl":
        out.write(_dump({"header": info.header()}, None) + "\n")
        for outcome in counted:
            line = ({"rejected": rejected_json(outcome, info.lang)}
                    if isinstance(outcome, Rejected) else record_json(outcome, info))
            out.write(_dump(line, None) + "\n")
        out.write(_dump({"summary": tally.summary()}, None) + "\n")
    else:
        environment = render.environment()
        context = {"L": labels(info.lang), "run": info.header(), "lang": info.lang}
        out.write(environment.get_template("text/header.txt").render(context))
        record_template = environment.get_template("text/record.txt")
        rejected_entries = []
        for outcome in counted:
            if isinstance(outcome, Rejected):
                rejected_entries.append(rejected_json(outcome, info.lang))
            else:
                out.write(record_template.render(
                    context, record=record_json(outcome, info),
                    type_name=render_value("facility_type", outcome.record.facility_type.value,
                                           info.lang)))
        out.write(environment.get_template("text/footer.txt").render(
            context, summary=tally.summary(), rejected=rejected_entries))
    return tally
