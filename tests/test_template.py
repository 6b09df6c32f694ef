"""``qianbai template`` as a person uses it: the workbook is read back with openpyxl (styles,
frozen panes, drop-down lists and their error style, widths), the reader is run on it
untouched and with the example row typed into the sheet to fill in, and the facility
types of the help sheet are checked to follow the rules they are derived from."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string

from qianbai_rules.cli.app import main
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.io.inputs import read
from qianbai_rules.io.sources import RawRecord
from qianbai_rules.io.template_help import example_record, field_types
from qianbai_rules.model.fields import FIELDS, Kind
from qianbai_rules.model.validation import parse_record
from qianbai_rules.rules.ruleset import load_ruleset
from qianbai_rules.texts.formats import display_width

HEADERS = [spec.label_zh for spec in FIELDS.values()]
LISTED = {spec.label_zh for spec in FIELDS.values() if spec.kind in (Kind.boolean, Kind.code)}


def _template(tmp_path: Path, *args: str, name: str = "template.xlsx") -> tuple[int, Path, str]:
    path = tmp_path / name
    err = io.StringIO()
    status = main(["template", "-o", str(path), *args], out=io.StringIO(), err=err)
    return status, path, err.getvalue()


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    status, path, err = _template(tmp_path_factory.mktemp("template"))
    assert status == 0, err
    return openpyxl.load_workbook(path)


def _lists(sheet: Any) -> dict[str, Any]:
    """Each drop-down list of a sheet by the header of the column it covers."""
    header = [c.value for c in sheet[1]]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cells in str(validation.sqref).split():
            column = "".join(ch for ch in cells.split(":")[0] if ch.isalpha())
            found[header[column_index_from_string(column) - 1]] = validation
    return found


def test_the_sheet_to_fill_in_has_bold_frozen_headers_as_wide_as_their_labels(
        workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == ["设施", "说明", "示例"]
    assert workbook.active.title == "设施"
    sheet = workbook["设施"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    narrow = [(c.value, sheet.column_dimensions[c.column_letter].width) for c in sheet[1]
              if sheet.column_dimensions[c.column_letter].width < display_width(c.value) + 2]
    assert narrow == []
    formats = {c.value: sheet.column_dimensions[c.column_letter].number_format for c in sheet[1]}
    assert formats["联系电话"] == formats["统一社会信用代码"] == "@", "typed digits stay text"
    assert formats["建成日期"] == 'yyyy"年"m"月"d"日"'


def test_every_yes_no_and_code_column_has_a_list_that_refuses_other_values(
        workbook: openpyxl.Workbook) -> None:
    sheet = workbook["设施"]
    lists = _lists(sheet)
    assert set(lists) == LISTED
    for header, validation in lists.items():
        assert validation.type == "list"
        assert (validation.errorStyle, validation.showErrorMessage) == ("stop", True), header
        assert validation.allow_blank
        assert str(validation.sqref).endswith("1048576"), "the whole column"
        offered = validation.formula1.strip('"').split(",")
        assert validation.error == "请从下拉列表中选择：" + "、".join(offered)
        assert validation.errorTitle == "输入值无效"
        widest = max(display_width(o) for o in offered)
        column = next(c.column_letter for c in sheet[1] if c.value == header)
        assert sheet.column_dimensions[column].width >= widest + 2, header
    assert lists["地形平坦"].formula1 == '"是,否"'
    assert lists["类型"].formula1 == '"社区养老服务站,社区养老服务中心,市级示范社区养老服务中心"'


def test_the_untouched_template_holds_no_record_and_no_problem(tmp_path: Path) -> None:
    _status, path, _err = _template(tmp_path)
    assert list(read(str(path))) == []
    out = io.StringIO()
    status = main(["check", str(path), "--format", "json", "--as-of", "2019-12-31"], out=out,
                  err=io.StringIO())
    document = json.loads(out.getvalue())
    assert (status, document["summary"]["records"], document["rejected"]) == (0, 0, [])


def test_the_example_row_typed_into_the_sheet_is_read_as_the_example_record(
        tmp_path: Path) -> None:
    _status, path, _err = _template(tmp_path)
    workbook = openpyxl.load_workbook(path)
    example = workbook["示例"]
    assert "不会被读取" in str(example["A1"].value) and example["A1"].font.b
    assert [c.value for c in example[2]] == HEADERS
    assert example.freeze_panes == "A3"
    sheet = workbook["设施"]
    for cell in example[3]:  # as a person copies it, with the cell's date format
        target = sheet.cell(2, cell.column, cell.value)
        target.number_format = cell.number_format
    filled = tmp_path / "filled.xlsx"
    workbook.save(filled)
    items = list(read(str(filled)))
    assert len(items) == 1 and isinstance(items[0], RawRecord), items
    assert parse_record(items[0].data) == example_record()
    out = io.StringIO()
    assert main(["check", str(filled), "--format", "json", "--as-of", "2019-12-31"], out=out,
                err=io.StringIO()) == 0
    assert json.loads(out.getvalue())["records"][0]["verdict"] == "compliant"


def test_the_help_sheet_says_what_each_field_means_and_which_facility_types_need_it(
        workbook: openpyxl.Workbook) -> None:
    rows = list(workbook["说明"].iter_rows(values_only=True))
    assert rows[0] == ("表头", "含义", "填写方式", "可填写的值", "检查时用到的设施类型")
    table = {row[0]: row for row in rows[1:rows.index((None,) * 5)]}
    assert list(table) == HEADERS
    assert all(row[1] for row in table.values()), "every field says what it means"
    assert table["编号"][2] == "文本（必填）" and table["类型"][2] == "下拉选择（必填）"
    assert table["综合性服务"][4] == "市级示范社区养老服务中心"
    assert table["建设方式"][4] == "社区养老服务站、市级示范社区养老服务中心"
    assert table["建筑面积（平方米）"][4] == "全部类型"
    assert table["名称"][4] == "不参与逐条检查"
    assert table["基本公共服务"][3] == "助急、助餐、助洁、助医、助行、助乐"
    for header in ("建成日期", "验收日期", "开始运营日期", "停运日期"):
        assert str(table[header][3]).startswith(
            "如2019-05-20、2019/5/20、2019年5月20日，或电子表格的日期单元格"), header
    guide = "\n".join(str(row[0]) for row in rows[rows.index((None,) * 5) + 1:])
    assert "必填项为编号、类型" in guide and "“示例”工作表中有一行填写示例" in guide


def test_the_facility_types_of_a_field_follow_the_rules_that_read_it(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    shipped = field_types(load_ruleset(rules))
    assert shipped["demo.medical_linkage"] == ["city_demo_center"]
    demo = rules / "checks" / "4-demonstration" / "demonstration.yaml"
    text = demo.read_text(encoding="utf-8")
    scope = "applies_to: {field: facility_type, eq: city_demo_center}"
    assert scope in text
    demo.write_text(text.replace(
        scope, "applies_to: {field: facility_type, in: [center, city_demo_center]}"),
        encoding="utf-8")
    widened = field_types(load_ruleset(rules))
    assert widened["demo.medical_linkage"] == ["center", "city_demo_center"]
    assert widened["floor_area_m2"] == shipped["floor_area_m2"]


def test_the_english_template_explains_in_english_and_keeps_the_chinese_headers(
        tmp_path: Path) -> None:
    status, path, err = _template(tmp_path, "--lang", "en")
    assert status == 0, err
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["设施", "help", "example"]
    assert [c.value for c in workbook["设施"][1]] == HEADERS
    help_rows = list(workbook["help"].iter_rows(values_only=True))
    assert help_rows[0] == ("header", "meaning", "how to fill it in", "values", "checked for")
    assert help_rows[1][1:3] == ("the facility's id, chosen by whoever fills in the registry; "
                                 "unique within the file", "text (required)")
    assert _lists(workbook["设施"])["类型"].error.startswith("Choose one of: 社区养老服务站")


def test_a_csv_template_is_the_header_row_in_utf8_with_a_bom(tmp_path: Path) -> None:
    status, path, err = _template(tmp_path, name="registry.csv")
    assert status == 0, err
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"PK")
    assert data.decode("utf-8-sig") == ",".join(HEADERS) + "\r\n"
    assert list(read(str(path))) == []


@pytest.mark.parametrize(("name", "lang", "said"), [
    ("template.txt", "zh", "模板只能写成.xlsx或.csv文件"),
    ("template.xls", "zh", "模板只能写成.xlsx或.csv文件"),
    ("template", "en", "the template is written as an .xlsx or .csv file"),
])
def test_any_other_file_name_is_refused_and_nothing_is_written(
        tmp_path: Path, name: str, lang: str, said: str) -> None:
    status, path, err = _template(tmp_path, "--lang", lang, name=name)
    assert status == 2
    assert said in err
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_an_upper_case_suffix_is_the_same_format(tmp_path: Path) -> None:
    status, path, err = _template(tmp_path, name="REGISTRY.XLSX")
    assert status == 0, err
    assert openpyxl.load_workbook(path).sheetnames[0] == "设施"
