"""The short ways in (a record written as the model nests it is validated as it is; orjson
reads JSON Lines: model.validation.canonical, io.jsonlines.quick_json) give what the full ways
give: the same records with the same values and types (1, 1.0 and True differ), the same
flat records, the same rejections with the same messages, the same parsed lines. Run over
generated records, mutated ones, every record of the hostile corpus and of the cases."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pydantic import BeforeValidator

from qianbai_rules.core.yamlio import StrictLoadError, load_json
from qianbai_rules.io.inputs import read
from qianbai_rules.io.jsonlines import EXACT, quick_json
from qianbai_rules.io.sources import RawRecord
from qianbai_rules.model.fields import BY_LABEL, FIELDS, flatten, nest
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import _flatten, canonical, parse_record
from qianbai_rules.model.values import (
    REMEMBERED_TEXTS,
    CreditCode,
    Date,
    Identifier,
    Name,
    ShortText,
)
from tests.fuzz.test_fuzz_readers import TRICKY
from tests.generated import records

ROOT = Path(__file__).parent
CORPUS = [ROOT / "data", ROOT / "cases", ROOT.parent / "examples"]
LABELS = {name: label for label, name in BY_LABEL.items()}
ODD: list[Any] = [
    *TRICKY, None, True, False, 0, 1, 2, 1.0, 0.0, -1, 2.5, 10**10, 10**30, 1e400, [], {}, ["x"],
    ["x", 1], [None], "a、b", " station ", "社区养老服务站", "2019-01-01 ", "２０１９-01-01", "2019-1-1",
    "91500105MA5UK3RT22", "91500105ma5uk3rt22", "x" * 501, " x", "x\u200b", b"x"]


def _fields_sets(model: Any) -> Any:
    if not isinstance(model, FacilityRecord | tuple) and not hasattr(model, "model_fields_set"):
        return None
    return sorted((name, _fields_sets(getattr(model, name))) for name in model.model_fields_set)


def outcome(raw: Any, short_way: bool) -> tuple[Any, ...]:
    """Everything parse_record tells of a raw record, types included."""
    result = parse_record(copy.deepcopy(raw), short_way=short_way)
    if isinstance(result, list):
        return ("rejected", repr(result))
    flat = FlatRecord.of(result)
    return ("valid", repr(result), repr(result.model_dump()), _fields_sets(result),
            repr(list(flat.items())), [type(v) for v in flat.values()])


def same_both_ways(raw: Any) -> bool:
    """Assert both ways agree on ``raw``; whether the short way took it (and then that the
    full way's flattening and nesting give the record back as it is, order included)."""
    assert outcome(raw, True) == outcome(raw, False), raw
    nested = canonical(raw)
    if nested is None:
        return False
    flat: dict[str, Any] = {}
    errors: list[Any] = []
    _flatten(raw, "", flat, errors)
    assert not errors and repr(nest(flat)) == repr(nested) and nest(flat) == nested
    return True


def _generated_raw(count: int, seed: int) -> Iterator[dict[str, Any]]:
    """Raw records as a JSON file (nested), a table (dotted names, labels) would give them."""
    rng = random.Random(seed)
    for record in records(count, seed):
        dumped = record.model_dump(mode="json", exclude_none=True)
        if rng.random() < 0.5:
            dumped.pop("district")
        choice = rng.random()
        if choice < 0.6:
            yield dumped
        elif choice < 0.8:
            yield flatten(dumped)
        else:
            yield {LABELS.get(name, name) if rng.random() < 0.5 else name: value
                   for name, value in flatten(dumped).items()}


def _mutated(raw: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    flat = flatten(raw)
    for _ in range(rng.randint(1, 3)):
        name = rng.choice([*FIELDS, "unknown", "community", " id", "status.opened_on"])
        choice = rng.random()
        if choice < 0.6:
            flat[name] = copy.deepcopy(rng.choice(ODD))
        elif choice < 0.7:
            flat.pop(name, None)
        elif choice < 0.8 and name in flat:
            flat[LABELS.get(name, name)] = flat[name]  # given twice, or under its label
        elif name in flat and isinstance(flat[name], str):
            flat[name] = rng.choice([" ", "\t", "\u3000", "\x85"]) + flat[name]
    return nest(flat) if rng.random() < 0.7 else flat


def test_generated_records_are_the_same_either_way_and_mostly_taken_the_short_way() -> None:
    taken = total = 0
    for raw in _generated_raw(2500, seed=131):
        taken += same_both_ways(raw)
        total += 1
    assert taken >= 0.55 * total  # the nested ones (dotted names and labels go the full way)


def test_mutated_records_are_the_same_either_way() -> None:
    rng = random.Random(1313)
    taken = rejected = 0
    for raw in _generated_raw(2500, seed=7):
        mutated = _mutated(raw, rng)
        taken += same_both_ways(mutated)
        rejected += isinstance(parse_record(copy.deepcopy(mutated)), list)
    assert taken > 100 and rejected > 500  # both ways and both outcomes were exercised


def _corpus_files() -> list[Path]:
    return sorted(p for folder in CORPUS if folder.is_dir() for p in folder.rglob("*")
                  if p.suffix in (".yaml", ".yml", ".json", ".jsonl", ".csv", ".xlsx"))


def _embedded(value: Any) -> Iterator[Any]:
    """Records written inside the cases: mappings with an id or a type, and JSON lines."""
    if isinstance(value, dict):
        if {"id", "编号", "facility_type", "类型"} & set(map(str, value)):
            yield value
        for child in value.values():
            yield from _embedded(child)
    elif isinstance(value, list):
        for child in value:
            yield from _embedded(child)
    elif isinstance(value, str):
        for line in value.splitlines():
            try:
                yield load_json(line)
            except StrictLoadError:
                continue


def test_every_record_of_the_corpus_is_the_same_either_way() -> None:
    seen = 0
    for path in _corpus_files():
        for item in read(str(path)):
            if isinstance(item, RawRecord):
                same_both_ways(item.data)
                seen += 1
        if path.suffix in (".yaml", ".yml") and "cases" in path.parts:
            for raw in _embedded(yaml.safe_load(path.read_text(encoding="utf-8"))):
                same_both_ways(raw)
                seen += 1
    assert seen > 100


def _exact(raw: bytes) -> Any:
    try:
        return ("value", load_json(raw.decode("utf-8")))
    except (StrictLoadError, UnicodeDecodeError) as exc:
        return ("refused", str(exc))


def _assert_quick_is_exact(raw: bytes) -> bool:
    quick = quick_json(raw)
    if quick is EXACT:
        return False
    expected = _exact(raw)
    assert expected[0] == "value", raw
    assert repr(quick) == repr(expected[1]) and quick == expected[1], raw
    return True


LINE_TRICKS = [b'{"a":1,"a":2}', b'{"a" :1,"a":2,"b":":"}', b'{"a" : 1, "a" : 2, "b": ":"}',
               b'{"\\u0061":1,"a":2}', b'{"a":"\\":","b":1}', b'{"n":123456789012345678901}',
               b'{"n":-9223372036854775809}', b'{"n":18446744073709551615}', b'{"n":1e400}',
               b'{"n":NaN}', b'{"n":-Infinity}', b'{"s":"\\ud800"}', b'\xef\xbb\xbf{}',
               b'{"s":"\xff"}', b"[" * 51 + b"]" * 51, b"[" * 50 + b"]" * 50, b"null", b"5",
               b'"x"', b"", b" \n", b'{"a":{"a":1,"b":{"a":2,"a":3}}}', b'{"a":[{"b":1,"b":2}]}',
               b'{"a":1.0,"b":-0,"c":-0.0,"d":1E2,"e":5e-324,"f":"\\u0000\\/"}']


@pytest.mark.parametrize("line", LINE_TRICKS)
def test_a_tricky_line_is_read_exactly(line: bytes) -> None:
    _assert_quick_is_exact(line)
    _assert_quick_is_exact(line + b"\r\n")


def test_lines_generated_and_mutated_are_read_exactly() -> None:
    rng = random.Random(99)
    quick = 0
    pieces = [b'"', b":", b",", b" ", b"\\", b'"a":', b'"id":', b"{", b"}", b"[", b"]", b"1",
              b"0" * 20, b'\\"', b"\\u0022", b"e9", b".5", b"\xe4\xb8\xad", b"\n", b"\t"]
    for raw in _generated_raw(1500, seed=5):
        line = json.dumps(raw, ensure_ascii=rng.random() < 0.3,
                          separators=rng.choice([(",", ":"), (", ", ": "), (" ,", " : ")])).encode()
        quick += _assert_quick_is_exact(line)
        for _ in range(3):
            at = rng.randrange(len(line) + 1)
            mutated = line[:at] + rng.choice(pieces) + line[at + rng.choice([0, 0, 1]):]
            _assert_quick_is_exact(mutated)
        key = rng.choice(list(raw))
        duplicated = line[:-1] + b"," + json.dumps({key: 1})[1:].encode()
        assert quick_json(duplicated) is EXACT
    assert quick > 1000


def _dumped(record: FacilityRecord) -> list[tuple[str, Any]]:
    """The flat record as pydantic's JSON mode gives it, flattened (the field table's way
    must give the same: names, order, values and their types)."""
    return list(flatten(record.model_dump(mode="json", exclude_none=True)).items())


def test_the_flat_record_is_the_json_dump_flattened() -> None:
    rng = random.Random(1313)  # as the mutated records above: no group is made a value
    seen = 0
    raws = [*_generated_raw(2500, seed=23),
            *(_mutated(raw, rng) for raw in _generated_raw(1500, seed=7))]
    raws += [item.data for path in _corpus_files() for item in read(str(path))
             if isinstance(item, RawRecord)]
    for raw in raws:
        record = parse_record(raw)
        if isinstance(record, list):
            continue
        flat = FlatRecord.of(record)
        expected = _dumped(record)
        assert repr(list(flat.items())) == repr(expected), raw
        assert [type(v) for v in flat.values()] == [type(v) for _, v in expected], raw
        assert all(type(i) is str for v in flat.values() if isinstance(v, list) for i in v)
        seen += 1
    assert seen > 2500  # seeded: 2,951 of the 4,000 generated and mutated, and the corpus, are valid


def _given(read: Any, value: Any) -> tuple[str, str, str]:
    try:
        found = read(value)
    except ValueError as exc:
        return ("refused", type(exc).__name__, repr(getattr(exc, "text", exc)))
    return ("read", type(found).__name__, repr(found))


def test_the_remembering_readers_give_what_the_readers_give() -> None:
    """Memo against a fresh reading: every text of generated and mutated records, the odd
    values, and more distinct texts than a memo keeps, each read twice (the second time
    from the memo)."""
    rng = random.Random(1313)
    texts = {v for raw in [*_generated_raw(1500, seed=41),
                           *(_mutated(raw, rng) for raw in _generated_raw(1500, seed=7))]
             for v in flatten(raw).values() if isinstance(v, str)}
    texts |= {v for v in ODD if isinstance(v, str)}
    values: list[Any] = [*sorted(texts), *ODD, *(f"JB-{n}" for n in range(REMEMBERED_TEXTS + 50)),
                         *(f"2019-01-{n % 40:02d}" for n in range(200))]
    readers = 0
    for alias in (Date, ShortText, Name, Identifier, CreditCode):
        for meta in get_args(alias)[1:]:
            if isinstance(meta, BeforeValidator):
                remembered, fresh = meta.func, meta.func.__wrapped__  # type: ignore[union-attr]
                readers += 1
                for _ in range(2):
                    for value in values:
                        assert _given(remembered, value) == _given(fresh, value), value
    assert readers == 5 and len(texts) > 1000
