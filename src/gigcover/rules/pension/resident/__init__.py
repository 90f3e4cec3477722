"""Resident basic pension: parameters/pension/resident, tests/rules/pension/resident."""

from gigcover.rules.pension.resident import scheme

__all__ = ["scheme"]
