"""The law as code: variables by scheme. Importing this package registers every rule module."""

from gigcover.engine import Params, VariableRegistry

registry = VariableRegistry()


def rounding_rule(p: Params) -> str:
    """The rounding rule in force for money amounts (舍入规则, parameter `money.rounding_rule`), for `round_money`.
    A formula that rounds money declares the parameter."""
    return str(p("money.rounding_rule"))


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
    "rounding_rule",
    "unemployment",
]
