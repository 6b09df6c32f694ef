"""执行口径 (requirements.md §9): readings as data, checked by lint, marked in every output;
info rules and entitlements never worded as meeting a requirement nor given a remedy."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from qianbai_rules.cli.app import main
from qianbai_rules.core.problems import RulesError
from qianbai_rules.rules.ruleset import Ruleset, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "sites"
CAVEAT = {"zh": "本系统执行口径，非官方解读",
          "en": "working interpretation of this system, not an official interpretation"}
# What a row of an info rule or entitlement must never say.
MEETS = {"zh": re.compile(r"符合[^，。；]*要求"), "en": re.compile(r"meets the requirement", re.I)}


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(ROOT / "rules")


def _run(*args: str) -> str:
    out = io.StringIO()
    status = main([*args, "--as-of", "2019-12-31"], out=out, err=io.StringIO())
    assert status in (0, 1), out.getvalue()
    return out.getvalue()


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(root: Path) -> list[str]:
    with pytest.raises(RulesError) as caught:
        load_ruleset(root)
    return [str(p) for p in caught.value.problems]


# --- lint ---------------------------------------------------------------------------

def test_lint_fails_for_a_rule_the_readings_file_names_that_carries_no_reading(
        tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "checks" / "1-facility-standards" / "five-ones.yaml",
          "    reading: [RD-TEAM-ONE-PERSON]\n", "")
    problems = _problems(root)
    assert len(problems) == 1
    assert "five-ones.yaml, rule QB-FIVE-TEAM, field reading: rests on reading " \
           "RD-TEAM-ONE-PERSON" in problems[0]


def test_lint_fails_for_a_parameter_the_readings_file_names_that_carries_no_reading(
        tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "parameters" / "subsidy" / "operating.yaml",
          "  reading: [RD-OPERATING-PAYER]\n", "")
    problems = _problems(root)
    assert len(problems) == 1
    assert "operating.yaml, parameter subsidy.operating.payer, field reading: rests on " \
           "reading RD-OPERATING-PAYER" in problems[0]


def test_lint_fails_for_an_unknown_reading_and_for_a_mark_the_reading_does_not_name(
        tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "checks" / "3-smart-care" / "smart-care.yaml", "    severity: advisory\n",
          "    severity: advisory\n    reading: [RD-NO-SUCH, RD-FLOOR-AREA]\n")
    problems = _problems(root)
    assert len(problems) == 2
    assert "rule QB-SMART-ONLINE, field reading: unknown reading 'RD-NO-SUCH'" in problems[0]
    assert "rule QB-SMART-ONLINE, field reading: reading RD-FLOOR-AREA does not name this " \
           "rule" in problems[1]


def test_lint_fails_for_a_reading_naming_an_unknown_rule(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "readings.yaml", "    rules: [QB-SERVICE-MARKET]\n",
          "    rules: [QB-SERVICE-MARKET, QB-NO-SUCH-RULE]\n")
    problems = _problems(root)
    assert problems == [f"{(root / 'readings.yaml').as_posix()}, reading RD-MARKET-ADVISORY, "
                        "field rules: unknown rule 'QB-NO-SUCH-RULE'"]


def test_lint_fails_for_an_info_rule_whose_requirement_can_be_false(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "checks" / "6-policy-support" / "policy.yaml",
          "requires: {field: health.public_health_services, in: [true, false]}",
          "requires: {field: health.public_health_services, eq: true}")
    problems = _problems(root)
    assert len(problems) == 1
    assert "rule QB-HEALTH-PUBLIC, field requires: an entitlement never fails, but this " \
           "requirement can be false" in problems[0]


def test_lint_fails_for_an_info_rule_with_a_remediation_or_an_entitlement_not_worded_as_a_claim(
        tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "checks" / "2-operating-model" / "operation.yaml",
          '      requirement: {zh: "登记运营模式',
          '      remediation: {zh: 登记运营模式, en: record the operating model}\n'
          '      requirement: {zh: "登记运营模式')
    _edit(root / "checks" / "6-policy-support" / "policy.yaml",
          "在运营中可享受与养老机构同等", "在运营中享有与养老机构同等")
    problems = _problems(root)
    assert len(problems) == 2
    assert "rule QB-OPERATION-MODEL, field text.remediation: an info rule never fails, so it " \
           "has no text.remediation" in problems[0]
    assert "rule QB-POLICY-UTILITIES, field text.requirement: an entitlement is worded as " \
           "what may be claimed" in problems[1]


# --- the data -------------------------------------------------------------------------

def test_every_reading_is_held_once_and_marks_what_it_names(ruleset: Ruleset) -> None:
    assert len(ruleset.readings) >= 20
    for reading in ruleset.readings.values():
        for rule_id in reading.rules:
            rule = ruleset.rule(rule_id)
            assert rule is not None and reading.id in rule.readings
        for name in reading.parameters:
            assert reading.id in ruleset.parameters[name].readings
        assert "解读" not in reading.text.zh


def test_no_user_text_of_the_rules_or_labels_says_jiedu_but_the_caveat() -> None:
    for path in [*(ROOT / "rules").rglob("*.yaml"), ROOT / "reports" / "templates" / "labels.yaml",
                 ROOT / "README.md"]:
        if path.name.endswith(".test.yaml") or path.name == "fixtures.yaml":
            continue
        text = path.read_text(encoding="utf-8").replace("非官方解读", "")
        assert "解读" not in text, path


# --- outputs ------------------------------------------------------------------------

def _informs(ruleset: Ruleset) -> set[str]:
    return {r.id for r in ruleset.rules if r.severity.value == "info" or r.entitlement}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_json_marks_every_finding_the_readings_file_marks_and_lists_the_readings(
        ruleset: Ruleset, lang: str) -> None:
    document = json.loads(_run("check", str(EXAMPLES), "--format", "json", "--lang", lang))
    marked = {rule for r in ruleset.readings.values() for rule in r.rules}
    assert [r["id"] for r in document["readings"]] == [
        r.id for r in ruleset.readings.values() if r.rules or r.parameters or
        "department" in r.outputs]
    assert all(r["text"] for r in document["readings"])
    for applied in document["ruleset"]["parameters"]:
        carried = list(ruleset.parameters[applied["name"]].readings)
        assert applied.get("readings", []) == carried, applied
    assert any(a.get("readings") for a in document["ruleset"]["parameters"])
    for record in document["records"]:
        for finding in record["findings"]:
            if finding["rule"] in marked:
                rule = ruleset.rule(finding["rule"])
                assert rule is not None
                assert finding["readings"] == [r.id for r in ruleset.readings_of(rule)]
                assert CAVEAT[lang] in finding["interpretation"].lower()
                for reading in ruleset.readings_of(rule):
                    assert reading.text(lang) in finding["interpretation"]  # type: ignore[arg-type]
            else:
                assert "interpretation" not in finding and "readings" not in finding


def test_jsonl_header_lists_the_readings() -> None:
    header = json.loads(_run("check", str(EXAMPLES / "station-compliant.yaml"), "--format",
                             "jsonl").splitlines()[0])["header"]
    assert "RD-TEAM-ONE-PERSON" in [r["id"] for r in header["readings"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_info_or_entitlement_finding_is_worded_as_meeting_a_requirement_or_given_a_remedy(
        ruleset: Ruleset, lang: str) -> None:
    informs = _informs(ruleset)
    document = json.loads(_run("check", str(EXAMPLES), "--format", "json", "--lang", lang))
    seen = set()
    for record in document["records"]:
        for finding in record["findings"]:
            if finding["rule"] in informs:
                seen.add(finding["status"])
                assert finding["status"] != "fail", finding
                assert "remediation" not in finding, finding
                assert not MEETS[lang].search(finding["message"]), finding
                assert not MEETS[lang].search(finding["requirement"]), finding
    assert {"pass", "unknown"} <= seen


def _text_rows(text: str) -> dict[str, list[str]]:
    """The text report's rows by rule: the heading line and the indented lines under it."""
    rows: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        match = re.match(r"^\[[^\]]+\] (QB-[A-Z0-9-]+) ", line)
        if match:
            current = rows.setdefault(f"{match.group(1)}#{len(rows)}", [])
            current.append(line)
        elif line.startswith("    ") and current:
            current.append(line)
        else:
            current = []
    return rows


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_report_tags_rows_on_readings_and_words_info_rows_as_claims(
        ruleset: Ruleset, lang: str) -> None:
    text = _run("check", str(EXAMPLES), "--lang", lang)
    informs = _informs(ruleset)
    marked = {rule for r in ruleset.readings.values() for rule in r.rules}
    tag = "【执行口径】" if lang == "zh" else "[working interpretation]"
    remedy = "整改建议" if lang == "zh" else "What to do"
    rows = _text_rows(text)
    assert len(rows) > 100
    for key, lines in rows.items():
        rule = key.split("#")[0]
        assert (tag in lines[0]) == (rule in marked), lines[0]
        if rule in informs:
            assert not lines[0].startswith(("[符合]", "[pass]")), lines[0]
            assert not any(MEETS[lang].search(line) or remedy in line for line in lines), lines
    assert any(lines[0].startswith("[可享受] QB-HEALTH-PUBLIC" if lang == "zh"
                                   else "[may claim] QB-HEALTH-PUBLIC") for lines in rows.values())
    section = text[text.index("执行口径说明（本系统执行口径，非官方解读）" if lang == "zh"
                              else "Working interpretations (working interpretation of this"):]
    for reading in ruleset.readings.values():
        if reading.rules or reading.parameters:
            assert f"{reading.id}{'：' if lang == 'zh' else ': '}{reading.text(lang)}" in section  # type: ignore[arg-type]


