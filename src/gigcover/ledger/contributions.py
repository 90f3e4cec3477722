"""Per-order contributions (每单必保、按单计费) from the rules, in integer fen.

The amounts are the rules' own: one `gigcover.compute` call per batch, one row per order with the order's day (CST)
and place of work, asking for the levy of one order (`monthly_orders` = 1) and each payer's share. The ledger keeps no
copy of the per-order amounts.

Rounding (documented, tested): the rules round each order's levy and each share to the fen by
`money.rounding_rule` (fen_half_up today), per order. The national base amounts are published to the fen (0.01,
0.07, 0.25, 0.18 yuan), so with no floating ratio and no share split the fen amount is exact. A floating ratio can
give a fraction of a fen (0.07 × 1.15 = 0.0805 yuan): the order posts 8 fen, and a month's levy is the sum of its
orders' rounded amounts (see `levies` for why, and for the statement's comparison with rounding the month once). With a split (a reform overlay), each order's worker and government shares are
rounded to the fen per order and the platform pays the rest, so the shares always add up to the order's levy; a month's
worker share is therefore the sum of rounded per-order shares, not the rounded share of the month's sum. Converting
yuan to fen here refuses any amount that is not a whole number of fen, so a rule that stopped rounding would be caught.

`compute` is passed in (`gigcover.compute`, or a wrapper binding a scenario): the function lives in the interface layer
(`gigcover.public`) and the ledger, a service, may not import upward.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

OUTPUTS = (
    "occupational_injury_payers",
    "occupational_injury_base_per_order",
    "occupational_injury_monthly_levy",
    "occupational_injury_platform_monthly",
    "occupational_injury_worker_monthly",
    "occupational_injury_government_monthly",
)


RATIO_SCALE = 10_000
"""Floating ratios are kept exactly as whole ten-thousandths of the base amount (1500 = +15 %)."""


class Compute(Protocol):
    """The shape of `gigcover.compute` the ledger uses."""

    def __call__(
        self,
        inputs: Mapping[str, Any],
        outputs: Sequence[str],
        *,
        date: Any,
        region: Any = ...,
        overrides: Mapping[str, Any] | None = ...,
        missing: str = ...,
        explain: bool = ...,
    ) -> Mapping[str, np.ndarray]: ...


class RulesAmountError(RuntimeError):
    """The rules gave an amount the ledger cannot post (not whole fen, or shares that do not add up)."""


@dataclass(frozen=True)
class OrderAmounts:
    """Per order (one row each): whether the pilot covers it and each payer's share, in fen."""

    covered: np.ndarray  # bool
    base: np.ndarray  # int64 fen: the band's base amount per order, before the floating ratio (0 outside the pilot)
    levy: np.ndarray  # int64 fen
    platform: np.ndarray
    worker: np.ndarray
    government: np.ndarray
    high_band: np.ndarray  # bool: priced in the high band (the platform's band in the province that day)
    floating_ratio_bp: np.ndarray  # int64: the floating ratio it was priced with, in ten-thousandths


