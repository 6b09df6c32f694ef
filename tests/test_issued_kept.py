"""A report made again evaluates the stored record with the attestations and waivers its
marks used, and keeps the follow-up as it was (never recomputed)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from qianbai_rules.cli.app import main
from qianbai_rules.compile.compiled import Status, Verdict
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.engines.admit import load_runnable
from qianbai_rules.history.assessments import numbered
from qianbai_rules.history.codec import follow_up_json, sidecars_of
from qianbai_rules.history.issued import issued_in
from qianbai_rules.history.reissue import reissue
from qianbai_rules.history.store import History
from qianbai_rules.model.inspection import (
    Attestation,
    AttestedStatus,
    Evidence,
    Inspection,
    InspectionItem,
    Method,
    Waiver,
    WaiverKind,
    Where,
)
from qianbai_rules.model.values import id_key
from qianbai_rules.pipeline.followup import FollowUp, ItemState, RectificationItem
from qianbai_rules.pipeline.marks import AttestedUse, Marks, Standing, WaiverUse

DAY = dt.date(2019, 12, 10)
ATTESTED = Attestation("JB-DSB-S02", "QB-AREA-STATION", AttestedStatus.failed, Method.site,
                       "张三", DAY, Evidence(name="消防检查记录.txt", sha256="ab" * 32), "实测",
                       dt.date(2020, 6, 30), Where("attestations.csv", "第3行"))
WAIVED = Waiver("JB-DSB-S02", "QB-SERVICE-MEALS", WaiverKind.rectification, "正在改造",
                "李四", dt.date(2019, 11, 1), dt.date(2020, 1, 31), Where("waivers.yaml", "第1项"))
MARKS = Marks(
    Inspection("JB-DSB-S02", "江北民养检〔2019〕第12号", "重庆市江北区民政局", DAY, ("张三", "王五"),
               Method.document, "赵六",
               {"QB-AREA-STATION": InspectionItem("QB-AREA-STATION", Method.site,
                                                  dt.date(2020, 1, 15))}),
    {"QB-AREA-STATION": AttestedUse(ATTESTED, Status.passed, Standing.counts)},
    {"QB-SERVICE-MEALS": WaiverUse(WAIVED, Standing.expired)},
    Verdict.non_compliant)
ITEM = RectificationItem("JB-DSB-S02", "QB-AREA-STATION", DAY, dt.date(2020, 1, 9), "大石坝街道",
                         "civil_affairs", "江北民养检〔2019〕第12号", ItemState.overdue)
FOLLOW_UP = FollowUp(dt.date(2019, 11, 1), "江北民养检〔2019〕第8号",
                     closed=(RectificationItem(
                         "JB-DSB-S02", "QB-SERVICE-MEALS", dt.date(2019, 11, 1),
                         dt.date(2019, 12, 1), None, "civil_affairs", None, ItemState.closed,
                         DAY),),
                     overdue=(ITEM,))


def test_the_attestations_and_waivers_used_are_given_back_as_read_for_the_facility() -> None:
    sidecars = sidecars_of("JB-DSB-S02", MARKS)
    key = id_key("JB-DSB-S02")
    assert sidecars.attestations[key] == (ATTESTED,)
    assert sidecars.waivers[key] == (WAIVED,)
    assert sidecars.inspections[key] == MARKS.inspection
    assert not sidecars_of("JB-DSB-S02", None)


def test_a_report_is_made_again_from_an_assessment_that_kept_its_follow_up(tmp_path: Path) -> None:
    site = str(Path(__file__).resolve().parents[1] / "examples" / "sites" / "station-failing.yaml")
    db = tmp_path / "h.db"
    status = main(["check", site, "--record", "--db", str(db), "--as-of", "2019-12-31",
                   "--format", "json", "-o", str(tmp_path / "r.json")], io.StringIO(),
                  io.StringIO())
    assert status == 1
    with History(db, create=False) as history:
        history.connection.execute("UPDATE assessments SET follow_up = ?",
                                   (json.dumps(follow_up_json(FOLLOW_UP)),))
        report = issued_in(history.connection, numbered(history.connection, "JB-DSB-S02")[0])
    assert report is not None and report.shown[0].follow_up == follow_up_json(FOLLOW_UP)
    made = reissue(report, load_runnable(rules_dir()))
    assert made.data == (tmp_path / "r.json").read_bytes()