@pytest.mark.parametrize("audience", ["inspector", "operator"])
def test_html_report_prints_the_readings_section_and_tags_rows(
        ruleset: Ruleset, audience: str) -> None:
    html = _run("check", str(EXAMPLES / "demo-center-compliant.yaml"), "--format", "html",
                "--audience", audience)
    soup = BeautifulSoup(html, "html.parser")
    section = soup.find("section", attrs={"data-section": "readings"})
    assert section is not None
    heading = section.find("h2")
    assert heading is not None and heading.get_text() == "执行口径说明（本系统执行口径，非官方解读）"
    listed = [li["data-reading"] for li in section.find_all("li")]
    assert listed == [r.id for r in ruleset.readings.values()
                      if r.rules or r.parameters or "department" in r.outputs]
    if audience == "operator":
        return
    informs = _informs(ruleset)
    rows = soup.select("tr[data-rule]")
    skipped = soup.select_one("[data-not-applicable]")  # the 检查意见书 counts them in one line
    assert len(rows) + (int(str(skipped["data-not-applicable"])) if skipped else 0) \
        == len(ruleset.rules)
    for row in rows:
        rule = ruleset.rule(str(row["data-rule"]))
        assert rule is not None
        tag = row.find("span", class_="reading")
        assert (tag is not None) == bool(rule.readings), rule.id
        if tag is not None:
            assert tag.get_text() == "【执行口径】" + "、".join(rule.readings)
        if rule.id in informs:
            status = row.find("span", class_="status")
            assert status is not None and "符合" not in status.get_text(), rule.id
            assert not MEETS["zh"].search(row.get_text()), rule.id
            assert "整改建议" not in row.get_text(), rule.id


