"""The command line speaks its user's language (issue 14): every command's help in Chinese
by default, in English under ``--lang en`` or ``QIANBAI_LANG=en``; and a history a person
can read, that stores a run once and leaves no empty database behind.

The cases of errors and suggestions are data: tests/cases/cli/language.yaml.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from qianbai_rules.cli.app import _parser, main
from qianbai_rules.cli.parser import LANG_SETTING, Parser, _wrapped, chosen_lang, speaking
from qianbai_rules.core.problems import Lang

ROOT = Path(__file__).resolve().parent.parent
SITE = (ROOT / "examples" / "sites" / "station-compliant.yaml").as_posix()
FAILING = (ROOT / "examples" / "sites" / "station-failing.yaml").as_posix()
COMMANDS = [[], ["check"], ["evaluate"], ["history"], ["verify"], ["rules"], ["rules", "list"],
            ["rules", "show"], ["rules", "lint"], ["rules", "test"], ["schema"], ["template"]]
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
_ENGLISH = ("usage", "options", "positional", "arguments", "show", "help", "message", "exit")


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _parsers(lang: Lang) -> list[argparse.ArgumentParser]:
    """Every parser of the command line, the top one first."""
    found: list[argparse.ArgumentParser] = []
    pending: list[argparse.ArgumentParser] = [_parser(lang)]
    while pending:
        parser = pending.pop(0)
        found.append(parser)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                pending.extend(dict.fromkeys(action.choices.values()))
    return found


def _typed_words(lang: Lang) -> set[str]:
    """What a user types, so help may show it: the program and command names, option
    names, the values of choices, and the name of the language setting."""
    with speaking(lang):
        parsers = _parsers(lang)
    words = {"qianbai", LANG_SETTING, "QB-AREA-STATION"}
    for parser in parsers:
        for action in parser._actions:
            words |= {option.lstrip("-") for option in action.option_strings}
            words |= {str(choice) for choice in action.choices or ()}
    return words


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "qianbai")
def test_every_help_is_chinese_but_for_what_the_user_types(command: list[str]) -> None:
    status, out, err = run(*command, "--help")
    assert (status, err) == (0, "")
    assert out.startswith("用法：qianbai")
    allowed = _typed_words("zh")
    english = sorted({word for word in _ASCII_WORD.findall(out)
                      if word not in allowed and not re.fullmatch(r"\d+(-\d+)*", word)})
    assert english == [], out


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "qianbai")
def test_every_option_and_command_has_its_help_in_both_languages(command: list[str]) -> None:
    for lang in ("zh", "en"):
        with speaking(lang):
            parsers = {parser.prog: parser for parser in _parsers(lang)}
        parser = parsers[" ".join(["qianbai", *command])]
        assert parser.description, parser.prog
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                assert all(choice.help for choice in action._get_subactions()), parser.prog
            else:
                assert action.help, f"{parser.prog} {action.dest} ({lang})"


@pytest.mark.parametrize("how", ["--lang", "setting"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "qianbai")
def test_english_help_with_lang_en_or_the_setting(command: list[str], how: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "setting":
        monkeypatch.setenv(LANG_SETTING, "en")
        arguments = [*command, "--help"]
    else:
        arguments = [*command, "--lang", "en", "--help"]
    status, out, _ = run(*arguments)
    assert status == 0
    assert out.startswith("usage: qianbai")
    assert "options:" in out and "show this help message and exit" in out
    assert not re.search(r"[\u4e00-\u9fff]", out), out


def test_the_command_line_wins_over_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_SETTING, "en")
    assert chosen_lang(["check", "x", "--lang", "zh"]) == "zh"
    assert chosen_lang(["check", "x", "--lang=zh"]) == "zh"
    assert chosen_lang(["check", "x"]) == "en"
    monkeypatch.setenv(LANG_SETTING, "fr")
    assert chosen_lang(["check", "x"]) == "zh"
    monkeypatch.delenv(LANG_SETTING)
    assert chosen_lang(["check", "x", "--lang", "en"]) == "en"


def test_the_setting_gives_the_language_of_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_SETTING, "en")
    status, _, err = run("check", SITE, "--year", "2017")
    assert status == 2
    assert err == ("qianbai: the as-of date 2017-12-31 is before the plan's parameters take "
                   "effect (2018-12-04); nothing can be evaluated\n")


def test_argparse_speaks_english_again_once_the_command_line_is_parsed() -> None:
    parser = Parser(prog="p", lang="zh")
    with speaking("zh"):
        assert parser.format_usage().startswith("用法：")
    assert argparse.ArgumentParser(prog="p").format_usage().startswith("usage: ")


@pytest.mark.parametrize(("text", "width", "expected"), [
    ("评估基准日，按该日施行的参数评估", 10, ["评估基准日，", "按该日施行", "的参数评估"]),
    ("输出格式（默认为text，即文本）", 16, ["输出格式（默认为", "text，即文本）"]),
    ("output format (default: text)", 16, ["output format", "(default: text)"]),
])
def test_help_is_wrapped_by_columns_never_inside_a_word_nor_before_a_closing_mark(
        text: str, width: int, expected: list[str]) -> None:
    assert _wrapped(text, width) == expected


# --- the history ------------------------------------------------------------------------

def _assessments(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM assessments").fetchone()[0])


def test_storing_the_same_run_twice_keeps_one_assessment_per_record(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    for _ in range(2):
        status, _, err = run("check", SITE, FAILING, "--as-of", "2019-12-31", "--record",
                             "--db", str(db), "--format", "json")
        assert status == 1, err
    assert _assessments(db) == 2
    status, _, _ = run("check", SITE, "--as-of", "2019-12-30", "--record", "--db", str(db),
                       "--format", "json")
    assert status == 0
    assert _assessments(db) == 3  # another as-of date is another run


def test_a_changed_record_is_a_new_assessment(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    changed = tmp_path / "changed.yaml"
    changed.write_text(Path(SITE).read_text(encoding="utf-8").replace(
        "floor_area_m2: 260", "floor_area_m2: 261"), encoding="utf-8")
    run("check", SITE, "--as-of", "2019-12-31", "--record", "--db", str(db), "--format", "json")
    run("check", str(changed), "--as-of", "2019-12-31", "--record", "--db", str(db),
        "--format", "json")
    assert _assessments(db) == 2


@pytest.mark.parametrize("arguments", [
    ["check", SITE, "--year", "2017", "--record"],                 # refused before the run
    ["check", SITE, "--as-of", "2019-12-31", "--record", "--format", "nosuch"],  # usage error
    ["check", "{dir}/nothing.yaml", "--as-of", "2019-12-31", "--record"],        # stores nothing
], ids=["too early", "usage error", "nothing stored"])
def test_a_run_that_stores_nothing_leaves_no_database_file(tmp_path: Path,
                                                           arguments: list[str]) -> None:
    (tmp_path / "nothing.yaml").write_text("id: [\n", encoding="utf-8")
    db = tmp_path / "new.db"
    status, _, _ = run(*[a.replace("{dir}", tmp_path.as_posix()) for a in arguments],
                       "--db", str(db))
    assert status == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nothing.yaml"]


def test_history_shows_headers_local_time_and_chinese_words(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    run("check", FAILING, "--as-of", "2019-12-31", "--record", "--db", str(db), "--format", "json")
    facility = json.loads(run("history", "JB-DSB-S02", "--db", str(db), "--format", "json")[1])
    stamp = facility["assessments"][0]["recorded_at"]
    status, out, _ = run("history", "JB-DSB-S02", "--db", str(db))
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "评估历史：JB-DSB-S02"
    assert lines[1].split() == ["序号", "年度", "评估基准日", "类型", "结论", "记录时间"]
    assert lines[2].split()[:5] == ["1", "2019年", "2019年12月31日", "检查", "不合规"]
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", " ".join(lines[2].split()[5:]))
    assert "技术附注" in out and "T" not in lines[2] and stamp not in out
    english = run("history", "JB-DSB-S02", "--db", str(db), "--lang", "en")[1]
    assert english.splitlines()[2].split()[:5] == ["1", "2019", "2019-12-31", "check",
                                                   "non-compliant"]