def per_order_amounts(
    compute: Compute,
    *,
    industries: Sequence[str],
    days: Sequence[dt.date] | np.ndarray,
    regions: Sequence[str],
    rules_platform: str,
    overrides: Mapping[str, Any] | None = None,
    high_band: Sequence[bool] | np.ndarray | None = None,
    floating_ratio_bp: Sequence[int] | np.ndarray | None = None,
) -> OrderAmounts:
    """One vector call for a batch: each order's levy and shares at its own day and place, in the platform's band
    and floating ratio there (`high_band`, `floating_ratio_bp` per order; default the standard band, no ratio).

    The rules are asked once per distinct (industry, day, place, band, ratio) of the batch, in the order they first
    occur (a batch of 10,000 orders has a few hundred), and each order takes its row's amounts: the platform and the
    other inputs are the same for every order, so orders alike in those five owe the same.

    An order the rules leave without payers (its province had not joined the pilot that day, or the platform is not
    in it) is not covered and owes nothing."""
    n = len(industries)
    bands = np.zeros(n, bool) if high_band is None else np.asarray(high_band, dtype=bool)
    ratios = np.zeros(n, np.int64) if floating_ratio_bp is None else np.asarray(floating_ratio_bp, dtype=np.int64)
    first, row_of = _distinct(industries, np.asarray(days, dtype="datetime64[D]"), regions, bands, ratios)
    found = compute(
        {
            "industry": np.asarray(industries, dtype=object)[first],
            "platform": rules_platform,
            "has_labor_relation": False,  # the ledger's orders are taken without a labour relation (平台灵活就业)
            "monthly_orders": 1.0,
            "occupational_injury_high_band": bands[first],
            "occupational_injury_float_ratio": ratios[first] / RATIO_SCALE,
        },
        list(OUTPUTS),
        date=np.asarray(days, dtype="datetime64[D]")[first],
        region=np.asarray(regions, dtype=object)[first],
        overrides=overrides,
        missing="nan",
        explain=False,  # values only: the ledger posts amounts and keeps no warnings or verification levels
    )
    covered = np.fromiter((len(payers) > 0 for payers in found["occupational_injury_payers"]), bool, len(first))
    amounts = {
        name: _fen(found[f"occupational_injury_{name}"], covered, name)[row_of]
        for name in ("monthly_levy", "platform_monthly", "worker_monthly", "government_monthly")
    }
    if np.any(
        amounts["platform_monthly"] + amounts["worker_monthly"] + amounts["government_monthly"]
        != amounts["monthly_levy"]
    ):
        raise RulesAmountError("the payers' shares of an order do not add up to its levy")
    return OrderAmounts(
        covered[row_of],
        _fen(found["occupational_injury_base_per_order"], covered, "base_per_order")[row_of],
        amounts["monthly_levy"],
        amounts["platform_monthly"],
        amounts["worker_monthly"],
        amounts["government_monthly"],
        bands,
        ratios,
    )


def _distinct(
    industries: Sequence[str], days: np.ndarray, regions: Sequence[str], bands: np.ndarray, ratios: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each distinct (industry, day, region, band, ratio), in the order they occur, and for each row
    the index of its own among them."""
    n = len(industries)
    industry_codes = {name: code for code, name in enumerate(dict.fromkeys(industries))}
    region_codes = {name: code for code, name in enumerate(dict.fromkeys(regions))}
    industry = np.fromiter(map(industry_codes.__getitem__, industries), np.int64, n)
    region = np.fromiter(map(region_codes.__getitem__, regions), np.int64, n)
    _, ratio = np.unique(ratios, return_inverse=True)
    place = (days.astype(np.int64) * len(region_codes) + region) * len(industry_codes) + industry
    key = np.stack([place, bands.astype(np.int64), ratio.reshape(-1).astype(np.int64)], axis=1)
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    in_order = np.argsort(first)
    rank = np.empty_like(in_order)
    rank[in_order] = np.arange(len(in_order))
    return first[in_order], rank[inverse.reshape(-1)]


def _fen(yuan: np.ndarray, covered: np.ndarray, name: str) -> np.ndarray:
    """Whole fen from the rules' yuan (0 where the order is not covered); anything else is an error, not rounded."""
    values = np.where(covered, np.asarray(yuan, dtype=float), 0.0)
    if np.isnan(values).any():
        raise RulesAmountError(f"occupational_injury_{name}: the rules publish no amount for a covered order")
    fen: np.ndarray = np.rint(values * 100)
    if np.any(np.abs(values * 100 - fen) > 1e-6) or np.any(fen < 0):
        raise RulesAmountError(f"occupational_injury_{name}: an amount is not a whole, non-negative number of fen")
    return fen.astype(np.int64)
