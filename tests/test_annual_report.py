"""The annual report's parts that read stored data: the change against the previous year's
stored evaluation (of this version or an older one), and the rejected records' entries."""

from __future__ import annotations

from qianbai_rules.annual.change import Change, YearTotals
from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.pipeline.check import Rejected
from qianbai_rules.reports.model import RejectedEntry

NOW = YearTotals(2020, {"station": 11, "city_demo_center": 6},
                 {"compliant": 6, "non_compliant": 1, "incomplete": 1, "in_service": 8},
                 4_000_000, 1_904_166)


def test_the_change_is_this_year_less_the_stored_previous_year() -> None:
    stored = {"year": 2019, "district": {"by_type": {"station": {"completed": 9},
                                                     "city_demo_center": {"completed": 1}}},
              "compliance": {"compliant": 3, "non_compliant": 2, "incomplete": 0,
                             "in_service": 5},
              "subsidies": {"construction": {"total": 6_150_000},
                            "operating": {"total": 974_999}}}
    change = Change.between(NOW, YearTotals.stored(stored))
    assert change.as_json() == {
        "previous_year": 2019, "completed": {"station": 2, "city_demo_center": 5},
        "compliance": {"compliant": 3, "non_compliant": -1, "incomplete": 1, "in_service": 3},
        "construction_total": -2_150_000, "operating_total": 929_167}


def test_what_an_older_stored_evaluation_lacks_gives_no_change_rather_than_a_guess() -> None:
    stored = {"year": 2019, "district": {"by_type": {"station": {"completed": 9}}},
              "compliance": {"compliant": "3"}}
    change = Change.between(NOW, YearTotals.stored(stored))
    assert change.completed == {"station": 2, "city_demo_center": None}
    assert change.compliance == dict.fromkeys(
        ("compliant", "non_compliant", "incomplete", "in_service"))
    assert (change.construction_total, change.operating_total) == (None, None)


def test_a_rejected_entry_keeps_the_json_keys_and_order_of_the_problem() -> None:
    area, name = Text("面积不是数字", "area is not a number"), Text("缺少名称", "no name")
    problem = Problem.in_record("a.csv", "JB-1", "area_sqm", area, position="第 3 行")
    rejected = Rejected(problem, (("area_sqm", area), ("name", name)))
    entry = RejectedEntry.of(rejected, "en")
    assert list(entry.as_json()) == ["source", "record", "field", "message", "position",
                                     "errors"]
    assert entry.as_json() == rejected_problem_json(problem) | {"errors": [
        {"field": "area_sqm", "message": "area is not a number"},
        {"field": "name", "message": "no name"}]}


def rejected_problem_json(problem: Problem) -> dict[str, str | None]:
    return problem.as_json("en")
