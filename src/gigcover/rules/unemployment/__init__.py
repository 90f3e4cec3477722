"""Unemployment insurance (失业保险): parameters/unemployment, tests/rules/unemployment."""

from gigcover.rules.unemployment import scheme

__all__ = ["scheme"]
