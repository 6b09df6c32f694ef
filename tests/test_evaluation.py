"""The annual evaluation (`qianbai evaluate`): history across years, the lottery fund, plan
files with per-street per-year targets, spreadsheet input and the template, and the
workbook/HTML/Markdown outputs.

The expected figures are those of examples/jiangbei-registry-figures.md, counted by hand
independently of qianbai_rules. The engine's district count includes the station of 港城街道,
a street/town the plan does not list (the figures' "incl. unplanned" column); the street list
holds the plan's 12 streets/towns only. Single-run command cases are in
tests/cases/cli/evaluate.yaml and spreadsheets.yaml.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest
from bs4 import BeautifulSoup

from qianbai_rules.cli.app import main
from qianbai_rules.core.problems import RulesError
from qianbai_rules.io.inputs import read
from qianbai_rules.io.registry import read_xlsx
from qianbai_rules.io.sources import RawRecord
from qianbai_rules.model.fields import BY_LABEL
from qianbai_rules.model.validation import parse_record
from qianbai_rules.rules.plan import load_plan

ROOT = Path(__file__).resolve().parent.parent
XLSX = ROOT / "examples" / "jiangbei-registry.xlsx"
CSV = ROOT / "examples" / "jiangbei-registry.csv"
DATA = ROOT / "tests" / "data"

PLAN_STREETS = ["石马河街道", "大石坝街道", "观音桥街道", "华新街街道", "五里店街道", "江北城街道",
                "寸滩街道", "铁山坪街道", "郭家沱街道", "鱼嘴镇", "复盛镇", "五宝镇"]

# The Chinese labels of every record field, in the template's order: record.md's, except
# that the fields of a group (社区, 运营主体) stay together.
RECORD_LABELS = [
    "编号", "名称", "区县", "地址", "负责人", "联系电话", "街镇", "类型", "建设方式",
    "建筑面积（平方米）", "所在社区", "社区类型", "社区人口", "用房来源", "地形平坦", "阳光充足",
    "通风良好", "绿化良好", "符合安全要求", "符合卫生要求", "符合环保要求", "设施设备", "服务人员数",
    "服务标准", "信息平台", "服务项目", "基本公共服务", "市场化服务", "综合性服务", "医疗联动机制",
    "辐射带动站点数", "运营模式", "运营主体类型", "运营主体", "统一社会信用代码", "全托服务",
    "优先保障特殊老人", "能力评估", "服务清单公开", "线上服务", "基本公共卫生服务", "家庭医生签约",
    "综合责任保险", "市级建设补贴", "符合国家项目申报条件", "核定建设补贴（元）", "已拨付建设补贴（元）",
    "建成日期", "验收日期", "开始运营日期", "停运日期", "运营评估通过",
]

# What the district owes in each year (construction district part + operating subsidies),
# from the figures document: 2019 2,250,000 + 974,999; 2020 4,500,000 + 1,904,166.
DISTRICT_OWED = {2019: 2_250_000 + 974_999, 2020: 4_500_000 + 1_904_166}


def cli(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in args], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def evaluate_json(registry: Path, year: int, *extra: str | Path, status: int = 0) -> dict[str, Any]:
    code, out, err = cli("evaluate", registry, "--year", str(year), "--format", "json", *extra)
    assert code == status, err
    assert "Traceback" not in err
    document: dict[str, Any] = json.loads(out)
    return document


def _load_builders() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_spreadsheets", DATA / "make_spreadsheets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builders = _load_builders()

FIGURES = ("district", "streets", "compliance", "subsidies", "exit_review", "departments",
           "street_towns", "exit_review_by_operator", "unplanned", "summary")


# --- the example registry: workbook and CSV twin ----------------------------------------

@pytest.mark.parametrize("year", [2019, 2020])
def test_the_csv_twin_gives_the_same_evaluation_as_the_workbook(year: int) -> None:
    # The same welfare-lottery fund for both: the workbook's funds sheet says what it received.
    from_xlsx = evaluate_json(XLSX, year)
    lottery = next(line["received"] for line in from_xlsx["funds"]["lines"]
                   if line["source"] == "lottery_fund")
    from_csv = evaluate_json(CSV, year, "--lottery-fund", str(lottery))
    assert {k: from_csv[k] for k in FIGURES} == {k: from_xlsx[k] for k in FIGURES}


def test_the_same_registry_gives_byte_identical_evaluation_json_on_two_runs() -> None:
    first = cli("evaluate", XLSX, "--year", "2019", "--format", "json")
    second = cli("evaluate", XLSX, "--year", "2019", "--format", "json")
    assert first == second


@pytest.mark.parametrize("year", [2019, 2020])
def test_the_street_list_holds_exactly_the_plan_streets_in_plan_order(year: int) -> None:
    document = evaluate_json(XLSX, year)
    assert [s["street_town"] for s in document["streets"]] == PLAN_STREETS
    assert "港城街道" not in {s["street_town"] for s in document["streets"]}


@pytest.mark.parametrize("year", [2019, 2020])
def test_the_district_count_is_the_plan_streets_count_and_the_unplanned_station_is_apart(
        year: int) -> None:
    document = evaluate_json(XLSX, year)
    in_streets = {kind: sum(s["completed"][kind] for s in document["streets"])
                  for kind in ("station", "city_demo_center")}
    # figures: plan streets only 2019 9 + 7, 2020 11 + 12; the 港城街道 station is counted apart.
    assert in_streets == {2019: {"station": 9, "city_demo_center": 7},
                          2020: {"station": 11, "city_demo_center": 12}}[year]
    by_type = document["district"]["by_type"]
    assert by_type["station"]["completed"] == in_streets["station"]
    assert by_type["station"]["completed_unplanned"] == 1
    assert by_type["city_demo_center"]["completed"] == in_streets["city_demo_center"]


# --- the lottery fund -------------------------------------------------------------------

@pytest.mark.parametrize(("year", "fund"), [
    (2019, 0), (2019, 1), (2019, 1_000_000), (2019, DISTRICT_OWED[2019] - 1),
    (2019, DISTRICT_OWED[2019]), (2019, DISTRICT_OWED[2019] + 1), (2019, 10**12),
    (2020, 6_000_000), (2020, 7_000_000),
])
def test_the_districts_share_is_paid_first_from_the_lottery_fund_then_from_pooled_funds_and_the_budget(
        year: int, fund: int) -> None:
    funding = evaluate_json(XLSX, year, "--lottery-fund", str(fund))["subsidies"]["funding"]
    owed = DISTRICT_OWED[year]
    assert funding["district_owed"] == owed
    assert funding["lottery_fund"] == min(fund, owed)
    assert funding["pooled_and_budget"] == owed - min(fund, owed)
    assert funding["lottery_fund"] + funding["pooled_and_budget"] == owed


def test_the_lottery_fund_does_not_change_the_subsidy_totals() -> None:
    without = evaluate_json(XLSX, 2019)["subsidies"]
    with_fund = evaluate_json(XLSX, 2019, "--lottery-fund", "2000000")["subsidies"]
    assert with_fund["construction"] == without["construction"]
    assert with_fund["operating"] == without["operating"]
    assert with_fund["funding"]["city"] == without["funding"]["city"] == 6_400_000


# --- history across years ---------------------------------------------------------------

@pytest.fixture
def two_years(tmp_path: Path) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    db = tmp_path / "h.db"
    first = evaluate_json(XLSX, 2019, "--db", db)
    second = evaluate_json(XLSX, 2020, "--db", db)
    return db, first, second


def test_the_first_year_recorded_has_no_previous_year_no_change_and_no_exit_review(
        two_years: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    db, first, _ = two_years
    assert first["history"] == {"database": str(db), "previous_year_found": False}
    assert first["change"] is None
    assert first["exit_review"] == []


def test_the_2020_exit_review_lists_exactly_the_facilities_non_compliant_in_2019_and_2020(
        two_years: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    _, _, second = two_years
    # Non-compliant in 2019 (in service): JBR-DSB-S01, JBR-HXJ-D01. JBR-WLD-D01 is
    # non-compliant in 2020 but was completed on 2020-06-30, so it has no 2019 record.
    assert sorted(second["exit_review"]) == ["JBR-DSB-S01", "JBR-HXJ-D01"]
    assert len(second["exit_review"]) == len(set(second["exit_review"]))
    assert "JBR-WLD-D01" not in second["exit_review"]
    assert second["history"]["previous_year_found"] is True


def test_the_2020_evaluation_gives_the_changes_since_2019(
        two_years: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    _, _, second = two_years
    assert second["change"] == {
        "previous_year": 2019,
        "completed": {"station": 12 - 10, "city_demo_center": 12 - 7},
        "compliance": {"compliant": 22 - 16, "non_compliant": 3 - 2, "incomplete": 2 - 1,
                       "in_service": 27 - 19},
        "construction_total": 6_500_000 - 8_650_000,
        "operating_total": 1_904_166 - 974_999,
    }


def test_history_lists_both_yearly_assessments_of_a_facility(
        two_years: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    db, _, _ = two_years
    status, out, err = cli("history", "JBR-DSB-S01", "--db", db, "--format", "json")
    assert status == 0, err
    document = json.loads(out)
    assert document["facility"] == "JBR-DSB-S01"
    rows = document["assessments"]
    assert [(a["year"], a["as_of"], a["kind"], a["verdict"]) for a in rows] == [
        (2019, "2019-12-31", "evaluate", "non_compliant"),
        (2020, "2020-12-31", "evaluate", "non_compliant")]
    assert rows[0]["findings"]["QB-AREA-STATION"] == "fail"
    status, text, _ = cli("history", "JBR-DSB-S01", "--db", db)
    assert status == 0
    assert "2019年" in text and "2020年" in text and text.count("年度评价") == 2
    assert "evaluate" not in text and "non_compliant" not in text


def test_history_holds_only_the_years_a_facility_was_in_service(
        two_years: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    db, _, _ = two_years
    status, out, _ = cli("history", "JBR-WLD-D01", "--db", db, "--format", "json")
    assert status == 0
    assert [a["year"] for a in json.loads(out)["assessments"]] == [2020]


def test_history_of_an_unknown_facility_exits_1_with_no_assessments(
        two_years: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    db, _, _ = two_years
    status, out, _ = cli("history", "JBR-NOPE", "--db", db, "--format", "json")
    assert status == 1
    assert json.loads(out)["assessments"] == []


def test_evaluating_2019_twice_does_not_list_a_facility_twice_for_exit_review(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    evaluate_json(XLSX, 2019, "--db", db)
    evaluate_json(XLSX, 2019, "--db", db)
    second = evaluate_json(XLSX, 2020, "--db", db)
    assert sorted(second["exit_review"]) == ["JBR-DSB-S01", "JBR-HXJ-D01"]


def test_a_2019_history_recorded_by_check_does_not_put_a_facility_completed_in_2020_up_for_exit_review(
        tmp_path: Path) -> None:
    # `check --record --year 2019` stores every record of the registry, including
    # JBR-WLD-D01, which was only completed on 2020-06-30. It was not a facility in 2019, so
    # it cannot have been non-compliant in two consecutive years by the end of 2020.
    db = tmp_path / "h.db"
    status, _, err = cli("check", XLSX, "--record", "--db", db, "--year", "2019",
                         "--as-of", "2019-12-31", "--format", "json")
    assert status == 1, err
    second = evaluate_json(XLSX, 2020, "--db", db)
    assert sorted(second["exit_review"]) == ["JBR-DSB-S01", "JBR-HXJ-D01"]


def test_check_record_without_a_database_is_a_usage_error() -> None:
    status, _, err = cli("check", XLSX, "--record", "--format", "json")
    assert status == 2
    assert "要求存入历史数据库，但未指定数据库文件" in err


def _newer_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")


@pytest.mark.parametrize("command", [
    ["evaluate", str(XLSX), "--year", "2019", "--format", "json"],
    ["check", str(XLSX), "--record", "--format", "json"],
    ["history", "JBR-DSB-S01"],
])
def test_a_database_written_by_a_newer_schema_is_refused_with_a_clear_message_and_left_untouched(
        tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "newer.db"
    _newer_database(db)
    status, out, err = cli(*command, "--db", db)
    assert status == 2
    assert out == ""
    assert f"{db.as_posix()}：由更新版本的本系统写入（数据结构版本99）" in err
    assert "Traceback" not in err
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 99
        assert connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0


def test_a_file_that_is_not_a_database_is_refused_naming_it(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("not a database\n", encoding="utf-8")
    status, _, err = cli("evaluate", XLSX, "--year", "2019", "--db", db)
    assert status == 2
    assert f"{db.as_posix()}：历史数据库出错：不是数据库文件" in err


@pytest.mark.parametrize("output", [
    ["--format", "xlsx"],                               # a workbook needs -o
    ["--format", "json", "-o", "{dir}/existing.json"],  # an existing file needs --force
])
def test_an_evaluation_that_exits_2_without_writing_its_output_records_nothing_in_the_history(
        tmp_path: Path, output: list[str]) -> None:
    # The run is refused and writes no output, so it should leave no assessments behind;
    # otherwise the corrected run stores every facility of the year a second time.
    (tmp_path / "existing.json").write_text("{}\n", encoding="utf-8")
    db = tmp_path / "h.db"
    args = [a.replace("{dir}", str(tmp_path)) for a in output]
    status, out, err = cli("evaluate", XLSX, "--year", "2019", *args, "--db", db)
    assert (status, out) == (2, ""), err
    assert (tmp_path / "existing.json").read_text(encoding="utf-8") == "{}\n"
    # the database this run made is removed again: no empty database is left behind
    assert not db.exists() and not Path(f"{db}-wal").exists()


def test_a_failed_evaluation_keeps_a_database_that_held_assessments_before(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    assert cli("evaluate", XLSX, "--year", "2019", "--format", "json", "--db", db)[0] == 0
    status, _, _ = cli("evaluate", XLSX, "--year", "2020", "--format", "xlsx", "--db", db)
    assert status == 2
    with sqlite3.connect(db) as connection:
        years = connection.execute("SELECT DISTINCT year FROM evaluations").fetchall()
    assert years == [(2019,)]


# --- plan files -------------------------------------------------------------------------

PLAN_HEAD = """\
name: {zh: 测试计划, en: Test plan}
source: test
district: 江北区
period: {from: 2018-01-01, to: 2020-12-31}
types: [station, city_demo_center]
targets:
  2018: {station: 1, city_demo_center: 1}
  2019: {station: 1, city_demo_center: 0}
  2020: {station: 1, city_demo_center: 1}
