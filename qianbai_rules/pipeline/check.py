"""The check pipeline: input items → validated records → statuses → results, streamed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from qianbai_rules.compile.compiled import CompiledRuleset, Status, Verdict
from qianbai_rules.core.problems import Problem, Text
from qianbai_rules.engines.evaluator import Evaluator
from qianbai_rules.io.inputs import Meter, expand, read
from qianbai_rules.io.places import joined, located, place, where
from qianbai_rules.io.sources import InputItem, RawRecord
from qianbai_rules.model.flat import FlatRecord
from qianbai_rules.model.inspection import Sidecars
from qianbai_rules.model.record import FacilityRecord
from qianbai_rules.model.validation import (
    FieldError,
    column_index,
    column_of,
    parse_record,
    record_label,
)
from qianbai_rules.model.values import id_key
from qianbai_rules.pipeline.followup import FollowUp
from qianbai_rules.pipeline.marks import Marks, apply
from qianbai_rules.subsidies.amounts import SubsidyOutcome
from qianbai_rules.subsidies.memo import memo_of
from qianbai_rules.texts.labels import text


@dataclass(frozen=True)
class Evaluated:
    source: str
    record: FacilityRecord
    flat: FlatRecord
    statuses: list[Status]
    verdict: Verdict
    subsidies: list[SubsidyOutcome]
    marks: Marks | None = None  # the inspection's attestations and waivers, where given
    follow_up: FollowUp | None = None  # rectification items, where a history is kept


@dataclass(frozen=True)
class Rejected:
    problem: Problem
    errors: tuple[tuple[str | None, Text], ...] = ()


Result = Evaluated | Rejected


def assess(flat: FlatRecord, compiled: CompiledRuleset, evaluator: Evaluator,
           year: int) -> tuple[list[Status], Verdict, list[SubsidyOutcome]]:
    """Every rule's outcome, the verdict, and what each subsidy rule gives in ``year`` (from
    the memos of the run evaluating with ``evaluator``: :mod:`qianbai_rules.subsidies.memo`)."""
    statuses = evaluator.statuses(flat)
    verdict = compiled.verdict(statuses)
    subsidies = memo_of(compiled, evaluator).outcomes(evaluator, flat, statuses, verdict, year)
    return statuses, verdict, subsidies


def assess_marked(flat: FlatRecord, compiled: CompiledRuleset, evaluator: Evaluator, year: int,
                  sidecars: Sidecars, facility: str
                  ) -> tuple[list[Status], Verdict, list[SubsidyOutcome], Marks] | None:
    """:func:`assess` with the facility's inspection, attestations and waivers applied
    (:func:`~qianbai_rules.pipeline.marks.apply`): the subsidies read the attested
    outcomes, and the eligibility table the verdict with or without the waivers as each
    of its rows says. None when the sidecars say nothing of the facility."""
    applied = apply(evaluator.statuses(flat), compiled, sidecars, facility)
    if applied is None:
        return None
    statuses, verdict, marks = applied
    subsidies = memo_of(compiled, evaluator).outcomes(evaluator, flat, statuses, verdict, year,
                                                      marks.unwaived)
    return statuses, verdict, subsidies, marks


def evaluate_record(record: FacilityRecord, source: str, compiled: CompiledRuleset,
                    evaluator: Evaluator, year: int, sidecars: Sidecars | None = None
                    ) -> Evaluated:
    """:func:`assess` of one validated record, with where it came from; with ``sidecars``
    that name its facility, :func:`assess_marked`."""
    flat = FlatRecord.of(record)
    key = id_key(record.id) if sidecars else ""
    if sidecars and sidecars.names(key):  # asked first: the rules are evaluated once
        marked = assess_marked(flat, compiled, evaluator, year, sidecars, key)
        assert marked is not None  # the sidecars name the facility
        statuses, verdict, subsidies, marks = marked
        return Evaluated(source, record, flat, statuses, verdict, subsidies, marks)
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
            message = text("problem.duplicate_id", id=self.record_id)
        else:
            message = text("problem.duplicate_id_written_otherwise", id=self.record_id, first=first)
        return Rejected(Problem.in_record(self.source, self.label, "id",
                                          located(place(self.position), message), self.position))


def validate(item: InputItem) -> tuple[Identity, FacilityRecord] | Rejected:
    """One input item validated on its own (duplicate ids are checked by :class:`Unique`)."""
    if isinstance(item, Problem):
        return Rejected(item)
    label = record_label(item.data, item.position)
    parsed = parse_record(item.data)
    if isinstance(parsed, list) or item.notes:
        return rejected(item, label, [] if not isinstance(parsed, list) else parsed)
    return Identity(parsed.id, item.source, label, item.position), parsed


def rejected(item: RawRecord, label: str, errors: list[FieldError]) -> Rejected:
    """A record with every error found in it, each saying where it is (the row, column and
    header of a spreadsheet; the record and the field's label of a document), in column
    order in a spreadsheet. The entry's field and column are those of the first."""
    named = item.position if any(field == "id" for field, _ in errors) else label  # a refused
    # id is not echoed in the messages: the record is named by its place in the file
    found = [(field, located(where(item.position, named, item.columns, field), message))
             for field, message in errors]
    found = [*found, *item.notes]
    if item.columns:
        found.sort(key=lambda error: _column_order(item.columns, error[0]))
    field, _ = found[0]
    return Rejected(Problem.in_record(item.source, label, field, joined([m for _, m in found]),
                                      item.position, column_of(item.columns, field)),
                    tuple(found))


def _column_order(columns: tuple[str, ...], field: str | None) -> int:
    index = column_index(columns, field)
    return len(columns) if index is None else index


class Unique:
    """Ids seen so far in input order: the second record with an id is rejected. Ids are
    compared in their NFKC form (:func:`qianbai_rules.model.values.id_key`): ＪＢ-001 is JB-001."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def duplicate(self, identity: Identity) -> Rejected | None:
        key = id_key(identity.record_id)
        first = self._seen.get(key)
        if first is not None:
            return identity.duplicate(first)
        self._seen[key] = identity.record_id
        return None


def items(paths: Iterable[str], meter: Meter | None = None) -> Iterator[InputItem]:
    """Every record of every input, as read, in input order."""
    for source in expand(paths):
        if isinstance(source, Problem):
            yield source
        else:
            yield from _guarded(source, meter)


def _guarded(source: str, meter: Meter | None) -> Iterator[InputItem]:
    """One source read with a last line of defence: should a reader itself fail, the
    records read so far stand and the rest of the file is one problem naming it."""
    try:
        yield from read(source, meter)
    except (Exception, RecursionError, MemoryError) as exc:
        yield Problem.in_record(source, None, None, text("problem.internal_error_reading",
                                                         error=type(exc).__name__))


def validated(paths: Iterable[str],
              meter: Meter | None = None) -> Iterator[tuple[str, FacilityRecord] | Rejected]:
    """Every input record, in input order, validated (with its source) or rejected: the
    first half of :func:`check_item`, for callers that only read (benchmarks, the fuzz run)."""
    unique = Unique()
    for item in items(paths, meter):
        identity, admitted = admit(item, unique)
        if isinstance(admitted, Rejected):
            yield admitted
        else:
            assert identity is not None  # a valid record has one
            yield identity.source, admitted


def admit(item: InputItem, unique: Unique | None = None
          ) -> tuple[Identity | None, FacilityRecord | Rejected]:
    """One input item validated, and with ``unique`` refused when its id came before. The
    identity of a valid record is returned even when it is a duplicate."""
    checked = validate(item)
    if isinstance(checked, Rejected):
        return None, checked
    identity, record = checked
    duplicate = unique.duplicate(identity) if unique is not None else None
    return identity, duplicate or record


def check_item(item: InputItem, compiled: CompiledRuleset, evaluator: Evaluator,
               year: int, unique: Unique | None = None, *, sidecars: Sidecars | None = None
               ) -> tuple[Identity | None, Result]:
    """One input item validated and evaluated, or rejected with its reason: the one step
    per record of both one process and the ``--jobs`` workers. The identity of a valid
    record is returned even when its evaluation failed: its id is taken all the same.

    With ``unique`` (one process) a record whose id came before is rejected here, and not
    evaluated; the workers pass none and the parent, which sees the ids in input order,
    rejects the duplicates (:mod:`.parallel`). ``sidecars``: the inspection, attestations
    and waivers of the run, applied to the records of the facilities they name."""
    identity, admitted = admit(item, unique)
    if isinstance(admitted, Rejected):
        return identity, admitted
    assert identity is not None  # a valid record has one
    return identity, _guarded_evaluation(admitted, identity.source, compiled, evaluator, year,
                                         sidecars)


def _guarded_evaluation(record: FacilityRecord, source: str, compiled: CompiledRuleset,
                        evaluator: Evaluator, year: int, sidecars: Sidecars | None) -> Result:
    """:func:`evaluate_record` with a last line of defence: should an evaluator itself fail
    on a record, that record is rejected with the reason and the run goes on."""
    try:
        return evaluate_record(record, source, compiled, evaluator, year, sidecars)
    except Exception as exc:
        return Rejected(Problem.in_record(source, record.id, None, located(
            text("location.record_id", id=record.id),
            text("problem.internal_error_evaluating", error=f"{type(exc).__name__}: {exc}"))))


def run(paths: Iterable[str], compiled: CompiledRuleset, evaluator: Evaluator,
        year: int, meter: Meter | None = None, *, sidecars: Sidecars | None = None
        ) -> Iterator[Result]:
    """Every input record, in input order, evaluated or rejected with its reason (with
    ``sidecars``, as :func:`check_item` says)."""
    unique = Unique()
    for item in items(paths, meter):
        yield check_item(item, compiled, evaluator, year, unique, sidecars=sidecars)[1]
