"""The unbundled advisor (拆包式参保建议): one worker's diagnosis, an item-by-item plan with costs, benefits and reasons,
an affordability check and what-ifs (gigcover.advisor.plan), on the law and the advisor's heuristics
(gigcover.advisor.heuristics, gigcover.advisor.model).

`advise` is imported on first use, so loading the model (e.g. for `gigcover calc`) does not load the advisor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["advise"]

if TYPE_CHECKING:
    from gigcover.advisor.plan import advise


def __getattr__(name: str) -> Any:
    if name in ("advise", "_Asker"):
        from gigcover.advisor import plan

        return getattr(plan, name)
    raise AttributeError(f"module 'gigcover.advisor' has no attribute {name!r}")
