"""The run report (reports/model.py): built once per record, read by every format."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from qianbai_rules.cli.app import main
from qianbai_rules.compile.compiled import Status, compile_ruleset
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.io.inputs import read
from qianbai_rules.pipeline.check import Evaluated, evaluate_record, validate
from qianbai_rules.reports.build import Reporter
from qianbai_rules.reports.claimmodel import ConstructionClaim, OperatingClaim
from qianbai_rules.reports.model import RecordReport
from qianbai_rules.rules.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "examples" / "sites" / "station-missing-data.yaml"
AS_OF = "2019-12-31"


def _report(lang: str = "zh") -> RecordReport:
    compiled = compile_ruleset(load_ruleset(ROOT / "rules"), dt.date.fromisoformat(AS_OF))
    item = next(iter(read(str(SITE))))
    checked = validate(item)
    assert isinstance(checked, tuple)
    identity, record = checked
    result = evaluate_record(record, identity.source, compiled, PlainEvaluator(compiled), 2019)
    assert isinstance(result, Evaluated)
    return Reporter(compiled, 2019, lang).record(result)  # type: ignore[arg-type]


def test_the_json_output_is_the_reports_json_rendering() -> None:
    out = io.StringIO()
    main(["check", str(SITE), "--as-of", AS_OF, "--format", "json", "--engine", "plain"],
         out=out, err=io.StringIO())
    printed = json.loads(out.getvalue())["records"][0]
    report = _report()
    assert printed == json.loads(json.dumps(report.as_json()))
    assert json.loads(report.as_line()) == printed


def test_the_documents_groupings_come_from_the_typed_findings() -> None:
    report = _report()
    assert report.verdict == "incomplete"
    assert report.type_name == "社区养老服务站"
    assert report.fix == []  # nothing recorded fails
    supplied = [f.rule for f in report.supply]
    assert "QB-AREA-STATION" in supplied and "QB-SITING-TERRAIN" in supplied
    assert all(f.severity == "mandatory" and f.status == "unknown" for f in report.supply)
    assert report.missing[0] == "建筑面积（平方米）"
    assert len(report.missing) == len(set(report.missing))
    counts = report.counts
    assert list(counts) == [s.value for s in Status]
    assert sum(counts.values()) == len(report.findings) and counts["fail"] == 0
    # Sections in plan order, each finding in the section of its rule, none lost.
    clauses = [s.clause for s in report.sections]
    assert clauses == [c for c in report.section_titles if c in clauses]
    assert sum(len(s.findings) for s in report.sections) == len(report.findings)
    assert all(f.section == s.clause for s in report.sections for f in s.findings)


def test_a_finding_that_asks_for_action_names_the_street_town() -> None:
    area = next(f for f in _report().findings if f.rule == "QB-AREA-STATION")
    assert area.responsible and area.street_town == "鱼嘴镇"
    assert area.as_json()["street_town"] == "鱼嘴镇"
    assert [(o.label, o.value) for o in area.observed_text] == [
        ("类型", "社区养老服务站"), ("建筑面积（平方米）", "（未填写）")]
    passed = next(f for f in _report("en").findings if f.status == "pass")
    assert not passed.responsible and "street_town" not in passed.as_json()


def test_the_identity_block_leaves_out_what_a_headline_shows() -> None:
    report = _report()
    fields = [row["field"] for row in report.identity]
    assert fields[:4] == ["id", "name", "district", "street_town"]
    assert [row["field"] for row in report.identity_besides(("id", "name"))] == fields[2:]


def test_the_subsidy_claims_are_typed_and_keep_the_json_shape() -> None:
    report = _report()
    assert report.subsidy is not None
    construction, operating = report.subsidy["construction"], report.subsidy["operating"]
    assert isinstance(construction, ConstructionClaim) and isinstance(operating, OperatingClaim)
    assert construction.status == operating.status == "undetermined"
    assert construction.year == 2019 and construction.total is None
    assert report.as_json()["subsidy"] == {"construction": construction.as_json(),
                                           "operating": operating.as_json()}
    assert "potential" not in construction.as_json()


def test_a_claims_potential_is_shown_where_given_even_when_unknown() -> None:
    claim = OperatingClaim(
        status="undetermined", rule="R", year=2019, months=None, amount=None, rate=None,
        proration="monthly", reasons=["X"], rates=[], shows_potential=True, potential=None,
        basis=(), funder=None, message="m", readings=[])
    assert list(claim.as_json()) == [
        "status", "rule", "year", "months", "amount", "rate", "proration", "reasons", "rates",
        "potential", "basis", "funder", "message", "readings"]
    assert claim.as_json()["potential"] is None
    construction = ConstructionClaim(
        status="ineligible", rule="R", year=2019, in_year=True, total=None, city=None,
        district=None, standard=None, approved=None, paid=None, owed=None, overpaid=None,
        reasons=["X"], potential={"total": 250000}, basis=(), message="m", readings=[])
    assert list(construction.as_json())[12:15] == ["reasons", "potential", "basis"]
