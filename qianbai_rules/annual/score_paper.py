"""The score in words and a table, for the 综合评价结论 part of the report (blocks.py) and the
workbook's 绩效评分 sheet: the conclusion's sentence, whose scheme was applied and that it is
an example, the grade bands' source, and one row per indicator (一级/二级指标, 指标, 权重,
指标值, 得分, 计分方法) with the total.
"""

from __future__ import annotations

from fractions import Fraction

from qianbai_rules.annual.blocks import Block, Para, Table, TableRow
from qianbai_rules.annual.figures import Unit, figure_name
from qianbai_rules.annual.rates import half_up
from qianbai_rules.annual.scoring import IndicatorScore, Score
from qianbai_rules.core.problems import Lang
from qianbai_rules.model.display import type_names
from qianbai_rules.rules.indicators import ScoringRule
from qianbai_rules.texts.formats import NO_AMOUNT, listing, money_text, number, quantity
from qianbai_rules.texts.labels import label


def _said(key: str, lang: Lang, **values: object) -> str:
    return label(f"annual_score.{key}", lang, **values)


def points_text(score: Fraction) -> str:
    """A score as shown: one decimal place (25.0, 21.1)."""
    return f"{float(score):.1f}"


def _in_unit(value: Fraction | int | float, unit: Unit, lang: Lang, measured: bool = True) -> str:
    """A value as shown: a measured rate to one decimal (94.1%), a threshold as written
    (100%)."""
    if unit is Unit.rate:
        percent = Fraction(value) * 100
        return f"{float(half_up(percent)):.1f}%" if measured else f"{number(percent)}%"
    if unit is Unit.yuan:
        return money_text(int(value), lang)
    return quantity(value) if isinstance(value, int) else number(value)


def value_text(row: IndicatorScore, lang: Lang) -> str:
    """The indicator's value with the figures it is made of: 114.3%（8÷7）."""
    if row.value is None:
        return NO_AMOUNT
    shown = _in_unit(row.value, row.unit, lang)
    parts = [_in_unit(v, row.units[n], lang) for n, v in row.figures.items() if v is not None]
    kind = row.indicator.formula.kind
    if kind == "ratio":
        return _said("ratio_value", lang, value=shown, numerator=parts[0], denominator=parts[1])
    if kind == "sum":
        return _said("sum_value", lang, value=shown,
                     parts=_said("sum_separator", lang).join(parts))
    return shown


def method_text(rule: ScoringRule, unit: Unit, lang: Lang) -> str:
    """How an indicator is scored, in words."""
    if rule.kind == "proportional":
        assert rule.target is not None
        return _said("proportional", lang, target=_in_unit(rule.target, unit, lang, False))
    if rule.kind == "deduct":
        assert rule.per_unit is not None
        return _said("deduct", lang, per_unit=number(rule.per_unit))
    bands = [_said("band", lang, start=_in_unit(b.start, unit, lang, False),
                   share=_in_unit(b.share, Unit.rate, lang, False)) for b in rule.bands]
    return _said("band_separator", lang).join([*bands, _said("band_otherwise", lang)])


def why_unscored(row: IndicatorScore, lang: Lang) -> str:
    types = type_names(lang)
    unknown = [n for n, v in row.figures.items() if v is None]
    if unknown:
        return _said("why_unknown", lang,
                     names=listing((figure_name(n, lang, types) for n in unknown), lang))
    denominator = row.indicator.formula.names[-1]
    return _said("why_zero", lang, name=figure_name(denominator, lang, types))


def conclusion(score: Score, lang: Lang) -> str:
    basis = _said("basis_example", lang) if score.scheme.example \
        else _said("basis", lang, name=score.name)
    common = {"year": score.year, "plan": score.plan, "score": points_text(score.total),
              "basis": basis}
    if score.grade is None:
        return _said("conclusion_partial", lang, out_of=number(score.out_of), **common)
    return _said("conclusion", lang, grade=score.grade, **common)


def score_rows(score: Score, lang: Lang) -> list[tuple[str, ...]]:
    """The table's rows: one per indicator, then the total."""
    rows: list[tuple[str, ...]] = [
        (r.level1, r.level2, r.name, number(r.indicator.weight), value_text(r, lang),
         _said("unscored", lang) if r.score is None else points_text(r.score),
         method_text(r.indicator.scoring, r.unit, lang))
        for r in score.indicators]
    weights = sum((r.indicator.weight for r in score.indicators), Fraction(0))
    rows.append((_said("total", lang), "", "", number(weights), "", points_text(score.total),
                 ""))
    return rows


def score_header(lang: Lang) -> tuple[str, ...]:
    return tuple(_said(k, lang) for k in ("level1", "level2", "indicator", "weight", "value",
                                          "score", "method"))


def score_blocks(score: Score, lang: Lang) -> list[Block]:
    """The 综合评价结论: the conclusion, the scheme applied (an example, where it is one),
    the grade bands' source, the indicators not scored and why, and the scoring table."""
    blocks: list[Block] = [
        Para(conclusion(score, lang), readings=score.readings),
        Para(_said("scheme", lang, name=score.name, issuer=score.issuer)),
    ]
    if score.scheme.example:
        blocks.append(Para(_said("example", lang)))
    unscored = [r for r in score.indicators if r.score is None]
    if unscored:
        blocks.append(Para(_said("unscored_line", lang, names=listing(
            (f"{r.name}{label('punct.open', lang)}{why_unscored(r, lang)}"
             f"{label('punct.close', lang)}" for r in unscored), lang))))
    rows = score_rows(score, lang)
    blocks.append(Table(
        "score", score_header(lang),
        (*(TableRow(cells, key=r.indicator.id)
           for cells, r in zip(rows[:-1], score.indicators, strict=True)),
         TableRow(rows[-1], key="total", total=True)),
        numeric=(False, False, False, True, True, True, False),
        caption=_said("table_caption", lang), readings=score.readings))
    blocks.append(Para(_said("grades", lang, source=score.grades_source), small=True))
    return blocks