"""

PLAN_BY_YEAR = PLAN_HEAD + """\
streets:
  石马河街道:
    total: {station: 2, city_demo_center: 1}
    by_year: {2018: {station: 1}, 2019: {station: 1}, 2020: {city_demo_center: 1}}
  观音桥街道:
    by_year: {2018: {station: 1, city_demo_center: 1}}
    pilot: {type: city_demo_center, year: 2018}
  五宝镇: {total: {station: 0, city_demo_center: 1}}
"""


@pytest.mark.parametrize(("year", "expected"), [
    (2018, {"station": 1, "city_demo_center": 0}),
    (2019, {"station": 2, "city_demo_center": 0}),
    (2020, {"station": 2, "city_demo_center": 1}),
])
def test_per_street_per_year_targets_appear_cumulatively_as_targets_by_year_for_those_streets_only(
        tmp_path: Path, year: int, expected: dict[str, int]) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN_BY_YEAR, encoding="utf-8")
    document = evaluate_json(XLSX, year, "--plan", plan)
    streets = {s["street_town"]: s for s in document["streets"]}
    assert list(streets) == ["石马河街道", "观音桥街道", "五宝镇"]
    assert streets["石马河街道"]["targets_by_year"] == expected
    assert streets["石马河街道"]["targets"] == {"station": 2, "city_demo_center": 1}
    assert streets["观音桥街道"]["targets"] == {"station": 1, "city_demo_center": 1}
    assert streets["观音桥街道"]["targets_by_year"] == {"station": 1, "city_demo_center": 1}
    assert "targets_by_year" not in streets["五宝镇"]
    # the registry's other streets are now outside this plan and are reported, not dropped
    unplanned = {u["street_town"] for u in document["unplanned"]}
    assert {"港城街道", "大石坝街道", "复盛镇"} <= unplanned


@pytest.mark.parametrize(("streets", "field", "message"), [
    ("  石马河街道: {total: {station: 1}}\nbudget: 3\n", "budget", "unknown key"),
    ("  石马河街道: {total: {station: two}}\n", "streets.石马河街道.total.station", "a whole number"),
    ("  石马河街道: {total: {station: -1}}\n", "streets.石马河街道.total.station", "a whole number"),
    ("  石马河街道: {total: {nursing_home: 1}}\n", "streets.石马河街道.total.nursing_home",
     "not a type this plan counts"),
    ("  石马河街道: {by_year: [1, 2]}\n", "streets.石马河街道.by_year", "a mapping of year"),
    ("  石马河街道:\n    total: {station: 3}\n    by_year: {2018: {station: 1}, 2020: {station: 1}}\n",
     "streets.石马河街道.total", "the total differs from the sum of by_year"),
    ("  石马河街道: {total: {station: 1}, pilot: {type: station, year: 2017}}\n",
     "streets.石马河街道.pilot.year", "pilot year is a year of the plan"),
])
def test_a_bad_plan_file_exits_2_naming_the_file_and_the_field(
        tmp_path: Path, streets: str, field: str, message: str) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN_HEAD + "streets:\n" + streets, encoding="utf-8")
    status, out, err = cli("evaluate", XLSX, "--year", "2019", "--format", "json", "--plan", plan)
    assert status == 2
    assert out == ""
    assert f"{plan.as_posix()}, field {field}: {message}" in err
    with pytest.raises(RulesError) as caught:
        load_plan(plan)
    assert any(p.file == plan.as_posix() and p.field == field for p in caught.value.problems)


def test_the_shipped_plan_loads_with_the_targets_of_plan_md() -> None:
    plan = load_plan(ROOT / "rules" / "plans" / "jiangbei-2018-2020.yaml")
    assert list(plan.streets) == PLAN_STREETS
    assert plan.cumulative(2018) == {"station": 7, "city_demo_center": 3}
    assert plan.cumulative(2019) == {"station": 9, "city_demo_center": 8}
    assert plan.cumulative(2020) == {"station": 12, "city_demo_center": 12}
    assert sum(s.total.get("station", 0) for s in plan.streets.values()) == 12
    assert sum(s.total.get("city_demo_center", 0) for s in plan.streets.values()) == 12
    assert {n for n, s in plan.streets.items() if s.pilot} == {"江北城街道", "鱼嘴镇", "观音桥街道"}


# --- spreadsheet input ------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(builders.BUILDERS))
def test_the_xlsx_fixtures_are_what_make_spreadsheets_writes(name: str) -> None:
    stored = openpyxl.load_workbook(DATA / name)
    built = builders.BUILDERS[name]()
    assert stored.sheetnames == built.sheetnames
    for sheet in built.sheetnames:
        assert [[_date(v) for v in row] for row in stored[sheet].iter_rows(values_only=True)] == \
            [[_date(v) for v in row] for row in built[sheet].iter_rows(values_only=True)]


def _date(value: Any) -> Any:
    return value.date() if isinstance(value, dt.datetime) else value


def test_a_workbook_made_with_real_dates_and_numbers_is_evaluated(tmp_path: Path) -> None:
    workbook = tmp_path / "registry.xlsx"
    builders.registry_typed().save(workbook)
    sheet = openpyxl.load_workbook(workbook)["设施"]
    assert isinstance(sheet["AO2"].value, dt.datetime)  # 建成日期 is a date cell
    assert isinstance(sheet["G2"].value, int)           # 建筑面积 is a number cell
    assert sheet["K4"].value is True                     # a real TRUE cell
    document = evaluate_json(workbook, 2019, "--lang", "en", status=2)
    assert document["summary"] == {"records": 2, "rejected": 1}
    assert document["compliance"]["compliant"] == 2
    streets = {s["street_town"]: s for s in document["streets"]}
    assert streets["观音桥街道"]["completed"] == {"station": 1, "city_demo_center": 0}
    assert streets["江北城街道"]["completed"] == {"station": 0, "city_demo_center": 1}
    assert streets["江北城街道"]["pilot_on_time"] is True
    # 2019 operating subsidies: a station 50,000 and a demo centre 200,000, both all year
    assert document["subsidies"]["operating"]["total"] == 250_000


def test_a_negative_area_in_row_3_is_rejected_naming_the_sheet_row_and_column_while_the_rest_is_evaluated(
        tmp_path: Path) -> None:
    workbook = tmp_path / "registry.xlsx"
    builders.registry_typed().save(workbook)
    status, out, err = cli("evaluate", workbook, "--year", "2019", "--format", "json", "--lang", "en")
    assert status == 2
    document = json.loads(out)
    assert document["rejected"] == [{
        "source": str(workbook), "record": "JBR-SMH-S01", "field": "floor_area_m2",
        "message": "sheet 设施, row 3, column G (建筑面积（平方米）): expected a number > 0 and <= 10000000, "
                   "got -180",
        "position": "设施!row 3", "column": "G"}]
    assert document["summary"]["records"] == 2
    assert "1 record(s) could not be evaluated" in err


def test_a_rejected_row_without_an_id_is_named_by_its_sheet_and_row(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "设施"
    sheet.append(["编号", "类型", "建筑面积（平方米）", "建成日期"])
    sheet.append(["N-1", "社区养老服务站", 250, dt.date(2019, 3, 1)])
    sheet.append([None, "社区养老服务站", 250, dt.date(2019, 3, 1)])
    path = tmp_path / "noid.xlsx"
    workbook.save(path)
    document = evaluate_json(path, 2019, "--lang", "en", status=2)
    [rejected] = document["rejected"]
    assert rejected["record"] == "设施!row 3"
    assert rejected["field"] == "id"
    assert rejected["column"] == "A"


def test_a_workbook_without_a_sheet_named_facilities_is_read_from_its_first_sheet(tmp_path: Path) -> None:
    workbook = tmp_path / "first.xlsx"
    builders.registry_first_sheet().save(workbook)
    document = evaluate_json(workbook, 2019)
    assert document["summary"] == {"records": 2, "rejected": 0}
    streets = {s["street_town"]: s for s in document["streets"]}
    assert streets["鱼嘴镇"]["completed"]["city_demo_center"] == 1
    assert streets["鱼嘴镇"]["pilot_on_time"] is True
    items = list(read_xlsx(str(workbook)))
    assert [i.position for i in items if isinstance(i, RawRecord)] == ["登记表!row 2", "登记表!row 3"]


def test_a_workbook_with_a_header_repeated_twice_is_refused_naming_the_column(tmp_path: Path) -> None:
    workbook = tmp_path / "dup.xlsx"
    builders.registry_repeated_header().save(workbook)
    document = evaluate_json(workbook, 2019, "--lang", "en", status=2)
    assert document["summary"] == {"records": 0, "rejected": 1}
    [rejected] = document["rejected"]
    assert rejected["source"] == str(workbook)
    assert "column D" in rejected["message"] and "repeated" in rejected["message"]


def test_the_template_has_the_record_labels_a_help_sheet_and_drop_down_lists(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    status, _, err = cli("template", "-o", path)
    assert status == 0, err
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["设施", "说明", "示例"]
    sheet = workbook["设施"]
    header = [c.value for c in sheet[1]]
    assert header == RECORD_LABELS
    assert sheet.max_row == 1
    help_sheet = workbook[workbook.sheetnames[1]]
    described = [row[0] for row in help_sheet.iter_rows(min_row=2, values_only=True)]
    assert described[:described.index(None)] == RECORD_LABELS
    lists: dict[str, list[str]] = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cells in str(validation.sqref).split():
            column = "".join(ch for ch in cells.split(":")[0] if ch.isalpha())
            label = header[openpyxl.utils.column_index_from_string(column) - 1]
            lists[label] = validation.formula1.strip('"').split(",")
    assert lists["类型"] == ["社区养老服务站", "社区养老服务中心", "市级示范社区养老服务中心"]
    assert lists["建设方式"] == ["新建", "改建", "既有"]
    assert lists["社区类型"] == ["新建社区", "老社区"]
    assert lists["用房来源"] == ["新建", "购买", "置换", "租赁", "转换"]
    assert lists["运营模式"] == ["公建民营", "民办公助", "其他"]
    assert lists["运营主体类型"] == ["养老机构", "养老服务企业", "社会组织", "政府"]
    for label in ("地形平坦", "医疗联动机制", "综合责任保险", "运营评估通过", "市级建设补贴"):
        assert lists[label] == ["是", "否"]
    for label in ("编号", "名称", "建筑面积（平方米）", "建成日期", "基本公共服务"):
        assert label not in lists


def _fill_template(template: Path, target: Path) -> None:
    """Every row of the example CSV typed into the template as an official would."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["设施"]
    columns = [BY_LABEL[c.value] for c in sheet[1]]
    with CSV.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            by_field = {BY_LABEL[label]: (label, text) for label, text in row.items()}
            # a field the CSV has no column for (a newer one) is left blank
            sheet.append([builders.typed(*by_field.get(field, ("", ""))) for field in columns])
    workbook.save(target)


