"""Lean JSON Lines (``check --format jsonl``, the default ``--findings lean``): each record's
line carries only what depends on the record; what is the same for every record is in the
header line, once (contract: outputs.md, docs/architecture.md "JSON Lines").

:func:`expand` puts a lean line back together into the line ``--findings full`` writes,
key for key, so no information is lost. The lean writer leaves a value out only where
:func:`expand` gives it back:

- a finding's static fields (severity, clause, title, required, …) are in the header's
  ``rules`` entry of its rule; its ``requirement``, its ``message`` and a failure's
  ``remediation`` are left out where they equal that entry's ``requirement``,
  ``messages[status]`` and ``remediation`` (``"remediation": null`` where a failure has
  none although the rule's entry has one);
- ``observed`` leaves out null values and the ``facility_type`` of the line: the entry's
  ``observes[status]`` lists the fields, in order;
- a subsidy ``basis`` entry that is a parameter of the header's ``ruleset.parameters``
  is ``{"role", "name"}``; an entitlement whose text is its rule's ``entitlement_text`` is
  its rule id.

A finding's ``attested`` and ``waived`` (the inspection's, per record) are carried as they
are, as is a record's ``inspection`` and ``unwaived_verdict``. A key a lean finding does
carry always wins over the header's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

from qianbai_rules.core.jsontext import compact_bytes, compact_json
from qianbai_rules.reports.model import Finding, RecordReport

FAIL: Final = "fail"
MARKS: Final = ("attested", "waived")  # a finding's own, never in the header
_TYPE: Final = "facility_type"
_S = TypeVar("_S")
_T = TypeVar("_T")


def expand(header: Mapping[str, Any], line: Mapping[str, Any]) -> dict[str, Any]:
    """The ``--findings full`` line of a lean line, both parsed (``header`` is the value of
    the first line's ``header`` key). Lines that are not a record's come back as they are."""
    if "findings" not in line:
        return dict(line)
    rules = {rule["id"]: rule for rule in header["rules"]}
    parameters = {p["name"]: p for p in header["ruleset"]["parameters"]}
    facility_type = line[_TYPE]
    full: dict[str, Any] = {}
    for key, value in line.items():
        if key == "findings":
            value = [expand_finding(rules[f["rule"]], f, facility_type) for f in value]
        elif key == "subsidy" and value is not None:
            value = {kind: _expand_claim(claim, parameters) for kind, claim in value.items()}
        elif key == "entitlements" and value is not None:
            value = [_expand_entitlement(rules[e], e) if isinstance(e, str) else e for e in value]
        full[key] = value
    return full


def expand_finding(rule: Mapping[str, Any], lean: Mapping[str, Any],
                   facility_type: str) -> dict[str, Any]:
    """One finding put back together from its rule's header entry."""
    status = lean["status"]

    def get(key: str, default: Any = None) -> Any:
        return lean[key] if key in lean else rule.get(key, default)

    full: dict[str, Any] = {"rule": lean["rule"], "status": status,
                            "severity": get("severity"), "clause": get("clause"),
                            "department": get("department")}
    if get("assisted_by"):
        full["assisted_by"] = get("assisted_by")
    if get("entitlement"):
        full["entitlement"] = True
    if "street_town" in lean:
        full["street_town"] = lean["street_town"]
    observed = lean.get("observed", {})
    defaults = rule["observes"][status]
    full["title"] = get("title")
    full["observed"] = {name: observed.get(name, facility_type if name == _TYPE else default)
                        for name, default in defaults.items()}
    full["required"] = get("required")
    full["requirement"] = get("requirement")
    full["message"] = lean["message"] if "message" in lean else rule["messages"][status]
    remediation = lean["remediation"] if "remediation" in lean else \
        rule.get("remediation") if status == FAIL else None
    if remediation:
        full["remediation"] = remediation
    if get("interpretation") is not None:
        full["interpretation"] = get("interpretation")
        if get("interpretation_parameter") is not None:
            full["interpretation_parameter"] = get("interpretation_parameter")
        full["readings"] = get("readings")
    for key in MARKS:
        if key in lean:
            full[key] = lean[key]
    return full


def _same(value: Any, default: Any) -> bool:
    """Whether a value is written as its default is (1, 1.0 and true differ)."""
    return value is default if default is None or isinstance(default, bool) \
        else compact_json(value) == compact_json(default)


def _expand_claim(claim: Mapping[str, Any], parameters: Mapping[str, Any]) -> dict[str, Any]:
    if "basis" not in claim:
        return dict(claim)
    return {**claim, "basis": [{"role": b["role"], **parameters[b["name"]]} if len(b) == 2
                               else b for b in claim["basis"]]}


def _expand_entitlement(rule: Mapping[str, Any], rule_id: str) -> dict[str, Any]:
    return {"rule": rule_id, "title": rule["title"], "clause": rule["clause"],
            "text": rule["entitlement_text"]}


class LeanWriter:
    """Writes lean record lines against one header (``rules``, ``ruleset.parameters``).

    Each finding's lean JSON is worked out once and kept on the (shared) finding, as its
    full JSON is: it depends only on the finding and its rule, once the line's facility type
    is the one the finding observed. A claim's lean ``basis`` and the lean entitlements
    are kept by the identity of what they are made from (:meth:`_kept`).
    """

    KEPT: Final = 2_000  # lean bases and entitlement lists kept

    def __init__(self, rules: Sequence[Mapping[str, Any]],
                 parameters: Sequence[Mapping[str, Any]]) -> None:
        self.rules = {rule["id"]: rule for rule in rules}
        self.parameters = {p["name"]: p for p in parameters}
        self._by_identity: dict[int, tuple[Any, Any]] = {}

    def finding(self, finding: Finding, facility_type: str | None) -> dict[str, Any]:
        """The lean form of a finding (``facility_type``: the line's, None to keep it)."""
        full = finding.as_json()
        rule = self.rules[finding.rule]
        status = finding.status
        lean: dict[str, Any] = {"rule": finding.rule, "status": status}
        if "street_town" in full:
            lean["street_town"] = full["street_town"]
        defaults = rule["observes"][status]
        lean["observed"] = {
            name: value for name, value in full["observed"].items()
            if not (value == facility_type if name == _TYPE else _same(value, defaults[name]))}
        if rule.get("requirement") != full["requirement"] or "requirement" not in rule:
            lean["requirement"] = full["requirement"]
        if rule["messages"].get(status) != full["message"] or status not in rule["messages"]:
            lean["message"] = full["message"]
        fixed = rule.get("remediation") if status == FAIL else None
        if full.get("remediation") != fixed:
            lean["remediation"] = full.get("remediation")
        for key in MARKS:
            if key in full:
                lean[key] = full[key]
        return lean

    def finding_bytes(self, finding: Finding, facility_type: str) -> bytes:
        cached = finding.lean
        if cached is None:
            cached = finding.lean = compact_bytes(self.finding(finding, facility_type))
        return cached

    def line(self, report: RecordReport) -> bytes:
        """A record's lean line in UTF-8 (no newline)."""
        head = {"id": report.id, "name": report.name, _TYPE: report.facility_type,
                "source": report.source, "verdict": report.verdict, **report.marked_head()}
        kind = report.facility_type
        if report.flat.get(_TYPE) == kind:
            made = self.finding_bytes
            findings = [f.lean or made(f, kind) for f in report.findings]
        else:  # not the finding's own facility type: nothing left to the header
            findings = [compact_bytes(self.finding(f, None)) for f in report.findings]
        parts = [compact_bytes(head)[:-1], b',"findings":[', b",".join(findings)]
        if report.subsidy is None:
            parts.append(b"]}")
        else:
            subsidy = {kind: self._claim(claim.as_json())
                       for kind, claim in report.subsidy.items()}
            parts += (b'],"subsidy":', compact_bytes(subsidy), b',"entitlements":',
                      self._entitlements(report.entitlements), b"}")
        return b"".join(parts)

    def _claim(self, claim: dict[str, Any]) -> dict[str, Any]:
        claim["basis"] = self._kept(claim["basis"],
                                    lambda basis: [self._basis(b) for b in basis])
        return claim

    def _entitlements(self, entries: list[dict[str, str]] | None) -> bytes:
        return self._kept(entries, lambda entries: compact_bytes(
            [self._entitlement(e) for e in entries] if entries is not None else None))

    def _kept(self, made_from: _S, make: Callable[[_S], _T]) -> _T:
        """``make(made_from)``, kept by the identity of ``made_from`` (which Claims hands
        out again for equal outcomes, and which is only ever read): held alive with it, so
        the identity cannot pass to another object while kept."""
        kept = self._by_identity.get(id(made_from))
        if kept is None or kept[0] is not made_from:
            if len(self._by_identity) >= self.KEPT:
                self._by_identity.clear()
            kept = self._by_identity[id(made_from)] = (made_from, make(made_from))
        made: _T = kept[1]
        return made

    def _basis(self, entry: Mapping[str, Any]) -> Any:
        parameter = self.parameters.get(entry.get("name", ""))
        if parameter is not None and list(entry.items()) == [("role", entry["role"]),
                                                             *parameter.items()]:
            return {"role": entry["role"], "name": entry["name"]}
        return entry

    def _entitlement(self, entry: Mapping[str, Any]) -> Any:
        rule = self.rules.get(entry["rule"])
        if rule is not None and entry == _expand_entitlement(rule, entry["rule"]) \
                and list(entry) == ["rule", "title", "clause", "text"]:
            return entry["rule"]
        return entry
