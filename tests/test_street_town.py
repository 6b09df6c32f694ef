"""三（一）“民政牵头、部门协同、街镇负责”: the street/town is responsible too.

A finding that asks for action (fail or unknown of a mandatory or advisory rule) carries the
record's ``street_town`` beside the department, null when the record has none; a pass, a
not-applicable finding and an info rule's finding do not. Reports show both.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "examples" / "jiangbei-registry.csv"

# An old-community station with no street/town: its premises are newly built (QB-SPACE-SOURCE
# fails, 区国资委 with 区房管局 assisting) and most of its data is missing (unknown).
NO_STREET = """\
id: T-NOSTREET
name: 测试站
facility_type: station
community: {kind: old, space_source: new_build}
"""


def cli(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in args], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _records(*args: str | Path) -> list[dict[str, Any]]:
    _, out, err = cli("check", *args, "--format", "json", "--as-of", "2019-12-31")
    assert "Traceback" not in err
    records: list[dict[str, Any]] = json.loads(out)["records"]
    return records


@pytest.mark.parametrize("engine", ["durable", "plain"])
def test_street_town_is_on_fail_and_unknown_findings_and_nowhere_else(engine: str) -> None:
    records = _records(REGISTRY, "--engine", engine)
    severities = {}
    for record in records:
        street = {"JBR-DSB-S01": "大石坝街道", "JBR-YZ-S01": "鱼嘴镇"}.get(record["id"])
        for finding in record["findings"]:
            severities[finding["rule"]] = finding["severity"]
            acts = finding["status"] in ("fail", "unknown") and finding["severity"] != "info"
            assert ("street_town" in finding) is acts, (record["id"], finding["rule"])
            if acts:
                keys = list(finding)
                assert keys.index("street_town") == keys.index("department") + 1
            if acts and street:
                assert finding["street_town"] == street
    by_id = {r["id"]: {f["rule"]: f for f in r["findings"]} for r in records}
    assert by_id["JBR-DSB-S01"]["QB-AREA-STATION"]["street_town"] == "大石坝街道"
    assert by_id["JBR-YZ-S01"]["QB-SITING-SAFETY"]["status"] == "unknown"
    assert by_id["JBR-YZ-S01"]["QB-SITING-SAFETY"]["street_town"] == "鱼嘴镇"
    # An info rule's undecided finding asks nothing of the street/town.
    info_unknown = [f for r in records for f in r["findings"]
                    if f["severity"] == "info" and f["status"] == "unknown"]
    assert all("street_town" not in f for f in info_unknown)


@pytest.mark.parametrize("engine", ["durable", "plain"])
def test_a_record_without_street_town_gives_null_on_findings_that_ask_for_action(
        tmp_path: Path, engine: str) -> None:
    (tmp_path / "site.yaml").write_text(NO_STREET, encoding="utf-8")
    # The same finding after a record with a street/town: the cache must not mix them up.
    (tmp_path / "with-street.yaml").write_text(
        NO_STREET.replace("T-NOSTREET", "T-STREET") + "street_town: 五里店街道\n", encoding="utf-8")
    records = _records(tmp_path / "with-street.yaml", tmp_path / "site.yaml", "--engine", engine)
    streets = {r["id"]: r["findings"] for r in records}
    source = {i: next(f for f in fs if f["rule"] == "QB-SPACE-SOURCE") for i, fs in streets.items()}
    assert source["T-NOSTREET"]["status"] == "fail"
    assert source["T-NOSTREET"]["street_town"] is None
    assert source["T-STREET"]["street_town"] == "五里店街道"
    assert source["T-NOSTREET"]["department"] == "区国资委"
    assert source["T-NOSTREET"]["assisted_by"] == ["区房管局"]
    unknown = next(f for f in streets["T-NOSTREET"] if f["rule"] == "QB-AREA-STATION")
    assert (unknown["status"], unknown["street_town"]) == ("unknown", None)


def test_jsonl_lines_carry_the_street_town_as_json_does() -> None:
    _, out, _ = cli("check", REGISTRY, "--format", "jsonl", "--as-of", "2019-12-31")
    lines = [json.loads(line) for line in out.splitlines()]
    record = next(line for line in lines if line.get("id") == "JBR-WLD-D01")
    linkage = next(f for f in record["findings"] if f["rule"] == "QB-DEMO-MEDICAL-LINKAGE")
    assert (linkage["status"], linkage["street_town"]) == ("fail", "五里店街道")
    passed = next(f for f in record["findings"] if f["status"] == "pass")
    assert "street_town" not in passed


@pytest.mark.parametrize(("fmt", "audience"), [("text", "inspector"), ("html", "inspector"),
                                                ("md", "inspector"), ("html", "operator")])
def test_reports_name_the_department_and_the_street_town(
        tmp_path: Path, fmt: str, audience: str) -> None:
    (tmp_path / "site.yaml").write_text(NO_STREET + "street_town: 五里店街道\n", encoding="utf-8")
    _, out, _ = cli("check", tmp_path / "site.yaml", "--format", fmt, "--audience", audience,
                    "--as-of", "2019-12-31")
    expected = "责任部门：区国资委（区房管局协助）【执行口径】；责任街镇：五里店街道"
    if audience == "operator":  # the operator's list of fixes: mandatory failures only
        expected = "责任部门：区民政局【执行口径】；责任街镇：五里店街道"
        (tmp_path / "site.yaml").write_text(NO_STREET + "street_town: 五里店街道\n"
                                            "floor_area_m2: 150\n", encoding="utf-8")
        _, out, _ = cli("check", tmp_path / "site.yaml", "--format", fmt, "--audience", audience,
                        "--as-of", "2019-12-31")
    assert expected in out


def test_reports_say_when_the_street_town_is_not_given(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text(NO_STREET, encoding="utf-8")
    _, out, _ = cli("check", tmp_path / "site.yaml", "--as-of", "2019-12-31", "--lang", "en")
    assert ("Lead department: District State Assets Commission (assisted by District Housing "
            "Administration Bureau) [working interpretation]; street/town: (not given)") in out
