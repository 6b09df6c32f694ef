"""The evaluation's named figures agree with the hand count of the shipped registry
(examples/jiangbei-registry-figures.md), and a figure the evaluation cannot know is None."""

from __future__ import annotations

import pytest

from qianbai_rules.annual.figures import Unit, figure_name, figures
from qianbai_rules.model.display import type_names
from tests.annual_example import example_report

HAND_COUNT_2019 = {
    "year.target": 7, "year.completed": 8,
    "year.target.station": 2, "year.completed.station": 3,
    "cumulative.target.city_demo_center": 8, "cumulative.completed.city_demo_center": 7,
    "compliance.compliant": 16, "compliance.non_compliant": 2, "compliance.incomplete": 1,
    "compliance.in_service": 19, "compliance.rate": 0.8421,
    "subsidies.construction.total": 8_650_000, "subsidies.construction.paid": 1_750_000,
    "subsidies.construction.owed": 6_900_000, "subsidies.operating.total": 974_999,
    "subsidies.operating.facilities": 14, "pilots.late": 1, "unplanned.facilities": 1,
    "rectification.closure_rate": None, "exit_review.facilities": None,
}


@pytest.mark.parametrize("name", sorted(HAND_COUNT_2019))
def test_a_figure_of_2019_is_the_hand_counts(name: str) -> None:
    report, _ = example_report(2019)
    assert figures(report)[name].value == HAND_COUNT_2019[name]


def test_every_figure_has_a_name_in_both_languages_and_a_unit() -> None:
    report, _ = example_report(2019)
    for lang in ("zh", "en"):
        types = type_names(lang)
        for name, figure in figures(report).items():
            assert figure_name(name, lang, types).strip(), name
            assert isinstance(figure.unit, Unit)
    assert figure_name("year.completed.station", "zh", type_names("zh")) == \
        "本年度建成社区养老服务站（个）"
