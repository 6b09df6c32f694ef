"""Templates to text: the one Jinja environment and PDF (files are written by writing.py).

Autoescaping is on for HTML and Markdown; templates come only from the template folder,
never from rule or record text; record text reaches a template only as a value.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from qianbai_rules.core.problems import Lang
from qianbai_rules.core.resources import templates_dir
from qianbai_rules.core.safetext import visible, visible_lines
from qianbai_rules.io.writing import ReportError
from qianbai_rules.reports.fonts import require_chinese_font
from qianbai_rules.reports.model import Finding
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import fill, labels, pair, status_word

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~-])")
# What GitHub-flavoured Markdown would turn into a link by itself (a bare URL, a www.
# address, an e-mail address): its ``:``, ``.`` or ``@`` is escaped so it stays text.
_MD_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<=\bwww)(\.)|(@)")


def _md(value: Any) -> Markup:
    """Text safe in Markdown: made visible on one line (:func:`.safetext.visible`),
    HTML-escaped, Markdown syntax and bare links neutralised."""
    text = html.escape(visible(str(value)), quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return Markup(_MD_AUTOLINK.sub(r"\\\1\2\3", text))


def _md_text(value: Any) -> Markup:
    """:func:`_md`, with the hyphens inside a word (an id: QB-AREA-STATION) left as they
    are: there they are no Markdown syntax."""
    return Markup(_MD_WORD_HYPHEN.sub("-", str(_md(value))))


_MD_WORD_HYPHEN = re.compile(r"(?<=\w)\\-(?=\w)")


def finalize(value: Any) -> Any:
    """Every ``{{ value }}`` of every template passes here: text is made visible on one
    line, so that no record, file or rule text can move the cursor, retitle a terminal,
    reorder a line or forge one. Markup (already rendered template parts) keeps its own
    line breaks."""
    if isinstance(value, Markup):
        return Markup(visible_lines(str(value)))
    if isinstance(value, str):
        return visible(value)
    return value


def responsible(finding: Finding, L: Mapping[str, Any]) -> str:
    """Who follows a finding up: the lead department (and any that assist) and the
    street/town (三（一）“部门协同、街镇负责”), e.g. 责任部门：区民政局；责任街镇：观音桥街道."""
    department = finding.department
    if finding.assisted_by:
        names = formats.listing(finding.assisted_by, finding.lang)
        department = fill(L["text"]["assisted"], {"lead": department, "names": names})
    street = finding.street_town or L["value"]["missing"]
    # The department assignment is a reading (执行口径); the street/town is the plan's own.
    return fill(L["text"]["responsible"], {"department": department, "street": street,
                                           "tag": L["reading"]["tag"]})


def written(value: str | dt.date, lang: Lang) -> str:
    """An ISO date (as the run's JSON has it) written for a reader: 2019年12月31日."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return formats.written_date(day, lang)


def remedy(finding: Finding, L: Mapping[str, Any]) -> str:
    """A finding's remediation under its name: 整改要求 for a failed mandatory rule, 改进建议
    for an advisory one; the data to supply of an undecided rule says so itself."""
    if finding.status == "unknown":
        return finding.remediation or ""
    name = L["text"]["improvement" if finding.severity == "advisory" else "remediation"]
    return f"{name}{L['punct']['colon']}{finding.remediation or ''}"


def finding_status_word(finding: Finding, L: Mapping[str, Any]) -> str:
    return status_word(finding.status, finding.severity, finding.entitlement, L)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml", "md", "css"),
                                     disabled_extensions=("txt",), default=True),
        undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
        lstrip_blocks=True, finalize=finalize,
    )
    env.filters["fill"] = fill
    env.filters["md"] = _md
    env.filters["md_text"] = _md_text
    env.filters["yuan"] = formats.money
    env.filters["measure"] = formats.measure
    env.filters["percent"] = formats.percent
    env.filters["change"] = formats.change
    env.filters["responsible"] = responsible
    env.filters["status_word"] = finding_status_word
    env.filters["remedy"] = remedy
    env.filters["written"] = written
    return env


def run_context(lang: Lang, header: Mapping[str, Any], **values: Any) -> dict[str, Any]:
    """What every template reads of a run: the labels in its language (``L``), the run's
    header (``run``) and the language, with the template's own values."""
    return {"L": labels(lang), "run": header, "lang": lang, **values}


def render(template: str, context: Mapping[str, Any]) -> str:
    return environment().get_template(template).render(context)


def to_pdf(document: str) -> bytes:
    """An HTML document as PDF through WeasyPrint (the optional ``pdf`` extra)."""
    require_chinese_font()
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise ReportError(*pair("problem.pdf_extra", reason=exc)) from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf = HTML(string=document).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
