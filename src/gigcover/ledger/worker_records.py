"""What a worker may see of the ledger: their own covered days and the contributions paid on their orders.

Both are read by the worker's id (from their token), never by an ID number; nothing of another worker is reachable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from gigcover.ledger.schema import covered_days, orders, platforms


@dataclass(frozen=True)
class DayRecord:
    day: dt.date
    orders_by_platform: dict[str, int] = field(default_factory=dict)  # platform name → orders accepted that day


@dataclass(frozen=True)
class MonthContribution:
    month: str  # YYYY-MM (the CST day of acceptance)
    platform: str
    orders: int  # orders the pilot covered
    levy_fen: int
    platform_fen: int
    worker_fen: int
    government_fen: int


def covered_days_of(engine: Engine, worker_id: int, start: dt.date, end: dt.date) -> list[DayRecord]:
    """The worker's covered days (按日参保) from `start` to `end` inclusive, with their orders per platform."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(covered_days.c.day, platforms.c.name, covered_days.c.orders)
            .join(platforms, platforms.c.id == covered_days.c.platform_id)
            .where(covered_days.c.worker_id == worker_id, covered_days.c.day.between(start, end))
            .order_by(covered_days.c.day, platforms.c.name)
        ).all()
    days: dict[dt.date, DayRecord] = {}
    for day, platform, count in rows:
        days.setdefault(day, DayRecord(day)).orders_by_platform[str(platform)] = int(count)
    return list(days.values())


def contributions_of(engine: Engine, worker_id: int) -> list[MonthContribution]:
    """The contributions accrued on the worker's covered orders, per month and platform (in fen)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                orders.c.cover_day,
                platforms.c.name,
                func.count(),
                func.sum(orders.c.levy_fen),
                func.sum(orders.c.platform_fen),
                func.sum(orders.c.worker_fen),
                func.sum(orders.c.government_fen),
            )
            .join(platforms, platforms.c.id == orders.c.platform_id)
            .where(orders.c.worker_id == worker_id, orders.c.covered == 1)
            .group_by(orders.c.cover_day, platforms.c.name)
        ).all()
    months: dict[tuple[str, str], list[int]] = {}
    for day, platform, *sums in rows:
        totals = months.setdefault((f"{day:%Y-%m}", str(platform)), [0] * 5)
        for i, value in enumerate(sums):
            totals[i] += int(value)
    return [MonthContribution(month, platform, *totals) for (month, platform), totals in sorted(months.items())]
