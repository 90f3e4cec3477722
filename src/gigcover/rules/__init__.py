"""The law as code: variables by scheme. Importing this package registers every rule module."""

from gigcover.engine.variables import VariableRegistry

registry = VariableRegistry()

from gigcover.rules import coverage, employment  # noqa: E402  (modules register into `registry`)

__all__ = ["coverage", "employment", "registry"]