def test_a_filled_in_template_row_is_read_back_as_the_same_record_as_the_csv_row(tmp_path: Path) -> None:
    template, filled = tmp_path / "template.xlsx", tmp_path / "filled.xlsx"
    assert cli("template", "-o", template)[0] == 0
    _fill_template(template, filled)
    from_xlsx = [parse_record(i.data) for i in read(str(filled)) if isinstance(i, RawRecord)]
    from_csv = [parse_record(i.data) for i in read(str(CSV)) if isinstance(i, RawRecord)]
    assert len(from_xlsx) == len(from_csv) == 27
    for a, b in zip(from_xlsx, from_csv, strict=True):
        assert not isinstance(a, list), a
        assert a == b
    first = from_xlsx[0]
    assert not isinstance(first, list)
    assert first.id == "JBR-HXJ-C01"
    assert first.status.completed_on == dt.date(2018, 3, 20)
    assert first.floor_area_m2 == 420


@pytest.mark.parametrize("year", [2019, 2020])
def test_a_filled_in_template_gives_the_same_evaluation_as_the_example_registry(
        tmp_path: Path, year: int) -> None:
    template, filled = tmp_path / "template.xlsx", tmp_path / "filled.xlsx"
    assert cli("template", "-o", template)[0] == 0
    _fill_template(template, filled)
    from_template = evaluate_json(filled, year)
    from_csv = evaluate_json(CSV, year)
    assert {k: from_template[k] for k in FIGURES} == {k: from_csv[k] for k in FIGURES}


