"""The JSON an assessment keeps of its marks (the inspection, attestations and waivers as
applied) and its follow-up (rectification items), and the objects rebuilt from it: the
one form the store writes (``assessments.marks``, ``assessments.follow_up``) and report
regeneration reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qianbai_rules.compile.compiled import Status, Verdict
from qianbai_rules.model.inspection import (
    Attestation,
    AttestedStatus,
    Evidence,
    Inspection,
    InspectionItem,
    Method,
    Sidecars,
    Waiver,
    WaiverKind,
    Where,
)
from qianbai_rules.model.values import id_key
from qianbai_rules.pipeline.followup import FollowUp, ItemState, RectificationItem
from qianbai_rules.pipeline.marks import AttestedUse, Marks, Standing, WaiverUse


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _where(where: Where | None) -> dict[str, str] | None:
    return {"source": where.source, "position": where.position} if where else None


def _where_of(value: Any) -> Where | None:
    return Where(value["source"], value["position"]) if value else None


def _attestation(a: Attestation) -> dict[str, Any]:
    return {"facility": a.facility, "rule": a.rule, "status": a.status.value,
            "method": a.method.value, "inspector": a.inspector, "date": a.date.isoformat(),
            "evidence": a.evidence.as_json() if a.evidence else None, "note": a.note,
            "expires": a.expires.isoformat() if a.expires else None, "where": _where(a.where)}


def _attestation_of(v: dict[str, Any]) -> Attestation:
    evidence = v.get("evidence")
    return Attestation(v["facility"], v["rule"], AttestedStatus(v["status"]), Method(v["method"]),
                       v["inspector"], dt.date.fromisoformat(v["date"]),
                       Evidence(**evidence) if evidence else None, v.get("note"),
                       _day(v.get("expires")), _where_of(v.get("where")))


def _waiver(w: Waiver) -> dict[str, Any]:
    return {"facility": w.facility, "rule": w.rule, **w.as_json(), "where": _where(w.where)}


def _waiver_of(v: dict[str, Any]) -> Waiver:
    return Waiver(v["facility"], v["rule"], WaiverKind(v["kind"]), v["justification"],
                  v["approver"], dt.date.fromisoformat(v["approved_on"]),
                  dt.date.fromisoformat(v["expires_on"]), _where_of(v.get("where")))


def _inspection(i: Inspection) -> dict[str, Any]:
    return {"facility": i.facility, **i.as_json(), "where": _where(i.where)}


def _inspection_of(v: dict[str, Any]) -> Inspection:
    items = {rule: InspectionItem(rule, Method(item["method"]) if item.get("method") else None,
                                  _day(item.get("deadline")))
             for rule, item in (v.get("items") or {}).items()}
    return Inspection(v["facility"], v.get("number"), v.get("unit"), _day(v.get("date")),
                      tuple(v.get("inspectors") or ()),
                      Method(v["method"]) if v.get("method") else None, v.get("receiver"),
                      items, _where_of(v.get("where")))


def marks_json(marks: Marks | None) -> dict[str, Any] | None:
    if marks is None:
        return None
    return {"inspection": _inspection(marks.inspection) if marks.inspection else None,
            "attested": {rule: {"attestation": _attestation(use.attestation),
                                "recorded": use.recorded.value, "standing": use.standing.value}
                         for rule, use in marks.attested.items()},
            "waived": {rule: {"waiver": _waiver(use.waiver), "standing": use.standing.value}
                       for rule, use in marks.waived.items()},
            "unwaived": marks.unwaived.value if marks.unwaived else None}


def marks_of(value: Any) -> Marks | None:
    if not value:
        return None
    return Marks(
        _inspection_of(value["inspection"]) if value.get("inspection") else None,
        {rule: AttestedUse(_attestation_of(use["attestation"]), Status(use["recorded"]),
                           Standing(use["standing"]))
         for rule, use in (value.get("attested") or {}).items()},
        {rule: WaiverUse(_waiver_of(use["waiver"]), Standing(use["standing"]))
         for rule, use in (value.get("waived") or {}).items()},
        Verdict(value["unwaived"]) if value.get("unwaived") else None)


def sidecars_of(facility: str, marks: Marks | None) -> Sidecars:
    """What the inspection's files said of one facility, as read for its run: the
    attestations and waivers its marks used (to evaluate its record again)."""
    if marks is None:
        return Sidecars()
    key = id_key(facility)
    attestations = tuple(use.attestation for use in marks.attested.values())
    waivers = tuple(use.waiver for use in marks.waived.values())
    return Sidecars({key: marks.inspection} if marks.inspection else {},
                    {key: attestations} if attestations else {},
                    {key: waivers} if waivers else {})


def _item_of(v: dict[str, Any]) -> RectificationItem:
    return RectificationItem(v["facility"], v["rule"], dt.date.fromisoformat(v["opened_on"]),
                             dt.date.fromisoformat(v["deadline"]), v.get("street_town"),
                             v["department"], v.get("inspection"), ItemState(v["state"]),
                             _day(v.get("closed_on")))


_LISTS = ("closed", "still_open", "overdue", "opened")


def follow_up_json(follow_up: FollowUp | None) -> dict[str, Any] | None:
    if follow_up is None:
        return None
    return {"previous_on": follow_up.previous_on.isoformat() if follow_up.previous_on else None,
            "previous_number": follow_up.previous_number,
            **{name: [item.as_json() for item in getattr(follow_up, name)] for name in _LISTS}}


def follow_up_of(value: Any) -> FollowUp | None:
    if not value:
        return None
    lists = {name: tuple(_item_of(item) for item in value.get(name) or ()) for name in _LISTS}
    return FollowUp(_day(value.get("previous_on")), value.get("previous_number"), **lists)
