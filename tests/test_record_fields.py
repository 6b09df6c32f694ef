"""The fields record.md gained: the credit code check, and the round trip of every new field
through YAML, CSV and XLSX with Chinese headers (the CLI cases are in
tests/cases/cli/record-fields.yaml)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.io.inputs import read
from qianbai_rules.io.sources import RawRecord
from qianbai_rules.model import creditcode
from qianbai_rules.model.creditcode import ALPHABET, CreditCodeError, check_character
from qianbai_rules.model.fields import FIELDS
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import parse_record
from qianbai_rules.reports.identity import identity_rows

# Codes published on business licences and registration certificates (an enterprise in
# Shanghai, Tencent, Huawei, Alibaba, an enterprise in Beijing, a social organisation in
# Ningxia, an enterprise in Fuzhou).
PUBLISHED = ["91310110666007217T", "9144030071526726XG", "914403001922038216",
             "91330100799655058B", "91110000MA01A7RH2R", "53640000MJX173672F",
             "91350100M000100Y43"]


@pytest.mark.parametrize("code", PUBLISHED)
def test_a_published_code_passes_and_every_other_check_character_is_refused(code: str) -> None:
    assert check_character(code[:17]) == code[17]
    assert creditcode.normalize(code) == code
    for wrong in ALPHABET.replace(code[17], ""):
        with pytest.raises(CreditCodeError) as raised:
            creditcode.normalize(code[:17] + wrong)
        assert f"应为{code[17]}，而非{wrong}" in raised.value.text.zh


def test_the_check_value_31_is_written_0() -> None:
    # 1 × 1 + 21 (M) × 28 = 589 = 31 × 19: the check value is 31 − 0 = 31, written 0
    assert check_character("1" + "0" * 15 + "M") == "0"
    assert check_character("1" + "0" * 15 + "N") == ALPHABET[31 - (1 + 22 * 28) % 31]


def test_lower_case_is_read_as_capitals_but_nothing_else_is_changed() -> None:
    assert creditcode.normalize(" 91110000ma01a7rh2r ") == "91110000MA01A7RH2R"
    for text in ("９1110000MA01A7RH2R", "91110000 MA01A7RH2R", "91110000-MA01A7RH2R",
                 "91110000MA01A7RH2ß"):
        with pytest.raises(CreditCodeError):
            creditcode.normalize(text)


NESTED = {
    "id": "JB-RT1", "facility_type": "station", "address": "重庆市江北区寸滩街道港城东路 9 号",
    "community": {"name": "港城社区"}, "contact": {"person": "李明", "phone": "023-67563210"},
    "operation": {"operator_credit_code": "91500105MA60Q7LD8Y"},
    "status": {"accepted_on": "2019-08-20"},
    "subsidy": {"construction_approved_yuan": 250000, "construction_paid_yuan": 100000},
}
NEW = ["address", "community.name", "contact.person", "contact.phone",
       "operation.operator_credit_code", "status.accepted_on", "subsidy.construction_approved_yuan",
       "subsidy.construction_paid_yuan"]
HEADERS = ["编号", "类型", "地址", "所在社区", "负责人", "联系电话", "统一社会信用代码", "验收日期",
           "核定建设补贴（元）", "已拨付建设补贴（元）"]


def _only(path: Path) -> FacilityRecord:
    items = list(read(str(path)))
    assert len(items) == 1 and isinstance(items[0], RawRecord), items
    record = parse_record(items[0].data)
    assert isinstance(record, FacilityRecord), record
    return record


def test_the_new_fields_round_trip_through_yaml_csv_and_xlsx_with_chinese_headers(
        tmp_path: Path) -> None:
    assert [FIELDS[name].label_zh for name in NEW] == HEADERS[2:]
    (tmp_path / "site.yaml").write_text(
        "id: JB-RT1\nfacility_type: station\naddress: 重庆市江北区寸滩街道港城东路 9 号\n"
        "community: {name: 港城社区}\ncontact: {person: 李明, phone: 023-67563210}\n"
        "operation: {operator_credit_code: 91500105MA60Q7LD8Y}\nstatus: {accepted_on: 2019-08-20}\n"
        "subsidy: {construction_approved_yuan: 250000, construction_paid_yuan: 100000}\n",
        encoding="utf-8")
    row = ["JB-RT1", "社区养老服务站", "重庆市江北区寸滩街道港城东路 9 号", "港城社区", "李明",
           "023-67563210", "91500105MA60Q7LD8Y", "2019-08-20", "250000", "100000"]
    (tmp_path / "sites.csv").write_text(",".join(HEADERS) + "\n" + ",".join(row) + "\n",
                                        encoding="utf-8")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "设施"
    sheet.append(HEADERS)  # typed as Excel holds them: a date cell, number cells
    sheet.append([*row[:7], dt.datetime(2019, 8, 20), 250000, 100000])
    workbook.save(tmp_path / "sites.xlsx")
    expected = FacilityRecord.model_validate(NESTED)
    for name in ("site.yaml", "sites.csv", "sites.xlsx"):
        assert _only(tmp_path / name) == expected, name
    assert expected.community.name == "港城社区"
    assert expected.contact.phone == "023-67563210"
    assert expected.status.accepted_on == dt.date(2019, 8, 20)
    assert expected.subsidy.construction_paid_yuan == 100000


def test_the_identity_block_lists_what_the_record_has_in_its_order() -> None:
    flat = {"id": "JB-1", "district": "江北区", "facility_type": "station",
            "contact.phone": "023-1", "address": "某路 1 号", "status.accepted_on": "2019-08-20",
            "subsidy.construction_paid_yuan": 100000}
    rows = identity_rows(flat, "zh", shown=("id",))
    assert [(r["label"], r["value"]) for r in rows] == [
        ("区县", "江北区"), ("地址", "某路 1 号"), ("类型", "社区养老服务站"), ("联系电话", "023-1"),
        ("验收日期", "2019年8月20日")]


def test_the_template_help_sheet_explains_the_credit_code_and_the_older_header(
        tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    assert main(["template", "-o", str(path)]) == 0
    workbook = openpyxl.load_workbook(path)
    help_sheet = workbook[workbook.sheetnames[1]]
    notes = {row[0]: row[3] for row in help_sheet.iter_rows(min_row=2, values_only=True)}
    assert notes["统一社会信用代码"] == (
        "18位，由数字和大写字母组成（不含I、O、S、V、Z），"
        "第18位为校验码（GB 32100—2015）；小写字母按大写读取")
    assert str(notes["开始运营日期"]).endswith("；表头也可写作“运营日期”")
    assert notes["地址"] is None
