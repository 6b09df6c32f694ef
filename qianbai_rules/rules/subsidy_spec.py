"""The ``subsidy`` block of a rule and the eligibility decision table, as data.

A subsidy rule names its amounts by parameter, in branches chosen by a condition::

    subsidy:
      kind: construction            # or operating
      amounts:                      # the first branch whose condition holds
        - when: {field: subsidy.city_construction_granted, eq: true}
          city: {param: ...}
          district: {param: ...}
      # operating only:
      proration: {param: subsidy.operating.proration}    # monthly | none
      period: {from: status.opened_on, until: status.closed_on}
      ineligible_when: [condition, ...]
      payer: {param: subsidy.operating.payer}            # city | district
      # construction only:
      completion: status.completed_on   # the date the one-off subsidy belongs to
      approved: subsidy.construction_approved_yuan      # what was approved, where known
      paid: subsidy.construction_paid_yuan              # what has been paid so far

Who is eligible is decided by ``rules/eligibility.yaml`` (see the comments there).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from qianbai_rules.core.problems import At, Found, Problem, collect, reported, unknown_keys
from qianbai_rules.model.fields import FIELDS, Kind
from qianbai_rules.rules.condition_parser import parse_condition
from qianbai_rules.rules.conditions import Condition, fields_of, params_of
from qianbai_rules.rules.parameters import Parameter


class SubsidyKind(StrEnum):
    construction = "construction"
    operating = "operating"


class Decision(StrEnum):
    eligible = "eligible"
    ineligible = "ineligible"
    undetermined = "undetermined"
    not_covered = "not_covered"


class ReasonKind(StrEnum):
    failed_rules = "failed_rules"
    unknown_rules = "unknown_rules"
    missing_fields = "missing_fields"
    blocking_fields = "blocking_fields"


PRORATIONS: Final = ("monthly", "none")
FUNDERS: Final = ("city", "district")
SUBSIDY_KEYS: Final = {"kind", "amounts", "proration", "period", "ineligible_when", "payer",
                       "completion", "approved", "paid"}
CONSTRUCTION_KEYS: Final = ("completion", "approved", "paid")
OPERATING_KEYS: Final = ("proration", "period", "ineligible_when", "payer")
ROW_KEYS: Final = {"when", "status", "reasons", "waivers"}
WHEN_KEYS: Final = {"scope", "verdict", "blocked", "missing", "idle"}
SCOPES: Final = ("pass", "not_applicable", "unknown")  # how a row's when.scope is written
VERDICTS: Final = ("compliant", "non_compliant", "incomplete")  # best first
# What a waiver can do to a verdict: (with waivers, without), never worse with them.
VERDICT_PAIRS: Final = tuple((waived, unwaived) for i, waived in enumerate(VERDICTS)
                             for unwaived in VERDICTS[i:])


@dataclass(frozen=True)
class AmountBranch:
    when: Condition | None
    city: str | None = None  # parameter names
    district: str | None = None
    yuan_per_year: str | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        named = (self.city, self.district, self.yuan_per_year)
        return tuple(p for p in named if p) + params_of(self.when)


@dataclass(frozen=True)
class SubsidySpec:
    kind: SubsidyKind
    amounts: tuple[AmountBranch, ...]
    proration: str | None = None
    period_from: str | None = None
    period_until: str | None = None
    ineligible_when: tuple[Condition, ...] = ()
    payer: str | None = None  # parameter naming who pays a single amount: city or district
    completion: str | None = None  # date field: the one-off subsidy belongs to its year
    approved: str | None = None  # integer field: the amount approved for the facility
    paid: str | None = None  # integer field: what has been paid so far

    @property
    def needs(self) -> tuple[str, ...]:
        """Fields without which the amount cannot be worked out (a one-off subsidy needs the
        completion date that places it in a year and sets the amounts in force)."""
        named = {f for b in self.amounts for f in fields_of(b.when)}
        named.update(f for f in (self.period_from, self.completion) if f)
        return tuple(sorted(named))

    @property
    def parameters(self) -> tuple[str, ...]:
        named = {p for b in self.amounts for p in b.parameters}
        named.update(p for c in self.ineligible_when for p in params_of(c))
        named.update(p for p in (self.proration, self.payer) if p)
        return tuple(sorted(named))


@dataclass(frozen=True)
class DecisionRow:
    """One row of the eligibility table; ``None`` means the row does not look at it."""

    status: Decision
    scope: str = "pass"
    verdict: str | None = None
    blocked: bool = False
    missing: bool = False
    idle: bool = False
    reasons: ReasonKind | None = None
    waivers: bool = False  # True (``waivers: count``): ``verdict`` reads the verdict with
    # the waivers that count; else the verdict without any waiver

    def reads(self, waived: str, unwaived: str) -> str:
        """The verdict this row's ``verdict`` condition compares, of the two a record has."""
        return waived if self.waivers else unwaived


