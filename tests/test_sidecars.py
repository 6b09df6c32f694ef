"""The inspection's files (--inspection, --attestations, --waivers): read, checked, located.

The reader cases are data (tests/data/sidecars/reader-cases.yaml: not under tests/cases/,
whose files are all command-line cases); the command-line cases too
(tests/cases/sidecars/cli.yaml, run as tests/cases/cli/ are); here are the cases that need
code: evidence files and their hashes, hostile files, the CLI's own decisions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import io
import json
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from qianbai_rules.cli.app import main
from qianbai_rules.core.problems import Problem
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.core.yamlio import load_yaml
from qianbai_rules.engines.admit import load_runnable
from qianbai_rules.io.sidecars import SidecarFiles, read_sidecars, unknown_facilities
from qianbai_rules.model.inspection import Sidecars
from qianbai_rules.pipeline.check import run
from qianbai_rules.rules.rulefile import Rule
from tests.case_files import write_case_file
from tests.cli_cases import load_cli_cases, run_cli_case

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "sidecars"
EXAMPLES = ROOT / "examples" / "inspection"
SITES = ROOT / "examples" / "sites"
# run() takes the inspection's files once task B's evaluation of them is merged
RUN_TAKES_SIDECARS = "sidecars" in inspect.signature(run).parameters


@cache
def shipped_rules() -> tuple[Rule, ...]:
    return load_runnable(rules_dir()).rules


def read(kind: str, path: Path) -> tuple[SidecarFiles, Sidecars, list[Problem]]:
    files = read_sidecars(**{{"inspection": "inspection", "attestation": "attestations",
                              "waiver": "waivers"}[kind]: str(path)})
    sidecars, wrong = files.checked(shipped_rules())
    return files, sidecars, [*files.problems, *wrong]


def _cases() -> list[Any]:
    doc = load_yaml((ROOT / "tests" / "data" / "sidecars" / "reader-cases.yaml").read_text(
        encoding="utf-8"))
    return [pytest.param(case, id=case["name"]) for case in doc["cases"]]




def _plain(value: Any) -> Any:
    """A read value as the cases write it: dates ISO, codes by value, tuples as lists."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


def _subset(expected: Any, actual: Any, path: str = "$") -> None:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing in {actual}"
            _subset(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, dict):
        _subset(expected, _plain(actual), path)
    else:
        assert expected == actual, f"{path}: expected {expected!r}, got {actual!r}"


def _messages(found: list[Problem], expected: list[dict[str, list[str]]]) -> None:
    assert len(found) == len(expected), [p.says("zh") for p in found]
    for problem, wanted in zip(found, expected, strict=True):
        for lang in ("zh", "en"):
            said = problem.says(lang)
            for part in wanted.get(lang, []):
                assert part in said, f"{part!r} not in {said!r}"


@pytest.mark.parametrize("case", _cases())
def test_reader_case(case: dict[str, Any], tmp_path: Path) -> None:
    path = write_case_file(tmp_path, case)
    files, sidecars, problems = read(case["kind"], path)
    _messages(problems, case.get("problems", []))
    _messages(files.warnings, case.get("warnings", []))
    entries: list[Any] = [*sidecars.inspections.values()] + [
        entry for group in (sidecars.attestations, sidecars.waivers) for named in group.values()
        for entry in named]
    assert len(entries) == len(case["read"]), entries
    for wanted, entry in zip(case["read"], entries, strict=True):
        _subset(wanted, _plain(entry))


