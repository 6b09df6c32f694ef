"""The 绩效评价报告 as a tree of plain blocks: every format (HTML, Markdown, text, PDF, Word)
renders the same blocks, so what an official edits in Word is what the HTML shows.

Blocks hold finished text in the report's language (labels filled, numbers, amounts and dates
already formatted); a renderer only lays them out. Text is always text: no renderer reads
markup from a block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Para:
    """A paragraph. ``lead`` is a bold phrase that opens it (a sub-heading in running text);
    ``small`` a note in smaller type; ``readings`` the ids of the readings (执行口径) the
    paragraph applies, shown as their tag."""

    text: str
    lead: str = ""
    small: bool = False
    readings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Items:
    """A list; numbered items keep their numbers as text, so an edit never renumbers them."""

    items: tuple[str, ...]
    numbered: bool = True
    key: str = ""  # a stable name for tests and the HTML's data-list attribute


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    key: str = ""  # what the row is about (a facility id, a street/town), for data-row
    total: bool = False  # a totals row, set in bold


@dataclass(frozen=True)
class Table:
    """A table with one header row; ``numeric`` says which columns are right-aligned."""

    key: str  # a stable name for tests and the HTML's data-table attribute
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]
    numeric: tuple[bool, ...] = ()
    caption: str = ""
    readings: tuple[str, ...] = ()

    def aligned(self) -> tuple[bool, ...]:
        return self.numeric or (False,) * len(self.header)


@dataclass(frozen=True)
class Signature:
    """The 落款: lines kept together on one page, aligned right."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    """A drawing only the HTML and PDF show; the other formats show ``table`` in its place."""

    kind: str
    data: object
    table: Table | None = None


Block = Para | Items | Table | Signature | Chart


@dataclass(frozen=True)
class Part:
    """A numbered part of the report (一、基本情况) or a sub-part (（一）…); ``key`` is stable
    for tests and the HTML's data-section attribute."""

    key: str
    title: str
    blocks: Sequence[Block | Part] = field(default_factory=tuple)
    readings: tuple[str, ...] = ()  # readings the whole section applies
    new_page: bool = False  # an annex starts on a new page


@dataclass(frozen=True)
class Paper:
    """The whole report: its title lines, then sections in order."""

    title: str
    subtitle: str
    sections: Sequence[Part]
    lang: str = "zh"

    def part(self, key: str) -> Part:
        """The part (at any depth) named ``key``."""
        stack: list[Block | Part] = list(self.sections)
        while stack:
            node = stack.pop(0)
            if isinstance(node, Part):
                if node.key == key:
                    return node
                stack.extend(node.blocks)
        raise KeyError(key)
