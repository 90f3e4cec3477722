"""Demo data for `make run`: three platforms, a few bands and a month of orders, so there is something to see.

Seeded (the same data every time) and idempotent: platforms are found by name, a band already set is left alone and
orders already recorded come back as duplicates, so loading twice changes nothing. The workers' ID numbers are
fictitious (valid check digits, made up), the bands and ratios are illustrative, not any platform's real ones.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from gigcover.ledger import ids
from gigcover.ledger.access import Principal, Role
from gigcover.ledger.bands import Band, BandSetting, set_band, settings_of
from gigcover.ledger.claims import Calculate, Outcome, Report, confirm, pay, record_outcome, report_claim
from gigcover.ledger.contract import CST
from gigcover.ledger.contributions import Compute
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import ingest_batch
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import claims, orders, platforms

SEED = 2025
MONTH = dt.date(2025, 9, 1)
DAYS = 30
ORDERS_PER_PLATFORM = 1_200
BATCH = 500

PLATFORMS = (  # name, the rules' platform, industry, places of work (GB/T 2260)
    ("美团（演示）", "meituan", "food_delivery", ("310000", "440300", "500000")),
    ("滴滴出行（演示）", "didi", "ride_hailing", ("440100", "500000", "510100")),
    ("货拉拉（演示）", "huolala", "intra_city_freight", ("330100", "310000")),
)
BANDS = (  # platform name, province, band, floating ratio in ten-thousandths — illustrative values
    ("美团（演示）", "310000", Band.HIGH, 0),
    ("美团（演示）", "440000", Band.STANDARD, 1500),  # 0.07 × 1.15 = 0.0805 yuan: rounding shown on the statement
    ("滴滴出行（演示）", "500000", Band.STANDARD, -2000),  # 0.01 × 0.8 = 0.008 yuan: below one fen
)
WORKERS = 40


@dataclass
class DemoLoad:
    new_platforms: dict[str, str] = field(default_factory=dict)  # name → API key (only those created now)
    accepted: int = 0
    duplicate: int = 0
    sample_worker_id_number: str = ""
    new_claims: int = 0


def demo_id_number(index: int) -> str:
    """A fictitious, valid ID number (Beijing Dongcheng 110101, born 1980–1999)."""
    born = dt.date(1980 + index % 20, 1 + index % 12, 1 + index % 28)
    first17 = f"110101{born:%Y%m%d}{index % 1000:03d}"
    return first17 + ids.check_char(first17)


def load_demo(engine: Engine, compute: Compute, hasher: IdHasher, calculate: Calculate | None = None) -> DemoLoad:
    """Load (or confirm) the demo data; with `calculate` (`gigcover.calculate`), a few claims too."""
    load = DemoLoad(sample_worker_id_number=demo_id_number(0))
    platform_ids = {name: _platform(engine, name, rules, load) for name, rules, _, _ in PLATFORMS}
    _bands(engine, platform_ids)
    rng = random.Random(SEED)
    for index, (name, _, industry, places) in enumerate(PLATFORMS):
        batch = [_order(rng, f"demo-{index}-{n:05d}", industry, places) for n in range(ORDERS_PER_PLATFORM)]
        for start in range(0, len(batch), BATCH):
            result = ingest_batch(
                engine, platform_ids[name], batch[start : start + BATCH], compute=compute, hasher=hasher
            )
            load.accepted += result.accepted
            load.duplicate += result.duplicate
    if calculate is not None:
        load.new_claims = _claims(engine, platform_ids[PLATFORMS[0][0]], calculate, hasher)
    return load


def _claims(engine: Engine, platform_id: int, calculate: Calculate, hasher: IdHasher) -> int:
    """Four claims, one in each state from reported to paid (only into a ledger that has none), reported by the
    workers of the first platform's first orders: accidents halfway through those orders."""
    with engine.connect() as connection:
        if connection.execute(select(claims.c.id).limit(1)).first() is not None:
            return 0
        rows = connection.execute(
            select(orders.c.worker_id, orders.c.order_id, orders.c.region, orders.c.accepted_at, orders.c.completed_at)
            .where(orders.c.platform_id == platform_id, orders.c.covered == 1)
            .order_by(orders.c.id)
            .limit(4)
        ).all()
    for step, row in enumerate(rows):
        accepted = row.accepted_at if row.accepted_at.tzinfo else row.accepted_at.replace(tzinfo=dt.UTC)
        middle = accepted + (row.completed_at - row.accepted_at) / 2
        worker = Principal(Role.WORKER, worker_id=int(row.worker_id))
        report = Report(middle, row.region, "送餐途中被车辆碰撞（演示）", row.order_id)
        claim = report_claim(engine, worker, report, hasher)
        if step >= 1:
            confirm(engine, claim, actor="demo")
        if step >= 2:
            record_outcome(
                engine, claim, Outcome(medical_fen=860_000, days_off=45, disability_grade=9), calculate, "demo"
            )
        if step >= 3:
            pay(engine, claim, actor="demo")
    return len(rows)


def _platform(engine: Engine, name: str, rules_platform: str, load: DemoLoad) -> int:
    with engine.connect() as connection:
        found = connection.execute(select(platforms.c.id).where(platforms.c.name == name)).scalar()
    if found is not None:
        return int(found)
    new = add_platform(engine, name, rules_platform)
    load.new_platforms[name] = new.key
    return new.id


def _bands(engine: Engine, platform_ids: dict[str, int]) -> None:
    for name, province, band, ratio_bp in BANDS:
        setting = BandSetting(platform_ids[name], province, dt.date(2025, 7, 1), band, ratio_bp)
        if setting not in settings_of(engine, platform_ids[name]):
            set_band(engine, setting, actor="demo")


def _order(rng: random.Random, order_id: str, industry: str, places: tuple[str, ...]) -> dict[str, Any]:
    accepted = dt.datetime.combine(MONTH, dt.time(7), CST) + dt.timedelta(
        days=rng.randrange(DAYS), minutes=rng.randrange(16 * 60)
    )
    return {
        "order_id": order_id,
        "worker_id_number": demo_id_number(rng.randrange(WORKERS)),
        "industry": industry,
        "region": rng.choice(places),
        "accepted_at": accepted.isoformat(),
        "completed_at": (accepted + dt.timedelta(minutes=10 + rng.randrange(50))).isoformat(),
    }
