"""The report's 资金 part as plain blocks (:mod:`.blocks`): the year's funds by line with
their rates, what the rules say is owed and how far payments fall short of it, and the
facilities' construction payments. Without funds given it says so and shows only what is
owed: no budget is invented."""

from __future__ import annotations

from qianbai_rules.annual.blocks import Block, Para, Table, TableRow
from qianbai_rules.annual.funds import FACILITY_COLUMNS, LINE_COLUMNS, Funds, FundsRow
from qianbai_rules.annual.report import AnnualReport
from qianbai_rules.core.problems import Lang
from qianbai_rules.texts.formats import listing, money, money_text, percent
from qianbai_rules.texts.labels import label


def _col(key: str, lang: Lang) -> str:
    return label(f"annual_funds.col.{key}", lang)


def row_names(row: FundsRow, lang: Lang) -> tuple[str, str]:
    """The first two cells of a row of the funds table: level and source, a level's
    subtotal, or the total."""
    if row.level is None:
        return label("annual_funds.total", lang), ""
    level = label(f"annual_funds.level.{row.level.value}", lang)
    if row.source is None:
        return label("annual_funds.subtotal", lang, level=level), ""
    return level, label(f"annual_funds.source.{row.source.value}", lang)


def _lines_table(found: Funds, lang: Lang) -> Table:
    """The table without its notes, which follow it in a sentence."""
    columns = LINE_COLUMNS[2:-1]
    rows = []
    for row in found.table():
        values = row.values()
        cells = [percent(values[c], 1) if c.endswith("rate") else money(values[c])
                 for c in columns]
        if not row.total:
            cells[-1] = ""  # a line's gap is its level's
        rows.append(TableRow((*row_names(row, lang), *cells), total=row.total,
                             key=str(row.source or row.level or "total")))
    return Table("funds_lines", tuple(_col(c, lang) for c in LINE_COLUMNS[:-1]), tuple(rows),
                 (False, False, *(True,) * len(columns)),
                 caption=label("annual_funds.lines_caption", lang, year=found.year))


def _rate(value: float | None, lang: Lang) -> str:
    return label("annual_funds.no_rate", lang) if value is None else percent(value, 1)


def _comparison(found: Funds, lang: Lang, readings: tuple[str, ...]) -> list[Block]:
    """The totals in a sentence, what is owed (on the ``readings`` that split it), and each
    level's gap."""
    blocks: list[Block] = []
    total, owed = found.total, found.owed
    if total is not None:
        blocks.append(Para(label(
            "annual_funds.funds_line", lang, year=found.year,
            budgeted=money_text(total.budgeted, lang), received=money_text(total.received, lang),
            arrival=_rate(total.arrival_rate, lang), paid=money_text(total.paid, lang),
            execution=_rate(total.execution_rate, lang),
            unspent=money_text(total.unspent, lang))))
    blocks.append(Para(label(
        "annual_funds." + ("owed_line" if owed.lottery_fund else "owed_no_fund"
                           if owed.fund_known else "owed_fund_unknown"), lang,
        year=found.year, total=money_text(owed.total, lang),
        city=money_text(owed.city, lang), district=money_text(owed.district, lang),
        lottery=money_text(owed.lottery_fund, lang),
        pooled=money_text(owed.pooled_and_budget, lang)), readings=readings))
    if total is None:
        return blocks
    for level in found.by_level:
        shown = label(f"annual_funds.level.{level.level.value}", lang)
        gap = level.gap
        if level.amounts is None or gap is None:
            blocks.append(Para(label("annual_funds.gap_none", lang, level=shown,
                                     year=found.year)))
            continue
        blocks.append(Para(label(
            f"annual_funds.{'gap_line' if gap > 0 else 'gap_more' if gap else 'gap_zero'}", lang,
            level=shown, paid=money_text(level.amounts.paid, lang),
            owed=money_text(level.owed, lang), gap=money_text(abs(gap), lang))))
    return blocks


def _facilities(found: Funds, lang: Lang) -> list[Block]:
    if not found.facilities:
        return [Para(label("annual_funds.no_facilities", lang))]
    rows = tuple(TableRow((*("" if v is None else str(v) for v in f.cells()[:4]),
                           *(money(v) for v in f.cells()[4:])), key=f.id)
                 for f in found.facilities)
    return [Table("funds_facilities", tuple(_col(c, lang) for c in FACILITY_COLUMNS), rows,
                  (False, False, False, False, True, True, True, True),
                  caption=label("annual_funds.facilities_heading", lang))]


def funds_blocks(report: AnnualReport, lang: Lang, readings: tuple[str, ...] = ()) -> list[Block]:
    """The blocks of the report's 资金 part, in order; ``readings``: those the split of what
    is owed between the welfare-lottery fund and the budget rests on."""
    found = report.funds
    if found is None:
        return []
    blocks: list[Block] = []
    if found.refused:
        blocks.append(Para(label("annual_funds.refused_line", lang, count=found.refused)))
    if not found.given:
        blocks.append(Para(label("annual_funds.none_given", lang)))
    elif not found.lines:
        blocks.append(Para(label("annual_funds.none_for_year", lang, year=found.year)))
    else:
        blocks.append(_lines_table(found, lang))
        noted = [label("annual_funds.note_item", lang,
                       source=label(f"annual_funds.source.{line.source.value}", lang),
                       note=line.note) for line in found.lines if line.note]
        if noted:  # what the finance bureau wrote beside its figures (垫付, 待下达)
            blocks.append(Para(label("annual_funds.notes", lang, notes=listing(noted, lang)),
                               small=True))
    return [*blocks, *_comparison(found, lang, readings), *_facilities(found, lang)]
