"""Orders and workers the ledger's tests share (imported by the test modules beside this file)."""

from __future__ import annotations

from typing import Any

from gigcover.ledger import ids


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
