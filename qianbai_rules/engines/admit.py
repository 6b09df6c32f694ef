"""A rule folder admitted for running: loaded, and every rule within what durable_rules
can compile and match, so that both engines run every folder that passes lint."""

from __future__ import annotations

from pathlib import Path

from qianbai_rules.compile.compiled import compile_rule
from qianbai_rules.core.problems import Problem, RulesError
from qianbai_rules.engines.durable_emit import limit_problems
from qianbai_rules.rules.parameters import Scalar
from qianbai_rules.rules.ruleset import Ruleset, load_ruleset


def engine_problems(ruleset: Ruleset) -> list[Problem]:
    """Conditions that durable_rules could not compile or match (limits.py). The shape of a
    compiled condition does not depend on the date: any value of each parameter tells it."""
    parameters = ruleset.parameters

    def value_of(name: str) -> Scalar:
        return next(v.value for v in parameters[name].values if v.value is not None)

    found = []
    for rule in ruleset.rules:
        compiled = compile_rule(rule, value_of)
        found += [Problem.in_rules(rule.file, message, rule=rule.id,
                              field="requires" if rule.requires else "applies_to")
                  for message in limit_problems(compiled)]
    return found


def load_runnable(root: Path) -> Ruleset:
    """Load and check a rule folder (:func:`.ruleset.load_ruleset`), then refuse it if a rule
    is beyond the engine; raise RulesError with every problem found."""
    ruleset = load_ruleset(root)
    problems = engine_problems(ruleset)
    if problems:
        raise RulesError(problems)
    return ruleset
