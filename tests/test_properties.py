"""Hypothesis properties of Table 2: stars follow the labour relation and the paper's ordering; options only grow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from conftest import calc

WORK_REGIONS = ["310000", "310115", "110000", "110105", "440300", "440305", "440100", "510100", "330100", "530100"]
HUKOU_REGIONS = [*WORK_REGIONS, "420100", "411500", "130100", "511300", "429004", "500000"]
# Dates from the paper's own (the stars take effect 2021-01-01) to after the 2026 changes.
dates = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2027, 12, 31))

employment = st.fixed_dictionaries(
    {},
    optional={
        "contract_counterparty": st.sampled_from(["platform", "contractor", "dispatch_agency", "none"]),
        "paid_hourly": st.booleans(),
        "daily_hours_one_employer": st.floats(0, 24),
        "weekly_hours_one_employer": st.floats(0, 168),
    },
)


@given(
    date=dates,
    region=st.sampled_from(WORK_REGIONS),
    hukou_region=st.sampled_from(HUKOU_REGIONS),
    rural=st.booleans(),
    labor=st.booleans(),
    extra=employment,
)
def test_severity_is_zero_iff_labour_contract(
    model: Any, date: dt.date, region: str, hukou_region: str, rural: bool, labor: bool, extra: dict[str, Any]
) -> None:
    inputs = {"hukou_region": hukou_region, "hukou_rural": rural, "has_labor_contract": labor, **extra}
    out = calc(model, date, region, inputs, ["table2_severity", "table2_cell", "table2_options"])["outputs"]
    assert (out["table2_severity"] == 0) == labor
    assert out["table2_severity"] in ({0} if labor else {1, 2, 3, 4})
    assert out["table2_cell"].endswith("_no_labor") != labor
    assert (out["table2_options"] == ["local_employee"]) == labor


@given(work=st.sampled_from(WORK_REGIONS), away=st.sampled_from(["420100", "411500", "130100", "511300"]))
def test_severity_is_monotone_for_no_labour_workers_2021(model: Any, work: str, away: str) -> None:
    """At the paper's date: non-local ≥ local and rural ≥ urban (without a labour relation)."""
    people = [(hukou, rural) for hukou in (work, away) for rural in (False, True)]
    inputs = {
        "hukou_region": [hukou for hukou, _ in people],
        "hukou_rural": [rural for _, rural in people],
        "has_labor_contract": False,
    }
    stars = calc(model, "2021-06-01", work, inputs, ["table2_severity"])["outputs"]["table2_severity"]
    local_urban, local_rural, nonlocal_urban, nonlocal_rural = stars
    assert nonlocal_urban >= local_urban and nonlocal_rural >= local_rural
    assert local_rural >= local_urban and nonlocal_rural >= nonlocal_urban
    assert stars == [1, 2, 3, 4]


@given(
    hukou_region=st.sampled_from(HUKOU_REGIONS),
    rural=st.booleans(),
    labor=st.booleans(),
    extra=employment,
)
def test_options_never_shrink_2021_to_2025_in_shanghai(
    model: Any, hukou_region: str, rural: bool, labor: bool, extra: dict[str, Any]
) -> None:
    inputs = {"hukou_region": hukou_region, "hukou_rural": rural, "has_labor_contract": labor, **extra}
    then = calc(model, "2021-06-01", "310000", inputs, ["table2_options"])["outputs"]["table2_options"]
    now = calc(model, "2025-09-01", "310000", inputs, ["table2_options"])["outputs"]["table2_options"]
    assert len(now) >= len(then)
    assert set(then) <= set(now)
    assert then, "Table 2 always has at least one route"
