"""Work-injury insurance (工伤保险): parameters/injury/work, tests/rules/injury."""

from gigcover.rules.injury import work

__all__ = ["work"]
