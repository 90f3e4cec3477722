"""Employee basic pension: parameters/pension/employee, tests/rules/pension/employee."""

from gigcover.rules.pension.employee import benefit, contributions
from gigcover.rules.pension.employee.benefit import divisor_for

__all__ = ["benefit", "contributions", "divisor_for"]
