"""The law as code: variables by scheme. Importing this package registers every rule module."""

from gigcover.engine.variables import VariableRegistry

registry = VariableRegistry()

from gigcover.rules import (  # noqa: E402  (modules register into `registry`)
    advice,
    coverage,
    employment,
    injury,
    medical,
    pension_employee,
    pension_resident,
    projection,
    retirement,
    risk,
    unemployment,
)

__all__ = [
    "advice",
    "coverage",
    "employment",
    "injury",
    "medical",
    "pension_employee",
    "pension_resident",
    "projection",
    "registry",
    "retirement",
    "risk",
    "unemployment",
]
