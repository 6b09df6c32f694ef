"""Templates to text: the one Jinja environment, report files and PDF.

Autoescaping is on for HTML and Markdown; templates come only from the template folder,
never from rule or record text; record text reaches a template only as a value.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .labels import fill, status_word
from .problems import Text
from .resources import templates_dir
from .safetext import visible, visible_lines

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~-])")
# What GitHub-flavoured Markdown would turn into a link by itself (a bare URL, a www.
# address, an e-mail address): its ``:``, ``.`` or ``@`` is escaped so it stays text.
_MD_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<=\bwww)(\.)|(@)")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"", "index", "con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}


class ReportError(Exception):
    """A report cannot be produced (e.g. the PDF extra is not installed)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.text = Text(zh, en)


def _md(value: Any) -> Markup:
    """Text safe in Markdown: made visible on one line (:func:`.safetext.visible`),
    HTML-escaped, Markdown syntax and bare links neutralised."""
    text = html.escape(visible(str(value)), quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return Markup(_MD_AUTOLINK.sub(r"\\\1\2\3", text))


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}`` of every template passes here: text is made visible on one
    line, so that no record, file or rule text can move the cursor, retitle a terminal,
    reorder a line or forge one. Markup (already rendered template parts) keeps its own
    line breaks."""
    if isinstance(value, Markup):
        return Markup(visible_lines(str(value)))
    if isinstance(value, str):
        return visible(value)
    return value


def _yuan(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _number(value: Any) -> str:
    """A parameter value as people read it: whole numbers with thousands separators."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _responsible(finding: Mapping[str, Any], L: Mapping[str, Any]) -> str:
    """Who follows a finding up: the lead department (and any that assist) and the
    street/town (三（一）“部门协同、街镇负责”), e.g. 责任部门：区民政局；责任街镇：观音桥街道."""
    department = str(finding["department"])
    if finding.get("assisted_by"):
        names = L["value"]["list_separator"].join(finding["assisted_by"])
        department = fill(L["text"]["assisted"], {"lead": department, "names": names})
    street = finding.get("street_town") or L["value"]["missing"]
    # The department assignment is a reading (执行口径); the street/town is the plan's own.
    return fill(L["text"]["responsible"], {"department": department, "street": street,
                                           "tag": L["reading"]["tag"]})


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml", "md", "css"),
                                     disabled_extensions=("txt",), default=True),
        undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
        lstrip_blocks=True, finalize=_finalize,
    )
    env.filters["fill"] = fill
    env.filters["md"] = _md
    env.filters["yuan"] = _yuan
    env.filters["number"] = _number
    env.filters["responsible"] = _responsible
    env.filters["status_word"] = status_word
    return env


def render(template: str, context: Mapping[str, Any]) -> str:
    return environment().get_template(template).render(context)


def to_pdf(document: str) -> bytes:
    """An HTML document as PDF through WeasyPrint (the optional ``pdf`` extra)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise ReportError(
            f"生成 PDF 需要安装可选组件：pip install 'qianbai-rules[pdf]'（{exc}）",
            f"PDF output needs the optional extra: pip install 'qianbai-rules[pdf]' ({exc})",
        ) from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf = HTML(string=document).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def file_name(record_id: str, taken: set[str]) -> str:
    """A file name (without suffix) for a record, safe for any id and unique in ``taken``.

    Ids that are already safe keep their name; any other id gets a readable part and a
    short hash of the id, so that different ids never share a file.
    """
    readable = _UNSAFE.sub("_", record_id).strip("._")[:60]
    name = readable
    if readable != record_id or readable.lower() in _RESERVED or readable.lower() in taken:
        digest = hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:10]
        name = f"{readable or 'record'}-{digest}"
    taken.add(name.lower())
    return name


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _replace(temporary: str, path: Path) -> None:
    """Move a finished temporary file into place, keeping the mode of a file it replaces."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    os.chmod(temporary, mode)
    os.replace(temporary, path)


@dataclass(frozen=True)
class OutputPolicy:
    """What a run may write over: an existing file only when forced; an input never."""

    force: bool = False
    inputs: frozenset[Path] = frozenset()

    def check(self, path: Path) -> None:
        resolved = path.resolve()
        if resolved in self.inputs:
            raise ReportError(f"{path} 是本次的输入文件，不能覆盖", f"{path} is an input of this run; "
                              "it is never overwritten")
        if path.exists() and not self.force:
            raise ReportError(f"{path} 已存在；确需覆盖请加 --force",
                              f"{path} exists; add --force to overwrite it")


_POLICY: ContextVar[OutputPolicy] = ContextVar(
    "output_policy", default=OutputPolicy(force=True))  # noqa: B039 - a frozen dataclass


@contextmanager
def output_policy(policy: OutputPolicy) -> Iterator[None]:
    token = _POLICY.set(policy)
    try:
        yield
    finally:
        _POLICY.reset(token)


@contextmanager
def _atomic(path: Path, binary: bool) -> Iterator[Any]:
    """A file written whole or not at all, under the output policy: a temporary file
    beside it, flushed to disk, then renamed into place."""
    _POLICY.get().check(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with (os.fdopen(handle, "wb") if binary else
              os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace")) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_text(path: Path) -> AbstractContextManager[TextIO]:
    """A text file to stream into, written whole or not at all."""
    return _atomic(path, binary=False)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file or nothing."""
    with _atomic(path, binary=True) as stream:
        stream.write(data)


def emit(data: bytes, target: str | None, out: TextIO, binary: bool = False) -> None:
    """A finished document to its file (atomically) or to standard output; PDF bytes are
    never written to a terminal."""
    if target:
        write_atomically(Path(target), data)
    elif not binary:
        out.write(data.decode("utf-8"))
    else:
        stream = getattr(out, "buffer", None)
        if stream is None or out.isatty():
            raise ReportError("PDF 不能写到终端，请用 -o 指定文件",
                              "PDF is not written to a terminal; name a file with -o")
        stream.write(data)


def is_folder(target: str | None) -> bool:
    """``-o`` names a folder: an existing one, or a path ending with a separator."""
    return bool(target) and (Path(str(target)).is_dir() or str(target).endswith(("/", os.sep)))
