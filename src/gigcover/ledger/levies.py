"""Levy statements (职业伤害保障费): what each platform owes for a month, by province and industry.

A row is one platform × province × industry (× band and floating ratio, when a setting changed within the month) with
its covered orders (orders in the pilot at their place and day), the base amount per order (缴费基准额, fen), the
floating ratio and the amount due.

**Rounding, and why per order.** Each order's levy is the rules' amount for one order (`monthly_orders` = 1), rounded
to the fen by `money.rounding_rule` (half-up) and recorded on the order; a row's `amount_fen` is the sum of its
orders' levies. The fund's postings (per batch and account group, migration 0006) are sums of the same per-order
amounts, so the statement reconciles to the fen with the postings (`ledger check`). Per order, because the ledger
is per order (每单必保): an order's amount is fixed when it is recorded and does not depend on which other orders of
the month arrive later, in which batch, or whether a batch is retried. The law's formula for a month is
Σ orders × base × (1 + ratio), rounded once; where a ratio leaves a fraction of a fen per order (0.07 × 1.15 =
0.0805 yuan) the two differ by up to half a fen per order. Each row shows the month's formula from the rules
(`month_formula_fen`) and the difference, and the statement warns where rounding changed an order's amount, and
above all where it falls below one fen (0.01 × 0.4 = 0.004 yuan rounds to 0: those orders pay nothing).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np
from sqlalchemy import Connection, Engine, func, select

from gigcover.ledger.contributions import RATIO_SCALE, Compute
from gigcover.ledger.schema import Account, orders, platforms, postings

MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")
ROUNDING = (
    "per order: each order's levy is the rules' amount for one order rounded half-up to the fen and recorded on the "
    "order; amount_fen is the sum of the orders' levies, equal to the fund's postings (sums of the same per-order "
    "amounts per batch and account group). month_formula_fen is orders × per-order amount rounded once "
    "(the law's monthly formula); rounding_difference_fen = amount_fen − month_formula_fen."
)


class MonthInvalid(ValueError):
    """A month that is not YYYY-MM."""


def month_span(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a YYYY-MM month; `MonthInvalid` otherwise."""
    found = MONTH.match(month.strip()) if isinstance(month, str) else None
    if found is None or not 1900 <= int(found["year"]) <= 2999:
        raise MonthInvalid("month: expected YYYY-MM, e.g. 2025-09")
    first = dt.date(int(found["year"]), int(found["month"]), 1)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


@dataclass(frozen=True)
class LevyRow:
    platform_id: int
    platform: str
    province: str  # GB/T 2260 province code
    industry: str
    band: str  # standard | high
    orders: int  # covered orders (in the pilot at their place and day)
    base_amount_fen: int  # 缴费基准额 per order, before the floating ratio
    floating_ratio_bp: int  # 浮动比例 in ten-thousandths
    amount_fen: int  # Σ the orders' recorded levies (= the fund's postings for them): the amount due
    platform_fen: int
    worker_fen: int
    government_fen: int
    first_day: dt.date
    month_formula_fen: int | None = None  # orders × per-order amount, rounded once (the rules' monthly levy)
    per_order_fen: Decimal | None = None  # the rules' per-order amount before rounding, in fen

    @property
    def floating_ratio(self) -> Decimal:
        return Decimal(self.floating_ratio_bp) / RATIO_SCALE

    @property
    def rounding_difference_fen(self) -> int | None:
        return None if self.month_formula_fen is None else self.amount_fen - self.month_formula_fen


@dataclass(frozen=True)
class LevyStatement:
    month: str
    rows: list[LevyRow]
    orders_outside_pilot: int  # reported orders the pilot did not cover (no levy)
    warnings: list[str]

    @property
    def orders(self) -> int:
        return sum(row.orders for row in self.rows)

    @property
    def amount_fen(self) -> int:
        return sum(row.amount_fen for row in self.rows)


def levy_statement(engine: Engine, month: str, compute: Compute, platform_id: int | None = None) -> LevyStatement:
    """The month's statement (all platforms, or one); the month's formula from the rules in one vector call."""
    start, end = month_span(month)
    with engine.connect() as connection:
        rows = statement_rows(connection, start, end, platform_id)
        outside = _orders_outside_pilot(connection, start, end, platform_id)
    rows = _with_month_formula(rows, compute)
    return LevyStatement(f"{start:%Y-%m}", rows, outside, _rounding_warnings(rows))