def test_markdown_report_prints_the_readings_section_and_words_info_rows_as_claims(
        ruleset: Ruleset) -> None:
    md = _run("check", str(EXAMPLES), "--format", "md")
    reports = md.count("# 社区养老服务设施检查意见书\n")
    assert reports >= 7
    assert md.count("## 执行口径说明（本系统执行口径，非官方解读）") == reports
    informs = _informs(ruleset)
    rows = [line for line in md.splitlines() if re.match(r"^\| QB-[A-Z0-9-]+ \|", line)]
    assert len(rows) > 100
    for row in rows:
        rule_id = row.split("|")[1].strip()
        rule = ruleset.rule(rule_id)
        assert rule is not None
        title = row.split("|")[2]
        assert ("【执行口径】" in title) == bool(rule.readings), row
        if rule.readings:
            assert title.endswith("【执行口径】" + "、".join(rule.readings) + " "), row
        if "✗" in row.split("|")[3]:  # who follows a failure up rests on a reading too
            assert "责任部门：" in row and "【执行口径】；责任街镇：" in row, row
        if rule_id in informs:
            status = row.split("|")[3]
            assert "符合" not in status and not MEETS["zh"].search(row), row
            assert "整改建议" not in row, row
    assert "| ✓ 可享受 |" in md


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_annual_evaluation_tags_what_rests_on_a_reading_and_lists_them(fmt: str) -> None:
    out = _run("evaluate", str(ROOT / "examples" / "jiangbei-registry.xlsx"), "--year", "2019",
               "--format", fmt)
    assert "执行口径说明（本系统执行口径，非官方解读）" in out
    for reading_id in ("RD-EXIT-REVIEW", "RD-DEPARTMENTS", "RD-LOTTERY-FUND-FIRST",
                       "RD-OPERATING-PRORATION"):
        assert out.count(reading_id) >= 2, reading_id  # the tag and the section


def test_annual_json_lists_every_reading() -> None:
    document = json.loads(_run("evaluate", str(ROOT / "examples" / "jiangbei-registry.xlsx"),
                               "--year", "2019", "--format", "json"))
    ids = [r["id"] for r in document["readings"]]
    assert {"RD-EXIT-REVIEW", "RD-LOTTERY-FUND-FIRST", "RD-DEPARTMENTS"} <= set(ids)
    assert len(ids) == len(load_ruleset(ROOT / "rules").readings)


def test_every_subsidy_amount_names_the_readings_it_rests_on_in_json_and_text(
        ruleset: Ruleset) -> None:
    document = json.loads(_run("check", str(ROOT / "examples" / "sites" / "station-compliant.yaml"),
                               "--format", "json"))
    subsidy = document["records"][0]["subsidy"]
    for kind, rule_id in (("construction", "QB-SUBSIDY-CONSTRUCTION-STATION"),
                          ("operating", "QB-SUBSIDY-OPERATING")):
        rule = ruleset.rule(rule_id)
        assert rule is not None and rule.readings
        assert subsidy[kind]["readings"] == list(rule.readings)
    text = _run("check", str(ROOT / "examples" / "sites" / "station-compliant.yaml"))
    lines = [line for line in text.splitlines() if "运营补贴：可获" in line]
    assert lines and all("【执行口径】RD-OPERATING-PRORATION" in line for line in lines)


def test_the_evaluation_workbook_lists_every_reading_on_a_sheet_of_its_own(
        ruleset: Ruleset, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "evaluation.xlsx"
    _run("evaluate", str(ROOT / "examples" / "jiangbei-registry.xlsx"), "--year", "2019",
         "--format", "xlsx", "-o", str(path))
    sheet = openpyxl.load_workbook(path)["执行口径"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(ruleset.readings)
    assert all(row[1] for row in rows)
