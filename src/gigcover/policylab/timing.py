"""Stage timers for the benchmarks (计时): where a lab run spends its time — the rules, the projection, behaviour,
the groups, aggregation and the fund's Monte Carlo.

Off by default: `stage` then costs one check per call (a handful of calls per scenario and chunk), and nothing is
recorded. `benchmarks/bench_simulate.py` switches them on with `enable()` and reads `totals()`. The totals are this
process's: on a Dask cluster the chunks' stages run in the workers and are not collected here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

STAGES = ("rules", "projection", "behaviour", "groups", "aggregation", "fund")
_totals: dict[str, float] = {}
_enabled = False


def enable(on: bool = True) -> None:
    """Start (or stop) recording; the totals are kept until `reset`."""
    global _enabled
    _enabled = on


def reset() -> None:
    _totals.clear()


def totals() -> dict[str, float]:
    """Seconds recorded per stage (wall time; stages do not nest)."""
    return dict(_totals)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block under `name` when recording; otherwise do nothing."""
    if not _enabled:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        _totals[name] = _totals.get(name, 0.0) + time.perf_counter() - start
