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
    # Half away from zero to the fen (the epsilon keeps 0.125 → 0.13 despite binary floats); 见分进角 then lifts any
    # whole fen left over to the next jiao.
    fen = np.sign(array) * np.floor(np.abs(array) * 100 + 0.5 + 1e-9)
    out = np.sign(fen) * np.ceil(np.abs(fen) / 10) / 10 if rule == "jiao_up" else fen / 100
    return out.item() if out.ndim == 0 else out


def to_fen(amount_yuan: Any) -> Any:
    """Integer fen (int64) from yuan, half-up: the only way money enters the ledger."""
    array = np.asarray(amount_yuan, dtype=float)
    fen = (np.sign(array) * np.floor(np.abs(array) * 100 + 0.5 + 1e-9)).astype(np.int64)
    return int(fen) if fen.ndim == 0 else fen