# --- output formats ---------------------------------------------------------------------

def test_the_evaluation_workbook_has_the_district_the_12_plan_streets_and_the_subsidies(
        tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    status, out, err = cli("evaluate", XLSX, "--year", "2019", "--format", "xlsx", "-o", path)
    assert (status, out) == (0, ""), err
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["全区", "绩效评分", "街镇", "年度目标", "街镇年度完成", "逾期建成",
                                   "建成验收合规", "补贴", "资金到位与使用",
                                   "部门", "街镇问题", "退出评估", "计划外",
                                   "设施清单", "问题清单", "运营主体", "执行口径", "未能评估的记录",
                                   "技术附注"]
    streets = list(workbook["街镇"].iter_rows(values_only=True))
    assert len(streets) == 1 + 12
    assert [row[0] for row in streets[1:]] == PLAN_STREETS
    by_street = {row[0]: row for row in streets[1:]}
    # columns: street, targets (station, demo), completed (station, demo), pilot on time
    # (是/否 as the register writes it, never Excel's TRUE/FALSE; empty: no pilot)
    assert by_street["复盛镇"][1:] == (2, 1, 0, 1, None)
    assert by_street["观音桥街道"][1:] == (1, 1, 1, 1, "否")
    assert by_street["江北城街道"][5] == "是"
    district = list(workbook["全区"].iter_rows(values_only=True))
    assert district[1][1:3] == (9, 9) and district[2][1:3] == (8, 7)
    money = {row[0]: row[1:] for row in workbook["补贴"].iter_rows(min_row=2, values_only=True)
             if row[0]}
    totals = [v for v in money.values() if v[1] is not None]
    assert (8_650_000, 6_400_000, 2_250_000) in [t[:3] for t in totals]
    assert (974_999, 0, 974_999) in [t[:3] for t in totals]
    unplanned = list(workbook["计划外"].iter_rows(min_row=2, values_only=True))
    assert unplanned == [("JBR-GC-S01", "港城街道")]


def test_the_english_evaluation_workbook_has_english_sheet_names(tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    assert cli("evaluate", XLSX, "--year", "2020", "--format", "xlsx", "-o", path, "--lang", "en")[0] == 0
    workbook = openpyxl.load_workbook(path)
    assert "streets" in workbook.sheetnames
    assert workbook["streets"].max_row == 13


def test_the_html_evaluation_in_a_folder_has_an_svg_chart_and_every_plan_street(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    status, out, err = cli("evaluate", XLSX, "--year", "2019", "--format", "html",
                           "-o", f"{folder}/")
    assert (status, out) == (0, ""), err
    assert sorted(p.name for p in folder.iterdir()) == ["evaluation-2019.html"]
    soup = BeautifulSoup((folder / "evaluation-2019.html").read_text(encoding="utf-8"),
                         "html.parser")
    svg = soup.find("svg")
    assert svg is not None
    chart_text = svg.get_text()
    text = soup.get_text()
    for street in PLAN_STREETS:
        assert street in chart_text, street
        assert street in text
    assert "港城街道" in text and "JBR-GC-S01" in text
    assert "8,650,000" in text


def test_the_markdown_evaluation_in_a_folder_is_named_by_the_year(tmp_path: Path) -> None:
    folder = tmp_path / "md"
    folder.mkdir()
    status, _, err = cli("evaluate", XLSX, "--year", "2020", "--format", "md", "-o", folder,
                         "--lang", "en")
    assert status == 0, err
    text = (folder / "evaluation-2020.md").read_text(encoding="utf-8")
    assert text.startswith("# Annual performance evaluation 2020")
    for street in PLAN_STREETS:
        assert f"| {street} |" in text
    assert "| 复盛镇 | 1/2 | 1/1 |" in text  # the chart's table: completed/target by type
