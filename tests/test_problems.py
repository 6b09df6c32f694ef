"""The one Problem type: its text for rule authors, its JSON for record outputs, and the
loader helpers (collect, unknown_keys) every rule-folder loader uses."""

from __future__ import annotations

from qianbai_rules.core.problems import Found, Problem, Text, collect, key_path, unknown_keys


def test_a_rule_problem_reads_file_line_item_field_and_message() -> None:
    problem = Problem.in_rules("rules/checks/a.yaml", "missing severity", rule="QB-A",
                               field="severity", line=7)
    assert str(problem) == "rules/checks/a.yaml:7, rule QB-A, field severity: missing severity"
    assert problem.path == "rules/checks/a.yaml:7 › rule QB-A › severity"


def test_a_parameter_problem_names_its_kind() -> None:
    problem = Problem.in_rules("p.yaml", "missing unit", rule="area.x", field="unit",
                               kind="parameter")
    assert str(problem) == "p.yaml, parameter area.x, field unit: missing unit"


def test_a_record_problem_is_bilingual_and_keeps_its_json_keys() -> None:
    problem = Problem.in_record("in.csv", "row 3", "floor_area_m2", Text("不是数字", "not a number"),
                                position="row 3", column="C")
    assert problem.as_json("zh") == {"source": "in.csv", "record": "row 3",
                                     "field": "floor_area_m2", "message": "不是数字",
                                     "column": "C"}
    named = Problem.in_record("in.csv", "S-1", None, Text("重复", "duplicate"), position="row 4")
    assert named.as_json("en") == {"source": "in.csv", "record": "S-1", "field": None,
                                   "message": "duplicate", "position": "row 4"}
    assert str(named) == "in.csv, record S-1: duplicate"


def _loader() -> Found[int]:
    yield Problem.in_rules("f.yaml", "first")
    yield Problem.in_rules("f.yaml", "second")
    return 42


def test_collect_runs_a_loader_to_its_value_and_its_problems_in_order() -> None:
    value, problems = collect(_loader())
    assert value == 42
    assert [p.message for p in problems] == ["first", "second"]


def test_unknown_keys_names_each_key_at_its_path_with_the_allowed_ones() -> None:
    found = list(unknown_keys({"b": 1, "z": 2, "a": 3, 7: 4}, ("a", "b"),
                              lambda at, message: Problem.in_rules("f.yaml", message, field=at),
                              under="rules[3].text"))
    assert [str(p) for p in found] == [
        "f.yaml, field rules[3].text.7: unknown key 7; allowed: a, b",
        "f.yaml, field rules[3].text.z: unknown key 'z'; allowed: a, b",
    ]


def test_a_key_path_writes_list_indexes_in_brackets() -> None:
    assert key_path("rules", 3, "requires", "all", 1) == "rules[3].requires.all[1]"
    assert key_path("", "text") == "text"
