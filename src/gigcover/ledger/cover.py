"""Covered days (按日参保): the CST days on which a worker accepted a covered order, on any platform.

What is verified and what is assumed: that cover is by the day (按日参保) is the pilot's stated principle (MOHRSS,
Xinhua 2025-11-27, V3); that a day is the whole calendar day in China Standard Time once an order was accepted that day
is an assumption (UNVERIFIED: platform-workers.md §1.2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from gigcover.ledger.schema import covered_days, workers


@dataclass(frozen=True)
class CoveredDay:
    day: dt.date
    orders_by_platform: dict[int, int] = field(default_factory=dict)  # platform id → orders accepted that day


def worker_days(engine: Engine, id_hash: str, start: dt.date, end: dt.date) -> list[CoveredDay]:
    """The worker's covered days from `start` to `end` (inclusive), each once however many platforms they worked on."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(covered_days.c.day, covered_days.c.platform_id, covered_days.c.orders)
            .join(workers, workers.c.id == covered_days.c.worker_id)
            .where(workers.c.id_hash == id_hash, covered_days.c.day.between(start, end))
            .order_by(covered_days.c.day, covered_days.c.platform_id)
        ).all()
    days: dict[dt.date, CoveredDay] = {}
    for row in rows:
        days.setdefault(row.day, CoveredDay(row.day)).orders_by_platform[int(row.platform_id)] = int(row.orders)
    return list(days.values())
