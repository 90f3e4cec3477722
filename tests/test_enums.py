"""Coded categoricals: every categorical variable's names round-trip through codes, bad names are named, sets are bits."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcover.engine.enums import CODE_DTYPE, Categorical, bitset
from gigcover.engine.errors import InputValueError
from gigcover.engine.evaluate import Model


def _categoricals(model: Model) -> list[Any]:
    return [var for var in model.variables.values() if var.enum is not None]


def test_every_categorical_round_trips_one_and_many(model: Model) -> None:
    found = _categoricals(model)
    assert len(found) >= 30, "the rules' categoricals are coded enums"
    for var in found:
        names = list(var.enum.ids())
        if var.value_type == "enum":
            for name in names:
                assert var.decode(var.validate(name, model.regions), model.regions) == name
            many = var.validate(names[::-1] * 2, model.regions)
            assert many.dtype == CODE_DTYPE
            assert var.decode(many, model.regions) == names[::-1] * 2
        else:
            assert var.decode(var.validate(names, model.regions), model.regions) == names
            assert var.decode(var.validate([names[:1], [], names], model.regions), model.regions) == [
                names[:1],
                [],
                names,
            ]


def test_a_bad_name_is_named_with_its_position_and_the_names_allowed(model: Model) -> None:
    industry = model.variable("industry")
    with pytest.raises(InputValueError) as one:
        industry.validate("rocket", model.regions)
    assert "'rocket'" in str(one.value) and "food_delivery" in str(one.value)
    with pytest.raises(InputValueError) as many:
        industry.validate(["courier", "courier", "rocket"], model.regions)
    assert many.value.details["field"] == "inputs.industry[2]"
    with pytest.raises(InputValueError) as code:
        industry.validate(np.array([0, 99]), model.regions)
    assert code.value.details["field"] == "inputs.industry[1]"


def test_codes_are_accepted_as_given(model: Model) -> None:
    """A population's dictionary column arrives as codes: it is checked, not re-encoded."""
    industry = model.variable("industry")
    codes = np.array([0, 4, 8], dtype=np.int32)
    assert industry.decode(industry.validate(codes, model.regions), model.regions) == [
        "food_delivery",
        "courier",
        "other",
    ]


class _Colour(Categorical):
    RED = "red", "红", "red"
    GREEN = "green", "绿", "green"
    BLUE = "blue", "蓝", "blue"


@given(st.lists(st.sets(st.sampled_from(list(_Colour))), min_size=1, max_size=20))
def test_bit_sets_decode_in_member_order(sets: list[set[_Colour]]) -> None:
    masks = bitset([(member, np.array([member in chosen for chosen in sets])) for member in _Colour])
    assert _Colour.decode_set(masks) == [[m.id for m in _Colour if m in chosen] for chosen in sets]


def test_dense_tables_need_every_member_or_a_fill() -> None:
    assert _Colour.dense({"red": 1, "green": 2, "blue": 3}).tolist() == [1, 2, 3]
    assert _Colour.dense({"green": 2.5}, fill=0.0).tolist() == [0.0, 2.5, 0.0]
    with pytest.raises(KeyError, match="blue"):
        _Colour.dense({"red": 1, "green": 2})
    with pytest.raises(KeyError, match="purple"):
        _Colour.dense({"red": 1, "green": 2, "blue": 3, "purple": 4})
    assert _Colour.mask(["blue"]).tolist() == [False, False, True]


def test_members_carry_code_name_and_labels() -> None:
    assert int(_Colour.BLUE) == 2 and _Colour.BLUE.id == "blue" and _Colour.BLUE.label("zh") == "蓝"
    assert _Colour.of("green") is _Colour.GREEN
    assert _Colour.decode(np.array([2, 0], dtype=CODE_DTYPE)) == ["blue", "red"]


def test_one_code_and_empty_lists(model: Model) -> None:
    industry = model.variable("industry")
    assert industry.decode(industry.validate(np.int8(4), model.regions), model.regions) == "courier"
    with pytest.raises(InputValueError, match="not allowed"):
        industry.validate(np.int64(99), model.regions)
    for name in ("industry", "hukou_region"):
        with pytest.raises(InputValueError, match="empty list"):
            model.variable(name).validate([], model.regions)
