"""What ``qianbai rules show`` adds to a rule's description: its test cases, its condition
as compiled on a date, and what each evaluator runs for it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qianbai_rules.compile.compiled import CompiledRule
from qianbai_rules.core.problems import Lang
from qianbai_rules.engines.durable_emit import dumps, engine_rules
from qianbai_rules.rules.conditions import describe
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.ruletest.cases import Case
from qianbai_rules.texts.formats import listing, written_date
from qianbai_rules.texts.labels import label


def _where(file: str, ruleset: Ruleset) -> str:
    path = Path(file)
    return path.relative_to(ruleset.root).as_posix() if path.is_relative_to(ruleset.root) else file


def _expected(case: Case, rule_id: str, lang: Lang) -> str:
    """What a case expects of the rule, and of the verdict and amounts if it says."""
    parts = [label(f"status.{case.expect[rule_id]}", lang)] if rule_id in case.expect else []
    if case.verdict:
        parts.append(label("rule_show.case_verdict", lang,
                           verdict=label(f"verdict.{case.verdict}", lang)))
    if case.subsidy:
        parts.append(label("rule_show.case_amounts", lang))
    return listing(parts, lang)


def describe_cases(cases: list[Case], rule_id: str, ruleset: Ruleset, lang: Lang) -> list[str]:
    """The cases of a rule: where each is, its sentence and what it expects."""
    lines = [f"  {label('rule_show.cases', lang, count=len(cases))}"]
    if not cases:
        lines.append(f"    {label('rule_show.no_cases', lang)}")
    for case in cases:
        lines.append("    " + label("rule_show.case", lang, file=_where(case.file, ruleset),
                                      name=case.name))
        lines.append("      " + label("rule_show.case_expects", lang,
                                        expected=_expected(case, rule_id, lang)))
    return lines


def describe_compiled(compiled: CompiledRule, as_of: dt.date, lang: Lang) -> list[str]:
    """The condition with the parameter values of the date, the plain evaluator's reading of
    it, and the durable_rules engine rules emitted for it (one JSON line each)."""
    colon = label("punct.colon", lang)
    none = label("rule_show.none", lang)
    date = written_date(as_of, lang)
    lines = [
        f"  {label('rule_show.compiled', lang, date=date)}",
        f"    {label('rule_show.applies_to', lang)}{colon}"
        f"{describe(compiled.scope) if compiled.scope else label('rule_show.all_facilities', lang)}",
        f"    {label('rule_show.requires', lang)}{colon}"
        f"{describe(compiled.requirement) if compiled.requirement else none}",
        f"  {label('rule_show.plain', lang)}",
        f"  {label('rule_show.durable', lang)}",
    ]
    lines += [f"    {name}: {dumps(rule)}" for name, rule in engine_rules(compiled).items()]
    return lines
