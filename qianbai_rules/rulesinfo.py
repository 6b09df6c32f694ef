"""Text for ``qianbai rules list`` and ``qianbai rules show``."""

from __future__ import annotations

from .conditions import describe
from .problems import Lang
from .ruleset import Rule, Ruleset


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
    if rule.reading:
        lines.append(f"  reading:     {rule.reading.text(lang)}")
    lines.append(f"  file:        {rule.file}")
    for name in rule.parameters:
        parameter = ruleset.parameters[name]
        lines.append(f"  parameter {name} ({parameter.unit}, {parameter.reference}): "
                     f"{parameter.description(lang)}")
        for value in parameter.values:
            shown = "(ends)" if value.value is None else value.value
            lines.append(f"    from {value.since.isoformat()}: {shown}  [{value.reference}]")
    return "\n".join(lines) + "\n"
