"""The shipped registry's annual report, built in process as ``qianbai evaluate`` builds it
(without a history), for tests of what the report says."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from qianbai_rules.annual.evaluation import evaluate_year
from qianbai_rules.annual.report import AnnualReport, annual_report
from qianbai_rules.annual.scoring import scheme_for
from qianbai_rules.compile.compiled import compile_ruleset
from qianbai_rules.core.problems import Lang
from qianbai_rules.core.resources import rules_dir
from qianbai_rules.engines.admit import load_runnable
from qianbai_rules.engines.evaluator import make_evaluator
from qianbai_rules.io.funds import run_funds
from qianbai_rules.pipeline.check import run
from qianbai_rules.pipeline.context import RunContext
from qianbai_rules.rules.plan import load_plan

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "examples" / "jiangbei-registry.xlsx"


def context_of(year: int, lang: Lang = "zh", engine: str = "plain",
               fmt: str = "json") -> RunContext:
    compiled = compile_ruleset(load_runnable(rules_dir()), dt.date(year, 12, 31))
    return RunContext(compiled, engine, year, lang, fmt)


@cache
def example_report(year: int, lang: Lang = "zh", engine: str = "plain",
                   lottery_fund: int | None = None, funds_sheet: bool = True
                   ) -> tuple[AnnualReport, RunContext]:
    """The report of ``year`` over ``examples/jiangbei-registry.xlsx``, scored under the
    shipped example scheme (``funds_sheet``: with the funds its sheet 资金 gives, else as its
    CSV twin, without any)."""
    context = context_of(year, lang, engine)
    compiled = context.compiled
    evaluator = make_evaluator(engine, compiled)
    plan = load_plan(rules_dir() / "plans" / "jiangbei-2018-2020.yaml")
    results = run([str(REGISTRY)], compiled, evaluator, year)
    evaluation = evaluate_year(results, plan, compiled, year, {})
    funds = run_funds(None, [str(REGISTRY)]) if funds_sheet else None
    scheme, _ = scheme_for(None, plan.types)  # the shipped example, as evaluate applies it
    return annual_report(evaluation, context, lottery_fund, None, None,
                         None if funds is None else funds.given(), scheme), context
