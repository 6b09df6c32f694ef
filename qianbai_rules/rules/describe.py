"""Text for ``qianbai rules list`` and ``qianbai rules show``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from qianbai_rules.core.problems import Lang
from qianbai_rules.rules.conditions import describe
from qianbai_rules.rules.departments import Department
from qianbai_rules.rules.rulefile import Rule
from qianbai_rules.rules.ruleset import Ruleset


def _relative(file: str, ruleset: Ruleset) -> str:
    path = Path(file)
    return path.relative_to(ruleset.root).as_posix() if path.is_relative_to(ruleset.root) else file


def list_rules(ruleset: Ruleset, lang: Lang) -> str:
    width = max(len(r.id) for r in ruleset.rules)
    lines = [f"{r.id:<{width}}  {r.severity.value:<9}  {r.clause:<8}  {r.title(lang)}"
             for r in ruleset.rules]
    lines.append(f"{len(ruleset.rules)} rules, {ruleset.fingerprint}")
    lines.append(f"{len(ruleset.departments)} departments (三（二）), with their names by date:")
    led = Counter(r.department for r in ruleset.rules)
    assisting = Counter(code for r in ruleset.rules for code in r.assisted_by)
    code_width = max(len(code) for code in ruleset.departments)
    for code, department in ruleset.departments.items():
        names = "; ".join(f"{since.isoformat()} {name(lang)}" for since, name in department.names)
        lines.append(f"  {code:<{code_width}}  leads {led[code]:>2}, assists {assisting[code]}  "
                     f"{names}")
    return "\n".join(lines) + "\n"


def _department(department: Department, role: str, lang: Lang) -> list[str]:
    """A department with its duty in the plan's words and its names by date."""
    lines = [f"  {role + ':':<12} {department.code}, {department.duty(lang)}"]
    lines += [f"    named from {since.isoformat()}: {name(lang)}" for since, name in department.names]
    return lines


def describe_rule(ruleset: Ruleset, rule: Rule, lang: Lang) -> str:
    lines = [
        f"{rule.id}  {rule.title(lang)}",
        f"  severity:    {rule.severity.value}",
        f"  clause:      {rule.clause}  ({ruleset.source})",
        *_department(ruleset.departments[rule.department], "department", lang),
        *(line for code in rule.assisted_by
          for line in _department(ruleset.departments[code], "assisted by", lang)),
        f"  applies to:  {describe(rule.applies_to) if rule.applies_to else 'all facilities'}",
        f"  requires:    {describe(rule.requires) if rule.requires else '-'}",
        f"  requirement: {rule.requirement(lang)}",
    ]
    if rule.fail:
        lines.append(f"  on failure:  {rule.fail(lang)}")
    if rule.remediation:
        lines.append(f"  remediation: {rule.remediation(lang)}")
    for reading in ruleset.readings_of(rule):
        lines.append(f"  reading:     {reading.id} {reading.text(lang)}")
    if rule.entitlement:
        lines.append("  entitlement: listed among what the facility may claim")
    if rule.subsidy:
        spec = rule.subsidy
        lines.append(f"  subsidy:     {spec.kind.value}; eligibility decided by "
                     "eligibility.yaml")
        for branch in spec.amounts:
            amounts = ", ".join(f"{key} = {name}" for key, name in (
                ("city", branch.city), ("district", branch.district),
                ("yuan per year", branch.yuan_per_year)) if name)
            lines.append(f"    when {describe(branch.when)}: {amounts}")
        if spec.proration:
            lines.append(f"    prorated by {spec.proration} over {spec.period_from} .. "
                         f"{spec.period_until or '-'}, from the day the rates take effect")
        if spec.payer:
            lines.append(f"    paid by {spec.payer}")
        if spec.completion:
            lines.append(f"    one-off, in the year of {spec.completion}, at the amounts in force "
                         f"on that day; approved {spec.approved or '-'}, paid {spec.paid or '-'}")
        for condition in spec.ineligible_when:
            lines.append(f"    ineligible when {describe(condition)}")
    lines.append(f"  file:        {_relative(rule.file, ruleset)}")
    for name in rule.parameters:
        parameter = ruleset.parameters[name]
        lines.append(f"  parameter {name} ({parameter.unit}, {parameter.reference}): "
                     f"{parameter.description(lang)}")
        if parameter.readings:
            lines.append(f"    reading: {', '.join(parameter.readings)}")
        for value in parameter.values:
            shown = "(ends)" if value.value is None else value.value
            lines.append(f"    from {value.since.isoformat()}: {shown}  [{value.reference}]")
    return "\n".join(lines) + "\n"
