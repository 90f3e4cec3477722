"""Rows that differ in place and date: a vector call of N rows equals N one-row calls, for every output asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gigcover
from gigcover.engine.errors import GigcoverError, InputValueError
from gigcover.engine.evaluate import Model, calculate
from gigcover.queries import CONTRIBUTION_OUTPUTS, COVERAGE_OUTPUTS

PROVINCES = [
    "110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000", "330000",
    "340000", "350000", "360000", "370000", "410000", "420000", "430000", "440000", "450000", "460000", "500000",
    "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000", "650000",
]  # fmt: skip
CITIES = ["310115", "440300", "440100", "510100", "330100", "411600", "420100", "110105"]
PLACES = PROVINCES + CITIES
OUTPUTS = [
    *COVERAGE_OUTPUTS,
    "hukou_local",
    "occupational_injury_covered",
    "occupational_injury_levy_per_order",
    "occupational_injury_monthly_levy",
    "accident_risk_level",
    "employee_pension_employer_rate",
    "employee_pension_worker_rate",
]

person = st.fixed_dictionaries(
    {
        "date": st.dates(min_value=dt.date(2022, 7, 1), max_value=dt.date(2026, 12, 31)).map(str),
        "region": st.sampled_from(PLACES),
        "hukou_region": st.sampled_from(PLACES),
        "hukou_rural": st.booleans(),
        "has_labor_contract": st.booleans(),
        "platform_manages_work": st.booleans(),
        "industry": st.sampled_from(
            ["food_delivery", "ride_hailing", "courier", "livestreaming", "intra_city_freight"]
        ),
        "platform": st.sampled_from(["meituan", "didi", "huolala", "other"]),
        "monthly_orders": st.integers(0, 3000),
        "occupational_injury_high_band": st.booleans(),
    }
)


def _one(model: Model, row: dict[str, Any], outputs: list[str]) -> dict[str, Any] | str:
    inputs = {k: v for k, v in row.items() if k not in ("date", "region")}
    try:
        found = calculate(model, {"date": row["date"], "region": row["region"], "inputs": inputs, "outputs": outputs})
    except GigcoverError as exc:
        return exc.kind
    return dict(found["outputs"])


def _many(rows: list[dict[str, Any]], outputs: list[str]) -> dict[str, Any]:
    columns = {k: [row[k] for row in rows] for k in rows[0] if k not in ("date", "region")}
    return {
        "date": [row["date"] for row in rows],
        "region": [row["region"] for row in rows],
        "inputs": columns,
        "outputs": outputs,
    }


@given(rows=st.lists(person, min_size=2, max_size=12))
def test_a_vector_call_equals_one_call_per_row(model: Model, rows: list[dict[str, Any]]) -> None:
    singles = [_one(model, row, OUTPUTS) for row in rows]
    failed = [kind for kind in singles if isinstance(kind, str)]
    if failed:  # a row the law has no figure for fails alone, and fails the vector call in the same way
        with pytest.raises(GigcoverError) as caught:
            calculate(model, _many(rows, OUTPUTS))
        assert caught.value.kind in failed
        return
    together = calculate(model, _many(rows, OUTPUTS))["outputs"]
    for i, single in enumerate(singles):
        assert isinstance(single, dict)
        assert {name: together[name][i] for name in OUTPUTS} == single, f"row {i}: {rows[i]}"


@given(rows=st.lists(person, min_size=1, max_size=8), date=st.sampled_from(["2025-09-01", "2026-03-01"]))
def test_contributions_by_row_equal_one_call_per_row(model: Model, rows: list[dict[str, Any]], date: str) -> None:
    """Money by province (each province's own base band or a clear failure), with one date for all."""
    outputs = list(CONTRIBUTION_OUTPUTS[:4])
    rows = [{**row, "date": date, "region": row["region"]} for row in rows]
    singles = [_one(model, row, outputs) for row in rows]
    if any(isinstance(s, str) for s in singles):
        with pytest.raises(GigcoverError):
            calculate(model, _many(rows, outputs))
        return
    together = calculate(model, _many(rows, outputs))["outputs"]
    for i, single in enumerate(singles):
        assert {name: together[name][i] for name in outputs} == single


def test_a_fallback_warning_names_the_place_of_its_row(model: Model) -> None:
    request = {
        "date": ["2021-06-01", "2021-06-01"],
        "region": ["310000", "440300"],
        "inputs": {"has_labor_contract": [False, False], "hukou_local": [False, False], "hukou_rural": [True, True]},
        "outputs": ["table2_options"],
    }
    warnings = calculate(model, request)["warnings"]
    fallbacks = [w for w in warnings if "pension_work_place_requires_local_hukou: no value for" in w]
    assert any("上海市 (310000)" in w for w in fallbacks) and any("深圳市 (440300)" in w for w in fallbacks)


def test_lists_of_dates_and_regions_need_one_per_person(model: Model) -> None:
    request: dict[str, Any] = {
        "date": ["2025-09-01", "2025-09-01", "2025-09-01"],
        "region": "310000",
        "inputs": {"has_labor_contract": [False, True], "hukou_local": True, "hukou_rural": False},
        "outputs": ["table2_cell"],
    }
    with pytest.raises(InputValueError, match="one per person"):
        calculate(model, request)
    with pytest.raises(InputValueError) as bad_date:
        calculate(model, {**request, "date": ["2025-09-01", "2025-13-01"]})
    assert bad_date.value.details["field"] == "date[1]"
    with pytest.raises(GigcoverError) as bad_region:
        calculate(model, {**request, "date": "2025-09-01", "region": ["310000", "atlantis"]})
    assert bad_region.value.details["field"] == "region[1]"


def test_work_region_per_row_is_the_place_of_each_row(model: Model) -> None:
    inputs = {"has_labor_contract": [False, False], "hukou_region": ["310000", "310000"], "hukou_rural": [False, False]}
    found = calculate(
        model,
        {"date": "2025-09-01", "inputs": {**inputs, "work_region": ["310000", "440300"]}, "outputs": ["hukou_local"]},
    )
    assert found["outputs"]["hukou_local"] == [True, False] and found["region"] == ["310000", "440300"]
    with pytest.raises(InputValueError, match=r"work_region\[1\]"):
        calculate(
            model,
            {
                "date": "2025-09-01",
                "region": ["310000", "310000"],
                "inputs": {**inputs, "work_region": ["310000", "440300"]},
                "outputs": ["hukou_local"],
            },
        )


# -- the public Python API --------------------------------------------------------------------------------------
def test_compute_takes_names_or_codes_and_gives_arrays() -> None:
    inputs = {
        "has_labor_contract": np.array([False, True, False]),
        "hukou_region": np.array(["411600", "310000", "440300"]),
        "hukou_rural": np.array([True, False, False]),
        "industry": np.array(["food_delivery", "courier", "ride_hailing"]),
        "platform": "meituan",
        "monthly_orders": np.array([1000.0, 0.0, 300.0]),
    }
    outputs = ["table2_cell", "table2_severity", "employee_pension_payers", "occupational_injury_monthly_levy"]
    dates = np.array(["2023-06-01", "2025-09-01", "2026-03-01"], dtype="datetime64[D]")
    found = gigcover.compute(inputs, outputs, date=dates, region=["310000", "上海", "深圳"])
    assert found["table2_cell"].tolist() == ["nonlocal_rural_no_labor", "local_urban_labor", "local_urban_no_labor"]
    assert found["table2_severity"].dtype.kind == "i" and found["table2_severity"].tolist() == [4, 0, 1]
    assert found["occupational_injury_monthly_levy"].dtype.kind == "f"
    codes = gigcover.compute(inputs, outputs, date=dates, region=["310000", "上海", "深圳"], decode=False)
    assert codes["table2_cell"].dtype == np.int8
    assert found.verification["weakest"] in ("V3", "UNVERIFIED") and found.warnings
    # the same answers in chunks of one row
    chunked = gigcover.compute(inputs, outputs, date=dates, region=["310000", "上海", "深圳"], chunk_rows=1)
    for name in outputs:
        assert chunked[name].tolist() == found[name].tolist()


def test_compute_refuses_inputs_that_are_not_a_mapping() -> None:
    with pytest.raises(InputValueError, match="inputs: expected a mapping"):
        gigcover.compute([("has_labor_contract", True)], ["legal_relation"], date="2025-01-01")  # type: ignore[arg-type]


def test_compute_refuses_ragged_rows() -> None:
    with pytest.raises(InputValueError, match="same number of rows"):
        gigcover.compute(
            {"has_labor_contract": [True, False]}, ["legal_relation"], date=["2025-01-01"] * 3, region="310000"
        )


MONEY = [
    "resident_medical_premium_annual",  # reads the date itself (the premium of the coverage year)
    "pension_base_monthly",
    "employee_pension_worker_contribution_monthly",
    "unemployment_worker_contribution_monthly",
    "occupational_injury_monthly_levy",
]


DAYS = ["2024-12-31", "2025-01-01", "2025-03-15", "2025-06-30", "2025-07-01", "2025-11-30", "2026-01-01", "2026-06-01"]
crowded = person.flatmap(
    lambda row: st.fixed_dictionaries({"date": st.sampled_from(DAYS), "region": st.sampled_from(PLACES[:3])}).map(
        lambda where: {**row, **where}
    )
)


@given(rows=st.lists(crowded, min_size=2, max_size=30), chunk=st.sampled_from([1, 7, 1000]))
def test_compute_over_places_and_spans_of_days_equals_one_call_per_row(
    model: Model, rows: list[dict[str, Any]], chunk: int
) -> None:
    """`compute` groups rows by place and by span of days with the same parameters (and computes a formula that reads
    the date itself at each row's own day): the answers are those of one question per row."""
    outputs = [*OUTPUTS, *MONEY]
    request = _many(rows, outputs)
    found = gigcover.compute(
        request["inputs"], outputs, date=request["date"], region=request["region"], missing="nan", chunk_rows=chunk
    )
    for i, row in enumerate(rows):
        for name in outputs:
            single = _one(model, row, [name])
            got = found[name][i]
            if isinstance(single, str):
                assert single == "not_in_force" and np.isnan(got), f"row {i} {name}: {single} vs {got}"
                continue
            want = single[name]
            assert (list(got) if isinstance(got, tuple) else got) == want, f"row {i} {name}: {rows[i]}"
