"""The rule catalogue (规则目录), read from the rule folder: the rules by plan section, the
parameters with every dated value and its source, the readings (执行口径) and the
departments. Parameter keys and the fingerprint go to the technical note only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from qianbai_rules.core.problems import Lang
from qianbai_rules.engines.scope import applies_to_type, current
from qianbai_rules.model.display import field_name, type_names
from qianbai_rules.reports.findings import human
from qianbai_rules.rules.parameters import Parameter, Scalar
from qianbai_rules.rules.rulefile import PLACEHOLDER, Rule, Severity
from qianbai_rules.rules.ruleset import Ruleset
from qianbai_rules.rules.subsidy_spec import DecisionRow
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import label

# Units of amounts in yuan, and what follows the amount (a label key), if anything.
MONEY_UNITS: Final = {"yuan": "", "yuan per year": "reference.rules.per_year"}


def parameter_value(value: Scalar | None, unit: str, lang: Lang) -> str:
    """A parameter's value as a person reads it: a number with its unit, a word by its name."""
    if value is None:
        return label("reference.rules.parameter_ends", lang)
    if isinstance(value, str):
        return formats.label_or(f"subsidy.word.{value}", lang, value)
    if unit in MONEY_UNITS and isinstance(value, int):  # amounts as the plan writes them: 5万元/年
        per = MONEY_UNITS[unit]
        return formats.money_text(value, lang) + (label(per, lang) if per else "")
    return formats.measure(value, unit, lang).strip()


def _current(parameter: Parameter) -> Scalar | None:
    values = [v.value for v in parameter.values if v.value is not None]
    return values[-1] if values else None


def _filled(template: str, ruleset: Ruleset, lang: Lang) -> str:
    """A rule text with each parameter's latest value in place and each record field named."""
    def one(match: Any) -> str:
        kind, name = match.groups()
        if kind == "param":
            value = _current(ruleset.parameters[name])
            return formats.quantity(value) if value is not None else name
        return label("reference.rules.field_slot", lang, field=field_name(name, lang))
    return str(PLACEHOLDER.sub(one, template))


def _department(ruleset: Ruleset, code: str, lang: Lang) -> str:
    """A department by its names, each from the date it takes effect where it has several."""
    names = ruleset.departments[code].names
    if len(names) == 1:
        return names[0][1](lang)
    return label("value.clause_separator", lang).join(
        label("reference.rules.named_from", lang, name=name(lang),
              date=formats.written_date(since, lang)) for since, name in names)


def _types(ruleset: Ruleset, rule: Rule, lang: Lang) -> str:
    names = type_names(lang)
    return formats.listing((name for code, name in names.items()
                            if applies_to_type(ruleset, rule, code)), lang)


def _rule(ruleset: Ruleset, rule: Rule, lang: Lang) -> dict[str, Any]:
    none = label("reference.rules.none", lang)
    remedy_kind = "remediation" if rule.severity is Severity.mandatory else "suggestion"
    readings = ruleset.readings_of(rule)
    return {
        "id": rule.id, "title": rule.title(lang),
        "severity": label(f"severity.{rule.severity.value}", lang),
        "clause": rule.clause,
        "department": _department(ruleset, rule.department, lang),
        "assisted_by": formats.listing((_department(ruleset, code, lang)
                                        for code in rule.assisted_by), lang),
        "scope": human(current(ruleset, rule.applies_to), lang) if rule.applies_to
        else label("reference.rules.all_facilities", lang),
        "types": _types(ruleset, rule, lang) or none,
        "requirement": _filled(rule.requirement(lang), ruleset, lang),
        "condition": human(current(ruleset, rule.requires), lang) if rule.requires else None,
        "remediation": _filled(rule.remediation(lang), ruleset, lang) if rule.remediation
        else None,
        "remedy_label": label(f"reference.rules.{remedy_kind}", lang),
        "subsidy": label(f"reference.rules.subsidy_kind.{rule.subsidy.kind.value}", lang)
        if rule.subsidy else None,
        "entitlement": rule.entitlement,
        "readings": [(r.id, r.text(lang)) for r in readings],
        "parameters": formats.listing((ruleset.parameters[p].description(lang)
                                       for p in rule.parameters), lang),
    }


def _parameter(parameter: Parameter, users: Mapping[str, list[str]],
               lang: Lang) -> dict[str, Any]:
    return {
        "name": parameter.description(lang), "key": parameter.name,
        "dated": [(parameter_value(v.value, parameter.unit, lang),
                    formats.written_date(v.since, lang), v.reference) for v in parameter.values],
        "rules": formats.listing(users.get(parameter.name, []), lang),
        "readings": formats.listing(parameter.readings, lang),
    }


def _decision(row: DecisionRow, lang: Lang) -> dict[str, str]:
    """One row of the eligibility table in words: when it holds, the status, the reasons."""
    words = "reference.rules.eligibility"
    when = [label(f"{words}.scope.{row.scope}", lang)]
    if row.verdict is not None:
        when.append(label(f"marks.eligibility.{'waived' if row.waivers else 'unwaived'}", lang,
                          verdict=label(f"verdict.{row.verdict}", lang)))
    when += [label(f"{words}.{flag}", lang) for flag in ("blocked", "missing", "idle")
             if getattr(row, flag)]
    return {"when": label("value.clause_separator", lang).join(when),
            "status": label(f"reference.output.decision.{row.status.value}", lang),
            "reasons": label(f"{words}.reasons.{row.reasons.value}", lang) if row.reasons
            else label("reference.rules.none", lang)}


def rules_context(ruleset: Ruleset, lang: Lang) -> dict[str, Any]:
    """What the rule catalogue template reads."""
    sections = [{"clause": clause, "title": section.title(lang),
                 "rules": [_rule(ruleset, r, lang) for r in ruleset.rules if r.section == clause]}
                for clause, section in ruleset.sections.items()]
    users: dict[str, list[str]] = {}
    for rule in ruleset.rules:
        for name in rule.parameters:
            users.setdefault(name, []).append(rule.id)
    counts = {s.value: sum(r.severity is s for r in ruleset.rules) for s in Severity}
    return {
        "source": ruleset.source, "citation": ruleset.citation,
        "counts": {"rules": formats.count(len(ruleset.rules)),
                   **{k: formats.count(v) for k, v in counts.items()}},
        "sections": sections,
        "decisions": [_decision(row, lang) for row in ruleset.decisions],
        "parameters": [_parameter(ruleset.parameters[name], users, lang)
                       for name in sorted(ruleset.parameters)],
        "readings": [{"id": r.id, "text": r.text(lang), "rules": formats.listing(r.rules, lang),
                      "parameters": formats.listing(
                          (ruleset.parameters[p].description(lang) for p in r.parameters), lang),
                      "outputs": formats.listing(
                          (label(f"reading.output.{o}", lang) for o in r.outputs), lang)}
                     for r in ruleset.readings.values()],
        "departments": [{"names": _department(ruleset, code, lang), "duty": d.duty(lang),
                         "rules": formats.listing((r.id for r in ruleset.rules
                                                   if r.department == code), lang),
                         "assists": formats.listing((r.id for r in ruleset.rules
                                                     if code in r.assisted_by), lang)}
                        for code, d in ruleset.departments.items()],
        "technical": {"name": ruleset.name, "version": ruleset.version,
                      "fingerprint": ruleset.fingerprint},
    }
