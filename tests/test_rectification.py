"""Rectification items kept by the history: the scenarios of
``tests/cases/rectification/scenarios.yml`` (recorded checks opening, closing and leaving
items overdue), run with both engines; and what a stored assessment keeps."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.compile.compiled import Status, Verdict, compile_ruleset
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.engines.admit import load_runnable
from qianbai_rules.engines.evaluator import make_evaluator
from qianbai_rules.history.codec import follow_up_json, follow_up_of, marks_json, marks_of
from qianbai_rules.history.rectification import ItemFilter
from qianbai_rules.history.store import MIGRATIONS, History
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
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import parse_record
from qianbai_rules.pipeline.check import Evaluated, evaluate_record
from qianbai_rules.pipeline.followup import FollowUp, ItemState
from qianbai_rules.pipeline.marks import AttestedUse, Marks, Standing, WaiverUse

ROOT = Path(__file__).resolve().parent.parent
# .yml: every *.yaml under tests/cases is read as command-line cases (test_yaml_fast_path)
CASES = ROOT / "tests" / "cases" / "rectification" / "scenarios.yml"
ENGINES = ("plain", "durable")


def _scenarios() -> list[dict[str, Any]]:
    loaded: dict[str, Any] = load_yaml(CASES.read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = loaded["cases"]
    return cases


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _record(spec: dict[str, Any]) -> FacilityRecord:
    """An example of examples/sites with fields set by dotted paths."""
    raw = load_yaml((ROOT / "examples" / "sites" / f"{spec['base']}.yaml")
                    .read_text(encoding="utf-8"))
    raw = copy.deepcopy(raw)
    for path, value in (spec.get("set") or {}).items():
        *parents, last = path.split(".")
        node = raw
        for key in parents:
            node = node[key]
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value.isoformat() if isinstance(value, dt.date) else value
    record = parse_record(raw)
    assert isinstance(record, FacilityRecord), record
    return record


def _inspection(facility: str, spec: dict[str, Any] | None) -> Marks | None:
    if spec is None:
        return None
    items = {rule: InspectionItem(rule, deadline=_day(day))
             for rule, day in (spec.get("deadlines") or {}).items()}
    return Marks(Inspection(facility, spec.get("number"), date=_day(spec.get("date")),
                            items=items))


def _rules(tmp: Path, files: dict[str, str] | None) -> Path:
    if not files:
        return rules_dir()
    folder = tmp / "rules"
    shutil.copytree(rules_dir(), folder)
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


def record_check(db: Path, folder: Path, engine: str, as_of: dt.date,
                 records: list[FacilityRecord], inspection: dict[str, Any] | None = None,
                 ) -> list[Evaluated]:
    """One recorded check (``check --record --db``) of ``records``, committed."""
    compiled = compile_ruleset(load_runnable(folder), as_of)
    evaluator = make_evaluator(engine, compiled)
    results = []
    for record in records:
        result = evaluate_record(record, "test", compiled, evaluator, as_of.year)
        marks = _inspection(record.id, inspection)
        results.append(replace(result, marks=replace(marks, unwaived=result.verdict))
                       if marks else result)
    with History(db) as history:
        done = [r for r in history.recording(results, compiled, as_of.year, "check")
                if isinstance(r, Evaluated)]
        history.commit()
    return done


def _rules_of(items: Any) -> list[str]:
    return sorted(item.rule for item in items)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", _scenarios(), ids=lambda case: case["name"])
def test_rectification_scenario(case: dict[str, Any], engine: str, tmp_path: Path) -> None:
    folder = _rules(tmp_path, case.get("rules"))
    db = tmp_path / "history.db"
    for step in case["steps"]:
        done = record_check(db, folder, engine, _day(step["as_of"]) or dt.date.today(),
                            [_record(spec) for spec in step["records"]], step.get("inspection"))
        follow_up = done[0].follow_up
        assert follow_up is not None
        for part, expected in (step.get("follow_up") or {}).items():
            if part.startswith("previous"):
                actual = getattr(follow_up, part)
                assert actual == (_day(expected) if part == "previous_on" else expected), part
            else:
                assert _rules_of(getattr(follow_up, part)) == sorted(expected), part
    with History(db, create=False) as history:
        for listing in case.get("listing", []):
            wanted = ItemFilter(frozenset(listing.get("street", [])),
                                frozenset(listing.get("department", [])),
                                frozenset(listing.get("facility", [])),
                                frozenset(ItemState(s) for s in listing.get("state", [])))
            items = history.items(_day(listing["on"]) or dt.date.today(), wanted)
            assert [[i.facility, i.rule, i.deadline.isoformat(), i.state.value]
                    for i in items] == [[f, r, str(d), s] for f, r, d, s in listing["items"]]
        if "assessments" in case:
            count = history.connection.execute("SELECT COUNT(*) FROM assessments").fetchone()
            assert count[0] == case["assessments"]


def test_a_stored_assessment_keeps_the_record_its_source_and_its_follow_up(
        tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    record = _record({"base": "station-failing"})
    done = record_check(db, rules_dir(), "plain", dt.date(2019, 12, 31), [record],
                        {"number": "江北民养检〔2019〕12号", "date": "2019-12-20"})
    with History(db, create=False) as history:
        stored, source, marks, follow_up = history.connection.execute(
            "SELECT record, source, marks, follow_up FROM assessments").fetchone()
    assert FacilityRecord.model_validate_json(stored) == record
    assert source == "test"
    assert marks_of(json.loads(marks)) == done[0].marks
    assert follow_up_of(json.loads(follow_up)) == done[0].follow_up


def test_an_assessment_without_an_inspection_stores_no_marks(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    record_check(db, rules_dir(), "plain", dt.date(2019, 12, 31),
                 [_record({"base": "station-compliant"})])
    with History(db, create=False) as history:
        row = history.connection.execute("SELECT marks, follow_up FROM assessments").fetchone()
    assert row[0] is None
    assert json.loads(row[1])["opened"] == []


def test_marks_and_follow_up_read_back_to_the_same_values() -> None:
    where = Where("waivers.csv", "第3行")
    attestation = Attestation("JB-1", "QB-SITING-TERRAIN", AttestedStatus.passed, Method.site,
                              "张三", dt.date(2019, 12, 20),
                              Evidence("photo.jpg", "ab" * 32, None), "现场平整",
                              dt.date(2020, 12, 31), where)
    waiver = Waiver("JB-1", "QB-AREA-STATION", WaiverKind.rectification, "正在扩建", "区民政局",
                    dt.date(2019, 11, 1), dt.date(2020, 3, 31), where)
    marks = Marks(Inspection("JB-1", "江北民养检〔2019〕12号", "重庆市江北区民政局",
                             dt.date(2019, 12, 20), ("张三", "李四"), Method.document, "王五",
                             {"QB-AREA-STATION": InspectionItem("QB-AREA-STATION", Method.site,
                                                                dt.date(2020, 3, 31))}, where),
                  {"QB-SITING-TERRAIN": AttestedUse(attestation, Status.failed, Standing.counts)},
                  {"QB-AREA-STATION": WaiverUse(waiver, Standing.expired)}, Verdict.non_compliant)
    assert marks_of(json.loads(json.dumps(marks_json(marks)))) == marks
    assert marks_of(marks_json(Marks())) == Marks()
    follow_up = FollowUp(dt.date(2019, 12, 20), "号", (), (), (), ())
    assert follow_up_of(follow_up_json(follow_up)) == follow_up


def test_an_identical_re_run_moves_the_assessment_to_the_newest_place_and_keeps_references(
        tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    failing = _record({"base": "station-failing"})
    fixed = _record({"base": "station-failing", "set": {"floor_area_m2": 250}})
    record_check(db, rules_dir(), "plain", dt.date(2019, 12, 31), [failing])
    with History(db) as history:  # a report that shows the first assessment
        connection = history.connection
        connection.execute("INSERT INTO reports (id, sha256, kind, format, settings, rejected, "
                           "issued_at) VALUES (1, 'x', 'check', 'pdf', '{}', '[]', 'now')")
        connection.execute("INSERT INTO report_assessments VALUES (1, 0, 1)")
    record_check(db, rules_dir(), "plain", dt.date(2020, 2, 15), [fixed])
    record_check(db, rules_dir(), "plain", dt.date(2019, 12, 31), [failing])  # again
    with History(db, create=False) as history:
        connection = history.connection
        rows = connection.execute("SELECT id, as_of, verdict FROM assessments ORDER BY id")
        assert [(as_of, verdict) for _, as_of, verdict in rows] == [
            ("2020-02-15", "non_compliant"), ("2019-12-31", "non_compliant")]
        newest = connection.execute("SELECT MAX(id) FROM assessments").fetchone()[0]
        assert connection.execute("SELECT assessment FROM report_assessments").fetchall() == [
            (newest,)]
        opened_by = {row[0] for row in connection.execute(
            "SELECT opened_by FROM rectification_items")}
        closed_by = {row[0] for row in connection.execute(
            "SELECT closed_by FROM rectification_items WHERE closed_by IS NOT NULL")}
        ids = {row[0] for row in connection.execute("SELECT id FROM assessments")}
        assert opened_by == {newest} and closed_by <= ids and closed_by
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_schema_3_database_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    connection = sqlite3.connect(db)
    connection.executescript("".join(MIGRATIONS[:3]) + "PRAGMA user_version = 3;"
                             "PRAGMA application_id = 1363298353;")
    connection.execute(
        "INSERT INTO assessments (facility, year, as_of, kind, fingerprint, verdict, findings, "
        "subsidy, recorded_at, failed_mandatory, identity) VALUES ('JB-DSB-S02', 2019, "
        "'2019-12-31', 'check', 'sha256:old', 'non_compliant', '{}', '[]', "
        "'2020-01-05T00:00:00+00:00', '[\"QB-AREA-STATION\"]', 'old')")
    connection.commit()
    connection.close()
    done = record_check(db, rules_dir(), "plain", dt.date(2020, 1, 10),
                        [_record({"base": "station-failing"})])
    follow_up = done[0].follow_up
    assert follow_up is not None and follow_up.previous_on == dt.date(2019, 12, 31)
    with History(db, create=False) as history:
        rows = history.connection.execute(
            "SELECT facility, as_of, record IS NULL FROM assessments ORDER BY id").fetchall()
        assert rows[0] == ("JB-DSB-S02", "2019-12-31", 1)
        assert history.non_compliant(2019) == {"JB-DSB-S02": ("QB-AREA-STATION",)}
        assert len(history.assessments("JB-DSB-S02")) == 2
