"""Record fields as a person reads them: a field's label, a value in words (codes by their
names, yes/no, lists), the facility types by name. The values themselves are formatted by
:mod:`qianbai_rules.texts.formats`; this module adds what only the field catalogue knows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from qianbai_rules.core.problems import Lang
from qianbai_rules.model.codes import CODE_NAMES_EN
from qianbai_rules.model.fields import FIELDS, Kind
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import label


def field_name(name: str, lang: Lang) -> str:
    """A field's label (建筑面积, floor area); an unknown name as it is."""
    spec = FIELDS.get(name)
    if spec is None:
        return name
    return spec.label_zh if lang == "zh" else spec.label_en


def render_value(name: str, value: Any, lang: Lang) -> str:
    """A record value as a person reads it: codes by their names, yes/no, lists, dates
    as written (2019年12月31日 in Chinese)."""
    spec = FIELDS.get(name)
    if value is None:
        return label("value.missing", lang)
    if isinstance(value, bool):
        return label(f"value.{'true' if value else 'false'}", lang)
    if isinstance(value, list | tuple):
        if not value:
            return label("value.empty", lang)
        return formats.listing((render_value(name, v, lang) for v in value), lang)
    if spec is not None and spec.codes:
        code = str(value)
        return spec.code_name(code) if lang == "zh" else CODE_NAMES_EN.get(code, code)
    if isinstance(value, int | float):
        return formats.number(value)
    if isinstance(value, dt.date):
        return formats.written_date(value, lang)
    if spec is not None and spec.kind is Kind.date and isinstance(value, str):
        try:
            return formats.written_date(dt.date.fromisoformat(value), lang)
        except ValueError:
            return value
    return str(value)


def type_names(lang: Lang) -> dict[str, str]:
    """Facility type codes by name, as reports show them."""
    return {code: render_value("facility_type", code, lang)
            for code in FIELDS["facility_type"].codes}
