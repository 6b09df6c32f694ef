"""Text for ``qianbai rules list`` and ``qianbai rules show`` (labels in labels.yaml)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Final

from qianbai_rules.core.problems import Lang
from qianbai_rules.core.resources import read_rule_text
from qianbai_rules.rules.conditions import describe
from qianbai_rules.rules.departments import Department
from qianbai_rules.rules.rulefile import Rule
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.rules.subsidy_spec import SubsidySpec
from qianbai_rules.texts.formats import (
    count,
    label_or,
    listing,
    measure,
    money_text,
    written_date,
)
from qianbai_rules.texts.labels import label, text

_MONEY: Final = {"yuan": text("rule_show.no_period"), "yuan per year": text("rule_show.per_year")}


def _relative(file: str, ruleset: Ruleset) -> str:
    path = Path(file)
    return path.relative_to(ruleset.root).as_posix() if path.is_relative_to(ruleset.root) else file


def list_rules(ruleset: Ruleset, lang: Lang) -> str:
    width = max(len(r.id) for r in ruleset.rules)
    lines = [f"{r.id:<{width}}  {label(f'severity.{r.severity.value}', lang):<9}  "
             f"{r.clause:<8}  {r.title(lang)}" for r in ruleset.rules]
    lines.append(label("rule_list.summary", lang, count=count(len(ruleset.rules)),
                       fingerprint=ruleset.fingerprint))
    lines.append(label("rule_list.departments", lang, count=count(len(ruleset.departments))))
    led = Counter(r.department for r in ruleset.rules)
    assisting = Counter(code for r in ruleset.rules for code in r.assisted_by)
    code_width = max(len(code) for code in ruleset.departments)
    for code, department in ruleset.departments.items():
        names = label("punct.semicolon", lang).join(
            label("rule_list.named_from", lang, date=written_date(since, lang), name=name(lang))
            for since, name in department.names)
        duties = label("rule_list.duties", lang, led=count(led[code]),
                       assists=count(assisting[code]))
        lines.append(f"  {code:<{code_width}}  {duties}  {names}")
    return "\n".join(lines) + "\n"


def _line(key: str, value: str, lang: Lang, indent: str = "  ") -> str:
    return f"{indent}{label(f'rule_show.{key}', lang)}{label('punct.colon', lang)}{value}"


def _department(department: Department, role: str, lang: Lang) -> list[str]:
    """A department with its duty in the plan's words and its names by date."""
    lines = [_line(role, f"{department.code}{label('punct.comma', lang)}{department.duty(lang)}",
                   lang)]
    lines += ["    " + label("rule_show.named_from", lang, date=written_date(since, lang), name=name(lang))
              for since, name in department.names]
    return lines


def rule_line(rule: Rule) -> int | None:
    """The line of the rule's file where the rule starts (its ``id``), or None."""
    pattern = re.compile(rf"^\s*(-\s*)?id:\s*[\"']?{re.escape(rule.id)}[\"']?\s*(#.*)?$")
    try:
        text = read_rule_text(Path(rule.file))
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


def _subsidy(spec: SubsidySpec, lang: Lang) -> list[str]:
    none = label("rule_show.none", lang)
    kind = label_or(f"rule_show.kind.{spec.kind.value}", lang, spec.kind.value)
    lines = [_line("subsidy", label("rule_show.subsidy_kind", lang, kind=kind), lang)]
    for branch in spec.amounts:
        amounts = listing((label("rule_show.amount", lang, role=label(f"rule_show.amount_{key}", lang),
                                 name=name) for key, name in (
            ("city", branch.city), ("district", branch.district),
            ("yuan_per_year", branch.yuan_per_year)) if name), lang)
        lines.append("    " + label("rule_show.subsidy_when", lang, condition=describe(branch.when),
                                      amounts=amounts))
    if spec.proration:
        lines.append("    " + label("rule_show.prorated", lang, method=spec.proration,
                                      start=spec.period_from, end=spec.period_until or none))
    if spec.payer:
        lines.append("    " + label("rule_show.paid_by", lang, payer=spec.payer))
    if spec.completion:
        lines.append("    " + label("rule_show.one_off", lang, completion=spec.completion,
                                      approved=spec.approved or none, paid=spec.paid or none))
    lines += ["    " + label("rule_show.ineligible_when", lang, condition=describe(condition))
              for condition in spec.ineligible_when]
    return lines


def _value(value: object, unit: str, lang: Lang) -> str:
    """A parameter's value as a person reads it: an amount as a document writes it (25万元,
    10万元/年), a word by its label (按运营整月折算), else the number with its unit."""
    if isinstance(value, int) and not isinstance(value, bool) and unit in _MONEY:
        return money_text(value, lang) + _MONEY[unit](lang)
    if isinstance(value, str):
        return label_or(f"subsidy.word.{value}", lang, value)
    return measure(value, unit, lang).rstrip()  # a unit with no name


def _parameter(ruleset: Ruleset, name: str, lang: Lang) -> list[str]:
    parameter = ruleset.parameters[name]
    unit = label_or(f"unit.{parameter.unit}", lang, parameter.unit)
    lines = ["  " + label("rule_show.parameter", lang, name=name,
                          unit=label("rule_show.unit", lang, unit=unit) if unit else "",
                          reference=parameter.reference, description=parameter.description(lang))]
    if parameter.readings:
        lines.append("    " + label("rule_show.parameter_reading", lang,
                                      readings=listing(parameter.readings, lang)))
    for value in parameter.values:
        shown = (label("rule_show.parameter_ends", lang) if value.value is None
                 else _value(value.value, parameter.unit, lang))
        lines.append("    " + label("rule_show.parameter_value", lang, date=written_date(value.since, lang),
                                      value=shown, reference=value.reference))
    return lines


def describe_rule(ruleset: Ruleset, rule: Rule, lang: Lang) -> str:
    """The rule in full: what it asks, who leads, where it is written, its parameters."""
    none = label("rule_show.none", lang)
    where = _relative(rule.file, ruleset)
    line = rule_line(rule)
    lines = [
        f"{rule.id}  {rule.title(lang)}",
        _line("severity", label(f"severity.{rule.severity.value}", lang), lang),
        _line("clause", label("rule_show.clause_in", lang, clause=rule.clause,
                              source=ruleset.source), lang),
        *_department(ruleset.departments[rule.department], "department", lang),
        *(line for code in rule.assisted_by
          for line in _department(ruleset.departments[code], "assisted_by", lang)),
        _line("applies_to", describe(rule.applies_to) if rule.applies_to
              else label("rule_show.all_facilities", lang), lang),
        _line("requires", describe(rule.requires) if rule.requires else none, lang),
        _line("requirement", rule.requirement(lang), lang),
    ]
    if rule.fail:
        lines.append(_line("on_failure", rule.fail(lang), lang))
    if rule.remediation:
        lines.append(_line("remediation", rule.remediation(lang), lang))
    lines += [_line("reading", f"{reading.id} {reading.text(lang)}", lang)
              for reading in ruleset.readings_of(rule)]
    if rule.entitlement:
        lines.append("  " + label("rule_show.entitlement", lang))
    if rule.subsidy:
        lines += _subsidy(rule.subsidy, lang)
    lines.append(_line("file", where if line is None else f"{where}:{line}", lang))
    for name in rule.parameters:
        lines += _parameter(ruleset, name, lang)
    return "\n".join(lines) + "\n"
