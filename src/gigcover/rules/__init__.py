"""The law as code: variables by scheme. Importing this package registers every rule module."""

from typing import Any

import numpy as np

from gigcover.engine import Params, VariableRegistry, round_money
from gigcover.engine.money import ROUNDING_RULES

registry = VariableRegistry()


def rounded(p: Params, amount: Any) -> Any:
    """`amount` rounded by the rule in force (舍入规则, parameter `money.rounding_rule`, which a formula that rounds
    money declares). The rule decides only the rows where the rules differ: an amount in whole jiao (443.30,
    1,492.00) is the same under each, so those rows do not rest on the rule's verification (issue 9: an answer names
    only what decided it)."""
    outcomes = [np.asarray(round_money(amount, rule)) for rule in ROUNDING_RULES]
    decides = np.logical_or.reduce([outcome != outcomes[0] for outcome in outcomes[1:]]) & ~np.isnan(outcomes[0])
    with p.for_rows(decides):
        rule = str(p("money.rounding_rule"))
    return round_money(amount, rule)


from gigcover.rules import (  # noqa: E402  (modules register into `registry`)
    coverage,
    employment,
    injury,
    medical,
    occupational_injury,
    pension,
    projection,
    retirement,
    unemployment,
)

__all__ = [
    "coverage",
    "employment",
    "injury",
    "medical",
    "occupational_injury",
    "pension",
    "projection",
    "registry",
    "retirement",
    "rounded",
    "unemployment",
]
