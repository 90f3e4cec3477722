"""Occupational-injury protection for platform workers (新就业形态人员职业伤害保障): parameters/occupational_injury,
tests/rules/occupational_injury."""

from gigcover.rules.occupational_injury import benefits, contributions
from gigcover.rules.occupational_injury.contributions import SECTOR_OF_INDUSTRY

__all__ = ["SECTOR_OF_INDUSTRY", "benefits", "contributions"]