def _condition(raw: Any, path: str, parameters: Mapping[str, Parameter],
               at: At) -> Found[Condition | None]:
    return (yield from reported(lambda report: parse_condition(raw, path, parameters, report), at))


def _param(raw: Any, path: str, parameters: Mapping[str, Parameter], at: At,
           numeric: bool = True) -> Found[str | None]:
    if not (isinstance(raw, dict) and set(raw) == {"param"}):
        yield at(path, "an amount names a parameter: {param: NAME}")
        return None
    name = raw["param"]
    parameter = parameters.get(name) if isinstance(name, str) else None
    if parameter is None:
        yield at(f"{path}.param", f"unknown parameter {name!r}")
        return None
    values = [v.value for v in parameter.values if v.value is not None]
    if numeric and not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        yield at(f"{path}.param", f"parameter {name} must hold whole yuan amounts")
        return None
    return parameter.name


def _word(raw: Any, path: str, parameters: Mapping[str, Parameter], at: At,
          allowed: tuple[str, ...]) -> Found[str | None]:
    """A parameter whose every value is one of ``allowed`` words."""
    name = yield from _param(raw, path, parameters, at, numeric=False)
    if name:
        bad = [v.value for v in parameters[name].values
               if v.value is not None and v.value not in allowed]
        if bad:
            yield at(path, f"{name} takes {' or '.join(allowed)}, not {bad[0]!r}")
    return name


def _field(raw: Any, path: str, at: At, kind: Kind) -> Found[str | None]:
    spec = FIELDS.get(raw) if isinstance(raw, str) else None
    if spec is None or spec.kind is not kind:
        yield at(path, f"{raw!r} is not {'a date' if kind is Kind.date else 'an integer'} field "
                       f"of the record")
        return None
    return spec.name


def parse_subsidy(raw: Any, parameters: Mapping[str, Parameter], at: At) -> Found[SubsidySpec | None]:
    """Parse and check a rule's ``subsidy`` block; None where it has a problem."""
    spec, problems = collect(_subsidy(raw, parameters, at))
    yield from problems
    return None if problems else spec


def _subsidy(raw: Any, parameters: Mapping[str, Parameter], at: At) -> Found[SubsidySpec | None]:
    if not isinstance(raw, dict):
        yield at("subsidy", "subsidy is a mapping with kind and amounts")
        return None
    yield from unknown_keys(raw, SUBSIDY_KEYS, at, under="subsidy")
    kind = raw.get("kind")
    if kind not in SubsidyKind.__members__:
        yield at("subsidy.kind", f"kind is one of {', '.join(SubsidyKind)}")
        return None
    kind = SubsidyKind(str(kind))
    amounts = yield from _amounts(raw.get("amounts"), kind, parameters, at)
    spec = SubsidySpec(kind=kind, amounts=amounts)
    other, owner = (CONSTRUCTION_KEYS, "a construction") if kind is SubsidyKind.operating \
        else (OPERATING_KEYS, "an operating")
    for key in other:
        if key in raw:
            yield at(f"subsidy.{key}", f"{key} belongs to {owner} subsidy")
    if kind is SubsidyKind.operating:
        return (yield from _operating(raw, spec, parameters, at))
    return (yield from _construction(raw, spec, at))


def _construction(raw: dict[str, Any], spec: SubsidySpec, at: At) -> Found[SubsidySpec]:
    """The one-off subsidy's year comes from a date field; what was approved and paid from
    integer fields, where the record gives them."""
    completion = yield from _field(raw.get("completion"), "subsidy.completion", at, Kind.date)
    approved = (yield from _field(raw["approved"], "subsidy.approved", at, Kind.integer)) \
        if "approved" in raw else None
    paid = (yield from _field(raw["paid"], "subsidy.paid", at, Kind.integer)) \
        if "paid" in raw else None
    return SubsidySpec(kind=spec.kind, amounts=spec.amounts, completion=completion,
                       approved=approved, paid=paid)


def _amounts(raw: Any, kind: SubsidyKind, parameters: Mapping[str, Parameter],
             at: At) -> Found[tuple[AmountBranch, ...]]:
    if not isinstance(raw, list) or not raw:
        yield at("subsidy.amounts", "amounts is a non-empty list of branches")
        return ()
    allowed = {"when", *FUNDERS} if kind is SubsidyKind.construction else {"when", "yuan_per_year"}
    branches = []
    for i, item in enumerate(raw):
        path = f"subsidy.amounts[{i}]"
        if not isinstance(item, dict):
            yield at(path, "a branch is a mapping")
            continue
        yield from unknown_keys(item, allowed, at, under=path)
        when = (yield from _condition(item["when"], f"{path}.when", parameters, at)) \
            if "when" in item else None
        values = {}
        for key in sorted(allowed - {"when"}):
            if key in item:
                values[key] = yield from _param(item[key], f"{path}.{key}", parameters, at)
        if not any(values.values()) and not any(k in item for k in allowed - {"when"}):
            yield at(path, f"a branch names at least one of {', '.join(sorted(allowed - {'when'}))}")
        branches.append(AmountBranch(when=when, **values))
    return tuple(branches)


