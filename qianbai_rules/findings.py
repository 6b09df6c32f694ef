"""Outcomes of rules on one record, turned into findings a person can read.

A finding carries the status, the observed values of the fields the rule names, the
requirement as a machine-stable expression, and a message in the chosen language that
shows the observed and the required values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .compiled import CompiledRule, CompiledRuleset, Status, Verdict, verdict
from .conditions import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Const,
    FieldRef,
    Not,
    Scaled,
    describe,
    format_number,
    format_scalar,
)
from .fields import FIELDS
from .labels import label
from .problems import Lang, Text
from .ruleset import PLACEHOLDER


def field_name(name: str, lang: Lang) -> str:
    return FIELDS[name].label_zh if lang == "zh" else name


def render_value(name: str, value: Any, lang: Lang) -> str:
    """A record value as a person reads it: codes by their Chinese names, yes/no."""
    spec = FIELDS[name]
    if value is None:
        return label("value.missing", lang)
    if isinstance(value, bool):
        return label(f"value.{'true' if value else 'false'}", lang)
    if isinstance(value, list | tuple):
        if not value:
            return label("value.empty", lang)
        return label("value.list_separator", lang).join(render_value(name, v, lang)
                                                       for v in value)
    if spec.codes and lang == "zh":
        return spec.code_name(str(value))
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


def fill_text(text: Text, lang: Lang, flat: Mapping[str, Any],
              params: Mapping[str, Any]) -> str:
    def value(match: Any) -> str:
        kind, name = match.groups()
        if kind == "field":
            return render_value(name, flat.get(name), lang)
        return format_scalar(params[name])
    return PLACEHOLDER.sub(value, text(lang))


def human(condition: Condition | None, lang: Lang) -> str:
    """A condition in words, e.g. 类型为社区养老服务站."""
    if condition is None:
        return ""
    if isinstance(condition, AllOf | AnyOf):
        joiner = label("op.and" if isinstance(condition, AllOf) else "op.or", lang)
        return joiner.join(human(i, lang) for i in condition.items)
    if isinstance(condition, Not):
        return f"not ({human(condition.item, lang)})"
    return _human_compare(condition, lang)


def _human_compare(condition: Compare, lang: Lang) -> str:
    operand = condition.operand
    if isinstance(operand, FieldRef):
        value = field_name(operand.name, lang)
    elif isinstance(operand, Scaled):
        ratio = format_number(operand.numerator / operand.denominator)
        value = f"{ratio} × {field_name(operand.field, lang)}"
    elif isinstance(operand, Const) and isinstance(operand.value, tuple):
        value = label("value.list_separator", lang).join(
            render_value(condition.field, v, lang) for v in operand.value)
    elif isinstance(operand, Const):
        value = render_value(condition.field, operand.value, lang) \
            if not isinstance(operand.value, int | float) or isinstance(operand.value, bool) \
            else format_number(operand.value)
    else:
        value = str(operand)
    return label(f"op.{condition.op}", lang, field=field_name(condition.field, lang), value=value)


def _observed(rule: CompiledRule, status: Status, flat: Mapping[str, Any]) -> dict[str, Any]:
    names = list(rule.requirement_fields)
    if status in (Status.not_applicable, Status.unknown) or not names:
        names = list(rule.scope_fields) + [n for n in names if n not in rule.scope_fields]
    return {name: flat.get(name) for name in names}


def finding(rule: CompiledRule, status: Status, flat: Mapping[str, Any],
            compiled: CompiledRuleset, lang: Lang) -> dict[str, Any]:
    """One finding as it appears in the JSON output (contract: outputs.md)."""
    source = rule.rule
    params = {a.parameter.name: a.value for a in compiled.applied}
    requirement = fill_text(source.requirement, lang, flat, params)
    remediation: str | None = None
    if status is Status.failed:
        message = fill_text(source.fail, lang, flat, params) if source.fail else requirement
        if source.remediation:
            remediation = fill_text(source.remediation, lang, flat, params)
    elif status is Status.passed:
        message = label("message.pass", lang, requirement=requirement)
    elif status is Status.not_applicable:
        message = label("message.not_applicable", lang, scope=human(rule.scope, lang))
    else:
        missing = [n for n in (*rule.scope_fields, *rule.requirement_fields) if n not in flat]
        names = label("value.list_separator", lang).join(
            dict.fromkeys(field_name(n, lang) for n in missing))
        message = label("message.unknown", lang, missing=names, requirement=requirement)
        remediation = label("message.supply", lang, missing=names)
    department = compiled.ruleset.departments[source.department]
    entry: dict[str, Any] = {
        "rule": source.id,
        "status": status.value,
        "severity": source.severity.value,
        "clause": source.clause,
        "department": department.zh,
        "title": source.title(lang),
        "observed": _observed(rule, status, flat),
        "required": describe(rule.requirement) if rule.requirement else describe(rule.scope),
        "message": message,
    }
    if remediation:
        entry["remediation"] = remediation
    if source.reading:
        entry["interpretation"] = source.reading.text(lang)
        if source.reading.parameter:
            entry["interpretation_parameter"] = source.reading.parameter
    return entry


def record_verdict(compiled: CompiledRuleset, statuses: list[Status]) -> Verdict:
    return verdict([(r.rule.severity, s) for r, s in zip(compiled.rules, statuses, strict=True)])
