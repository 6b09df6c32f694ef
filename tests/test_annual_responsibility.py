"""Who follows up in the annual evaluation: open failures by street/town beside the
departments (三（一）“街镇负责”), and the exit review by operator (§7, 三（五）准入和退出).

The expected figures are counted by hand from examples/jiangbei-registry-figures.md and the
registry's completion and closure dates: the facilities with a failed mandatory or advisory
rule, open at the end of the year, are

    2019: JBR-HXJ-C01 (华新街街道, QB-AREA-PER-CAPITA-OLD, advisory),
          JBR-HXJ-S01 (华新街街道, QB-AREA-PER-CAPITA-OLD, advisory),
          JBR-HXJ-D01 (华新街街道, QB-DEMO-MENTAL-CARE, mandatory),
          JBR-DSB-S01 (大石坝街道, QB-AREA-STATION, mandatory);
          JBR-GJT-C01 (郭家沱街道, advisory) closed on 2019-08-31 and is not counted;
    2020: the same, and JBR-SMH-S02 (石马河街道, completed 2020-05-20, advisory) and
          JBR-WLD-D01 (五里店街道, completed 2020-06-30, QB-AREA-PER-CAPITA-OLD advisory
          and QB-DEMO-MEDICAL-LINKAGE mandatory).
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.history.store import MIGRATIONS, History

ROOT = Path(__file__).resolve().parent.parent
XLSX = ROOT / "examples" / "jiangbei-registry.xlsx"

STREET_TOWNS = {
    2019: [{"street_town": "大石坝街道", "mandatory": 1, "advisory": 0},
           {"street_town": "华新街街道", "mandatory": 1, "advisory": 2}],
    2020: [{"street_town": "石马河街道", "mandatory": 0, "advisory": 1},
           {"street_town": "大石坝街道", "mandatory": 1, "advisory": 0},
           {"street_town": "华新街街道", "mandatory": 1, "advisory": 2},
           {"street_town": "五里店街道", "mandatory": 1, "advisory": 1}],
}

EXIT_BY_OPERATOR = [
    {"operator_name": "重庆华欣颐养院", "facilities": [
        {"id": "JBR-HXJ-D01", "name": "华新街街道市级示范社区养老服务中心",
         "street_town": "华新街街道", "years": [
             {"year": 2019, "failed_mandatory": [
                 {"rule": "QB-DEMO-MENTAL-CARE", "title": "综合性养老服务：精神关爱"}]},
             {"year": 2020, "failed_mandatory": [
                 {"rule": "QB-DEMO-MENTAL-CARE", "title": "综合性养老服务：精神关爱"}]}]}]},
    {"operator_name": "重庆石门乐龄服务有限公司", "facilities": [
        {"id": "JBR-DSB-S01", "name": "大石坝街道石门社区养老服务站",
         "street_town": "大石坝街道", "years": [
             {"year": 2019, "failed_mandatory": [
                 {"rule": "QB-AREA-STATION", "title": "社区养老服务站建筑面积"}]},
             {"year": 2020, "failed_mandatory": [
                 {"rule": "QB-AREA-STATION", "title": "社区养老服务站建筑面积"}]}]}]},
]


def cli(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in args], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def evaluate(year: int, *extra: str | Path, fmt: str = "json") -> str:
    status, out, err = cli("evaluate", XLSX, "--year", str(year), "--format", fmt, *extra)
    assert status == 0, err
    return out


@pytest.mark.parametrize("engine", ["durable", "plain"])
@pytest.mark.parametrize("year", [2019, 2020])
def test_open_failures_are_counted_by_street_town_as_counted_by_hand(
        year: int, engine: str) -> None:
    document = json.loads(evaluate(year, "--engine", engine))
    assert document["street_towns"] == STREET_TOWNS[year]
    # The same open failures, grouped the other way.
    by_department = [sum(c.get(s, 0) for c in document["departments"].values())
                     for s in ("mandatory", "advisory")]
    by_street = [sum(s[k] for s in document["street_towns"]) for k in ("mandatory", "advisory")]
    assert by_street == by_department


def test_a_facility_without_a_street_town_is_counted_under_null_last(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text("id: T-1\nfacility_type: station\nfloor_area_m2: 150\n"
                    "status: {completed_on: 2019-05-01}\n", encoding="utf-8")
    status, out, err = cli("evaluate", XLSX, site, "--year", "2019", "--format", "json")
    assert status == 0, err
    streets = json.loads(out)["street_towns"]
    assert streets[:-1] == STREET_TOWNS[2019]
    assert streets[-1]["street_town"] is None and streets[-1]["mandatory"] >= 1


@pytest.fixture(scope="module", params=["durable", "plain"])
def two_years(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              ) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("history") / "h.db"
    evaluate(2019, "--db", db, "--engine", request.param)
    return db, str(request.param)


def test_the_exit_review_names_each_operator_its_facilities_and_the_failed_rules_of_both_years(
        two_years: tuple[Path, str]) -> None:
    db, engine = two_years
    document = json.loads(evaluate(2020, "--db", db, "--engine", engine))
    assert document["exit_review_by_operator"] == EXIT_BY_OPERATOR
    # The facility ids keep their meaning.
    assert sorted(document["exit_review"]) == ["JBR-DSB-S01", "JBR-HXJ-D01"]
    assert document["exit_review_by_operator"] != [] and \
        json.loads(evaluate(2019))["exit_review_by_operator"] == []


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_every_annual_format_shows_the_exit_review_by_operator(
        two_years: tuple[Path, str], fmt: str) -> None:
    db, _ = two_years
    out = evaluate(2020, "--db", db, fmt=fmt)
    for text in ("重庆石门乐龄服务有限公司", "大石坝街道石门社区养老服务站", "社区养老服务站建筑面积",
                 "重庆华欣颐养院", "综合性养老服务：精神关爱", "2019年未达到的必备项",
                 "2020年未达到的必备项"):
        assert text in out, text
    assert "按街镇" in out  # the open failures by street/town
    english = evaluate(2020, "--db", db, "--lang", "en", fmt=fmt)
    assert "Mandatory rules failed in 2019" in english
    assert "Floor area of a community" in english


def test_the_workbook_has_the_street_town_counts_and_the_exit_review_by_operator(
        two_years: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = two_years
    path = tmp_path / "e.xlsx"
    evaluate(2020, "--db", db, "-o", path, fmt="xlsx")
    workbook = openpyxl.load_workbook(path)
    rows = list(workbook["街镇问题"].iter_rows(values_only=True))
    assert rows[1:] == [(s["street_town"], s["mandatory"], s["advisory"])
                        for s in STREET_TOWNS[2020]]
    review = list(workbook["退出评估"].iter_rows(values_only=True))
    assert [row[:4] for row in review[1:]] == [
        ("JBR-HXJ-D01", "重庆华欣颐养院", "华新街街道市级示范社区养老服务中心", "华新街街道"),
        ("JBR-DSB-S01", "重庆石门乐龄服务有限公司", "大石坝街道石门社区养老服务站", "大石坝街道")]
    assert review[2][4:] == ("QB-AREA-STATION 社区养老服务站建筑面积",) * 2


def test_a_history_written_before_failed_rules_were_stored_is_migrated_and_still_read(
        tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    # A database as schema 1 wrote it: no failed_mandatory column.
    connection = sqlite3.connect(db)
    connection.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;"
                             "PRAGMA application_id = 1363298353;")
    findings = {"QB-AREA-STATION": "fail", "QB-AREA-PER-CAPITA-OLD": "fail",
                "QB-SERVICE-MEALS": "pass"}
    connection.execute(
        "INSERT INTO assessments (facility, year, as_of, kind, fingerprint, verdict, findings, "
        "subsidy, recorded_at) VALUES ('JBR-DSB-S01', 2019, '2019-12-31', 'evaluate', "
        "'sha256:old', 'non_compliant', ?, '[]', '2020-01-05T00:00:00+00:00')",
        (json.dumps(findings),))
    connection.commit()
    connection.close()
    with History(db) as history:
        version = history.connection.execute("PRAGMA user_version").fetchone()[0]
        assert version == len(MIGRATIONS) == 4
        # Failed rules of the old row: those mandatory in the rules of today.
        assert history.non_compliant(2019, {"QB-AREA-STATION", "QB-SERVICE-MEALS"}) == {
            "JBR-DSB-S01": ("QB-AREA-STATION",)}
    document = json.loads(evaluate(2020, "--db", db))
    assert [op["operator_name"] for op in document["exit_review_by_operator"]] == [
        "重庆石门乐龄服务有限公司"]
    facility = document["exit_review_by_operator"][0]["facilities"][0]
    assert facility["years"][0] == {"year": 2019, "failed_mandatory": [
        {"rule": "QB-AREA-STATION", "title": "社区养老服务站建筑面积"}]}


def test_the_failed_mandatory_rules_are_stored_as_they_stood_at_the_time(
        two_years: tuple[Path, str]) -> None:
    db, _ = two_years
    with History(db, create=False) as history:
        stored = history.non_compliant(2019)  # no fallback needed: stored with the row
    assert stored == {"JBR-DSB-S01": ("QB-AREA-STATION",),
                      "JBR-HXJ-D01": ("QB-DEMO-MENTAL-CARE",)}
