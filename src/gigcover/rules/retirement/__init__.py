"""Statutory retirement age (法定退休年龄): parameters/retirement, tests/rules/retirement."""

from gigcover.rules.retirement.age import month_index, month_text

__all__ = ["month_index", "month_text"]
