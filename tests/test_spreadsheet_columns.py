"""Spreadsheet columns are named as Excel names them, in every message that points at one
(a rejected CSV or XLSX cell, a bad header), by the one function that names them."""

from __future__ import annotations

import pytest

from qianbai_rules.io.xlsxcells import letter
from qianbai_rules.model.validation import column_letters, column_of


@pytest.mark.parametrize(("number", "name"), [
    (1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (53, "BA"), (702, "ZZ"), (703, "AAA"),
    (16384, "XFD"),
])
def test_a_column_number_is_named_as_excel_names_it(number: int, name: str) -> None:
    assert column_letters(number) == name
    assert letter(number) == name


def test_a_column_beyond_excels_last_is_shown_as_its_number() -> None:
    assert letter(16385) == "16385"
    assert letter(0) == "0"


def test_the_column_of_a_field_is_found_by_its_label_or_its_dotted_name() -> None:
    headers = ("编号", "类型", *[f"x{n}" for n in range(25)], "建筑面积（平方米）")
    assert column_of(headers, "facility_type") == "B"
    assert column_of(headers, "floor_area_m2") == "AB"
    assert column_of(("id", "status.opened_on"), "status.opened_on") == "B"
    assert column_of(headers, "name") is None
    assert column_of((), "id") is None
