"""The identity block at the top of a record's report: which facility, where, run by whom.

One list for every format (text, HTML, Markdown and so PDF); a field shows only when the
record has it, so an absent address leaves no empty row.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Final

from qianbai_rules.core.problems import Lang
from qianbai_rules.model.display import field_name, render_value

IDENTITY: Final = (
    "id", "name", "district", "street_town", "address", "community.name", "facility_type",
    "build_kind", "floor_area_m2", "operation.operator_name", "operation.operator_credit_code",
    "operation.operator_kind", "operation.model", "contact.person", "contact.phone",
    "status.completed_on", "status.accepted_on", "status.opened_on", "status.closed_on",
)


def identity_rows(flat: Mapping[str, Any], lang: Lang,
                  shown: Collection[str] = ()) -> list[dict[str, str]]:
    """The record's identity fields that it has, as {field, label, value}, in block order;
    ``shown`` names fields the report already shows elsewhere."""
    return [{"field": name, "label": field_name(name, lang),
             "value": render_value(name, flat[name], lang)}
            for name in IDENTITY if name in flat and name not in shown]
