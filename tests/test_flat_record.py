"""The typed flat record (model/flat.py): built once per record, read-only."""

from __future__ import annotations

import pickle

import pytest

from qianbai_rules.model.fields import FIELDS, flatten
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.model.validation import parse_record
from tests.generated import records


def test_the_flat_record_is_what_dumping_and_flattening_gave_key_for_key() -> None:
    for record in records(1500, seed=12):
        flat = FlatRecord.of(record)
        before = flatten(record.model_dump(mode="json", exclude_none=True))
        assert list(flat.items()) == list(before.items())
        assert [type(v) for v in flat.values()] == [type(v) for v in before.values()]
        assert set(flat) <= set(FIELDS)


def test_values_are_json_values_and_absent_fields_are_left_out() -> None:
    record = parse_record({"id": "F-1", "facility_type": "station", "floor_area_m2": 210,
                           "status": {"opened_on": "2019-03-01"},
                           "services": {"basic": ["meals", "cleaning"]}})
    assert not isinstance(record, list)
    flat = FlatRecord.of(record)
    assert flat["facility_type"] == "station" and type(flat["facility_type"]) is str
    assert flat["status.opened_on"] == "2019-03-01"
    assert flat["services.basic"] == ["meals", "cleaning"]
    assert flat["floor_area_m2"] == 210
    assert "status.closed_on" not in flat and "name" not in flat
    assert flat.whole("floor_area_m2") == 210 and flat.whole("name") is None


def test_a_flat_record_cannot_be_changed_but_travels_between_processes() -> None:
    flat = FlatRecord.of(next(iter(records(1, seed=3))))
    with pytest.raises(TypeError):
        flat["floor_area_m2"] = 1
    with pytest.raises(TypeError):
        flat.pop("id")
    with pytest.raises(TypeError):
        flat.update({"id": "x"})
    copy = pickle.loads(pickle.dumps(flat))
    assert type(copy) is FlatRecord and copy == flat