def _operating(raw: dict[str, Any], spec: SubsidySpec, parameters: Mapping[str, Parameter],
               at: At) -> Found[SubsidySpec]:
    proration = yield from _word(raw.get("proration"), "subsidy.proration", parameters, at,
                                 PRORATIONS)
    period = raw.get("period")
    period_from = period_until = None
    if not isinstance(period, dict) or "from" not in period or set(period) - {"from", "until"}:
        yield at("subsidy.period", "period is {from: DATE FIELD, until: DATE FIELD}")
    else:
        period_from = yield from _field(period["from"], "subsidy.period.from", at, Kind.date)
        if "until" in period:
            period_until = yield from _field(period["until"], "subsidy.period.until", at,
                                             Kind.date)
    blocks = raw.get("ineligible_when") or []
    if not isinstance(blocks, list):
        yield at("subsidy.ineligible_when", "ineligible_when is a list of conditions")
        blocks = []
    conditions = []
    for i, block in enumerate(blocks):
        conditions.append((yield from _condition(block, f"subsidy.ineligible_when[{i}]",
                                                 parameters, at)))
    payer = yield from _word(raw.get("payer"), "subsidy.payer", parameters, at, FUNDERS)
    return SubsidySpec(kind=spec.kind, amounts=spec.amounts, proration=proration,
                       period_from=period_from, period_until=period_until,
                       ineligible_when=tuple(c for c in conditions if c is not None),
                       payer=payer)


def parse_decisions(doc: Any, file: str) -> Found[tuple[DecisionRow, ...]]:
    """The eligibility table; its last row must be reachable by a compliant record."""
    def problem(field: str, message: str) -> Problem:
        return Problem.in_rules(file, message, field=field)

    if not isinstance(doc, dict):
        yield Problem.in_rules(file, "the eligibility table is a mapping with decisions")
        return ()
    shape = list(unknown_keys(doc, {"decisions"}, problem))
    if not isinstance(doc.get("decisions"), list) or not doc["decisions"]:
        shape.append(problem("decisions", "decisions is a list of rows, at least one"))
    yield from shape
    if shape:
        return ()
    rows = []
    for i, raw in enumerate(doc["decisions"]):
        row = yield from _row(raw, f"decisions[{i}]", problem)
        if row is not None:
            rows.append(row)
    for scope in SCOPES:
        for waived, unwaived in VERDICT_PAIRS:
            if not any(r.scope == scope and r.verdict in (None, r.reads(waived, unwaived))
                       and not (r.blocked or r.missing or r.idle) for r in rows):
                without = "" if waived == unwaived else f" ({unwaived} without its waivers)"
                yield problem("decisions", f"no row decides a record with scope {scope} and "
                                           f"verdict {waived}{without}")
    return tuple(rows)


def _row(raw: Any, path: str, at: At) -> Found[DecisionRow | None]:
    if not isinstance(raw, dict):
        yield at(path, "a row is a mapping with when and status")
        return None
    yield from unknown_keys(raw, ROW_KEYS, at, under=path)
    when = raw.get("when") or {}
    if not isinstance(when, dict):
        yield at(f"{path}.when", "when is a mapping")
        return None
    yield from unknown_keys(when, WHEN_KEYS, at, under=f"{path}.when")
    status = raw.get("status")
    if status not in Decision.__members__:
        yield at(f"{path}.status", f"status is one of {', '.join(Decision)}")
        return None
    scope = when.get("scope", "pass")
    if scope not in SCOPES:
        yield at(f"{path}.when.scope", "scope is pass, not_applicable or unknown")
    verdict = when.get("verdict")
    if verdict not in (None, *VERDICTS):
        yield at(f"{path}.when.verdict", "verdict is compliant, non_compliant or incomplete")
    for flag in ("blocked", "missing", "idle"):
        if flag in when and when[flag] is not True:
            yield at(f"{path}.when.{flag}", f"{flag} can only be true")
    waivers = raw.get("waivers")
    if waivers is not None and waivers != "count":
        yield at(f"{path}.waivers", "waivers can only be count (the verdict with the waivers "
                                    "that count; without the column, the verdict without them)")
    elif waivers is not None and "verdict" not in when:
        yield at(f"{path}.waivers", "waivers: count needs a verdict condition in when")
    reasons = raw.get("reasons")
    if reasons is not None and reasons not in ReasonKind.__members__:
        yield at(f"{path}.reasons", f"reasons is one of {', '.join(ReasonKind)}")
        reasons = None
    return DecisionRow(
        status=Decision(str(status)), scope=str(scope), verdict=verdict,
        blocked=bool(when.get("blocked")), missing=bool(when.get("missing")),
        idle=bool(when.get("idle")), reasons=ReasonKind(reasons) if reasons else None,
        waivers=waivers == "count")
