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

from qianbai_rules.cli import main

ROOT = Path(__file__).resolve().parent.parent
STATION: dict[str, Any] = yaml.safe_load(
    (ROOT / "rules" / "tests" / "fixtures.yaml").read_text(encoding="utf-8"))["station"]


def _station(ident: str, completed: str, opened: str, **subsidy: Any) -> dict[str, Any]:
    record = copy.deepcopy(STATION)
    record["id"] = ident
    record["status"] = {**record["status"], "completed_on": completed, "opened_on": opened}
    record["subsidy"] = {**record["subsidy"], **subsidy}
    return record


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three compliant new stations the city funds (standard 250,000 yuan each): one completed
    before the plan, in November 2018; one in 2019 with 230,000 approved and 100,000 paid; one
    in 2020 with nothing approved and 250,000 paid."""
    path = tmp_path_factory.mktemp("money") / "registry.yaml"
    facilities = [
        _station("M-2018", "2018-11-20", "2018-03-01"),
        _station("M-2019", "2019-03-15", "2019-04-01", construction_approved_yuan=230000,
                 construction_paid_yuan=100000),
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
            "facilities": 1, "approved_facilities": 0, "paid": 0, "owed": 250000}, 0),
    # 2019: only the 2019 station's construction subsidy, at its approved 230,000 (city
    # 200,000 as set, district the rest), 100,000 paid, 130,000 owed; operating: M-2018 all
    # 12 months (50,000) and M-2019 9 months (37,500).
    (2019, {"total": 230000, "standard": 250000, "city": 200000, "district": 30000,
            "facilities": 1, "approved_facilities": 1, "paid": 100000, "owed": 130000},
     50000 + 37500),
    # 2020: only the 2020 station, fully paid; operating 50,000 + 50,000 + 7 months 29,167.
    (2020, {"total": 250000, "standard": 250000, "city": 200000, "district": 50000,
            "facilities": 1, "approved_facilities": 0, "paid": 250000, "owed": 0},
     50000 + 50000 + 29167),
])
def test_each_construction_subsidy_is_counted_once_in_its_completion_year_at_the_approved_amount(
        registry: Path, year: int, construction: dict[str, int], operating: int) -> None:
    subsidies = _evaluate(registry, year)["subsidies"]
    assert {k: subsidies["construction"][k] for k in construction} == construction
    assert subsidies["operating"]["total"] == operating


def test_the_district_owes_its_share_of_the_approved_amount_not_of_the_standard_one(
        registry: Path) -> None:
    funding = _evaluate(registry, 2019)["subsidies"]["funding"]
    assert funding["district_owed"] == 30000 + 50000 + 37500
    assert funding["city"] == 200000
