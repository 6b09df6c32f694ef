"""The annual evaluation's money across years (requirements.md §5): the one-off construction
subsidy in the completion year only, at the approved amount where the registry gives one;
operating subsidy counted only from the day the rates took effect."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from qianbai_rules.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
STATION: dict[str, Any] = yaml.safe_load(
    (ROOT / "rules" / "fixtures.yaml").read_text(encoding="utf-8"))["station"]


def _station(ident: str, completed: str, opened: str, **subsidy: Any) -> dict[str, Any]:
    record = copy.deepcopy(STATION)
    record["id"] = ident
    record["status"] = {**record["status"], "completed_on": completed, "opened_on": opened}
    record["subsidy"] = {**record["subsidy"], **subsidy}
    return record


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Compliant new stations the city funds (standard 250,000 yuan: city 200,000, district
    50,000) unless said otherwise:
    - M-2018, completed before the plan, in November 2018, open since March 2018;
    - M-2019 (2019): 230,000 approved, 100,000 paid;
    - N-B (2019): 150,000 approved, 250,000 paid: 100,000 paid beyond what is due;
    - N-C (2019): non-compliant, 250,000 paid: all of it beyond what is due now;
    - E-S (2019): an existing station, outside the construction subsidy, 300,000 paid;
    - M-2020 (2020): nothing approved, 250,000 paid."""
    path = tmp_path_factory.mktemp("money") / "registry.yaml"
    non_compliant = _station("N-C", "2019-03-15", "2019-04-01", construction_paid_yuan=250000)
    non_compliant["siting"] = {**non_compliant["siting"], "terrain_flat": False}
    existing = _station("E-S", "2019-03-15", "2019-04-01", construction_paid_yuan=300000)
    existing["build_kind"] = "existing"
    facilities = [
        _station("M-2018", "2018-11-20", "2018-03-01"),
        _station("M-2019", "2019-03-15", "2019-04-01", construction_approved_yuan=230000,
                 construction_paid_yuan=100000),
        _station("N-B", "2019-03-15", "2019-04-01", construction_approved_yuan=150000,
                 construction_paid_yuan=250000),
        non_compliant,
        existing,
        _station("M-2020", "2020-05-10", "2020-06-01", construction_paid_yuan=250000),
    ]
    path.write_text(yaml.safe_dump({"facilities": facilities}, allow_unicode=True), encoding="utf-8")
    return path


def _evaluate(registry: Path, year: int) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["evaluate", str(registry), "--year", str(year), "--format", "json",
                   "--as-of", f"{year}-12-31"], out=out, err=err)
    assert status == 0, err
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


@pytest.mark.parametrize(("year", "construction", "operating"), [
    # 2018: the station completed before the plan takes the plan's amounts, in 2018; it has
    # operated since March 2018 but no full month after the rates took effect on 4 December.
    (2018, {"total": 250000, "standard": 250000, "city": 200000, "district": 50000,
            "facilities": 1, "approved_facilities": 0, "paid_facilities": 0, "paid": 0,
            "owed": 250000, "overpaid": 0}, 0),
    # 2019: the approved amounts of M-2019 (230,000: city 200,000, district 30,000) and N-B
    # (150,000: all the city's); paid 100,000 + 250,000 + 250,000 + 300,000 = 900,000 by four
    # facilities; owed 130,000 (M-2019) and nothing netted against N-B's 100,000 overpaid, N-C's
    # 250,000 and E-S's 300,000 paid beyond what is due. Operating: M-2018 12 months 50,000,
    # M-2019, N-B and E-S 9 months 37,500 each; N-C is not compliant.
    (2019, {"total": 380000, "standard": 500000, "city": 350000, "district": 30000,
            "facilities": 2, "approved_facilities": 2, "paid_facilities": 4, "paid": 900000,
            "owed": 130000, "overpaid": 650000},
     50000 + 3 * 37500),
    # 2020: only the 2020 station, fully paid; operating: 50,000 for each of the four
    # stations open all year and compliant, M-2020 7 months 29,167.
    (2020, {"total": 250000, "standard": 250000, "city": 200000, "district": 50000,
            "facilities": 1, "approved_facilities": 0, "paid_facilities": 1, "paid": 250000,
            "owed": 0, "overpaid": 0},
     4 * 50000 + 29167),
])
def test_each_construction_subsidy_is_counted_once_in_its_completion_year_at_the_approved_amount(
        registry: Path, year: int, construction: dict[str, int], operating: int) -> None:
    subsidies = _evaluate(registry, year)["subsidies"]
    assert {k: subsidies["construction"][k] for k in construction} == construction
    assert subsidies["operating"]["total"] == operating


def test_the_district_owes_its_share_of_the_approved_amounts_not_of_the_standard_ones(
        registry: Path) -> None:
    funding = _evaluate(registry, 2019)["subsidies"]["funding"]
    assert funding["district_owed"] == 30000 + 50000 + 3 * 37500
    assert funding["city"] == 350000


@pytest.mark.parametrize("year", [2018, 2019, 2020])
def test_the_annual_totals_are_the_sums_of_what_check_shows_for_the_facilities_completed_that_year(
        registry: Path, year: int) -> None:
    out, err = io.StringIO(), io.StringIO()
    main(["check", str(registry), "--year", str(year), "--as-of", f"{year}-12-31",
          "--format", "json"], out=out, err=err)
    blocks = [r["subsidy"]["construction"] for r in json.loads(out.getvalue())["records"]
              if r["subsidy"]["construction"]["year"] == year
              or (r["subsidy"]["construction"]["year"] is None and r["id"] == "E-S" and year == 2019)]
    construction = _evaluate(registry, year)["subsidies"]["construction"]
    for key in ("total", "city", "district", "owed", "overpaid"):
        assert construction[key] == sum(b[key] or 0 for b in blocks), key
    assert construction["paid"] == sum(b["paid"] or 0 for b in blocks)
