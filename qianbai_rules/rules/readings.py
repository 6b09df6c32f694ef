"""The project's readings of the plan (执行口径, requirements.md §9), as data.

``rules/readings.yaml`` holds each reading once::

    readings:
      - id: RD-AREA-OLD-ADVISORY
        zh: ...
        en: ...
        rules: [QB-AREA-PER-CAPITA-OLD]        # the rules the catalogue marks with it
        parameters: []                         # the parameters it controls or rests on
        outputs: []                            # parts of outputs resting on it (OUTPUTS)

and every rule or parameter it names carries ``reading: [RD-AREA-OLD-ADVISORY, ...]``.
A reading is the project's working interpretation, never an official one; outputs print
it with that caveat (labels ``reading.*``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from qianbai_rules.core.problems import At, Found, Lang, Problem, Text, unknown_keys
from qianbai_rules.texts.labels import label

READING_ID: Final = re.compile(r"^RD-[A-Z0-9]+(-[A-Z0-9]+)*$")
READING_KEYS: Final = {"id", "zh", "en", "rules", "parameters", "outputs"}
# Parts of outputs that rest on a reading without being one rule's finding.
OUTPUTS: Final = ("department", "exit_review", "funding", "rectification", "score")
ANNUAL_ONLY: Final = ("exit_review", "funding", "score")  # shown by the annual evaluation only


@dataclass(frozen=True)
class Reading:
    """One reading: its text, and what the catalogue marks with it."""

    id: str
    text: Text
    rules: tuple[str, ...]
    parameters: tuple[str, ...]
    outputs: tuple[str, ...] = ()

    def as_json(self, lang: Lang) -> dict[str, Any]:
        return {"id": self.id, "text": self.text(lang), "rules": list(self.rules),
                "parameters": list(self.parameters), "outputs": list(self.outputs)}


def _names(raw: dict[Any, Any], key: str,
           problem: At) -> Found[tuple[str, ...]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        yield problem(key, f"{key} is a list of names")
        return ()
    if len(set(value)) != len(value):
        yield problem(key, f"{key} names an entry twice")
    return tuple(value)


def parse_readings(doc: Any, file: str) -> Found[dict[str, Reading]]:
    """The readings of ``readings.yaml``, by id, in file order."""
    def at(field: str, message: str) -> Problem:
        return Problem.in_rules(file, message, field=field)

    if not isinstance(doc, dict):
        yield Problem.in_rules(file, "the readings file is a mapping with readings")
        return {}
    shape = list(unknown_keys(doc, {"readings"}, at))
    if not isinstance(doc.get("readings"), list):
        shape.append(at("readings", "readings is a list of readings"))
    yield from shape
    if shape:
        return {}
    found: dict[str, Reading] = {}
    for index, raw in enumerate(doc["readings"]):
        reading = yield from _reading(index, raw, file, found)
        if reading is not None:
            found[reading.id] = reading
    return found


def _reading(index: int, raw: Any, file: str, found: Mapping[str, Reading]) -> Found[Reading | None]:
    name = str(raw["id"]) if isinstance(raw, dict) and isinstance(raw.get("id"), str) \
        else f"#{index + 1}"

    def problem(field: str | None, message: str) -> Problem:
        return Problem.in_rules(file, message, rule=name, field=field, kind="reading")

    if not isinstance(raw, dict):
        yield problem(None, "a reading is a mapping")
        return None
    yield from unknown_keys(raw, READING_KEYS, problem)
    reading_id = raw.get("id")
    if not isinstance(reading_id, str) or not READING_ID.match(reading_id):
        yield problem("id", "a reading ID looks like RD-AREA-OLD-ADVISORY")
        return None
    if reading_id in found:
        yield problem("id", "duplicate reading ID")
        return None
    text = Text.parse({k: raw.get(k) for k in ("zh", "en")})
    if text is None:
        yield problem("zh", "a reading needs non-empty zh and en texts")
        return None
    outputs = yield from _names(raw, "outputs", problem)
    for part in outputs:
        if part not in OUTPUTS:
            yield problem("outputs", f"unknown output part {part!r}; known: {', '.join(OUTPUTS)}")
    rules = yield from _names(raw, "rules", problem)
    parameters = yield from _names(raw, "parameters", problem)
    if not rules and not parameters and not outputs:
        yield problem("rules", "a reading marks at least one rule, parameter or output part")
    return Reading(reading_id, text, rules, parameters, outputs)


@dataclass(frozen=True)
class Marked:
    """A rule or parameter that carries ``reading: [ids]``, for the cross-check."""

    kind: str  # "rule" or "parameter"
    name: str
    file: str
    readings: tuple[str, ...]


def check_marks(readings: Mapping[str, Reading], marked: Iterable[Marked],
                file: str) -> Iterator[Problem]:
    """Every rule and parameter a reading names carries it, and carries no other reading;
    every name a reading lists exists."""
    known: dict[tuple[str, str], Marked] = {(m.kind, m.name): m for m in marked}
    for item in known.values():
        for reading_id in item.readings:
            reading = readings.get(reading_id)
            names = () if reading is None else (
                reading.rules if item.kind == "rule" else reading.parameters)
            if reading is None:
                yield Problem.in_rules(item.file, f"unknown reading {reading_id!r} (see "
                                       "readings.yaml)", rule=item.name, field="reading",
                                       kind=item.kind)
            elif item.name not in names:
                yield Problem.in_rules(item.file, f"reading {reading_id} does not name this "
                                       f"{item.kind}; add it there or remove the mark",
                                       rule=item.name, field="reading", kind=item.kind)
    for reading in readings.values():
        for kind, names in (("rule", reading.rules), ("parameter", reading.parameters)):
            for name in names:
                found = known.get((kind, name))
                if found is None:
                    yield Problem.in_rules(file, f"unknown {kind} {name!r}", rule=reading.id,
                                           field=f"{kind}s", kind="reading")
                elif reading.id not in found.readings:
                    yield Problem.in_rules(
                        found.file, f"rests on reading {reading.id} (readings.yaml) but its "
                        f"reading does not name it", rule=name, field="reading", kind=kind)


def applied(readings: Iterable[Reading], annual: bool, lang: Lang) -> list[dict[str, Any]]:
    """The readings a run applies, as outputs list them: a check applies those of its rules,
    parameters and departments; the annual evaluation all of them."""
    return [r.as_json(lang) for r in readings
            if annual or r.rules or r.parameters or set(r.outputs) - set(ANNUAL_ONLY)]


def tags(readings: Iterable[Reading], subsidy_rules: Iterable[str]) -> dict[str, list[str]]:
    """The readings each part of the annual evaluation rests on, by id: its output parts,
    and ``money`` (the readings of the subsidy rules)."""
    money = set(subsidy_rules)
    found: dict[str, list[str]] = {part: [] for part in (*OUTPUTS, "money")}
    for reading in readings:
        for part in reading.outputs:
            found[part].append(reading.id)
        if money & set(reading.rules):
            found["money"].append(reading.id)
    return found


def interpretation(readings: Iterable[Reading], lang: Lang) -> str:
    """The texts of readings as one line, prefixed so a reader sees they are 执行口径."""
    texts = label("reading.separator", lang).join(r.text(lang) for r in readings)
    return label("reading.finding", lang, text=texts)
