"""Money at the edge: yuan amounts from the rules, rounded to the fen by the region's rule (舍入规则).

Simulations compute float64 yuan; an individual result is rounded here. Stored money (the ledger) is integer fen.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ROUNDING_RULES = ("fen_half_up", "jiao_up")


def round_money(amount: Any, rule: str = "fen_half_up") -> Any:
    """Round yuan to the fen half-up (四舍五入到分), or up to the next jiao when any fen remains (见分进角)."""
    if rule not in ROUNDING_RULES:
        raise ValueError(f"unknown rounding rule {rule!r}; expected one of {ROUNDING_RULES}")
    array = np.asarray(amount, dtype=float)
    # 见分进角: any fen left over lifts the amount to the next jiao; otherwise half-up to the fen (the epsilon keeps
    # 0.125 → 0.13 despite binary floats).
    jiao_up = rule == "jiao_up"
    out = np.ceil(np.round(array * 10, 6)) / 10 if jiao_up else np.floor(array * 100 + 0.5 + 1e-9) / 100
    return out.item() if out.ndim == 0 else out


def to_fen(amount_yuan: Any) -> Any:
    """Integer fen (int64) from yuan, half-up: the only way money enters the ledger."""
    fen = np.floor(np.asarray(amount_yuan, dtype=float) * 100 + 0.5 + 1e-9).astype(np.int64)
    return int(fen) if fen.ndim == 0 else fen
