"""The one formatter per kind of value (texts/formats.py): what each prints."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from qianbai_rules.core.problems import Lang
from qianbai_rules.model.display import render_value, type_names
from qianbai_rules.reports.findings import human
from qianbai_rules.rules.conditions import Compare, Const, Not
from qianbai_rules.texts import formats


@pytest.mark.parametrize(("value", "shown"), [
    (200, "200"), (2.0, "2"), (0.1, "0.1"), (Fraction(1, 10), "0.1"), (Fraction(4, 2), "2"),
    (Fraction(1, 3), "1/3"), (250000, "250000"),
])
def test_a_number_is_shown_exactly_without_grouping(value: Any, shown: str) -> None:
    assert formats.number(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    (True, "true"), (("new", "renovated"), "[new, renovated]"), (750.0, "750"), ("x", "x"),
])
def test_a_condition_constant_is_shown_machine_stable(value: Any, shown: str) -> None:
    assert formats.scalar(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    (None, "—"), (0, "0"), (999, "999"), (8333, "8,333"), (2_000_000, "2,000,000"),
    (-1500, "-1,500"),
])
def test_an_amount_is_grouped_in_thousands_and_an_unknown_one_is_a_dash(
        value: int | None, shown: str) -> None:
    assert formats.money(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    (50000, "50,000"), (0.1, "0.1"), (True, "true"), ("monthly", "monthly"),
])
def test_a_quantity_groups_whole_numbers_like_an_amount(value: Any, shown: str) -> None:
    assert formats.quantity(value) == shown


@pytest.mark.parametrize(("value", "unit", "lang", "shown"), [
    (200, "m2", "zh", "200平方米"), (200, "m2", "en", "200 m²"),
    (0.1, "m2 per resident", "zh", "0.1平方米/人"),
    (50000, "yuan per year", "en", "50,000 yuan a year"),
    (50000, "yuan per year", "zh", "5万元/年"), (8333, "yuan", "zh", "8,333元"),
    ("monthly", "method", "zh", "按运营整月折算"), ("monthly", "method", "en", "by full months of operation"),
    (3, "no such unit", "zh", "3no such unit"), (3, "no such unit", "en", "3 no such unit"),
])
def test_a_measure_carries_its_unit_in_the_language(value: Any, unit: str, lang: Lang,
                                                    shown: str) -> None:
    assert formats.measure(value, unit, lang) == shown


def test_dates_shares_durations_and_lists() -> None:
    assert formats.date(dt.date(2019, 12, 31)) == "2019-12-31"
    assert formats.percent(0.456) == "46%"
    assert formats.percent(0.4286, 1) == "42.9%"
    assert formats.percent(None, 1) == "—"
    assert formats.percent(0.8125, 1) == "81.3%"  # half up, as a spreadsheet shows 0.8125
    assert formats.percent(0.0625, 1) == "6.3%" and formats.percent(0.125) == "13%"
    assert [formats.change(d) for d in (2, -1, 0, None)] == ["+2", "-1", "+0", "—"]
    assert formats.duration(3725.4) == "1:02:05"
    assert formats.rate(12345.6) == "12,346"
    assert formats.listing(["甲", "乙"], "zh") == "甲、乙"
    assert formats.listing(["a", "b"], "en") == "a, b"


def test_a_record_value_reads_as_words() -> None:
    assert render_value("facility_type", "station", "zh") == "社区养老服务站"
    assert render_value("facility_type", "station", "en") == "community elderly-care station"
    assert render_value("floor_area_m2", 260.0, "zh") == "260"
    assert render_value("floor_area_m2", None, "zh") == "（未填写）"
    assert render_value("services.basic", [], "en") == "(none)"
    assert render_value("services.basic", ["meals", "cleaning"], "zh") == "助餐、助洁"
    assert type_names("zh")["city_demo_center"] == "市级示范社区养老服务中心"


def test_a_negated_condition_is_worded_in_the_language_of_the_report() -> None:
    negated = Not(Compare("facility_type", "eq", Const("station")))
    assert human(negated, "zh") == "并非“类型为社区养老服务站”"
    assert human(negated, "en") == "not (facility type is community elderly-care station)"


@pytest.mark.parametrize(("value", "lang", "shown"), [
    (250_000, "zh", "25万元"), (2_000_000, "zh", "200万元"), (41_700, "zh", "4.17万元"),
    (10_000, "zh", "1万元"), (50_000, "zh", "5万元"), (8_333, "zh", "8,333元"),
    (9_900, "zh", "9,900元"), (100_050, "zh", "100,050元"), (0, "zh", "0元"),
    (-250_000, "zh", "-25万元"), (None, "zh", "—"), (250_000, "en", "250,000 yuan"),
])
def test_an_amount_in_running_text_is_in_wan_yuan_where_exact(value: int | None, lang: Lang,
                                                              shown: str) -> None:
    assert formats.money_text(value, lang) == shown


def test_a_rate_is_four_places_rounded_half_up() -> None:
    from qianbai_rules.annual.rates import completion_rate
    assert completion_rate(1, 32) == 0.0313  # 0.03125: half even would give 0.0312
    assert completion_rate(16, 17) == 0.9412 and completion_rate(3, 0) is None
