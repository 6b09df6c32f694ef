"""``--jobs`` workers read JSON Lines files in ranges of whole lines: the ranges cover the
file exactly, read through the one reader they give the records reading the whole file
gives, a file that changed or vanished is a problem naming it, and the bytes written with
workers are those written by one process, on the awkward files as on the ordinary ones."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.core import limits
from qianbai_rules.core.problems import Problem
from qianbai_rules.io.jsonlines import read_jsonl
from qianbai_rules.io.ranges import LineRange, line_ranges, read_range
from qianbai_rules.io.sources import InputItem
from qianbai_rules.pipeline import parallel

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "examples" / "sites"


def _line(index: int, area: float = 200) -> bytes:
    return json.dumps({"id": f"R-{index}", "name": "站点", "facility_type": "station",
                       "floor_area_m2": area}, ensure_ascii=False).encode()


def _records(count: int, newline: bytes = b"\n") -> bytes:
    return b"".join(_line(i, [199.99, 200, -1][i % 3]) + newline for i in range(count))


# Awkward JSON Lines files, by what makes them so.
FILES: dict[str, bytes] = {
    "plain": _records(10),
    "no_final_newline": _records(7).rstrip(b"\n"),
    "bom": b"\xef\xbb\xbf" + _records(5),
    "crlf": _records(8, b"\r\n"),
    "empty": b"",
    "only_newlines": b"\n\n\n",
    "one_line_no_newline": _line(1),
    "rejected_lines": (_records(3) + b"{not json\n" + b"[1, 2]\n" + b"   \n" + b"\xff\xfe bad\n"
                       + b'{"id": "R-9", "id": "dup-key"}\n' + _records(4)),
    "duplicates_across_ranges": _records(6) + _line(2) + b"\n" + _line(4) + b"\n"
                                + "{\"id\": \"Ｒ-5\"}\n".encode(),
    "bom_later_is_no_bom": _records(2) + b"\xef\xbb\xbf" + _line(9) + b"\n",
    "chinese_everywhere": "".join(json.dumps({"id": f"中-{i}", "name": "江北区" * i},
                                             ensure_ascii=False) + "\n"
                                  for i in range(9)).encode(),
}


def _read_all(path: Path, lines: int) -> list[InputItem]:
    parts = line_ranges(str(path), lines)
    assert parts is not None
    read: list[InputItem] = []
    for part in parts:
        assert not read_range(part, read)
    return read


@pytest.mark.parametrize("lines", [1, 2, 3, 1000])
@pytest.mark.parametrize("name", sorted(FILES))
def test_ranges_cover_the_file_in_whole_lines_numbered_as_one_reading(
        name: str, lines: int, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.jsonl"
    data = FILES[name]
    path.write_bytes(data)
    parts = list(line_ranges(str(path), lines) or ())
    assert [p.start for p in parts] == [0, *(p.end for p in parts)][:len(parts)]
    assert (parts[-1].end if parts else 0) == len(data)
    assert [p.last for p in parts] == [p is parts[-1] for p in parts]
    for part in parts:
        assert part.end == len(data) or data[part.end - 1:part.end] == b"\n"
        assert part.first_line == data[:part.start].count(b"\n") + 1
        assert part is parts[-1] or data[part.start:part.end].count(b"\n") == lines
    assert _read_all(path, lines) == list(read_jsonl(str(path)))


def test_a_line_too_long_is_skipped_alike_in_ranges(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 90)
    path = tmp_path / "long.jsonl"
    path.write_bytes(_records(2) + b'{"id": "' + b"x" * 300 + b'"}\n' + _records(3))
    whole = list(read_jsonl(str(path)))
    assert any(isinstance(item, Problem) for item in whole)
    for lines in (1, 2, 4):
        assert _read_all(path, lines) == whole


@pytest.mark.parametrize("name, data", [("a.yaml", b"id: A\n"), ("b.json", b"{}"),
                                        ("utf16.jsonl", "{}\n".encode("utf-16")),
                                        ("binary.jsonl", b"\x00\x01\x02" * 10)])
def test_only_utf8_json_lines_files_are_cut(name: str, data: bytes, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert line_ranges(str(path), 10) is None
    assert line_ranges(str(tmp_path / "missing.jsonl"), 10) is None
    assert line_ranges("-", 10) is None


def _first(path: Path) -> LineRange:
    parts = line_ranges(str(path), 2)
    assert parts is not None
    return next(parts)


def test_a_file_changed_after_it_was_cut_is_a_problem_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "moving.jsonl"
    path.write_bytes(_records(6))
    part = _first(path)
    path.write_bytes(_records(6) + _records(1))
    read: list[InputItem] = []
    assert read_range(part, read)
    [problem] = read
    assert isinstance(problem, Problem) and problem.file == str(path)
    assert "changed" in str(problem.message)


def test_a_file_gone_after_it_was_cut_is_a_problem_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "gone.jsonl"
    path.write_bytes(_records(6))
    part = _first(path)
    os.remove(path)
    read: list[InputItem] = [Problem(str(path), "read before")]
    assert read_range(part, read)
    assert len(read) == 2 and isinstance(read[1], Problem) and read[1].file == str(path)


def _run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in args], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.slow  # forks worker processes
@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="the small ranges are patched into workers started by fork")
@pytest.mark.parametrize("fmt", ["jsonl", "json", "text"])
def test_workers_reading_ranges_write_the_bytes_of_one_process(
        fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "BATCH", 3)  # many ranges, and duplicates across them
    inputs: list[str | Path] = []
    for index, (name, data) in enumerate(sorted(FILES.items())):
        path = tmp_path / f"{index:02}-{name}.jsonl"
        path.write_bytes(data)
        inputs.append(path)
    mixed = tmp_path / "mixed"  # ranges and records read by the parent, in input order
    mixed.mkdir()
    (mixed / "a.yaml").write_text("id: R-1\nfacility_type: station\n", encoding="utf-8")
    (mixed / "b.jsonl").write_bytes(_records(5))
    (mixed / "c.csv").write_text("id,facility_type\nR-3,station\nC-1,center\n", encoding="utf-8")
    (mixed / "d.jsonl").write_bytes("{}\n".encode("utf-16"))
    inputs += [mixed, SITES, tmp_path / "missing.jsonl", inputs[0]]
    command = ["check", *inputs, "--as-of", "2019-12-31", "--engine", "plain",
               "--format", fmt, "--lang", "en"]
    one = _run(*command, "--jobs", "1")
    two = _run(*command, "--jobs", "2")
    assert one == two
    assert one[0] == 2 and "Traceback" not in one[2]


@pytest.mark.slow  # forks worker processes
@pytest.mark.parametrize("change", ["rewrite", "remove"])
def test_a_file_changed_or_removed_during_a_run_is_one_problem_naming_it(
        change: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "BATCH", 2)
    path = tmp_path / "moving.jsonl"
    # Every record valid: a range read before the change is records, never a rejection,
    # however far the workers got before it.
    path.write_bytes(b"".join(_line(i) + b"\n" for i in range(9)))
    cut = line_ranges

    def cut_then_change(source: str, lines: int) -> Iterator[LineRange]:
        parts = cut(source, lines)
        assert parts is not None
        yield from parts  # the whole file cut, then it changes before all is read
        if change == "remove":
            os.remove(path)
        else:
            path.write_bytes(_records(3))

    monkeypatch.setattr(parallel, "line_ranges", cut_then_change)
    status, out, err = _run("check", path, "--as-of", "2019-12-31", "--engine", "plain",
                            "--format", "jsonl", "--lang", "en", "--jobs", "2")
    assert status == 2 and "Traceback" not in err
    lines = [json.loads(line) for line in out.splitlines()]
    rejected = [line["rejected"] for line in lines if "rejected" in line]
    assert len(rejected) == 1 and str(path) in json.dumps(rejected[0])
    assert ("changed" if change == "rewrite" else "cannot read") in json.dumps(rejected[0])
