"""Text for ``qianbai rules list`` and ``qianbai rules show``."""

from __future__ import annotations

from pathlib import Path

from .conditions import describe
from .problems import Lang
from .ruleset import Rule, Ruleset


def _relative(file: str, ruleset: Ruleset) -> str:
    path = Path(file)
    return path.relative_to(ruleset.root).as_posix() if path.is_relative_to(ruleset.root) else file


def list_rules(ruleset: Ruleset, lang: Lang) -> str:
    width = max(len(r.id) for r in ruleset.rules)
    lines = [f"{r.id:<{width}}  {r.severity.value:<9}  {r.clause:<8}  {r.title(lang)}"
             for r in ruleset.rules]
    return "\n".join(lines) + f"\n{len(ruleset.rules)} rules, {ruleset.fingerprint}\n"


def describe_rule(ruleset: Ruleset, rule: Rule, lang: Lang) -> str:
    department = ruleset.departments[rule.department]
    lines = [
        f"{rule.id}  {rule.title(lang)}",
        f"  severity:    {rule.severity.value}",
        f"  clause:      {rule.clause}  ({ruleset.source})",
        f"  department:  {department(lang)}",
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
                         f"{spec.period_until or '-'}")
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
