"""Per-order amounts: asking the rules once per distinct (industry, day, place) gives each order exactly what asking
once per order gives (the first slice's call). No database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gigcover.ledger.contributions import OUTPUTS, Compute, _fen, per_order_amounts

ROWS = st.lists(
    st.tuples(
        st.sampled_from(["food_delivery", "instant_delivery", "ride_hailing", "intra_city_freight"]),
        st.dates(dt.date(2025, 6, 25), dt.date(2025, 7, 5)),  # across the 2025-07-01 change of amounts
        st.sampled_from(["310000", "440300", "500000", "620000", "110000"]),
    ),
    min_size=1,
    max_size=40,
)


def _per_order(compute: Compute, rows: list[tuple[str, dt.date, str]], overrides: Any) -> dict[str, np.ndarray]:
    """The rules asked with one row per order, as the first slice did."""
    found = compute(
        {"industry": np.asarray([r[0] for r in rows], dtype=object), "platform": "meituan",
         "has_labor_relation": False, "monthly_orders": 1.0},
        list(OUTPUTS),
        date=np.asarray([r[1] for r in rows], dtype="datetime64[D]"),
        region=np.asarray([r[2] for r in rows], dtype=object),
        overrides=overrides,
        missing="nan",
    )  # fmt: skip
    covered = np.array([len(payers) > 0 for payers in found["occupational_injury_payers"]])
    return {
        "covered": covered,
        "levy": _fen(found["occupational_injury_monthly_levy"], covered, "monthly_levy"),
        "worker": _fen(found["occupational_injury_worker_monthly"], covered, "worker_monthly"),
    }


@given(ROWS, st.sampled_from([None, {"occupational_injury.worker_share": 0.3}]))
def test_distinct_rows_give_each_order_its_own_amounts(
    compute: Compute, rows: list[tuple[str, dt.date, str]], overrides: Any
) -> None:
    calls: list[int] = []

    def counting(inputs: Any, outputs: Any, **options: Any) -> Any:
        calls.append(len(options["date"]))
        return compute(inputs, outputs, **options)

    amounts = per_order_amounts(
        counting,
        industries=[r[0] for r in rows],
        days=[r[1] for r in rows],
        regions=[r[2] for r in rows],
        rules_platform="meituan",
        overrides=overrides,
    )
    expected = _per_order(compute, rows, overrides)
    assert calls == [len(set(rows))]  # one call, one row per distinct (industry, day, place)
    assert amounts.covered.tolist() == expected["covered"].tolist()
    assert amounts.levy.tolist() == expected["levy"].tolist()
    assert amounts.worker.tolist() == expected["worker"].tolist()
    assert (amounts.platform + amounts.worker + amounts.government == amounts.levy).all()
