"""The exit review (plan 三（五）) by operator: the facilities non-compliant two years
running, with the mandatory items each failed in each year."""

from __future__ import annotations

from dataclasses import dataclass

from qianbai_rules.annual.evaluation import Evaluation
from qianbai_rules.core.problems import Lang


@dataclass(frozen=True)
class FailedRule:
    rule: str
    title: str | None  # None: a rule no longer in the rules


@dataclass(frozen=True)
class ExitYear:
    year: int
    failed_mandatory: list[FailedRule]


@dataclass(frozen=True)
class ExitFacility:
    id: str
    name: str | None
    street_town: str | None
    years: list[ExitYear]  # the previous year, then the evaluated one


@dataclass(frozen=True)
class OperatorReview:
    operator_name: str | None
    facilities: list[ExitFacility]


def exit_review(evaluation: Evaluation, lang: Lang) -> list[OperatorReview]:
    """The exit review by operator (by name; an operator not recorded comes last)."""
    by_id = evaluation.compiled.by_id
    def rules(ids: tuple[str, ...]) -> list[FailedRule]:
        return [FailedRule(i, by_id[i].rule.title(lang) if i in by_id else None) for i in ids]
    return [OperatorReview(operator, [
                ExitFacility(f.id, f.name, f.street_town,
                             [ExitYear(year, rules(ids)) for year, ids in f.years])
                for f in facilities])
            for operator, facilities in sorted(evaluation.exit_by_operator.items(),
                                               key=lambda i: (i[0] is None, i[0] or ""))]
