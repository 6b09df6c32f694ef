"""This year's targets against completions, the streets' figures of the year, the late list,
and completed/accepted/compliant (issue 16, Deliver 2 and 3), checked against the example
registry counted independently: ``count`` reads the CSV twin with the csv module only (the
same figures are in examples/jiangbei-registry-figures.md, “年度目标与完成 / Yearly targets”).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from qianbai_rules.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
XLSX = ROOT / "examples" / "jiangbei-registry.xlsx"
CSV = ROOT / "examples" / "jiangbei-registry.csv"
PLAN = ROOT / "rules" / "plans" / "jiangbei-2018-2020.yaml"
ENGINES = ("durable", "plain")
PLAN_STREETS = ["石马河街道", "大石坝街道", "观音桥街道", "华新街街道", "五里店街道", "江北城街道",
                "寸滩街道", "铁山坪街道", "郭家沱街道", "鱼嘴镇", "复盛镇", "五宝镇"]
TYPES = {"社区养老服务站": "station", "市级示范社区养老服务中心": "city_demo_center"}

# The plan's annex (江北府办发〔2018〕63号), by hand: facilities to complete in each year.
YEAR_TARGETS = {2018: {"station": 7, "city_demo_center": 3},
                2019: {"station": 2, "city_demo_center": 5},
                2020: {"station": 3, "city_demo_center": 4}}
# The hand count of examples/jiangbei-registry-figures.md: completed in the year, plan streets.
YEAR_COMPLETED = {2019: {"station": 3, "city_demo_center": 5},
                  2020: {"station": 2, "city_demo_center": 5}}


def count(path: Path, year: int) -> dict[str, Any]:
    """Completions by street and type (in the year, and within 2018 to the year), from the
    CSV alone: a plan street, a plan type, a completion date."""
    in_year: dict[str, Counter[str]] = {s: Counter() for s in PLAN_STREETS}
    so_far: dict[str, Counter[str]] = {s: Counter() for s in PLAN_STREETS}
    accepted: Counter[str] = Counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            kind, street, day = TYPES.get(row["类型"]), row["街镇"], row["建成日期"]
            if kind is None or street not in in_year or not day:
                continue
            completed = int(day[:4])
            if 2018 <= completed <= year:
                so_far[street][kind] += 1
                accepted[kind] += bool(row.get("验收日期")) and row["验收日期"][:4] <= str(year)
            if completed == year:
                in_year[street][kind] += 1
    return {"in_year": in_year, "so_far": so_far, "accepted": accepted}


def evaluate(registry: Path, year: int, *extra: str) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["evaluate", str(registry), "--year", str(year), "--format", "json", *extra],
                  out=out, err=err)
    assert status == 0, err.getvalue()
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("year", [2019, 2020])
def test_the_districts_target_of_the_year_is_set_against_the_years_completions(
        year: int, engine: str) -> None:
    found = evaluate(XLSX, year, "--engine", engine)["year_progress"]
    assert found["year"] == year
    counted = count(CSV, year)["in_year"]
    for kind in ("station", "city_demo_center"):
        entry = found["by_type"][kind]
        assert entry["target"] == YEAR_TARGETS[year][kind]
        assert entry["completed"] == YEAR_COMPLETED[year][kind]
        assert entry["completed"] == sum(c[kind] for c in counted.values())
        assert entry["rate"] == round(entry["completed"] / entry["target"], 4)
    assert found["total"]["target"] == sum(YEAR_TARGETS[year].values())
    assert found["total"]["completed"] == sum(YEAR_COMPLETED[year].values())


@pytest.mark.parametrize("year", [2019, 2020])
def test_each_street_has_its_period_totals_apart_from_its_completions_of_the_year(
        year: int) -> None:
    document = evaluate(XLSX, year)
    counted = count(CSV, year)
    assert [s["street_town"] for s in document["streets"]] == PLAN_STREETS
    for street in document["streets"]:
        name = street["street_town"]
        # the shipped plan gives only totals: no yearly target is made up for a street
        assert street["by_year"]["target"] is None
        assert street["by_year"]["year"] == year
        for kind in ("station", "city_demo_center"):
            assert street["by_year"]["completed"][kind] == counted["in_year"][name][kind], name
            assert street["completed"][kind] == counted["so_far"][name][kind], name


@pytest.mark.parametrize("engine", ENGINES)
def test_completed_accepted_and_compliant_are_counted_apart(engine: str) -> None:
    document = evaluate(XLSX, 2019, "--engine", engine)
    built, counted = document["built_compliant"], count(CSV, 2019)
    for street in built["by_street"]:
        name = street["street_town"]
        assert street["completed"] == sum(counted["so_far"][name].values()), name
        # the registry records no acceptance date: acceptance is unknown, never "not accepted"
        assert (street["accepted"], street["acceptance_unrecorded"]) == (0, street["completed"])
        assert street["compliant"] <= street["completed"]
    assert built["total"]["completed"] == document["district"]["total"]["completed"] == 16
    assert {k: c["completed"] for k, c in built["by_type"].items()} == \
        {k: p["completed"] for k, p in document["district"]["by_type"].items()}
    # 16 completed in the plan streets, 13 of them compliant (of the 16 compliant of the 19
    # built: the unplanned station and the two plain centres are counted in compliance only)
    assert built["total"]["compliant"] == 13
    assert built["total"]["compliant"] <= document["compliance"]["compliant"]


def test_an_acceptance_date_in_the_registry_is_counted_as_accepted(tmp_path: Path) -> None:
    rows = list(csv.reader(CSV.open(encoding="utf-8-sig", newline="")))
    header, body = rows[0], rows[1:]
    dates = {"JBR-HXJ-C01": "2018-04-20", "JBR-GYQ-S01": "2018-06-30",
             "JBR-GYQ-D01": "2020-02-01"}  # accepted only after the 2019 cut-off
    registry = tmp_path / "accepted.csv"
    with registry.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, "验收日期"])
        for row in body:
            writer.writerow([*row, dates.get(row[0], "")])
    built = evaluate(registry, 2019)["built_compliant"]
    assert built["total"]["accepted"] == count(registry, 2019)["accepted"].total() == 1
    assert built["by_type"]["station"]["accepted"] == 1  # JBR-HXJ-C01 is a plain centre
    assert built["by_type"]["city_demo_center"]["acceptance_unrecorded"] == 6
    assert built["total"]["acceptance_unrecorded"] == 14


def _plan_with_years(tmp_path: Path) -> Path:
    """The shipped plan with yearly targets for two streets (their totals unchanged)."""
    text = PLAN.read_text(encoding="utf-8")
    text = text.replace(
        "  复盛镇: {total: {station: 2, city_demo_center: 1}}",
        "  复盛镇: {by_year: {2018: {city_demo_center: 1}, 2019: {station: 2}}}").replace(
        "  石马河街道: {total: {station: 2, city_demo_center: 1}}",
        "  石马河街道: {by_year: {2019: {station: 1, city_demo_center: 1}, 2020: {station: 1}}}")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    return plan


@pytest.mark.parametrize("engine", ENGINES)
def test_a_plan_with_yearly_targets_shows_them_and_flags_the_facilities_completed_late(
        tmp_path: Path, engine: str) -> None:
    plan = _plan_with_years(tmp_path)
    document = evaluate(XLSX, 2020, "--plan", str(plan), "--engine", engine)
    streets = {s["street_town"]: s for s in document["streets"]}
    assert streets["石马河街道"]["by_year"]["target"] == {"station": 1, "city_demo_center": 0}
    assert streets["复盛镇"]["by_year"]["target"] == {"station": 0, "city_demo_center": 0}
    assert streets["复盛镇"]["targets"] == {"station": 2, "city_demo_center": 1}
    assert streets["大石坝街道"]["by_year"]["target"] is None
    # 复盛镇's centre was due in 2018 (completed 2019-10-24), its station in 2019 (2020-04-16)
    assert [(f["id"], f["final_year"]) for f in document["late"]] == [
        ("JBR-FS-D01", 2018), ("JBR-FS-S01", 2019)]
    assert evaluate(XLSX, 2019, "--plan", str(plan))["late"] == [document["late"][0]]
    # the district's yearly targets and every existing figure stay as they were
    shipped = evaluate(XLSX, 2020, "--engine", engine)
    for key in ("district", "compliance", "subsidies", "year_progress", "built_compliant"):
        assert document[key] == shipped[key], key
    assert shipped["late"] == []


def test_the_reports_and_the_workbook_show_the_years_targets(tmp_path: Path) -> None:
    plan = _plan_with_years(tmp_path)
    out = tmp_path / "out"
    for fmt in ("text", "md", "html", "xlsx"):
        code = main(["evaluate", str(XLSX), "--year", "2020", "--plan", str(plan), "--format",
                     fmt, "-o", str(out / f"e.{fmt}")], out=io.StringIO(), err=io.StringIO())
        assert code == 0
    for fmt in ("text", "md", "html"):
        text = (out / f"e.{fmt}").read_text(encoding="utf-8")
        assert "2020年度目标完成情况" in text and "2018—2020年任务总数" in text, fmt
        assert "2020年4月16日" in text and "建成、验收与合规情况" in text, fmt
        assert "by_year" not in text, fmt
    workbook = openpyxl.load_workbook(out / "e.xlsx")
    year = list(workbook["年度目标"].iter_rows(values_only=True))
    assert year[1:] == [("社区养老服务站", 3, 2, 0.6667), ("市级示范社区养老服务中心", 4, 5, 1.25),
                        ("合计", 7, 7, 1)]
    assert workbook["年度目标"]["D2"].number_format == "0.0%"
    streets = {r[0]: r[1:] for r in workbook["街镇年度完成"].iter_rows(min_row=2, values_only=True)}
    assert streets["石马河街道"] == (2, 2, 1, 1, 1, 1, 0, 0)
    assert streets["大石坝街道"][2] is None
    late = list(workbook["逾期建成"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in late] == ["JBR-FS-D01", "JBR-FS-S01"]


def test_the_csv_count_is_the_hand_count_of_the_figures_document() -> None:
    figures = (ROOT / "examples" / "jiangbei-registry-figures.md").read_text(encoding="utf-8")
    section = figures.split("## 年度目标与完成 / Yearly targets")[1].split("\n## ")[0]
    for year in (2019, 2020):
        table = section.split(f"**{year} 年各街镇")[1].split("\n\n")[1]
        rows = [[c.strip() for c in line.strip("|").split("|")]
                for line in table.splitlines()[2:]]
        counted = count(CSV, year)
        assert [r[0] for r in rows] == PLAN_STREETS
        for name, _total, stations, centres, so_far in rows:
            assert (int(stations), int(centres)) == (counted["in_year"][name]["station"],
                                                     counted["in_year"][name]["city_demo_center"])
            assert int(so_far) == sum(counted["so_far"][name].values()), name
        for kind, label in (("station", "站 station"), ("city_demo_center", "市级示范中心")):
            line = next(x for x in section.splitlines() if x.startswith(f"| {year} | {label}"))
            target, done = (int(c) for c in line.strip("|").split("|")[2:4])
            assert (target, done) == (YEAR_TARGETS[year][kind], YEAR_COMPLETED[year][kind])
