"""Fuzzing the readers (issue 11, Deliver 6): for YAML, JSON, JSON Lines, CSV and XLSX parts,
generated and mutated inputs must never raise, and every record must be accounted for:
each item read is a record or a problem that names the file, and where the input's record
count is known (well-formed files, a stray quote in a CSV, a garbage line in JSON Lines, a
malformed cell in a workbook) records + problems equals it exactly.

Bounded in CI (a few dozen examples per reader); a long run by hand::

    QIANBAI_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest -q -p no:cacheprovider tests/fuzz -k csv

See tests/fuzz/README.md for the figures of the last long run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.pipeline.check import Rejected, validated
from tests.test_hostile_readers import make_xlsx

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

EXAMPLES = int(os.environ.get("QIANBAI_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 25,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Values that readers and YAML 1.1 have been known to rewrite, refuse or choke on.
TRICKY = ["012", "0x1F", "12:30", "3:20", ".inf", ".nan", "NaN", "yes", "no", "on", "~", "null",
          "2019-13-45", "2019-02-30", "1e400", "-0", "1_000", "=cmd|' /C calc'!A0", "\u200b",
          "\ufeff", "\x1b[2J", "\ud7ff", "\U0010ffff", "是", "否", "1", "0", "", " ", '"', "'",
          ",", "\n", "\r\n", "，", "、", "社区养老服务站", "station", "center", "-180", "250.5"]
FIELDS = ["id", "facility_type", "name", "floor_area_m2", "status.opened_on", "street_town",
          "five_ones.service_standards", "services.basic", "five_ones.equipment", "编号", "类型",
          "建筑面积（平方米）", "unknown_field", "community.population"]
SCALARS = st.one_of(st.sampled_from(TRICKY), st.text(max_size=20), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)),
    max_leaves=12)
RECORDS = st.lists(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8), max_size=8)


@contextmanager
def _file(name: str, data: bytes) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path.as_posix()


def _account(name: str, data: bytes, expected: int | None = None) -> list[Any]:
    """Read and validate ``data`` as the file ``name``; every item must be a record or a
    located problem of that file, and, when ``expected`` is known, exactly that many."""
    with _file(name, data) as path:
        results = list(validated([path]))
    for item in results:
        if isinstance(item, Rejected):
            problem: Problem = item.problem
            assert problem.file == path
            assert isinstance(problem.message, Text) and problem.message.zh and problem.message.en
        else:
            assert item[0] == path
    if expected is not None:
        assert len(results) == expected, results
    return results


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for position, delete, insert in edits:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + delete:]
    return data


EDITS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 4), st.binary(max_size=4)),
                 max_size=4)


# --- YAML and JSON -------------------------------------------------------------------------

@FUZZ
@given(RECORDS)
def test_yaml_records_are_each_one_record_or_one_problem(records: list[dict[str, Any]]) -> None:
    text = yaml.safe_dump({"facilities": records}, allow_unicode=True)
    _account("r.yaml", text.encode("utf-8", "surrogatepass"), len(records))


@FUZZ
@given(RECORDS, EDITS)
def test_mutated_yaml_never_raises(records: list[dict[str, Any]],
                                   edits: list[tuple[int, int, bytes]]) -> None:
    text = yaml.safe_dump({"facilities": records}, allow_unicode=True)
    _account("r.yaml", _mutate(text.encode("utf-8", "surrogatepass"), edits))


@FUZZ
@given(RECORDS)
def test_json_records_are_each_one_record_or_one_problem(records: list[dict[str, Any]]) -> None:
    _account("r.json", json.dumps(records, ensure_ascii=False).encode("utf-8", "surrogatepass"),
             len(records))


@FUZZ
@given(RECORDS, EDITS)
def test_mutated_json_never_raises(records: list[dict[str, Any]],
                                   edits: list[tuple[int, int, bytes]]) -> None:
    data = json.dumps({"facilities": records}, ensure_ascii=False).encode("utf-8", "surrogatepass")
    _account("r.json", _mutate(data, edits))


# --- JSON Lines -----------------------------------------------------------------------------

@FUZZ
@given(st.lists(st.one_of(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6),
                          st.binary(min_size=1, max_size=30)), min_size=1, max_size=10))
def test_json_lines_each_non_blank_line_is_one_record_or_one_problem(lines: list[Any]) -> None:
    encoded = [json.dumps(line, ensure_ascii=False).encode("utf-8", "surrogatepass")
               if isinstance(line, dict) else line.replace(b"\n", b"").replace(b"\r", b"")
               for line in lines]
    if encoded[0].startswith(b"\xef\xbb\xbf"):
        encoded[0] = b"x" + encoded[0]
    data = b"\n".join(encoded) + b"\n"
    results = _account("r.jsonl", data)
    if b"\x00" not in data[:8192] and not _looks_foreign(data):
        assert len(results) == sum(1 for line in data.split(b"\n") if line.strip(b" \t\r")), results


def _looks_foreign(data: bytes) -> bool:
    """Bytes that the reader rightly refuses as a whole (another encoding's marks)."""
    from qianbai_rules.io.encodings import HEAD_BYTES, encoding_problem

    return encoding_problem("x", data[:HEAD_BYTES], allow_gb18030=False) is not None


# --- CSV --------------------------------------------------------------------------------------

CSV_HEADER = ["编号", "类型", "名称", "建筑面积（平方米）", "服务标准"]
CELL = st.one_of(st.sampled_from([t for t in TRICKY if "\n" not in t and "\r" not in t]),
                 st.text(alphabet=st.characters(exclude_characters="\r\n\x00",
                                                exclude_categories=["Cs"]), max_size=12))


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([CSV_HEADER, *rows])
    return buffer.getvalue().encode("utf-8")


ROWS = st.lists(st.tuples(st.text(alphabet="ABCQ-0123456789", min_size=1, max_size=6),
                          st.lists(CELL, min_size=4, max_size=4)).map(lambda r: [r[0], *r[1]]),
                min_size=1, max_size=12)


@FUZZ
@given(ROWS)
def test_csv_rows_are_each_one_record_or_one_problem(rows: list[list[str]]) -> None:
    _account("r.csv", _csv(rows), len(rows))


@FUZZ
@given(ROWS, st.integers(0, 10**6))
def test_a_stray_quote_in_a_csv_loses_no_row(rows: list[list[str]], where: int) -> None:
    text = _csv(rows).decode("utf-8")
    start = text.index("\n") + 1  # after the header
    at = start + where % (len(text) - start)
    _account("r.csv", (text[:at] + '"' + text[at:]).encode("utf-8"), len(rows))


@FUZZ
@given(ROWS, EDITS)
def test_mutated_csv_never_raises(rows: list[list[str]], edits: list[tuple[int, int, bytes]]) -> None:
    _account("r.csv", _mutate(_csv(rows), edits))


# --- XLSX parts -----------------------------------------------------------------------------

_XML_CELL = st.one_of(
    st.tuples(st.just("n"), st.sampled_from(["1", "0", "250", "-180", "NaN", "inf", "1e400", "x",
                                             "43525", "43525.5", "99999999999", ""])),
    st.tuples(st.just("s"), st.sampled_from(["0", "1", "2", "99", "-1", "x"])),
    st.tuples(st.just("b"), st.sampled_from(["0", "1", "2", "true"])),
    st.tuples(st.just("d"), st.sampled_from(["2019-03-01", "2019-13-45", "2019-03-01T08:30", "x"])),
    st.tuples(st.just("e"), st.sampled_from(["#DIV/0!", "#N/A"])),
    st.tuples(st.just("str"), st.sampled_from(["station", "", "社区养老服务站"])),
    st.tuples(st.just("f"), st.sampled_from(["SUM(A1)", ""])),
    st.tuples(st.just("zz"), st.just("1")),
)
_STYLES = st.sampled_from(["", ' s="0"', ' s="1"', ' s="2"', ' s="9"', ' s="x"'])


def _xml_cell(ref: str, kind: str, value: str, style: str) -> str:
    if kind == "f":
        return f'<c r="{ref}"{style}><f>{value}</f></c>'
    return f'<c r="{ref}" t="{kind}"{style}><v>{value}</v></c>'


XML_ROWS = st.lists(st.lists(st.tuples(_XML_CELL, _STYLES), min_size=0, max_size=5),
                    min_size=1, max_size=8)


def _sheet(rows: list[list[tuple[tuple[str, str], str]]]) -> str:
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                     for i, h in enumerate(CSV_HEADER))
    body = [f'<row r="1">{header}</row>']
    for number, cells in enumerate(rows, start=2):
        first = f'<c r="A{number}" t="inlineStr"><is><t>X-{number}</t></is></c>'
        rest = "".join(_xml_cell(f"{chr(66 + i)}{number}", kind, value, style)
                       for i, ((kind, value), style) in enumerate(cells))
        body.append(f'<row r="{number}">{first}{rest}</row>')
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/>'
            f'<sheetData>{"".join(body)}</sheetData></worksheet>')


