"""Orders and workers the ledger's tests share (imported by the test modules beside this file)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from gigcover.ledger import ids
from gigcover.ledger.contract import CST


def id_number(first17: str) -> str:
    """A valid ID number: 17 digits and their check character."""
    return first17 + ids.check_char(first17)


WORKER_A = id_number("31011519900307123")
WORKER_B = id_number("44030419851111456")


def order(order_id: str, **fields: Any) -> dict[str, Any]:
    """A food-delivery order in Shanghai on 2025-09-01 (noon CST), with any field replaced."""
    base: dict[str, Any] = {
        "order_id": order_id,
        "worker_id_number": WORKER_A,
        "industry": "food_delivery",
        "region": "310000",
        "accepted_at": "2025-09-01T12:00:00+08:00",
        "completed_at": "2025-09-01T12:30:00+08:00",
    }
    return {**base, **fields}


WORKERS = [id_number(f"310115{1980 + i % 20}0{1 + i % 9}1{i % 10}{i:03d}") for i in range(40)]
REGIONS = ("310000", "440300", "500000", "620000")  # 620000 (Gansu): not in the pilot in August–September 2025
INDUSTRIES = ("food_delivery", "ride_hailing", "intra_city_freight")


def many_orders(prefix: str, count: int, seed: int = 0) -> list[dict[str, Any]]:
    """`count` orders `prefix0`, `prefix1`, …: 40 workers, three industries, pilot and non-pilot provinces, August and
    September 2025, some accepted just before or after midnight CST (the covered day is the CST one)."""
    rng = random.Random(seed)
    made = []
    for i in range(count):
        accepted = dt.datetime(2025, 8, 1, tzinfo=CST) + dt.timedelta(
            days=rng.randrange(61), minutes=rng.choice((rng.randrange(24 * 60), 24 * 60 - 1, 0))
        )
        made.append(
            order(
                f"{prefix}{i}",
                worker_id_number=rng.choice(WORKERS),
                industry=rng.choice(INDUSTRIES),
                region=rng.choice(REGIONS),
                accepted_at=accepted.isoformat(),
                completed_at=(accepted + dt.timedelta(minutes=rng.randrange(5, 90))).isoformat(),
            )
        )
    return made
