"""Lean JSON Lines lose nothing: ``reports.lean.expand`` turns every lean line back into the
line ``--findings full`` writes, byte for byte (contract: outputs.md, JSON Lines)."""

from __future__ import annotations

import io
import json
import math
import random
import struct
from pathlib import Path
from typing import Any

import pytest

from qianbai_rules.cli.app import main
from qianbai_rules.core.jsontext import compact_bytes, compact_json, utf8
from qianbai_rules.reports import lean, model, output
from qianbai_rules.reports.lean import expand
from tests.generated import records

ROOT = Path(__file__).resolve().parent.parent
# Records the generator does not make: rejected ones, and odd values a lean line must keep.
HOSTILE = [
    '{"id": "H-1", "id": "H-2"}',
    '{"id": "H-3", "name": "坏面积", "facility_type": "station", "floor_area_m2": -3}',
    '{"id": "H-4", "name": "大数", "facility_type": "station", "floor_area_m2": 1e16}',
    '{"id": "H-5", "name": "小数", "facility_type": "center", "floor_area_m2": 0.30000000000000004}',
    '{"id": "H-6", "facility_type": "city_demo_center", "street_town": null}',
    '"just a string"',
]


def _check(*args: str) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    main(["check", *args, "--engine", "plain"], out=out, err=err)
    assert "Traceback" not in err.getvalue()
    return out.getvalue().splitlines()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lean") / "records.jsonl"
    lines = [compact_json(r.model_dump(mode="json", exclude_none=True))
             for r in records(400, seed=13)]
    path.write_text("\n".join([*lines[:200], *HOSTILE, *lines[200:]]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("as_of", ["2018-12-31", "2019-12-31", "2020-06-30"])
def test_every_lean_line_expands_to_the_full_line(corpus: Path, lang: str, as_of: str) -> None:
    common = [str(corpus), "--format", "jsonl", "--as-of", as_of, "--year", as_of[:4],
              "--lang", lang]
    lean, full = _check(*common), _check(*common, "--findings", "full")
    header = json.loads(lean[0])["header"]
    assert {k: v for k, v in header.items() if k != "rules"} == json.loads(full[0])["header"]
    assert [rule["id"] for rule in header["rules"]] == \
        [rule["id"] for rule in sorted(header["rules"], key=lambda r: r["id"])]
    assert len(lean) == len(full) > 400
    for lean_line, full_line in zip(lean[1:], full[1:], strict=True):
        assert compact_json(expand(header, json.loads(lean_line))) == full_line


def test_the_examples_expand_too() -> None:
    common = ["examples/sites", "examples/jiangbei-registry.csv", "--format", "jsonl",
              "--as-of", "2019-12-31"]
    lean = _check(*[str(ROOT / a) if a.startswith("examples") else a for a in common])
    full = _check(*[str(ROOT / a) if a.startswith("examples") else a for a in common],
                  "--findings", "full")
    header = json.loads(lean[0])["header"]
    assert [compact_json(expand(header, json.loads(line))) for line in lean[1:]] == full[1:]
    assert sum(map(len, lean[1:])) < sum(map(len, full[1:])) / 3


@pytest.mark.parametrize("fmt", ["json", "text", "md"])
def test_findings_goes_with_jsonl_only(fmt: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = main(["check", str(ROOT / "examples/sites"), "--format", fmt, "--findings",
                   "full", "--lang", "en"], out=out, err=err)
    assert status == 2
    assert "--findings lean|full goes with --format jsonl only" in err.getvalue()
    assert out.getvalue() == ""


@pytest.mark.parametrize("findings", ["lean", "full"])
def test_orjson_writes_what_json_dumps_writes(corpus: Path, findings: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    args = [str(corpus), "--format", "jsonl", "--as-of", "2019-12-31", "--findings", findings]
    fast = _check(*args)
    for module in (model, lean, output):
        monkeypatch.setattr(module, "compact_bytes", lambda v: utf8(compact_json(v)))
    assert _check(*args) == fast


def test_compact_bytes_is_compact_json_in_utf8() -> None:
    rng = random.Random(20181204)
    values: list[Any] = [1e-5, 1e-4, 1e16, 1e22, -0.0, 0.1 + 0.2, 2**64, -2**63 - 1, 9999999.5,
                         "\ud800", "0.00001 1e-7", {"1": [True, None]}, "\u2028\x00\x7f"]
    values += [struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
               for _ in range(20_000)]
    for value in values:
        if isinstance(value, float) and not math.isfinite(value):
            continue  # never written: rule and record numbers are finite
        assert compact_bytes({"v": [value]}) == utf8(compact_json({"v": [value]})), value
