"""The last texts outside the catalogue brought home: a parameter with no value in force,
an engine that cannot run the rules, and dates written in running text once."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from qianbai_rules.cli import common
from qianbai_rules.cli.app import main
from qianbai_rules.compile.compiled import compile_ruleset
from qianbai_rules.core.problems import RulesError, Text
from qianbai_rules.engines.durable_emit import DurableError
from qianbai_rules.rules.ruleset import load_ruleset
from qianbai_rules.texts import formats

ROOT = Path(__file__).resolve().parent.parent
SITE = (ROOT / "examples" / "sites" / "station-compliant.yaml").as_posix()


def test_a_date_in_running_text_is_written_in_each_language() -> None:
    assert formats.written_text(dt.date(2019, 1, 5)) == Text("2019年1月5日", "2019-01-05")


def test_a_parameter_with_no_value_on_the_day_says_so_in_both_languages() -> None:
    with pytest.raises(RulesError) as caught:
        compile_ruleset(load_ruleset(ROOT / "rules"), dt.date(2018, 1, 1))
    problem = next(p for p in caught.value.problems if p.item == "area.station_min_m2")
    assert problem.says("zh") == "在2018年1月1日没有施行中的值（最早的值自2018年12月4日起施行）"
    assert problem.says("en") == "no value in force on 2018-01-01 (first value from 2018-12-04)"
    assert str(problem).endswith(
        "area.yaml, parameter area.station_min_m2: no value in force on 2018-01-01 "
        "(first value from 2018-12-04)")


@pytest.mark.parametrize(("lang", "line"), [
    ("zh", "qianbai: 所选规则引擎无法执行本规则集：a rule names 'id'\n"),
    ("en", "qianbai: a rule names 'id'\n"),
])
def test_an_engine_that_cannot_run_the_rules_is_told_in_the_language(
        lang: str, line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise DurableError("a rule names 'id'")
    monkeypatch.setattr(common, "make_evaluator", refuse)
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", SITE, "--lang", lang], out=out, err=err) == 2
    assert err.getvalue() == line
    assert out.getvalue() == ""


def test_a_date_before_the_parameters_is_one_chinese_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", SITE, "--as-of", "2018-12-03"], out=out, err=err) == 2
    assert err.getvalue().splitlines() == [
        "qianbai: 评估基准日2018年12月3日早于方案参数施行之日（2018年12月4日），无法评估"]


def _md(lang: str, *more: str) -> str:
    out = io.StringIO()
    main(["check", (ROOT / "examples" / "sites").as_posix(), "--as-of", "2019-12-31",
          "--format", "md", "--lang", lang, *more], out=out, err=io.StringIO())
    return out.getvalue()


def test_the_markdown_report_separates_its_basis_with_the_punctuation_of_the_language() -> None:
    english, chinese = _md("en"), _md("zh")
    assert "As-of date: 2019-12-31; Subsidy year: 2019\n" in english
    assert "- Engine: durable; Software version: " in english
    assert "community population: 1800; floor area \\(m²\\): 190 |" in english
    assert not any(f"；{word}" in english for word in ("Subsidy", "Engine", "floor area"))
    assert "评估基准日：2019年12月31日；补贴年度：2019年\n" in chinese
    assert "- 评估引擎：durable；软件版本：" in chinese


def test_the_markdown_index_separates_its_basis_with_the_punctuation_of_the_language(
        tmp_path: Path) -> None:
    _md("en", "-o", f"{tmp_path.as_posix()}/en/")
    _md("zh", "-o", f"{tmp_path.as_posix()}/zh/")
    assert "As-of date: 2019-12-31; Subsidy year: 2019\n" in (
        tmp_path / "en" / "index.md").read_text(encoding="utf-8")
    assert "评估基准日：2019年12月31日；补贴年度：2019年\n" in (
        tmp_path / "zh" / "index.md").read_text(encoding="utf-8")
