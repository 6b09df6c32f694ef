"""Seeded generator of facility records for cross-checking the two evaluators.

Values are drawn from the boundaries the rules care about (199.99, 200, 749.99, 750,
per-capita edges), with each field absent a fair share of the time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from qianbai_rules.model.fields import FIELDS, Kind
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import parse_record

AREAS = [0.3, 1, 123, 123.1, 180, 199.99, 200, 200.01, 260, 749.99, 750, 1e-05, 9999999.5]
COUNTS = [0, 1, 2, 3, 12, 1230, 1231, 2000, 7500]
TEXTS = ["康复器材", "日间照料", "上门理发", "x"]
CREDIT_CODES = ["91500105MA5UK3RT22", "52500105MJP4618X3A", "91310110666007217T"]  # valid


def _value(name: str, rng: random.Random, drawn: dict[str, Any]) -> Any:
    spec = FIELDS[name]
    if name == "floor_area_m2":
        population = drawn.get("community.population")
        if population and rng.random() < 0.4:
            exact = Decimal(population) * Decimal("0.1")
            return float(exact + rng.choice([Decimal(0), Decimal("-0.01"), Decimal("0.01")]))
        return rng.choice(AREAS)
    if name == "operation.operator_credit_code":  # free text would be rejected
        return rng.choice(CREDIT_CODES)
    kinds: dict[Kind, Callable[[], Any]] = {
        Kind.boolean: lambda: rng.random() < 0.7,
        Kind.integer: lambda: rng.choice(COUNTS),
        Kind.text: lambda: rng.choice(TEXTS),
        Kind.code: lambda: rng.choice(spec.codes),
        Kind.date: lambda: rng.choice(["2018-12-04", "2019-01-01", "2019-06-15", "2020-12-31"]),
        Kind.text_list: lambda: rng.sample(TEXTS, rng.randint(0, 3)),
        Kind.code_list: lambda: rng.sample(list(spec.codes), rng.randint(0, len(spec.codes))),
    }
    return kinds[spec.kind]()


def _compliant(rng: random.Random) -> dict[str, Any]:
    """A record that meets every mandatory rule, of a random type and build."""
    kind = rng.choice(["station", "center", "city_demo_center"])
    drawn: dict[str, Any] = {
        "facility_type": kind, "build_kind": rng.choice(["new", "renovated", "existing"]),
        "floor_area_m2": rng.choice([750, 900.5, 1200]), "community.kind": "new",
        "community.population": rng.choice([0, 1230, 7500]),
        "five_ones.equipment": ["x"], "five_ones.service_team.staff_count": 3,
        "five_ones.service_projects": ["y"], "services.basic": list(FIELDS["services.basic"].codes),
        "services.comprehensive": list(FIELDS["services.comprehensive"].codes),
        "demo.medical_linkage": True,
        "subsidy.city_construction_granted": rng.random() < 0.5,
        "status.opened_on": rng.choice(["2018-12-04", "2019-01-01", "2019-06-15", "2020-01-01"]),
    }
    for name, spec in FIELDS.items():
        if spec.kind is Kind.boolean and name not in drawn:
            mandatory = name.startswith(("siting.", "five_ones."))
            drawn[name] = mandatory or rng.random() < 0.9
    return drawn


def records(count: int, seed: int = 20181204) -> Iterator[FacilityRecord]:
    """``count`` valid records; the same seed gives the same records.

    A third start from a compliant record with up to two fields changed or removed, so
    that every path of the eligibility table is reached; the rest are drawn at random.
    """
    rng = random.Random(seed)
    order = ["community.population", *[n for n in FIELDS if n != "community.population"]]
    made = 0
    while made < count:
        drawn: dict[str, Any] = {"id": f"G-{made}"}
        if rng.random() < 0.35:
            drawn.update(_compliant(rng))
            for name in rng.sample([n for n in FIELDS if n not in ("id", "district")],
                                   rng.randint(0, 2)):
                if rng.random() < 0.5 and not FIELDS[name].required:
                    drawn.pop(name, None)
                else:
                    drawn[name] = _value(name, rng, drawn)
        else:
            for name in order:
                if name in ("id", "district"):
                    continue
                if FIELDS[name].required or rng.random() < 0.8:
                    drawn[name] = _value(name, rng, drawn)
        parsed = parse_record(drawn)
        if isinstance(parsed, FacilityRecord):
            made += 1
            yield parsed
