"""Occupational-injury protection for platform workers (职业伤害保障): the per-order levy (按单计费) and who pays it."""

from __future__ import annotations

from typing import Any

import numpy as np

from gigcover.engine import Array, Inputs, InputValueError, Params
from gigcover.rules import registry, rounded
from gigcover.rules.employment.classification import Industry

registry.input("monthly_orders", "月订单量", "Orders per month", "float", minimum=0, unit="orders")
registry.input(
    "occupational_injury_high_band",
    "是否适用即时配送高档基准额（0.25元/单）",
    "Instant-delivery platform in the high band (0.25 yuan/order)",
    "bool",
    default=False,
)
registry.input(
    "occupational_injury_float_ratio",
    "职业伤害保障浮动比例",
    "Floating ratio on the base amount",
    "float",
    minimum=-0.9,
    maximum=3.0,
    default=0.0,
)

SECTOR_OF_INDUSTRY = {
    Industry.FOOD_DELIVERY: "instant_delivery",
    Industry.INSTANT_DELIVERY: "instant_delivery",
    Industry.RIDE_HAILING: "ride_hailing",
    Industry.INTRA_CITY_FREIGHT: "intra_city_freight",
}
"""The pilot's three sectors (人社部发〔2025〕24号) by industry; other industries are outside the pilot's levy."""


def _levy_tables(amounts: Any) -> np.ndarray:
    """Per industry code: row 0 the sector's base amount, row 1 the amount in the high band (instant delivery only)."""
    table = np.zeros((2, len(Industry)), dtype=float)
    for industry, sector in SECTOR_OF_INDUSTRY.items():
        table[:, industry] = float(amounts[sector])
        if sector == "instant_delivery":
            table[1, industry] = float(amounts["instant_delivery_high_band"])
    return table


# -- occupational injury: contributions --------------------------------------------------------------------
@registry.formula(
    "职业伤害保障缴费基准额",
    "Occupational-injury base amount per order (before the floating ratio)",
    "float",
    unit="yuan/order",
    inputs=("industry", "occupational_injury_high_band"),
    parameters=("occupational_injury.base_amount_per_order",),
    references=("occupational_injury_2025_24",),
)
def occupational_injury_base_per_order(v: Inputs, p: Params) -> Array:
    """The sector's base amount (缴费基准额; 2025: ride-hailing 0.01, instant delivery 0.07 or, in the high band,
    0.25, freight 0.18 yuan); 0 outside the three pilot sectors. Food delivery is instant delivery since 2025-07-01.
    The band is the platform's in the province (first-batch platforms by their 2022-07…2024-12 支缴率)."""
    tables = p.derived("occupational_injury.base_amount_per_order", _levy_tables, key="levy")
    band = v.occupational_injury_high_band.astype(np.intp)  # a row number (0 or 1): a bool index would be a mask
    result: Array = tables[band, v.industry]
    return result


@registry.formula(
    "职业伤害保障每单缴费",
    "Occupational-injury contribution per order",
    "float",
    unit="yuan/order",
    inputs=("occupational_injury_base_per_order", "occupational_injury_float_ratio"),
    references=("occupational_injury_2025_24",),
)
def occupational_injury_levy_per_order(v: Inputs, p: Params) -> Array:
    """The base amount × (1 + floating ratio) (月缴费 = Σ 订单量 × 基准额 × (1 + 浮动比例)), not rounded: a ratio can
    give a fraction of a fen per order (0.07 × 1.15 = 0.0805); the monthly amounts round to the fen. This is the
    tariff an order owes where the pilot covers it; whether it does (province and date, platform, no labour relation)
    is `occupational_injury_covered`, and a row it does not cover has no payers (`occupational_injury_payers`): the
    ledger and the policy lab charge only covered orders."""
    return np.round(v.occupational_injury_base_per_order * (1 + v.occupational_injury_float_ratio), 6)


@registry.formula(
    "职业伤害保障月缴费合计",
    "Occupational-injury contribution per month, all payers",
    "float",
    unit="yuan/month",
    inputs=("monthly_orders", "occupational_injury_levy_per_order"),
    parameters=("money.rounding_rule",),
    references=("occupational_injury_2025_24",),
)
def occupational_injury_monthly_levy(v: Inputs, p: Params) -> Array:
    """Orders × amount per order (按单计费)."""
    return rounded(p, v.monthly_orders * v.occupational_injury_levy_per_order)


@registry.formula(
    "职业伤害保障个人月缴费",
    "Occupational injury, worker's share per month",
    "float",
    unit="yuan/month",
    inputs=("occupational_injury_monthly_levy",),
    parameters=("occupational_injury.worker_share", "money.rounding_rule"),
    references=("occupational_injury_2025_24",),
)
def occupational_injury_worker_monthly(v: Inputs, p: Params) -> Array:
    """Zero today (个人不缴费); the 'individual + platform' reform is an overlay on the worker share."""
    return rounded(p, v.occupational_injury_monthly_levy * p("occupational_injury.worker_share"))


@registry.formula(
    "职业伤害保障政府月补贴",
    "Occupational injury, government share per month",
    "float",
    unit="yuan/month",
    inputs=("occupational_injury_monthly_levy",),
    parameters=("occupational_injury.government_share", "money.rounding_rule"),
)
def occupational_injury_government_monthly(v: Inputs, p: Params) -> Array:
    """Zero today; the paper's 'individual + government' model is an overlay on the government share."""
    return rounded(p, v.occupational_injury_monthly_levy * p("occupational_injury.government_share"))


@registry.formula(
    "职业伤害保障平台月缴费",
    "Occupational injury, platform's share per month",
    "float",
    unit="yuan/month",
    inputs=(
        "occupational_injury_monthly_levy",
        "occupational_injury_worker_monthly",
        "occupational_injury_government_monthly",
    ),
    parameters=("occupational_injury.worker_share", "occupational_injury.government_share"),
)
def occupational_injury_platform_monthly(v: Inputs, p: Params) -> Array:
    """The rest of the levy: all of it today (平台全额缴费). Worker and government shares above 100 % are an error."""
    shares = float(p("occupational_injury.worker_share")) + float(p("occupational_injury.government_share"))
    if (
        shares > 1 + 1e-9
        or min(float(p("occupational_injury.worker_share")), float(p("occupational_injury.government_share"))) < 0
    ):
        raise InputValueError(
            f"overrides: occupational_injury.worker_share + government_share = {shares:g}; each must be ≥ 0 and "
            "together at most 1",
            field="overrides.occupational_injury.worker_share",
        )
    return np.round(
        v.occupational_injury_monthly_levy
        - v.occupational_injury_worker_monthly
        - v.occupational_injury_government_monthly,
        2,
    )
