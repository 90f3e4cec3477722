"""Rounding decides an amount only where the rounding rules differ on it (issue 9 item 4: `verification` names only
what decided the answer). An amount already in whole jiao is the same under 四舍五入到分 and 见分进角, so it does not
rest on `money.rounding_rule` (UNVERIFIED nationally); a published fixed amount is not rounded at all; and 福州's rule
is read from an official worked figure (闽清县人民政府 2020-01-15: 3233.55 × 10 % = 323.355, published as 323.36)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import gigcover
from gigcover.advisor.model import default_model
from gigcover.engine import round_money

WORKER_SHARE = "employee_medical_worker_contribution_monthly"  # the base × medical.employee.worker_rate (2 %)


def _ask(region: str, base: float, output: str = WORKER_SHARE, date: str = "2025-09-01") -> dict[str, Any]:
    request = {"date": date, "region": region, "inputs": {"pension_base_monthly": base}, "outputs": [output]}
    return gigcover.calculate(request)


def _rests_on_rounding(answer: dict[str, Any]) -> bool:
    return "money.rounding_rule" in answer["verification"]["unverified_parameters"]


def test_an_amount_in_whole_jiao_does_not_rest_on_the_rule() -> None:
    answer = _ask("310000", 7460)  # 7460 × 2 % = 149.20 under either rule
    assert answer["outputs"][WORKER_SHARE] == 149.2
    assert not _rests_on_rounding(answer)
    assert not any("money.rounding_rule" in w for w in answer["warnings"])


def test_an_amount_the_rules_round_apart_says_it_rests_on_the_rule() -> None:
    answer = _ask("310000", 7461)  # 149.22 to the fen, 149.30 見分進角
    assert answer["outputs"][WORKER_SHARE] == 149.22
    assert _rests_on_rounding(answer)


def test_only_the_rows_the_rule_decides_are_counted() -> None:
    found = gigcover.compute(
        {"pension_base_monthly": np.array([7460.0, 7461.0, 7465.0, 7470.0])},
        [WORKER_SHARE],
        date="2025-09-01",
        region="310000",
    )
    assert found[WORKER_SHARE].tolist() == [149.2, 149.22, 149.3, 149.4]
    (message,) = [m for m in found.warning_rows if "money.rounding_rule" in m and "UNVERIFIED" in m]
    assert found.warning_rows[message] == 1  # 149.22 only


def test_fuzhou_rounds_half_up_on_its_own_evidence() -> None:
    answer = _ask("350100", 3233.25)  # 64.665 → 64.67 (half-up); truncation would give 64.66
    assert answer["outputs"][WORKER_SHARE] == 64.67
    assert not _rests_on_rounding(answer)


def test_a_published_fixed_amount_is_not_rounded() -> None:
    # Beijing's flexible-worker medical is a fixed 584.92 a month from 2025-07 (京人社发〔2025〕11号): not a rounding
    answer = gigcover.calculate(
        {"date": "2025-09-01", "region": "110000", "outputs": ["employee_medical_flexible_monthly"]}
    )
    assert answer["outputs"]["employee_medical_flexible_monthly"] == 584.92
    assert not _rests_on_rounding(answer)


@settings(max_examples=60, deadline=None)
@given(base_fen=st.lists(st.integers(300_000, 4_000_000), min_size=1, max_size=12))
def test_the_rule_is_cited_for_exactly_the_rows_the_rules_part(base_fen: list[int]) -> None:
    """Property: the answer is the amount rounded half-up to the fen (the national rule in force), monotone in the
    base, and the UNVERIFIED rule is said for exactly the rows where 见分进角 would give another amount."""
    bases = np.asarray(base_fen, dtype=float) / 100
    model = default_model()
    rate = float(model.store.lookup("medical.employee.worker_rate", dt.date(2025, 9, 1), "310000").value)
    found = gigcover.compute({"pension_base_monthly": bases}, [WORKER_SHARE], date="2025-09-01", region="310000")
    half_up, jiao_up = (np.asarray(round_money(bases * rate, rule)) for rule in ("fen_half_up", "jiao_up"))
    assert found[WORKER_SHARE].tolist() == half_up.tolist()
    order = np.argsort(bases, kind="stable")
    assert np.all(np.diff(found[WORKER_SHARE][order]) >= 0)
    said = [rows for m, rows in found.warning_rows.items() if "money.rounding_rule" in m and "UNVERIFIED" in m]
    assert (said[0] if said else 0) == int(np.count_nonzero(half_up != jiao_up))
