"""The engine at the edges of its inputs: bit-set widths, codes equal to the number of members, one-flag and
one-person bit sets, region indices given as integers, input arrays of the wrong kind, `choose` with array choices,
the effective date an overlay reports, and the length of 'did you mean' lists."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from conftest import calc
from gigcover.engine.enums import Categorical, bitset, set_dtype
from gigcover.engine.errors import InputValueError, RegionError, closest
from gigcover.engine.evaluate import Model
from gigcover.engine.variables import Variable
from gigcover.engine.vector import choose


class _Payer(Categorical):
    EMPLOYER = "employer", "单位", "employer"
    WORKER = "worker", "个人", "worker"
    STATE = "state", "财政", "state"


# -- bit sets --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("members", "dtype"),
    # a signed type of b bits holds bits 0 … b − 2 without touching the sign: 7 members fit a byte, 8 do not
    [(1, np.int8), (7, np.int8), (8, np.int16), (15, np.int16), (16, np.int32), (31, np.int32), (32, np.int64)],
)
def test_set_width_keeps_the_sign_bit_free(members: int, dtype: type) -> None:
    assert set_dtype(members) is dtype
    top = dtype(1) << dtype(members - 1)  # the highest member's bit
    assert top > 0


def test_bitset_of_one_person_sets_the_members_bits() -> None:
    # employer (code 0) and state (code 2) present, worker absent: 2^0 + 2^2 = 5
    assert bitset([(_Payer.EMPLOYER, True), (_Payer.WORKER, False), (_Payer.STATE, True)]) == 5
    assert bitset([(_Payer.WORKER, True)]) == 2
    assert bitset([(_Payer.WORKER, False)]) == 0


def test_bitset_of_many_people_with_one_flag() -> None:
    # one flag (state, code 2) for three people: 4 where true, 0 where false
    out = bitset([(_Payer.STATE, np.array([True, False, True]))])
    assert out.tolist() == [4, 0, 4]
    assert out.dtype == np.int8


# -- codes given as integers -------------------------------------------------------------------------------------------
def test_a_code_equal_to_the_number_of_members_is_refused() -> None:
    # three members: codes 0, 1, 2; 3 is one past the last
    assert _Payer.encode(np.array([0, 2]), "payer").tolist() == [0, 2]
    with pytest.raises(InputValueError) as bad:
        _Payer.encode(np.array([2, 3]), "payer")
    assert bad.value.details["field"] == "payer[1]"


def test_region_indices_given_as_integers(model: Model) -> None:
    regions = model.regions
    last = len(regions.codes) - 1
    assert regions.encode(np.int64(0)) == 0 and isinstance(regions.encode(np.int64(0)), int)
    assert regions.encode(np.int64(last)) == last
    assert regions.encode(np.array([0, 5, last])).tolist() == [0, 5, last]
    with pytest.raises(RegionError):
        regions.encode(np.int64(last + 1))
    with pytest.raises(RegionError) as many:
        regions.encode(np.array([0, last + 1, -1]))
    assert "[1]" in many.value.message  # the first bad row


@pytest.mark.parametrize("bad", [310000, None, "", "   "])
def test_a_region_that_is_not_a_text_is_a_region_error(model: Model, bad: Any) -> None:
    with pytest.raises(RegionError):
        model.regions.resolve(bad)


# -- inputs of the wrong kind, many at once ----------------------------------------------------------------------------
def _input(value_type: Any, **kw: Any) -> Variable:
    return Variable(name="x", label_zh="x", label_en="x", value_type=value_type, **kw)


def test_numbers_as_texts_are_refused_for_a_number(model: Model) -> None:
    number = _input("float")
    assert number.validate([1.5, 2], model.regions).tolist() == [1.5, 2.0]
    with pytest.raises(InputValueError) as bad:
        number.validate(["1.5", "2"], model.regions)
    assert bad.value.details["field"] == "inputs.x[0]"


def test_numbers_are_refused_for_a_yes_no(model: Model) -> None:
    flag = _input("bool")
    assert flag.validate([True, False], model.regions).tolist() == [True, False]
    with pytest.raises(InputValueError) as bad:
        flag.validate([1, 0], model.regions)
    assert bad.value.details["field"] == "inputs.x[0]"


def test_a_text_outside_its_allowed_values_is_refused(model: Model) -> None:
    choice = _input("str", allowed=("a", "b"))
    assert choice.validate("a", model.regions) == "a"
    with pytest.raises(InputValueError, match="not allowed"):
        choice.validate("c", model.regions)
    free = _input("str")
    assert free.validate("anything", model.regions) == "anything"
    with pytest.raises(InputValueError):
        free.validate(5, model.regions)


# -- choose ------------------------------------------------------------------------------------------------------------
def test_choose_with_a_value_per_person_in_every_choice() -> None:
    # person 0: first condition → x; person 1: second → y; person 2: neither → the default z
    x, y, z = np.array([10.0, 11, 12]), np.array([20.0, 21, 22]), np.array([30.0, 31, 32])
    first, second = np.array([True, False, False]), np.array([True, True, False])
    assert choose([first, second], [x, y], z).tolist() == [10.0, 21.0, 32.0]
    # one value for everyone mixed with per-person values: the same picks
    assert choose([first, second], [1.0, y], z).tolist() == [1.0, 21.0, 32.0]


# -- overlays ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("override", "effective"),
    # a dated override is in force from its date; a plain one has no date of its own: the question's date
    [({"2024-03-01": 0.01}, "2024-03-01"), (0.01, "2025-09-01")],
)
def test_an_overlay_reports_its_own_effective_date(model: Model, override: Any, effective: str) -> None:
    inputs = {"unemployment_access": "employer", "pension_base_chosen_monthly": 8000}
    answer = calc(
        model,
        "2025-09-01",
        "310000",
        inputs,
        ["unemployment_worker_contribution_monthly"],
        overrides={"unemployment.worker_rate": override},
        trace=True,
    )
    assert answer["outputs"]["unemployment_worker_contribution_monthly"] == 80.0  # 8000 × 1 %
    (entry,) = [e for e in answer["trace"] if e["variable"] == "unemployment_worker_contribution_monthly"]
    (hit,) = [h for h in entry["parameters"] if h["name"] == "unemployment.worker_rate"]
    assert (hit["effective_from"], hit["verified"]) == (effective, "OVERLAY")


# -- suggestions ------------------------------------------------------------------------------------------------------
def test_suggestions_stop_at_n() -> None:
    # difflib finds the two near spellings; a name sharing a word ("table2"), first in the pool, is not added
    # past n = 2
    pool = ["table2_other", "table2_cells", "table2_celx"]
    assert closest("table2_cell", pool, n=2) == ["table2_cells", "table2_celx"]
    # with room for a third, the word-sharing name is added
    assert closest("table2_cell", pool, n=3) == ["table2_cells", "table2_celx", "table2_other"]
