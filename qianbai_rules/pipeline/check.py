"""The check pipeline: input items → validated records → statuses → results, streamed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from qianbai_rules.compile.compiled import CompiledRuleset, Status, Verdict
from qianbai_rules.core.problems import RecordProblem, Text
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.durable import available as durable_available
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.io.inputs import Meter, expand, read
from qianbai_rules.io.sources import RawRecord
from qianbai_rules.model.fields import flatten
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import column_of, parse_record, record_label
from qianbai_rules.model.values import id_key
from qianbai_rules.subsidies.amounts import Choice, DecisionFacts, Outcome, decision_facts, outcome


class Evaluator(Protocol):
    name: str

    def statuses(self, flat: Mapping[str, Any]) -> list[Status]: ...

    def decide(self, facts: DecisionFacts) -> list[Choice]: ...


def make_evaluator(engine: str, compiled: CompiledRuleset) -> Evaluator:
    """``durable`` (plain where durable_rules cannot be imported) or ``plain``."""
    if engine == "durable" and durable_available():
        return DurableEvaluator(compiled)
    return PlainEvaluator(compiled)


@dataclass(frozen=True)
class Evaluated:
    source: str
    record: FacilityRecord
    flat: dict[str, Any]
    statuses: list[Status]
    verdict: Verdict
    subsidies: list[Outcome]


@dataclass(frozen=True)
class Rejected:
    problem: RecordProblem
    errors: tuple[tuple[str | None, Text], ...] = ()


Result = Evaluated | Rejected


def facts(record: FacilityRecord) -> dict[str, Any]:
    """The record as flat dotted facts of JSON values; absent fields omitted."""
    return flatten(record.model_dump(mode="json", exclude_none=True))


def assess(flat: Mapping[str, Any], compiled: CompiledRuleset, evaluator: Evaluator,
           year: int) -> tuple[list[Status], Verdict, list[Outcome]]:
    """Every rule's outcome, the verdict, and what each subsidy rule gives in ``year``."""
    statuses = evaluator.statuses(flat)
    verdict = compiled.verdict(statuses)
    derived = decision_facts(compiled, statuses, verdict, flat, year)
    choices = evaluator.decide(derived)
    outcomes = [outcome(rule, choice, derived, compiled, statuses)
                for rule, choice in zip(compiled.subsidy_rules, choices, strict=True)]
    return statuses, verdict, outcomes


def evaluate_record(record: FacilityRecord, source: str, compiled: CompiledRuleset,
                    evaluator: Evaluator, year: int) -> Evaluated:
    """:func:`assess` of one validated record, with where it came from."""
    flat = facts(record)
    return Evaluated(source, record, flat, *assess(flat, compiled, evaluator, year))


@dataclass(frozen=True)
class Identity:
    """What the input-wide check for duplicate ids needs to know of a valid record."""

    record_id: str
    source: str
    label: str
    position: str

    def duplicate(self, first: str) -> Rejected:
        """The rejection of this record, whose id an earlier record has (written ``first``
        there: the same id, or one that NFKC normalisation makes the same)."""
        if first == self.record_id:
            message = Text(f"编号 {self.record_id} 与前面的记录重复", f"duplicate id {self.record_id}")
        else:
            message = Text(
                f"编号 {self.record_id} 与前面记录的编号 {first} 重复（全角与半角等写法视为同一编号）",
                f"duplicate id {self.record_id}: the same as the earlier {first} once written "
                f"in one form (Unicode NFKC: full-width and half-width letters are one id)")
        return Rejected(RecordProblem(self.source, self.label, "id", message, self.position))


def validate(item: RawRecord | RecordProblem) -> tuple[Identity, FacilityRecord] | Rejected:
    """One input item validated on its own (duplicate ids are checked by :class:`Unique`)."""
    if isinstance(item, RecordProblem):
        return Rejected(item)
    label = record_label(item.data, item.position)
    parsed = parse_record(item.data)
    if isinstance(parsed, list):
        field, message = parsed[0]
        return Rejected(RecordProblem(item.source, label, field, message, item.position,
                                      column_of(item.columns, field)), tuple(parsed))
    return Identity(parsed.id, item.source, label, item.position), parsed


class Unique:
    """Ids seen so far in input order: the second record with an id is rejected. Ids are
    compared in their NFKC form (:func:`.records.id_key`): ＪＢ-001 is JB-001."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def duplicate(self, identity: Identity) -> Rejected | None:
        key = id_key(identity.record_id)
        first = self._seen.get(key)
        if first is not None:
            return identity.duplicate(first)
        self._seen[key] = identity.record_id
        return None


def items(paths: Iterable[str], meter: Meter | None = None) -> Iterator[RawRecord | RecordProblem]:
    """Every record of every input, as read, in input order."""
    for source in expand(paths):
        if isinstance(source, RecordProblem):
            yield source
        else:
            yield from _guarded(source, meter)


def _guarded(source: str, meter: Meter | None) -> Iterator[RawRecord | RecordProblem]:
    """One source read with a last line of defence: should a reader itself fail, the
    records read so far stand and the rest of the file is one problem naming it."""
    try:
        yield from read(source, meter)
    except (Exception, RecursionError, MemoryError) as exc:
        yield RecordProblem(source, None, None, Text(
            f"读取文件时出现内部错误，其余部分未读取，请报告此问题：{type(exc).__name__}",
            f"internal error while reading the file, the rest of it not read; please report "
            f"it: {type(exc).__name__}"))


def validated(paths: Iterable[str],
              meter: Meter | None = None) -> Iterator[tuple[str, FacilityRecord] | Rejected]:
    """Every input record, in input order, validated (with its source) or rejected."""
    unique = Unique()
    for item in items(paths, meter):
        checked = validate(item)
        if isinstance(checked, Rejected):
            yield checked
        else:
            identity, record = checked
            yield unique.duplicate(identity) or (identity.source, record)


def run(paths: Iterable[str], compiled: CompiledRuleset, evaluator: Evaluator,
        year: int, meter: Meter | None = None) -> Iterator[Result]:
    """Every input record, in input order, evaluated or rejected with its reason."""
    for item in validated(paths, meter):
        if isinstance(item, Rejected):
            yield item
        else:
            source, record = item
            try:
                yield evaluate_record(record, source, compiled, evaluator, year)
            except Exception as exc:
                yield Rejected(RecordProblem(source, record.id, None, Text(
                    f"评估时出现内部错误，请报告此问题：{type(exc).__name__}: {exc}",
                    f"internal error while evaluating; please report it: "
                    f"{type(exc).__name__}: {exc}")))
