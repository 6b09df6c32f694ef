"""Issue 15's Done-when, as a new user would go through it with the shipped examples: an
inspection with attested items and waivers issued as a 检查意见书 (PDF) and recorded; a
re-inspection a month later that yields a 复查意见书 and the open/overdue list; a printed
report verified against the database and made again byte for byte; an expired waiver
counted again. The outcomes are those examples/README.md states."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.running import run
from tests.system_tools import needs

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SITES, INSPECTION = EXAMPLES / "sites", EXAMPLES / "inspection"
AGAIN = INSPECTION / "reinspection"
FIRST = [str(SITES / "station-failing.yaml"), str(SITES / "several-sites.yaml"),
         "--inspection", str(INSPECTION / "inspection.yaml"),
         "--attestations", str(INSPECTION / "attestations.csv"),
         "--waivers", str(INSPECTION / "waivers.yaml")]
SECOND = [str(AGAIN / "station-failing-2020-01.yaml"),
          "--inspection", str(AGAIN / "inspection.yaml"),
          "--attestations", str(AGAIN / "attestations.csv"),
          "--waivers", str(INSPECTION / "waivers.yaml")]



def pdf_text(path: Path) -> str:
    return subprocess.run([needs("pdftotext"), "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in document["records"]}


def finding(record: dict[str, Any], rule: str) -> dict[str, Any]:
    return next(f for f in record["findings"] if f["rule"] == rule)


@pytest.mark.parametrize("engine", ["durable", "plain"])
def test_the_inspection_decides_what_the_record_cannot_and_waivers_count_until_they_expire(
        engine: str) -> None:
    status, out, err = run("check", *FIRST, "--format", "json", "--engine", engine)
    assert status == 1, err
    document = json.loads(out)
    assert document["as_of"] == "2019-12-20"  # the inspection's date
    records = by_id(document)
    station = records["JB-DSB-S02"]
    assert station["verdict"] == "non_compliant"
    assert station["inspection"]["number"] == "江北民养检〔2019〕第12号"
    sunlight = finding(station, "QB-SITING-SUNLIGHT")
    assert sunlight["status"] == "fail"  # found dark, declared sunny: the attestation decides
    assert sunlight["attested"]["recorded"] == "pass"
    safety = finding(station, "QB-SITING-SAFETY")["attested"]
    assert safety["evidence"]["name"] == "evidence/消防检查记录.txt"
    assert len(safety["evidence"]["sha256"]) == 64
    medical = finding(station, "QB-SERVICE-MEDICAL")
    assert medical["status"] == "fail" and medical["attested"]["standing"] == "expired"
    area = finding(station, "QB-AREA-STATION")
    assert area["status"] == "fail" and area["waived"]["standing"] == "counts"
    assert records["JB-FS-D01"]["verdict"] == "compliant"  # its one unknown attested
    demo = records["JB-SMH-D01"]
    mental = finding(demo, "QB-DEMO-MENTAL-CARE")
    assert mental["waived"]["standing"] == "expired"  # 已过期，恢复计入
    assert demo["verdict"] == "non_compliant"


@pytest.mark.slow
def test_an_inspection_a_reinspection_the_lists_and_a_verified_report(tmp_path: Path) -> None:
    db = tmp_path / "检查.db"
    first, second = tmp_path / "检查意见书.pdf", tmp_path / "复查意见书.pdf"
    status, _, err = run("check", *FIRST, "--format", "pdf", "-o", str(first), "--record",
                         "--db", str(db))
    assert status == 1, err
    opinion = pdf_text(first)
    for expected in ("社区养老服务设施检查意见书", "江北民养检〔2019〕第12号", "王建国、李晓梅",
                     "现场核查", "与填报情况不一致", "限期整改", "已过期", "检查单位（盖章）",
                     "被检查单位签收", "抄送"):
        assert expected in opinion, expected

    status, _, err = run("check", *SECOND, "--format", "pdf", "-o", str(second), "--record",
                         "--db", str(db))
    assert status == 1, err
    review = pdf_text(second)
    assert "社区养老服务设施复查意见书" in review and "江北民养检〔2019〕第12号" in review
    closed, rest = review.split("已完成整改", 1)[1].split("尚在整改期限内", 1)
    still_open, overdue = rest.split("逾期未整改", 1)
    assert "QB-SERVICE-MEDICAL" in closed and "QB-SITING-TERRAIN" in closed
    assert "QB-AREA-STATION" in still_open and "2020年3月31日" in still_open
    assert "QB-SITING-SUNLIGHT" in overdue.split("本次检查发现的问题", 1)[0]

    status, out, err = run("rectification", "--db", str(db), "--as-of", "2020-01-20",
                           "--facility", "JB-DSB-S02", "--format", "json")
    assert status == 0, err
    states = {item["rule"]: (item["state"], item["deadline"])
              for item in json.loads(out)["items"]}
    assert states == {"QB-SERVICE-MEDICAL": ("closed", "2020-01-19"),
                      "QB-SITING-TERRAIN": ("closed", "2020-02-29"),
                      "QB-SITING-SUNLIGHT": ("overdue", "2020-01-19"),
                      "QB-AREA-STATION": ("open", "2020-03-31")}

    for report in (first, second):
        status, out, err = run("verify", str(report), "--db", str(db))
        assert status == 0 and "内容未改动" in out.decode("utf-8"), err
    altered = tmp_path / "改动.pdf"
    altered.write_bytes(first.read_bytes().replace(b"%%EOF", b"%%EOF\n%"))
    assert run("verify", str(altered), "--db", str(db))[0] == 1

    made = tmp_path / "重新生成.pdf"
    status, _, err = run("history", "JB-DSB-S02", "--db", str(db), "--show", "1", "-o", str(made))
    assert status == 0, err
    assert made.read_bytes() == first.read_bytes()
