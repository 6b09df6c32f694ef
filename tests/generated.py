"""Seeded generator of facility records for cross-checking the two evaluators.

Values are drawn from the boundaries the rules care about (199.99, 200, 749.99, 750,
per-capita edges), with each field absent a fair share of the time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from qianbai_rules.fields import FIELDS, Kind
from qianbai_rules.records import FacilityRecord
from qianbai_rules.validation import parse_record

AREAS = [0.3, 1, 123, 123.1, 180, 199.99, 200, 200.01, 260, 749.99, 750, 1e-05, 9999999.5]
COUNTS = [0, 1, 2, 3, 12, 1230, 1231, 2000, 7500]
TEXTS = ["康复器材", "日间照料", "上门理发", "x"]


def _value(name: str, rng: random.Random, drawn: dict[str, Any]) -> Any:
    spec = FIELDS[name]
    if name == "floor_area_m2":
        population = drawn.get("community.population")
        if population and rng.random() < 0.4:
            exact = Decimal(population) * Decimal("0.1")
            return float(exact + rng.choice([Decimal(0), Decimal("-0.01"), Decimal("0.01")]))
        return rng.choice(AREAS)
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


def records(count: int, seed: int = 20181204) -> Iterator[FacilityRecord]:
    """``count`` valid records; the same seed gives the same records."""
    rng = random.Random(seed)
    order = ["community.population", *[n for n in FIELDS if n != "community.population"]]
    made = 0
    while made < count:
        drawn: dict[str, Any] = {"id": f"G-{made}"}
        for name in order:
            if name in ("id", "district"):
                continue
            if FIELDS[name].required or rng.random() < 0.8:
                drawn[name] = _value(name, rng, drawn)
        parsed = parse_record(drawn)
        if isinstance(parsed, FacilityRecord):
            made += 1
            yield parsed