def test_an_evidence_file_is_kept_by_its_name_as_written_and_its_sha256(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    proof = tmp_path / "evidence" / "消防检查记录.txt"
    proof.write_bytes(b"x" * 3_000_000)  # more than one chunk
    absolute = tmp_path / "照片.jpg"
    absolute.write_bytes(b"\xff\xd8photo")
    table = tmp_path / "a.csv"
    table.write_text("设施编号,规则编号,核查结论,核查方式,佐证材料,核查人,核查日期\n"
                     f"A,QB-SITING-SAFETY,符合,查阅资料,evidence/消防检查记录.txt,甲,2019-12-20\n"
                     f"A,QB-SITING-SUNLIGHT,符合,现场查看,{absolute},甲,2019-12-20\n"
                     "A,QB-SITING-HYGIENE,符合,查阅资料,卫生许可证 渝卫〔2019〕3号,甲,2019-12-20\n",
                     encoding="utf-8")
    _, sidecars, problems = read("attestation", table)
    assert problems == []
    first, second, third = (a.evidence for a in sidecars.attestations["A"])
    assert first is not None and second is not None and third is not None
    assert (first.name, first.sha256) == ("evidence/消防检查记录.txt",
                                          hashlib.sha256(proof.read_bytes()).hexdigest())
    assert (second.name, second.sha256) == (str(absolute),
                                            hashlib.sha256(b"\xff\xd8photo").hexdigest())
    assert third.as_json() == {"reference": "卫生许可证 渝卫〔2019〕3号"}


@pytest.mark.parametrize("value", ["evidence/没有.pdf", "记录.txt", "evidence", "sub/dir"])
def test_evidence_that_looks_like_a_file_but_names_no_regular_file_is_refused(
        tmp_path: Path, value: str) -> None:
    (tmp_path / "evidence").mkdir()
    (tmp_path / "sub" / "dir").mkdir(parents=True)
    table = tmp_path / "a.yaml"
    table.write_text(f"- {{facility: A, rule: QB-SITING-SAFETY, status: pass, method: document, "
                     f"inspector: 甲, date: 2019-12-20, evidence: '{value}'}}\n", encoding="utf-8")
    _, sidecars, problems = read("attestation", table)
    if value == "evidence":  # a folder without a suffix or slash: a document reference
        assert problems == [] and sidecars.attestations["A"][0].evidence is not None
        return
    assert not sidecars and len(problems) == 1
    assert f"第1条记录的佐证材料：佐证材料{'文件' if 'dir' not in value else ''}{value}" in \
        problems[0].says("zh")


def test_the_example_files_read_without_problems_and_give_what_the_readme_says() -> None:
    files = read_sidecars(str(EXAMPLES / "inspection.yaml"), str(EXAMPLES / "attestations.csv"),
                          str(EXAMPLES / "waivers.yaml"))
    sidecars, wrong = files.checked(shipped_rules())
    assert files.problems == [] and wrong == [] and files.warnings == []
    assert files.dates() == [dt.date(2019, 12, 20)]
    inspection = sidecars.inspections["JB-DSB-S02"]
    assert inspection.number == "江北民养检〔2019〕第12号" and len(inspection.inspectors) == 2
    assert inspection.deadline_of("QB-SITING-TERRAIN") == dt.date(2020, 2, 29)
    attested = {(a.facility, a.rule): a for named in sidecars.attestations.values() for a in named}
    evidence = attested["JB-DSB-S02", "QB-SITING-SAFETY"].evidence
    assert evidence is not None and evidence.sha256 == hashlib.sha256(
        (EXAMPLES / "evidence" / "消防检查记录.txt").read_bytes()).hexdigest()
    assert attested["JB-DSB-S02", "QB-SERVICE-MEDICAL"].expires == dt.date(2019, 6, 30)
    waived = {w.rule: w for named in sidecars.waivers.values() for w in named}
    assert waived["QB-AREA-STATION"].expires_on > dt.date(2019, 12, 20)
    assert waived["QB-DEMO-MENTAL-CARE"].expires_on < dt.date(2019, 12, 20)


def test_entries_naming_a_facility_no_record_has_are_warned_of_at_the_end() -> None:
    files = read_sidecars(None, str(EXAMPLES / "attestations.csv"), str(EXAMPLES / "waivers.yaml"))
    sidecars, _ = files.checked(shipped_rules())
    warnings = unknown_facilities(sidecars, {"JB-DSB-S02"})
    said = [w.says("zh") for w in warnings]
    assert said == ["第5行：现场核查所列设施JB-FS-D01不在本次评估的记录中",
                    "第2条记录：容缺所列设施JB-SMH-D01不在本次评估的记录中"], said


# Hostile files: each is one clear problem naming the file, never a traceback.

def _workbook_with_formula(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "容缺"
    sheet.append(["设施编号", "规则编号", "容缺类型", "理由", "批准人", "批准日期", "到期日期"])
    sheet.append(["X", "QB-AREA-STATION", "限期整改", "扩建中", "民政局", "=TODAY()", "2020-03-31"])
    book.save(path)


@pytest.mark.parametrize(("name", "make", "said"), [
    ("w.yaml", lambda p: p.write_bytes(b"\x00\x01\x02binary" * 100), "不是文本"),
    ("w.csv", lambda p: p.write_bytes("设施编号\n".encode("utf-16")), "UTF-16"),
    ("w.xlsx", lambda p: p.write_bytes(b"PK\x03\x04 not a zip"), "XLSX"),
    ("w.yaml", lambda p: p.write_text("[" * 200 + "]" * 200, encoding="utf-8"), "嵌套"),
    ("w.yaml", lambda p: p.write_text("- {facility: X\n", encoding="utf-8"), "第2行"),
    ("w.txt", lambda p: p.write_text("x", encoding="utf-8"), "无法识别的文件类型.txt"),
    ("w.xlsx", _workbook_with_formula, "F列（批准日期）"),
])
def test_a_hostile_file_is_one_clear_problem(tmp_path: Path, name: str, make: Any,
                                             said: str) -> None:
    path = tmp_path / name
    make(path)
    _, sidecars, problems = read("waiver", path)
    assert not sidecars
    assert problems and said in problems[0].says("zh"), [p.says("zh") for p in problems]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from qianbai_rules.core import limits
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 1000)
    path = tmp_path / "w.csv"
    path.write_text("设施编号\n" + "X\n" * 2000, encoding="utf-8")
    _, _, problems = read("waiver", path)
    assert len(problems) == 1 and "超过" in problems[0].says("zh")


@pytest.mark.parametrize("name", ["missing.yaml", "folder"])
def test_a_file_that_is_not_there_or_not_a_file_is_named(tmp_path: Path, name: str) -> None:
    (tmp_path / "folder").mkdir()
    _, _, problems = read("attestation", tmp_path / name)
    assert len(problems) == 1 and problems[0].file == str(tmp_path / name)


# The command line.

def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _cli_cases() -> list[Any]:
    evaluated = pytest.mark.skipif(not RUN_TAKES_SIDECARS,
                                   reason="task B's evaluation is not merged yet")
    return [*(pytest.param(case, id=case.name) for case in load_cli_cases(CASES / "cli.yaml")),
            *(pytest.param(case, id=case.name, marks=evaluated)
              for case in load_cli_cases(CASES / "cli-evaluated.yaml"))]


@pytest.mark.parametrize("case", _cli_cases())
def test_cli_case(case: Any, tmp_path: Path) -> None:
    failures = run_cli_case(case, tmp_path)
    assert not failures, "\n".join(failures)


def test_inspections_on_different_dates_need_an_as_of_date(tmp_path: Path) -> None:
    path = tmp_path / "i.yaml"
    path.write_text("- {facility: A, date: 2019-12-20}\n- {facility: B, date: 2019-12-21}\n",
                    encoding="utf-8")
    status, out, err = cli("check", str(SITES / "station-failing.yaml"), "--inspection", str(path))
    assert status == 2 and out == ""
    assert ("检查文件中各设施的检查日期不同（2019年12月20日、2019年12月21日），"
            "请以--as-of指定评估基准日") in err


def test_jobs_with_the_inspections_files_is_refused_clearly() -> None:
    status, _, err = cli("check", str(SITES / "station-failing.yaml"), "--jobs", "2",
                         "--format", "json", "--waivers", str(EXAMPLES / "waivers.yaml"))
    assert status == 2 and "带检查、核查或容缺文件时不能并行处理" in err


@pytest.mark.skipif(not RUN_TAKES_SIDECARS, reason="task B's evaluation is not merged yet")
@pytest.mark.parametrize("engine", ["plain", "durable"])
def test_the_inspection_date_is_the_as_of_date_and_the_examples_evaluate(engine: str) -> None:
    status, out, err = cli("check", str(SITES / "station-failing.yaml"),
                           str(SITES / "several-sites.yaml"), "--format", "json",
                           "--engine", engine, "--inspection", str(EXAMPLES / "inspection.yaml"),
                           "--attestations", str(EXAMPLES / "attestations.csv"),
                           "--waivers", str(EXAMPLES / "waivers.yaml"))
    assert "qianbai:" not in err, err
    report = json.loads(out)
    assert report["as_of"] == "2019-12-20"
    verdicts = {r["id"]: r["verdict"] for r in report["records"]}
    assert verdicts["JB-FS-D01"] == "compliant"  # its one unknown attested
    assert verdicts["JB-DSB-S02"] == "non_compliant"
    assert status == 1


def test_a_csv_table_saved_by_chinese_excel_in_gb18030_is_read(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes("设施编号,规则编号,容缺类型,理由,批准人,批准日期,到期日期\n"
                     "X,QB-AREA-STATION,容缺受理,扩建中,民政局,2019/12/1,2020/3/31\n".encode("gb18030"))
    _, sidecars, problems = read("waiver", path)
    assert problems == []
    assert sidecars.waivers["X"][0].justification == "扩建中"
