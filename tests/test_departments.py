"""The fifteen departments of 三（二）责任分工 as dated rule data (requirements.md §8).

A department's name is data with the date it takes effect: a rules folder that records a
later reorganisation shows the new name from its date on, in findings and in the annual
evaluation, while the rules that name the department by its code stay as they are.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.rules.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
SEED = Path("/work/shared/seed/000_a72630adbffc92c4.txt")
REGISTRY = ROOT / "examples" / "jiangbei-registry.csv"

# The plan's fifteen, in its order (三（二）).
PLAN_DEPARTMENTS = ["区民政局", "区规划分局", "区发改委", "区财政局", "区国资委", "区经济信息委",
                    "区城乡建委", "区商务局", "区人力社保局", "区国土分局", "区房管局",
                    "区城市管理局", "区文化委", "区卫生计生委", "区体育局"]
PLAN_DATE = dt.date(2018, 12, 4)
RENAMED = "      2019-03-01: {zh: 区卫生健康委, en: District Health Commission}\n"


def cli(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in args], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _section_two() -> str:
    """三（二）of the plan, its line breaks and page breaks removed."""
    text = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8"))
    return text[text.index("（二）责任分工"):text.index("（三）资金保障")]


def test_all_fifteen_departments_are_in_the_rule_data_with_the_plans_names_and_words() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    names = [d.name(PLAN_DATE).zh for d in ruleset.departments.values()]
    assert names == PLAN_DEPARTMENTS
    section = _section_two() if SEED.is_file() else None
    for department in ruleset.departments.values():
        assert department.names[0][0] == PLAN_DATE
        assert department.duty.en and department.duty.zh
        if section is None:
            continue
        name = department.name(PLAN_DATE).zh
        if department.code == "planning":  # the plan: 区民政局……在区规划分局协助下做好发展规划
            assert f"在{name}协助下做好发展规划" in section
        else:
            assert f"{name}{department.duty.zh}" in section, department.code


def test_the_housing_bureau_assists_the_state_assets_commission_on_premises() -> None:
    ruleset = load_ruleset(ROOT / "rules")
    rule = ruleset.rule("QB-SPACE-SOURCE")
    assert rule is not None
    assert (rule.department, rule.assisted_by) == ("state_assets", ("housing",))
    emergency = ruleset.rule("QB-SERVICE-EMERGENCY")
    assert emergency is not None and emergency.department == "civil_affairs"


def _renamed_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    manifest = rules / "ruleset.yaml"
    text = manifest.read_text(encoding="utf-8")
    anchor = "      2018-12-04: {zh: 区卫生计生委, en: District Health and Family Planning Commission}\n"
    assert text.count(anchor) == 1
    manifest.write_text(text.replace(anchor, anchor + RENAMED), encoding="utf-8")
    return rules


def _finding(document: dict[str, Any], record: str, rule: str) -> dict[str, Any]:
    found = next(r for r in document["records"] if r["id"] == record)
    finding: dict[str, Any] = next(f for f in found["findings"] if f["rule"] == rule)
    return finding


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["durable", "plain"])
def test_a_department_renamed_from_a_later_date_shows_its_new_name_from_that_date(
        tmp_path: Path, engine: str) -> None:
    rules = _renamed_rules(tmp_path)
    seen = {}
    for as_of in ("2019-02-28", "2019-03-01"):
        for lang in ("zh", "en"):
            status, out, err = cli("check", REGISTRY, "--format", "json", "--as-of", as_of,
                                   "--rules", rules, "--engine", engine, "--lang", lang)
            assert status == 1, err
            finding = _finding(json.loads(out), "JBR-WLD-D01", "QB-DEMO-MEDICAL-LINKAGE")
            seen[as_of, lang] = finding["department"]
    assert seen == {("2019-02-28", "zh"): "区卫生计生委",
                    ("2019-02-28", "en"): "District Health and Family Planning Commission",
                    ("2019-03-01", "zh"): "区卫生健康委",
                    ("2019-03-01", "en"): "District Health Commission"}
    # The shipped rules, which record no reorganisation, keep the plan's name.
    _, out, _ = cli("check", REGISTRY, "--format", "json", "--as-of", "2020-12-31",
                    "--engine", engine)
    finding = _finding(json.loads(out), "JBR-WLD-D01", "QB-DEMO-MEDICAL-LINKAGE")
    assert finding["department"] == "区卫生计生委"


def test_the_annual_evaluation_counts_under_the_name_in_effect(tmp_path: Path) -> None:
    rules = _renamed_rules(tmp_path)
    _, out, err = cli("evaluate", REGISTRY, "--year", "2020", "--format", "json",
                      "--rules", rules)
    departments = json.loads(out)["departments"]
    assert "区卫生计生委" not in departments, err
    assert departments["区卫生健康委"] == {"mandatory": 1}  # JBR-WLD-D01's medical linkage


def test_rules_show_lists_a_departments_names_by_date_and_its_duty(tmp_path: Path) -> None:
    rules = _renamed_rules(tmp_path)
    status, out, _ = cli("rules", "show", "QB-DEMO-MEDICAL-LINKAGE", "--rules", rules)
    assert status == 0
    assert "牵头部门：health，负责医养结合和卫生应急工作" in out
    assert "自2018年12月4日起名称：区卫生计生委" in out
    assert "自2019年3月1日起名称：区卫生健康委" in out
    status, out, _ = cli("rules", "show", "QB-SPACE-SOURCE", "--lang", "en")
    assert "assisted by: housing, " in out and "named from 2018-12-04: " in out


@pytest.mark.parametrize(("line", "field"), [
    ("      2019-02-30: {zh: 区卫生健康委, en: District Health Commission}\n",
     "departments.health.names.2019-02-30"),
    ("      2019-03-01: {zh: 区卫生健康委}\n", "departments.health.names.2019-03-01"),
])
def test_a_bad_dated_name_fails_lint_naming_the_department_and_the_date(
        tmp_path: Path, line: str, field: str) -> None:
    rules = _renamed_rules(tmp_path)
    manifest = rules / "ruleset.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(RENAMED, line),
                        encoding="utf-8")
    status, _, err = cli("rules", "lint", "--rules", rules)
    assert status == 2
    assert f"field {field}" in err


def test_an_unknown_assisting_department_fails_lint(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "checks" / "1-facility-standards" / "area.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "assisted_by: [housing]", "assisted_by: [police]"), encoding="utf-8")
    status, _, err = cli("rules", "lint", "--rules", rules)
    assert status == 2
    assert "rule QB-SPACE-SOURCE, field assisted_by" in err and "'police'" in err
