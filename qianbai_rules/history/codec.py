"""What an assessment keeps of its inspection (:class:`.Marks`) and of its rectification
items (:class:`.FollowUp`), as JSON that reads back to the same values: the stored
assessment is what its report is made again from."""

from __future__ import annotations

import datetime as dt
import json
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


def column_text(value: Any) -> str:
    """JSON as a column of the history keeps it: keys sorted, text as written."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def _where(where: Where | None) -> dict[str, str] | None:
    return None if where is None else {"source": where.source, "position": where.position}


def _where_of(raw: Any) -> Where | None:
    return None if raw is None else Where(raw["source"], raw["position"])


def _evidence_of(raw: Any) -> Evidence | None:
    return None if raw is None else Evidence(raw.get("name"), raw.get("sha256"),
                                             raw.get("reference"))


def _inspection(inspection: Inspection) -> dict[str, Any]:
    return {"facility": inspection.facility, **inspection.as_json(),
            "where": _where(inspection.where)}


def _inspection_of(raw: dict[str, Any]) -> Inspection:
    items = {rule: InspectionItem(rule, Method(item["method"]) if item["method"] else None,
                                  _date(item["deadline"]))
             for rule, item in raw["items"].items()}
    return Inspection(raw["facility"], raw["number"], raw["unit"], _date(raw["date"]),
                      tuple(raw["inspectors"]), Method(raw["method"]) if raw["method"] else None,
                      raw["receiver"], items, _where_of(raw["where"]))


def _attested(use: AttestedUse) -> dict[str, Any]:
    a = use.attestation
    return {"facility": a.facility, "status": a.status.value, **a.as_json(),
            "note": a.note, "expires": _day(a.expires), "where": _where(a.where),
            "recorded": use.recorded.value, "standing": use.standing.value}


def _attested_of(rule: str, raw: dict[str, Any]) -> AttestedUse:
    attestation = Attestation(raw["facility"], rule, AttestedStatus(raw["status"]),
                              Method(raw["method"]), raw["by"], dt.date.fromisoformat(raw["on"]),
                              _evidence_of(raw["evidence"]), raw["note"], _date(raw["expires"]),
                              _where_of(raw["where"]))
    return AttestedUse(attestation, Status(raw["recorded"]), Standing(raw["standing"]))


def _waived(use: WaiverUse) -> dict[str, Any]:
    w = use.waiver
    return {"facility": w.facility, **w.as_json(), "where": _where(w.where),
            "standing": use.standing.value}


def _waived_of(rule: str, raw: dict[str, Any]) -> WaiverUse:
    waiver = Waiver(raw["facility"], rule, WaiverKind(raw["kind"]), raw["justification"],
                    raw["approver"], dt.date.fromisoformat(raw["approved_on"]),
                    dt.date.fromisoformat(raw["expires_on"]), _where_of(raw["where"]))
    return WaiverUse(waiver, Standing(raw["standing"]))


def marks_json(marks: Marks) -> dict[str, Any]:
    """The inspection, attestations and waivers one record was evaluated with."""
    return {"inspection": None if marks.inspection is None else _inspection(marks.inspection),
            "attested": {rule: _attested(use) for rule, use in sorted(marks.attested.items())},
            "waived": {rule: _waived(use) for rule, use in sorted(marks.waived.items())},
            "unwaived": None if marks.unwaived is None else marks.unwaived.value}


def marks_of(raw: dict[str, Any]) -> Marks:
    """:func:`marks_json` read back."""
    inspection = raw["inspection"]
    return Marks(None if inspection is None else _inspection_of(inspection),
                 {rule: _attested_of(rule, use) for rule, use in raw["attested"].items()},
                 {rule: _waived_of(rule, use) for rule, use in raw["waived"].items()},
                 None if raw["unwaived"] is None else Verdict(raw["unwaived"]))


def item_of(raw: dict[str, Any]) -> RectificationItem:
    """:meth:`.RectificationItem.as_json` read back."""
    return RectificationItem(raw["facility"], raw["rule"], dt.date.fromisoformat(raw["opened_on"]),
                             dt.date.fromisoformat(raw["deadline"]), raw["street_town"],
                             raw["department"], raw["inspection"], ItemState(raw["state"]),
                             _date(raw["closed_on"]))


_PARTS = ("closed", "still_open", "overdue", "opened")


def follow_up_json(follow_up: FollowUp) -> dict[str, Any]:
    return {"previous_on": _day(follow_up.previous_on),
            "previous_number": follow_up.previous_number,
            **{part: [item.as_json() for item in getattr(follow_up, part)] for part in _PARTS}}


def follow_up_of(raw: dict[str, Any]) -> FollowUp:
    """:func:`follow_up_json` read back."""
    parts = {part: tuple(item_of(item) for item in raw[part]) for part in _PARTS}
    return FollowUp(_date(raw["previous_on"]), raw["previous_number"], **parts)


def sidecars_of(facility: str, marks: Marks | None) -> Sidecars:
    """What the inspection's files said of one facility, as its run read them: the
    inspection and the attestations and waivers its marks used (to evaluate it again)."""
    if marks is None:
        return Sidecars()
    key = id_key(facility)
    attestations = tuple(use.attestation for use in marks.attested.values())
    waivers = tuple(use.waiver for use in marks.waived.values())
    return Sidecars({key: marks.inspection} if marks.inspection else {},
                    {key: attestations} if attestations else {},
                    {key: waivers} if waivers else {})