def _xlsx(sheet: str, shared: list[str]) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return make_xlsx(Path(folder) / "w.xlsx", sheet, shared=shared).read_bytes()


@FUZZ
@given(XML_ROWS, st.lists(st.sampled_from(TRICKY[:20]), max_size=3))
def test_each_workbook_row_is_one_record_or_one_problem(
        rows: list[list[tuple[tuple[str, str], str]]], shared: list[str]) -> None:
    safe = [s for s in shared if all(c not in s for c in "<&\x1b\ufeff")]
    _account("r.xlsx", _xlsx(_sheet(rows), safe), len(rows))


@FUZZ
@given(XML_ROWS, EDITS)
def test_a_mutated_sheet_part_never_raises(rows: list[list[tuple[tuple[str, str], str]]],
                                           edits: list[tuple[int, int, bytes]]) -> None:
    sheet = _mutate(_sheet(rows).encode("utf-8"), edits)
    _account("r.xlsx", _xlsx(sheet.decode("utf-8", "replace"), ["station"]))


@FUZZ
@given(XML_ROWS, st.sampled_from(["xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                  "xl/styles.xml", "xl/sharedStrings.xml"]), EDITS)
def test_a_mutated_workbook_part_never_raises(rows: list[list[tuple[tuple[str, str], str]]],
                                              part: str, edits: list[tuple[int, int, bytes]]) -> None:
    original = _xlsx(_sheet(rows), ["station"])
    _account("r.xlsx", _rezip(original, lambda name, data: _mutate(data, edits)
                              if name == part else data))


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_as_a_workbook_are_one_entry(data: bytes) -> None:
    _account("r.xlsx", data, 1)


def _rezip(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info)))
    return out.getvalue()
