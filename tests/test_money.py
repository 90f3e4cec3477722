"""Money at the edge (engine/money.py): half-up to the fen (四舍五入到分), up to the jiao (见分进角), integer fen."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcover.engine.money import ROUNDING_RULES, round_money, to_fen


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0.125, 0.13),  # binary 0.125 is exact: the half goes up
        (2.675, 2.68),  # binary 2.675 is 2.67499999…: still up, thanks to the epsilon
        (1.004, 1.0),
        (1.005, 1.01),
        (0.0, 0.0),
        (1492.0, 1492.0),
        (4518.375, 4518.38),  # 12049 × 1.25 × 0.30 (tests/rules/pension/employee/benefit.yaml)
        (187.648, 187.65),
        (99.994999, 99.99),
    ],
)
def test_round_money_half_up_to_the_fen(amount: float, expected: float) -> None:
    result = round_money(amount)
    assert isinstance(result, float)
    assert result == expected


def test_round_money_default_rule_is_fen_half_up() -> None:
    assert round_money(2.675) == round_money(2.675, "fen_half_up") == 2.68


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(1.01, 1.1), (1.10, 1.1), (0, 0.0), (1.0, 1.0), (1.11, 1.2), (0.01, 0.1), (2.675, 2.7), (1492.0, 1492.0)],
)
def test_jiao_up_lifts_any_fen_to_the_next_jiao(amount: float, expected: float) -> None:
    assert round_money(amount, "jiao_up") == expected


def test_round_money_on_arrays_keeps_the_shape() -> None:
    amounts = np.array([[0.125, 2.675], [1.004, 0.0]])
    rounded = round_money(amounts)
    assert isinstance(rounded, np.ndarray)
    assert rounded.shape == (2, 2)
    np.testing.assert_array_equal(rounded, [[0.13, 2.68], [1.0, 0.0]])
    np.testing.assert_array_equal(round_money([1.01, 1.10, 0.0], "jiao_up"), [1.1, 1.1, 0.0])


def test_to_fen_gives_python_ints_for_scalars() -> None:
    assert to_fen(1492.0) == 149200
    assert to_fen(0.125) == 13
    assert to_fen(2.675) == 268
    assert to_fen(0) == 0
    assert type(to_fen(1.0)) is int


def test_to_fen_gives_int64_arrays() -> None:
    fen = to_fen([0.125, 2.675, 1.004, 1492.0])
    assert isinstance(fen, np.ndarray)
    assert fen.dtype == np.int64
    np.testing.assert_array_equal(fen, [13, 268, 100, 149200])


@pytest.mark.parametrize("rule", ["fen", "half_up", "FEN_HALF_UP", "", "jiao"])
def test_unknown_rounding_rule_is_a_value_error(rule: str) -> None:
    with pytest.raises(ValueError, match="unknown rounding rule"):
        round_money(1.0, rule)


def test_the_known_rules_are_the_two_documented_ones() -> None:
    assert set(ROUNDING_RULES) == {"fen_half_up", "jiao_up"}


money = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(money)
def test_round_money_moves_at_most_half_a_fen(x: float) -> None:
    # 0.005 plus the 1e-9 fen epsilon the rounding adds against binary representation error.
    assert abs(round_money(x) - x) <= 0.005 + 1e-9


@given(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False))
def test_round_money_is_idempotent_and_on_the_fen(x: float) -> None:
    once = round_money(x)
    assert round_money(once) == once
    assert abs(once * 100 - round(once * 100)) < 1e-6


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_jiao_up_never_rounds_down_from_the_fen_and_moves_less_than_a_jiao(x: float) -> None:
    """见分进角 works on the amount in fen: sub-fen fractions are rounded first, then any fen lifts to the next jiao."""
    fen = round_money(x)
    up = round_money(x, "jiao_up")
    assert up >= fen - 1e-9
    assert up - fen <= 0.09 + 1e-6  # binary floats near 1e8 yuan


@given(st.lists(money, min_size=1, max_size=20))
def test_to_fen_agrees_with_round_money(xs: list[float]) -> None:
    fen = to_fen(xs)
    assert fen.dtype == np.int64
    np.testing.assert_array_equal(fen, np.round(round_money(np.asarray(xs)) * 100).astype(np.int64))
