"""Outcomes of rules on one record, turned into findings a person can read.

A finding carries the status, the observed values of the fields the rule names, the
requirement as a machine-stable expression, and a message in the chosen language that
shows the observed and the required values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any, Final

from qianbai_rules.compile.compiled import CompiledRule, CompiledRuleset, Status
from qianbai_rules.core.problems import Lang, Text
from qianbai_rules.model.display import field_name, render_value
from qianbai_rules.reports.model import Finding
from qianbai_rules.rules.conditions import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Const,
    FieldRef,
    Not,
    Scaled,
    describe,
)
from qianbai_rules.rules.operators import OPERATORS
from qianbai_rules.rules.readings import interpretation
from qianbai_rules.rules.rulefile import PLACEHOLDER, Severity
from qianbai_rules.subsidies.memo import typed
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import label

ACTION: Final = frozenset((Status.failed, Status.unknown))


def human(condition: Condition | None, lang: Lang) -> str:
    """A condition in words, e.g. 类型为社区养老服务站."""
    if condition is None:
        return ""
    if isinstance(condition, AllOf | AnyOf):
        joiner = label("op.and" if isinstance(condition, AllOf) else "op.or", lang)
        return joiner.join(human(i, lang) for i in condition.items)
    if isinstance(condition, Not):
        return label("op.not", lang, condition=human(condition.item, lang))
    return _human_compare(condition, lang)


def _human_compare(condition: Compare, lang: Lang) -> str:
    operand = condition.operand
    if isinstance(operand, FieldRef):
        value = field_name(operand.name, lang)
    elif isinstance(operand, Scaled):
        ratio = formats.number(operand.numerator / operand.denominator)
        times = "×" if lang == "zh" else " × "  # no spaces around numbers in Chinese
        value = f"{ratio}{times}{field_name(operand.field, lang)}"
    elif isinstance(operand, Const) and isinstance(operand.value, tuple):
        value = formats.listing((render_value(condition.field, v, lang) for v in operand.value),
                                lang)
    elif isinstance(operand, Const):
        value = render_value(condition.field, operand.value, lang) \
            if not isinstance(operand.value, int | float) or isinstance(operand.value, bool) \
            else formats.number(operand.value)
    else:
        value = str(operand)
    return label(OPERATORS[condition.op].label, lang, field=field_name(condition.field, lang),
                 value=value)


class _Filled:
    """A rule text with its parameters filled in once (``params``: each value as the text
    shows it); record fields filled per record."""

    __slots__ = ("constant", "fields", "lang", "template")

    def __init__(self, text: Text, lang: Lang, params: Mapping[str, str]) -> None:
        self.lang = lang
        self.template = PLACEHOLDER.sub(
            lambda m: params[m.group(2)] if m.group(1) == "param" else m.group(0),
            text(lang))
        self.constant = None if PLACEHOLDER.search(self.template) else self.template
        self.fields = tuple(m.group(2) for m in PLACEHOLDER.finditer(self.template))

    def __call__(self, flat: Mapping[str, Any]) -> str:
        if self.constant is not None:
            return self.constant
        return PLACEHOLDER.sub(
            lambda m: render_value(m.group(2), flat.get(m.group(2)), self.lang), self.template)


class _RuleView:
    """What a finding of one rule says, prepared once per run and language."""

    def __init__(self, rule: CompiledRule, compiled: CompiledRuleset, lang: Lang) -> None:
        source = rule.rule
        # amounts as running text writes them (20万元, with their unit), other values bare
        params = {a.parameter.name: formats.amount_or_quantity(a.value, a.parameter.unit, lang)
                  for a in compiled.applied}
        self.rule = rule
        self.lang = lang
        names = compiled.department_names
        self.severity = source.severity.value
        self.department = names[source.department](lang)
        self.assisted_by = [names[code](lang) for code in source.assisted_by] \
            if source.assisted_by else None
        self.title = source.title(lang)
        self.section = source.section
        # An info rule or an entitlement is never a failure: a pass is worded as what it
        # says (可享受……), never as meeting a requirement, and nothing asks for a fix.
        self.informs = source.severity is Severity.info or source.entitlement
        # 三（一）“街镇负责”: a finding that asks for action names the street/town too.
        self.acts = not self.informs
        self.required = describe(rule.requirement) if rule.requirement else describe(rule.scope)
        self.requirement = _Filled(source.requirement, lang, params)
        self.fail = _Filled(source.fail, lang, params) if source.fail else self.requirement
        self.remediation = _Filled(source.remediation, lang, params) if source.remediation else None
        self.passed = _Filled(source.passed, lang, params) if source.passed else None
        self.note = _Filled(source.not_applicable, lang, params) if source.not_applicable else None
        self.scope = label("message.not_applicable", lang, scope=human(rule.scope, lang))
        # Messages that do not depend on the record, worked out once.
        if self.passed is None and self.informs:
            self.passed = self.requirement
        self.pass_message = self.passed.constant if self.passed else (
            label("message.pass", lang, requirement=self.requirement.constant)
            if self.requirement.constant is not None else None)
        self.note_message = label("message.not_applicable_note", lang, note=self.note.constant) \
            if self.note and self.note.constant is not None else None
        readings = compiled.ruleset.readings_of(source)
        self.interpretation = interpretation(readings, lang) if readings else None
        used = [p for r in readings for p in r.parameters if p in source.parameters]
        self.interpretation_parameter = ", ".join(dict.fromkeys(used)) if used else None
        self.readings = [r.id for r in readings] if readings else None
        texts = (self.requirement, self.fail, self.remediation, self.passed, self.note)
        # Everything a finding of this rule says comes from its status and these fields.
        self.depends = tuple(dict.fromkeys((*rule.scope_fields, *rule.requirement_fields,
                                            *(f for t in texts if t for f in t.fields))))

    def asks_action(self, status: Status) -> bool:
        """A failed or undecided mandatory or advisory rule: someone has to act."""
        return self.acts and status in ACTION

    def observed_names(self, status: Status) -> tuple[str, ...]:
        """The fields a finding with this status shows the values of, in order."""
        names = self.rule.requirement_fields
        if status in (Status.not_applicable, Status.unknown) or not names:
            names = self.rule.scope_fields + tuple(n for n in names if n not in self.rule.scope_fields)
        return names

    def observed(self, status: Status, flat: Mapping[str, Any]) -> dict[str, Any]:
        return {name: flat.get(name) for name in self.observed_names(status)}

    def static(self) -> dict[str, Any]:
        """What every finding of this rule says whatever the record: an entry of the lean
        JSON Lines header's ``rules`` (reports/lean.py puts findings back together)."""
        source = self.rule.rule
        entry: dict[str, Any] = {"id": source.id, "title": self.title, "severity": self.severity,
                                 "clause": source.clause, "department": self.department}
        if self.assisted_by:
            entry["assisted_by"] = self.assisted_by
        if source.entitlement:
            entry["entitlement"] = True
            entry["entitlement_text"] = source.requirement(self.lang)
        entry["required"] = self.required
        if self.requirement.constant is not None:
            entry["requirement"] = self.requirement.constant
        if self.remediation is not None and self.remediation.constant:
            entry["remediation"] = self.remediation.constant
        messages = {Status.passed.value: self.pass_message,
                    Status.failed.value: self.fail.constant,
                    Status.not_applicable.value: self.note_message if self.note else self.scope}
        entry["messages"] = {k: v for k, v in messages.items() if v is not None}
        # the fields a finding observes, each with the value it has unless the line says
        # otherwise: what passing or failing a comparison with true or false implies
        entry["observes"] = {
            status.value: {name: implied.get(name) for name in self.observed_names(status)}
            for status, implied in ((s, _implied(self.rule.requirement, s)) for s in Status)}
        if self.interpretation is not None:
            entry["interpretation"] = self.interpretation
            if self.interpretation_parameter is not None:
                entry["interpretation_parameter"] = self.interpretation_parameter
            entry["readings"] = self.readings
        return entry

    def finding(self, status: Status, flat: Mapping[str, Any]) -> Finding:
        remediation: str | None = None
        requirement = self.requirement(flat)
        if status is Status.failed:
            message = self.fail(flat)
            remediation = self.remediation(flat) if self.remediation else None
        elif status is Status.passed and self.pass_message is not None:
            message = self.pass_message
        elif status is Status.passed and self.passed:
            message = self.passed(flat)
        elif status is Status.passed:
            message = label("message.pass", self.lang, requirement=requirement)
        elif status is Status.not_applicable and self.note_message is not None:
            message = self.note_message
        elif status is Status.not_applicable and self.note:
            message = label("message.not_applicable_note", self.lang, note=self.note(flat))
        elif status is Status.not_applicable:
            message = self.scope
        else:
            rule = self.rule
            missing = [n for n in (*rule.scope_fields, *rule.requirement_fields) if n not in flat]
            names = formats.listing(dict.fromkeys(field_name(n, self.lang) for n in missing),
                                    self.lang)
            message = label("message.unknown", self.lang, missing=names, requirement=requirement)
            remediation = None if self.informs else label("message.supply", self.lang,
                                                          missing=names)
        source = self.rule.rule
        responsible = self.asks_action(status)
        return Finding(
            rule=source.id, status=status.value, severity=self.severity, clause=source.clause,
            department=self.department, title=self.title,
            observed=self.observed(status, flat), required=self.required,
            requirement=requirement, message=message, section=self.section, lang=self.lang,
            assisted_by=self.assisted_by, entitlement=source.entitlement,
            responsible=responsible, street_town=flat.get("street_town") if responsible else None,
            remediation=remediation, interpretation=self.interpretation,
            interpretation_parameter=self.interpretation_parameter, readings=self.readings)


