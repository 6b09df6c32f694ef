"""What an evaluator is, and the one place that picks one by name."""

from __future__ import annotations

from typing import Protocol

from qianbai_rules.compile.compiled import CompiledRuleset, Status
from qianbai_rules.compile.decision import Choice, DecisionFacts
from qianbai_rules.engines.durable import DurableEvaluator
from qianbai_rules.engines.durable import available as durable_available
from qianbai_rules.engines.plain import PlainEvaluator
from qianbai_rules.model.flat import FlatRecord


class Evaluator(Protocol):
    """Evaluates compiled rules on flat records: every rule's outcome, in the order of the
    compiled rules, and the eligibility decision of every subsidy rule."""

    name: str

    def statuses(self, flat: FlatRecord) -> list[Status]: ...

    def decide(self, facts: DecisionFacts) -> list[Choice]: ...


def make_evaluator(engine: str, compiled: CompiledRuleset) -> Evaluator:
    """``durable`` (plain where durable_rules cannot be imported) or ``plain``."""
    if engine == "durable" and durable_available():
        return DurableEvaluator(compiled)
    return PlainEvaluator(compiled)
