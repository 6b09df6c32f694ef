"""Hostile values and outputs (issue 11, second round): what the CLI cases in
tests/cases/cli/hostile-values.yaml cannot show: a symbolic link in the reports folder, the
evaluation workbook's list of records not evaluated, bytes given to the record model, the
numbers read from text, and the cut of a huge value quoted in a message."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.core.safetext import INVISIBLE
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import parse_record


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([*args], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _sites(path: Path, *records: dict[str, object]) -> Path:
    path.write_text(json.dumps({"facilities": list(records)}, ensure_ascii=False),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("forced", [False, True])
def test_a_symlink_in_the_reports_folder_is_never_written_through(tmp_path: Path,
                                                                  forced: bool) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "JB-1.md").symlink_to(victim)
    (reports / "JB-2.md").symlink_to(tmp_path / "nowhere.txt")  # dangling: not created
    sites = _sites(tmp_path / "s.json", {"id": "JB-1", "facility_type": "station"},
                   {"id": "JB-2", "facility_type": "station"})
    status, _, err = _run("check", str(sites), "--as-of", "2019-12-31", "--format", "md",
                          "-o", f"{reports}/", "--lang", "en", *(["--force"] if forced else []))
    assert status == 2
    assert "JB-1.md is a symbolic link; nothing is written through it" in err
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "nowhere.txt").exists()
    assert (reports / "JB-1.md").is_symlink() and (reports / "JB-2.md").is_symlink()
    assert not [p for p in reports.iterdir() if p.name.startswith(".")]  # no temporaries left


def test_a_symlink_given_as_the_output_file_is_refused_in_chinese(tmp_path: Path) -> None:
    victim = tmp_path / "victim.json"
    victim.write_text("{}", encoding="utf-8")
    (tmp_path / "out.json").symlink_to(victim)
    sites = _sites(tmp_path / "s.json", {"id": "JB-1", "facility_type": "station"})
    status, _, err = _run("check", str(sites), "--as-of", "2019-12-31", "--format", "json",
                          "-o", str(tmp_path / "out.json"), "--force")
    assert status == 2
    assert "是符号链接，不通过它写入，也不替换它" in err
    assert victim.read_text(encoding="utf-8") == "{}"


def test_the_evaluation_workbook_lists_the_records_not_evaluated(tmp_path: Path) -> None:
    sites = _sites(tmp_path / "s.json",
                   {"id": "JB-1", "facility_type": "station", "street_town": "观音桥街道"},
                   {"id": "JB-2", "facility_type": "station", "floor_area_m2": "4_2_0"},
                   {"id": "JB-3", "facility_type": "station", "floor_area_m2": -1,
                    "status": {"completed_on": "0001-01-01"}})
    path = tmp_path / "e.xlsx"
    status, _, err = _run("evaluate", str(sites), "--year", "2019", "--format", "xlsx",
                          "-o", str(path))
    assert status == 2, err
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[-2:] == ["未能评估的记录", "技术附注"]
    rows = list(workbook["未能评估的记录"].iter_rows(values_only=True))
    assert rows[0] == ("文件", "记录", "字段", "原因")
    assert [row[1:3] for row in rows[1:]] == [
        ("JB-2（record 2）", "floor_area_m2"),
        ("JB-3（record 3）", "floor_area_m2"),
        ("JB-3（record 3）", "status.completed_on")]
    assert rows[1][0] == str(sites)
    assert rows[1][3] == "记录JB-2的建筑面积（平方米）：应为大于0且不超过10000000的数，实际为“4_2_0”"
    district = list(workbook["全区"].iter_rows(values_only=True))
    assert district[-2:] == [("已评估的记录（条）", 1, None, None),
                             ("未能评估的记录（条）", 2, None, None)]
    assert workbook["全区"].auto_filter.ref == "A1:D4"  # the table, not the counts


@pytest.mark.parametrize("field", ["id", "name", "address"])
def test_the_record_model_refuses_bytes_for_text(field: str) -> None:
    raw: dict[str, object] = {"id": "JB-1", "facility_type": "station", field: b"JB-1"}
    result = parse_record(raw)
    assert not isinstance(result, FacilityRecord)
    assert [name for name, _ in result] == [field]


@pytest.mark.parametrize(("written", "read"), [
    ("260", 260), ("260.5", 260.5), ("2.6e2", 260.0), ("+260", 260), (" 1,260.5 ", 1260.5),
    ("1,500,000", 1_500_000)])
def test_numbers_written_as_json_or_excel_writes_them_are_read(written: str,
                                                               read: float) -> None:
    record = parse_record({"id": "JB-1", "facility_type": "station", "floor_area_m2": written})
    assert isinstance(record, FacilityRecord)
    assert record.floor_area_m2 == read


@pytest.mark.parametrize("written", ["4_2_0", "٢٦٠٠", "２６０", "0x1F", "1,50,000", "1,2600",
                                     ",260", "inf", "nan", "1e", "260m²"])
def test_numbers_written_otherwise_are_refused(written: str) -> None:
    result = parse_record({"id": "JB-1", "facility_type": "station", "floor_area_m2": written})
    assert not isinstance(result, FacilityRecord)
    assert [name for name, _ in result] == ["floor_area_m2"]


def test_a_huge_value_is_quoted_cut_to_80_characters() -> None:
    result = parse_record({"id": "JB-1", "facility_type": "station", "name": "x" * 200_000,
                           "community": "y" * 200_000, "z" * 200_000: 1})
    assert not isinstance(result, FacilityRecord)
    for field, message in result:
        assert len(message.en) < 200 and len(message.zh) < 200
        assert field is None or len(field) <= 80
    assert any(message.en.endswith("'" + "y" * 78 + "…") for _, message in result)


@pytest.mark.parametrize("char", ["\u3164", "\u115f", "\u1160", "\u2800", "\uffa0", "\u034f",
                                  "\ufe0f", "\U000e0100", "\u17b4", "\u180b", "\ufff0"])
def test_invisible_characters_are_refused_in_ids_and_names(char: str) -> None:
    assert INVISIBLE.search(char)
    for field in ("id", "name", "street_town"):
        result = parse_record({"id": "JB-1", "facility_type": "station", field: f"A{char}B"})
        assert not isinstance(result, FacilityRecord)
        assert result[0][0] == field
        assert f"U+{ord(char):04X}" in result[0][1].en


def test_visible_text_is_not_taken_for_invisible() -> None:
    assert INVISIBLE.search("JB-001 观音桥街道 社区养老服务站 ＪＢ－００１ ① —") is None