def statement_rows(connection: Connection, start: dt.date, end: dt.date, platform_id: int | None) -> list[LevyRow]:
    """The rows of the covered orders accepted (CST) from `start` to `end`, from the orders' recorded amounts."""
    province = func.substr(orders.c.region, 1, 2)
    keys = (
        orders.c.platform_id,
        platforms.c.name,
        province,
        orders.c.industry,
        orders.c.high_band,
        orders.c.base_fen,
        orders.c.floating_ratio_bp,
    )
    query = (
        select(
            *keys,
            func.count().label("orders"),
            func.sum(orders.c.levy_fen).label("levy"),
            func.sum(orders.c.platform_fen).label("platform_share"),
            func.sum(orders.c.worker_fen).label("worker_share"),
            func.sum(orders.c.government_fen).label("government_share"),
            func.min(orders.c.cover_day).label("first_day"),
        )
        .join(platforms, platforms.c.id == orders.c.platform_id)
        .where(orders.c.covered == 1, orders.c.cover_day.between(start, end))
        .group_by(*keys)
        .order_by(*keys)
    )
    if platform_id is not None:
        query = query.where(orders.c.platform_id == platform_id)
    return [
        LevyRow(
            platform_id=int(row[0]),
            platform=str(row[1]),
            province=f"{row[2]}0000",
            industry=str(row[3]),
            band="high" if row[4] else "standard",
            orders=int(row.orders),
            base_amount_fen=int(row[5]),
            floating_ratio_bp=int(row[6]),
            amount_fen=int(row.levy),
            platform_fen=int(row.platform_share),
            worker_fen=int(row.worker_share),
            government_fen=int(row.government_share),
            first_day=row.first_day,
        )
        for row in connection.execute(query)
    ]


def posted_levies(connection: Connection, start: dt.date, end: dt.date) -> dict[int, int]:
    """platform id → the fund's credits posted for the platform's orders accepted from `start` to `end`."""
    rows = connection.execute(
        select(postings.c.platform_id, func.sum(postings.c.credit_fen))
        .where(postings.c.account == Account.FUND.value, postings.c.month.between(start, end))
        .group_by(postings.c.platform_id)
    )
    return {int(platform): int(total) for platform, total in rows}


def _orders_outside_pilot(connection: Connection, start: dt.date, end: dt.date, platform_id: int | None) -> int:
    query = select(func.count()).where(orders.c.covered == 0, orders.c.cover_day.between(start, end))
    if platform_id is not None:
        query = query.where(orders.c.platform_id == platform_id)
    return int(connection.execute(query).scalar_one())


def _with_month_formula(rows: list[LevyRow], compute: Compute) -> list[LevyRow]:
    """Each row with the rules' per-order amount and monthly levy for its orders (one call for the statement)."""
    if not rows:
        return rows
    found = compute(
        {
            "industry": np.asarray([row.industry for row in rows], dtype=object),
            "monthly_orders": np.asarray([row.orders for row in rows], dtype=float),
            "occupational_injury_high_band": np.asarray([row.band == "high" for row in rows]),
            "occupational_injury_float_ratio": np.asarray([row.floating_ratio_bp for row in rows]) / RATIO_SCALE,
        },
        ["occupational_injury_levy_per_order", "occupational_injury_monthly_levy"],
        date=np.asarray([row.first_day for row in rows], dtype="datetime64[D]"),
        region=np.asarray([row.province for row in rows], dtype=object),
        missing="nan",
        explain=False,  # values only: the statement's warnings are its own (rounding), not the rules'
    )
    per_order = found["occupational_injury_levy_per_order"]
    monthly = found["occupational_injury_monthly_levy"]
    return [_replace(row, _fen_or_none(monthly[i]), _exact_fen(per_order[i])) for i, row in enumerate(rows)]


def _replace(row: LevyRow, month_formula_fen: int | None, per_order_fen: Decimal | None) -> LevyRow:
    return replace(row, month_formula_fen=month_formula_fen, per_order_fen=per_order_fen)


def _fen_or_none(yuan: float) -> int | None:
    return None if np.isnan(yuan) else round(float(yuan) * 100)


def _exact_fen(yuan: float) -> Decimal | None:
    """The rules round a per-order amount to 6 decimals of a yuan (a ten-thousandth of a fen)."""
    return None if np.isnan(yuan) else (Decimal(repr(float(yuan))) * 100).quantize(Decimal("0.0001")).normalize()


def _rounding_warnings(rows: list[LevyRow]) -> list[str]:
    warnings = []
    for row in rows:
        exact = row.per_order_fen
        if exact is None or exact == exact.to_integral_value():
            continue
        where = f"{row.platform} {row.province} {row.industry} (ratio {row.floating_ratio:+})"
        charged = row.amount_fen // row.orders if row.orders else 0
        if exact < 1:
            warnings.append(
                f"{where}: the per-order amount {exact:f} fen is below 1 fen; each order is rounded to {charged} fen"
                + (" and pays nothing" if charged == 0 else "")
                + f" ({row.orders} orders: {row.amount_fen} fen posted, {row.month_formula_fen} fen by the month's"
                " formula)"
            )
        else:
            warnings.append(
                f"{where}: {exact:f} fen per order is rounded to {charged} fen per order; {row.orders} orders post "
                f"{row.amount_fen} fen, the month's formula gives {row.month_formula_fen} fen "
                f"({row.rounding_difference_fen:+} fen)"
            )
    return warnings