def _implied(requirement: Condition | None, status: Status) -> dict[str, bool]:
    """The values of boolean fields that a requirement's status implies (``x == true``
    passed: x is true; failed: false), as the lean JSON Lines header's defaults."""
    if status not in (Status.passed, Status.failed) or requirement is None:
        return {}
    items: tuple[Condition, ...] = requirement.items \
        if isinstance(requirement, AllOf) and status is Status.passed else (requirement,)
    implied = {}
    for item in items:
        if isinstance(item, Compare) and item.op == "eq" and isinstance(item.operand, Const) \
                and isinstance(item.operand.value, bool):
            implied[item.field] = item.operand.value is (status is Status.passed)
    return implied


class FindingWriter:
    """Turns the statuses of a record into findings (contract: outputs.md).

    A finding depends only on its rule, its status, the street/town when it asks for
    action, and the values of the fields the rule's view reads (``_RuleView.depends``),
    which repeat from record to record: findings are kept by those, one memo per rule, up
    to ``CACHE_SIZE`` in all (then the memos start again, so memory stays flat). A value
    is keyed with its type (:func:`typed`: 1, 1.0 and True differ, so do 0.0 and -0.0),
    an absent field as :data:`_ABSENT`. The findings handed out are shared between
    records, and only ever read.
    """

    CACHE_SIZE: Final = 20_000  # at most about 50 MB of findings and their JSON

    def __init__(self, compiled: CompiledRuleset, lang: Lang) -> None:
        self.views = [_RuleView(rule, compiled, lang) for rule in compiled.rules]
        read = dict.fromkeys(name for view in self.views for name in view.depends)
        self._absent: dict[str, Any] = dict.fromkeys(read, _ABSENT)
        self._plan = [(view, view.acts, _getter(view.depends)) for view in self.views]
        self._memos: list[dict[tuple[Any, ...], Finding]] = [{} for _ in self.views]
        self._kept = 0

    def findings(self, statuses: list[Status], flat: Mapping[str, Any]) -> list[Finding]:
        written = []
        values = self._absent.copy()
        values.update(zip(flat, map(typed, flat.values()), strict=True))
        street = values.get("street_town", _ABSENT)
        for (view, acts, get), memo, status in zip(self._plan, self._memos, statuses,
                                                    strict=True):
            key = (status, street if acts and (status is _FAILED or status is _UNKNOWN)
                   else None, get(values))
            entry = memo.get(key)
            if entry is None:
                if self._kept >= self.CACHE_SIZE:
                    for kept in self._memos:
                        kept.clear()
                    self._kept = 0
                entry = memo[key] = view.finding(status, flat)
                self._kept += 1
            written.append(entry)
        return written

    def static(self) -> list[dict[str, Any]]:
        """Every rule's static fields, in rule order: the lean JSON Lines header's ``rules``."""
        return [view.static() for view in self.views]


_ABSENT: Final = object()  # a field the record does not have, in a memo key
_FAILED, _UNKNOWN = Status.failed, Status.unknown


def _getter(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], Any]:
    """What a memo key takes of a record's keyed values: those of ``names``."""
    return itemgetter(*names) if names else _nothing


def _nothing(values: Mapping[str, Any]) -> tuple[()]:
    return ()
