"""What the evaluators read of a record, declared once: the fields the compliance rules
name, and those the eligibility decision looks at. The durable_rules fact holds these and
no others; the plain evaluator's closures read no others; and the memo of decisions
(:mod:`qianbai_rules.subsidies.memo`) is keyed on them."""

from __future__ import annotations

from collections.abc import Iterator

from qianbai_rules.compile.compiled import CompiledRuleset
from qianbai_rules.rules.conditions import fields_of


def compliance_fields(compiled: CompiledRuleset) -> Iterator[str]:
    for rule in compiled.rules:
        yield from rule.scope_fields
        yield from rule.requirement_fields


def decision_fields(compiled: CompiledRuleset) -> Iterator[str]:
    """The fields of the record an eligibility decision reads (besides what the compliance
    evaluation derived): those the amounts need, those of the blocking conditions and of the
    amount branches' conditions."""
    for rule in compiled.subsidy_rules:
        assert rule.subsidy is not None
        yield from rule.subsidy.needs
        for _condition, fields in rule.subsidy.blocks:
            yield from fields
        for branch in rule.subsidy.branches:
            yield from fields_of(branch.when)


def compared_decision_fields(compiled: CompiledRuleset) -> tuple[str, ...]:
    """Of :func:`decision_fields`, those whose values the decision compares: the fields of
    the blocking conditions and of the amount branches' conditions. Of the others (those the
    amounts need) it asks only whether the record has them: the plain evaluator's ``missing``
    test is ``name not in flat``, durable_rules' is ``$nex``."""
    compared: list[str] = []
    for rule in compiled.subsidy_rules:
        assert rule.subsidy is not None
        for _condition, fields in rule.subsidy.blocks:
            compared.extend(fields)
        for branch in rule.subsidy.branches:
            compared.extend(fields_of(branch.when))
    return tuple(dict.fromkeys(compared))
