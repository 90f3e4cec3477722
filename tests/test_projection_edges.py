"""Projection behaviour at its edges, each worked by hand (derivation in the test): the resident account with its
interest, a resident segment without a tier, the employee basic pension either side of the minimum years, the
shared parameter rows' last year (2100) and beyond, which parameter values a projection reports as read, today's
money rounded to the fen, and the column input at its bounds (the same matrices as the JSON histories)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gigcover
from conftest import calc
from gigcover.engine.errors import InputValueError
from gigcover.engine.evaluate import Model
from gigcover.rules.projection import HistoryColumns
from gigcover.rules.projection.columns import layout
from gigcover.rules.projection.schema import ContributionHistory
from gigcover.rules.projection.tables import Plans, build_plans
from test_projection import DATE, MAN_1970, ZERO, employee, gap, history, project, resident
from test_projection_columns import PLACES

NO_INTEREST = {**ZERO, "projection.resident_account_interest": 0}


def record(model: Model, plan: dict[str, Any], overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    out = project(model, plan, overrides=overrides, outputs=["pension_projection"])
    return out["pension_projection"]  # type: ignore[no-any-return]


# -- the resident account ----------------------------------------------------------------------------------------
def test_resident_account_grows_by_its_interest_each_working_year(model: Model) -> None:
    # Man born 1970-01, statutory 2031-05: 2029 and 2030 are working years. Resident in Shanghai at tier 500: credit
    # 500 + 60 = 560 a year (国发〔2014〕8号). Interest 10 % on the opening balance each year, then the credit:
    # start 1000 → 2029: 1000 × 1.1 + 560 = 1660 → 2030: 1660 × 1.1 + 560 = 2386.00.
    plan = {**history(2029, "310000", resident(2, "310000", 500)), "resident_balance_start": 1000}
    out = record(model, plan, {**NO_INTEREST, "projection.resident_account_interest": 0.1})
    assert out["resident_account_balance"] == 2386.0
    assert out["resident_years"] == 2.0


def test_resident_segment_without_a_tier_credits_nothing(model: Model) -> None:
    # No tier given → tier 0: no contribution, so no subsidy and nothing in the account; the years are still resident
    # years. Beside it, tier 100 → 100 + 30 = 130 a year, two years: 260.00, of which 200.00 paid by the worker.
    bare = {"years": 2, "scheme": "resident", "region": "310000"}
    none = record(model, history(2029, "310000", bare), NO_INTEREST)
    assert (none["resident_account_balance"], none["worker_contributions"], none["resident_years"]) == (0.0, 0.0, 2.0)
    low = record(model, history(2029, "310000", resident(2, "310000", 100)), NO_INTEREST)
    assert (low["resident_account_balance"], low["worker_contributions"]) == (260.0, 200.0)


# -- the employee basic pension either side of the minimum years --------------------------------------------------------
@pytest.mark.parametrize(("years", "basic", "scheme"), [(16, 1989.44, "employee"), (15, 0.0, "resident")])
def test_employee_basic_pension_only_with_the_minimum_years(
    model: Model, years: int, basic: float, scheme: str
) -> None:
    # Minimum for a statutory year of 2031: 16 years. Shanghai at index 1.0 to 2030, growth 0: the 计发基数 in 2031 is
    # the latest published, 12434. 16 years: 12434 × (1 + 1.0) / 2 × 16 × 1 % = 1989.44. 15 years: not eligible
    # (社会保险法 art. 16), no employee basic pension (0.00); with 15 combined years the resident scheme pays.
    out = record(model, history(2031 - years, "310000", employee(years, "310000")), NO_INTEREST)
    assert out["employee_basic_monthly"] == basic
    assert out["pension_scheme"] == scheme


# -- the shared rows' span (1992–2100) ---------------------------------------------------------------------------
def _credit(year: int) -> float:
    """8 % of a year's base at index 1.0 in Shanghai without overrides: the latest average (12577 from 2026-07-01)
    grown at the assumed 4 % a year (projection.wage_growth), × 12 months × 0.08."""
    return 12577 * 1.04 ** (year - 2026) * 12 * 0.08


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        # statutory 2101-01 (60 + the full 36-month delay): working years 2098–2100, the last row year included;
        # interest at the assumed 2.5 % on the opening balance of each later working year
        ("2038-01", _credit(2098) * 1.025**2 + _credit(2099) * 1.025 + _credit(2100)),
        # statutory 2103-01: the same three credits, two more working years of interest (2101, 2102) — the span
        # runs past the shared rows' last year, so the tables are computed for this projection alone
        ("2040-01", _credit(2098) * 1.025**4 + _credit(2099) * 1.025**3 + _credit(2100) * 1.025**2),
    ],
)
def test_account_at_the_end_of_the_tables_span(model: Model, birth: str, expected: float) -> None:
    plan = history(2098, "310000", employee(3, "310000"))
    out = project(model, plan, person={"birth_date": birth, "original_retirement_age": 60})
    assert out["projected_account_balance"] == round(expected, 2)


# -- which parameter values a projection reports as read ----------------------------------------------------------
# Hubei as a whole (420000) has no average of its own (its figures are by city tier): the national private-sector
# average stands in. Its 2019 figure (53604) is the one in force mid-2019, and no later year reads it (2020 has its
# own). A history starting in 2019 reads it (the trace names that value); one starting in 2020 does not.
PRIVATE_2019 = ("wages.private_sector_average_annual", "2019-01-01")


def _parameter_values_read(answer: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["name"], str(p["effective_from"])) for step in answer["trace"] for p in step.get("parameters") or []}


@pytest.mark.parametrize(("start", "read"), [(2019, True), (2020, False)])
def test_a_value_is_reported_read_only_by_a_projection_spanning_its_years(model: Model, start: int, read: bool) -> None:
    inputs = {"contribution_history": history(start, "420000", employee(5, "420000")), **MAN_1970}
    answer = calc(model, DATE, "420000", inputs, ["projected_account_balance"], trace=True)
    assert (PRIVATE_2019 in _parameter_values_read(answer)) is read


# -- today's money ------------------------------------------------------------------------------------------------
def test_pension_in_todays_money_is_rounded_to_the_fen(model: Model) -> None:
    # Retirement in 2031, the question in 2025, growth 3 %: today's = pension ÷ 1.03^6, to the fen.
    out = record(model, history(2006, "310000", employee(25, "310000", 1.3)), {"projection.wage_growth": 0.03})
    today = out["pension_monthly_today"]
    assert today == round(out["pension_monthly"] / 1.03**6, 2)
    assert math.isclose(today * 100, round(today * 100), abs_tol=1e-6)


# -- yearly paths --------------------------------------------------------------------------------------------------
def test_one_persons_yearly_balance_path(model: Model) -> None:
    # 2028–2029 employee in Shanghai at 1.0 (growth 0: 12577 → 8 % × 12 = 12073.92 a year), 2030 resident at tier 500
    # (560 a year), no interest: year-end employee + resident balances 12073.92, 24147.84, 24147.84 + 560 = 24707.84.
    plan = history(2028, "310000", employee(2, "310000"), resident(1, "310000", 500))
    out = record(model, plan, NO_INTEREST)
    assert out["calendar"] == [2028, 2029, 2030]
    assert out["balance_path"] == [12073.92, 24147.84, 24707.84]
    # paid by the worker: 20 % of the base in the employee years (Shanghai's flexible rate at the question's date),
    # 2 × 12577 × 12 × 0.2 = 60369.60, and the tier in the resident year, 500: 60869.60
    assert out["worker_contributions"] == 60869.6


def test_many_people_get_no_yearly_paths(model: Model) -> None:
    # people × years paths are kept for one person only (for many, too large); the per-person fields stay
    plans = [history(2028, "310000", employee(3, "310000")), history(2029, "310000", employee(2, "310000"))]
    out = record(model, plans, NO_INTEREST)  # type: ignore[arg-type]
    assert "balance_path" not in out and "calendar" not in out
    # 3 × 12073.92 = 36221.76; 2 × 12073.92 = 24147.84
    assert out["account_balance"] == [36221.76, 24147.84]


def test_loss_in_todays_money_is_discounted_and_rounded_to_the_fen(model: Model) -> None:
    # Retirement in 2031, the question in 2025, growth 3 %: the loss in today's money = loss ÷ 1.03^6, to the fen.
    plan = history(2006, "411600", employee(10, "440300"), employee(15, "310000"))
    out = record(model, plan, {"projection.wage_growth": 0.03})
    loss, today = out["portability_loss_monthly"], out["portability_loss_monthly_today"]
    assert abs(loss) > 1
    assert today == round(loss / 1.03**6, 2)


# -- the JSON input at its bounds -----------------------------------------------------------------------------------
def test_history_accepts_its_bounds_and_refuses_beyond() -> None:
    base = {"start_year": 1992, "hukou_region": "310000"}
    segment = {"years": 1, "scheme": "resident", "region": "310000", "tier": 0}
    ok = ContributionHistory.model_validate(
        {**base, "segments": [segment], "account_balance_start": 0, "resident_balance_start": 0.5}
    )
    assert (ok.segments[0].tier, ok.account_balance_start, ok.resident_balance_start) == (0.0, 0.0, 0.5)
    assert ContributionHistory.model_validate({**base, "segments": [{**segment, "tier": 100_000}]})
    # upper bounds: 60 segments of up to 70 years at an index up to 10, starting up to 2100
    top = {"years": 70, "scheme": "employee", "region": "310000", "base_index": 10}
    assert len(ContributionHistory.model_validate({**base, "start_year": 2100, "segments": [top] * 60}).segments) == 60
    for bad in (
        {"resident_balance_start": -0.01},
        {"account_balance_start": -0.01},
        {"start_year": 1991},
        {"start_year": 2101},
        {"segments": [{**segment, "tier": 100_000.01}]},
        {"segments": [segment] * 61},
        {"segments": [{**top, "years": 71}]},
        {"segments": [{**top, "base_index": 10.01}]},
    ):
        with pytest.raises(ValueError):
            ContributionHistory.model_validate({**base, "segments": [segment], **bad})


# -- columns: the same matrices as the JSON histories ------------------------------------------------------------------
OPTIONAL = ["base_index", "tier", "reference_region", "account_balance_start", "resident_balance_start"]
segment = st.fixed_dictionaries(
    {
        "years": st.integers(1, 12),
        "scheme": st.sampled_from(["employee", "resident", "none"]),
        "region": st.sampled_from(PLACES),
        "base_index": st.sampled_from([0.4, 0.6, 1.0, 2.5]),
        "tier": st.sampled_from([0.0, 200.0, 500.0]),
    }
)
person = st.fixed_dictionaries(
    {
        "start_year": st.integers(1995, 2026),
        "hukou_region": st.sampled_from(PLACES),
        "reference_region": st.sampled_from(PLACES),
        "account_balance_start": st.sampled_from([0.0, 0.5, 1234.56]),
        "resident_balance_start": st.sampled_from([0.0, 0.5, 99.0]),
        "segments": st.lists(segment, min_size=1, max_size=5),
        "retirement_year": st.integers(2020, 2070),
    }
)


def _columns(people: list[dict[str, Any]], given: set[str], integer_schemes: bool) -> tuple[dict[str, Any], ...]:
    rows: dict[str, Any] = {k: np.array([p[k] for p in people]) for k in ("start_year", "hukou_region")}
    rows |= {k: np.array([p[k] for p in people]) for k in OPTIONAL[2:] if k in given}
    segs = [(i, s) for i, p in enumerate(people) for s in p["segments"]]
    codes = {"none": 0, "employee": 1, "resident": 2}  # the documented integer codes
    table: dict[str, Any] = {
        "person": np.array([i for i, _ in segs]),
        "years": np.array([s["years"] for _, s in segs]),
        "scheme": np.array([codes[s["scheme"]] if integer_schemes else s["scheme"] for _, s in segs]),
        "region": np.array([s["region"] if s["scheme"] != "none" else "" for _, s in segs]),
    }
    table |= {k: np.array([s[k] for _, s in segs]) for k in OPTIONAL[:2] if k in given}
    return rows, table


def _histories(people: list[dict[str, Any]], given: set[str], model: Model) -> list[ContributionHistory]:
    out = []
    for p in people:
        segments = [
            {k: v for k, v in s.items() if (k in given or k not in OPTIONAL) and not (k == "region" and s["scheme"] == "none")}
            for s in p["segments"]
        ]  # fmt: skip
        fields = {k: p[k] for k in ("start_year", "hukou_region", *OPTIONAL[2:]) if k in given or k not in OPTIONAL}
        out.append(
            ContributionHistory.model_validate({**fields, "segments": segments}, context={"regions": model.regions})
        )
    return out


def _by_code(plans: Plans) -> dict[str, Any]:
    """The matrices with regions as codes (the two layouts number regions differently), None where no region."""
    codes = np.asarray([*plans.codes, None], dtype=object)
    return {
        "first_year": plans.first_year,
        "region": codes[np.where(plans.region >= 0, plans.region, len(plans.codes))].tolist(),
        "scheme": plans.scheme.tolist(),
        "index": plans.index.tolist(),
        "tier": plans.tier.tolist(),
        "hukou": codes[plans.hukou].tolist(),
        "reference": codes[plans.reference].tolist(),
        "account_start": plans.account_start.tolist(),
        "resident_start": plans.resident_start.tolist(),
    }


@given(
    people=st.lists(person, min_size=1, max_size=6),
    given=st.sets(st.sampled_from(OPTIONAL)),
    integer_schemes=st.booleans(),
)
def test_columns_lay_out_the_same_matrices_as_json(
    model: Model, people: list[dict[str, Any]], given: set[str], integer_schemes: bool
) -> None:
    """Omitted columns take the JSON defaults (index 0.6, tier 0, balances 0, the question's place as reference);
    years without a scheme have no region (−1), whatever their segment says (their index and tier enter no sum)."""
    retirement = np.array([p["retirement_year"] for p in people])
    columns = HistoryColumns.of(*_columns(people, given, integer_schemes), model.regions)
    from_columns = layout(columns, retirement, "440300", model.regions)
    from_json = build_plans(_histories(people, given, model), retirement, "440300")
    columns_view, json_view = _by_code(from_columns), _by_code(from_json)
    # the columns' matrices end at the latest retirement year; years past it are empty in the JSON layout
    width = len(columns_view["scheme"][0])
    assert all(scheme == 0 for row in json_view["scheme"] for scheme in row[width:])
    for name in ("region", "scheme", "index", "tier"):
        json_view[name] = [row[:width] for row in json_view[name]]
    for view in (columns_view, json_view):  # a year without a scheme enters no sum: its index and tier not compared
        for name in ("index", "tier"):
            view[name] = [[value if scheme else None for value, scheme in zip(values, schemes, strict=True)]
                          for values, schemes in zip(view[name], view["scheme"], strict=True)]  # fmt: skip
    assert columns_view == json_view


def test_integer_scheme_codes_are_the_documented_ones(model: Model) -> None:
    # segments.scheme may be given as 1 (employee), 2 (resident), 0 (none): the same as the names.
    rows = {"start_year": np.array([2020]), "hukou_region": np.array(["310000"])}
    table = {"person": np.zeros(3, dtype=int), "years": np.array([2, 3, 1]), "region": np.array(["310000"] * 3)}
    named = HistoryColumns.of(rows, {**table, "scheme": np.array(["employee", "resident", "none"])}, model.regions)
    coded = HistoryColumns.of(rows, {**table, "scheme": np.array([1, 2, 0])}, model.regions)
    assert coded.scheme.tolist() == named.scheme.tolist()
    with pytest.raises(InputValueError) as bad:
        HistoryColumns.of(rows, {**table, "scheme": np.array([1, 3, 0])}, model.regions)
    assert bad.value.details["field"] == "segments.scheme[1]"


def test_column_bounds_and_missing_columns_are_named(model: Model) -> None:
    rows = {"start_year": np.array([2020, 2021]), "hukou_region": np.array(["310000", "411600"])}
    table = {"person": np.array([0, 1]), "years": np.array([5, 3]), "scheme": np.array(["employee", "none"]),
             "region": np.array(["310000", ""])}  # fmt: skip
    # balances from 0 (0 and 0.5 accepted, −0.01 refused, named by its row)
    starts = {"account_balance_start": np.array([0.0, 0.5]), "resident_balance_start": np.array([0.5, 0.0])}
    ok = HistoryColumns.of({**rows, **starts}, table, model.regions)
    assert ok.account_start.tolist() == [0.0, 0.5] and ok.resident_start.tolist() == [0.5, 0.0]
    for key in starts:
        with pytest.raises(InputValueError) as low:
            HistoryColumns.of({**rows, key: np.array([0.0, -0.01])}, table, model.regions)
        assert low.value.details["field"] == f"people.{key}[1]"
    # segment years 1–70: 70 accepted, 71 refused
    assert HistoryColumns.of(rows, {**table, "years": np.array([70, 1])}, model.regions).years.tolist() == [70, 1]
    with pytest.raises(InputValueError) as years:
        HistoryColumns.of(rows, {**table, "years": np.array([70, 71])}, model.regions)
    assert years.value.details["field"] == "segments.years[1]"
    # person numbers run 0 … n − 1: with two people, 1 is the last allowed, 2 is refused
    with pytest.raises(InputValueError) as person:
        HistoryColumns.of(rows, {**table, "person": np.array([0, 2])}, model.regions)
    assert person.value.details["field"] == "segments.person[1]"
    # a missing required column is named
    for where, key in (("people", "start_year"), ("segments", "person")):
        tables = {"people": dict(rows), "segments": dict(table)}
        del tables[where][key]
        with pytest.raises(InputValueError) as missing:
            HistoryColumns.of(tables["people"], tables["segments"], model.regions)
        assert missing.value.details["field"] == f"{where}.{key}"


def test_too_many_segments_names_the_person_with_them(model: Model) -> None:
    # Person 0 has exactly 60 segments (allowed), person 1 has 61: the error is about person 1.
    rows = {"start_year": np.array([2000, 2000]), "hukou_region": np.array(["310000", "310000"])}
    k = 60 + 61
    table = {"person": np.array([0] * 60 + [1] * 61), "years": np.ones(k, dtype=int), "scheme": np.array(["none"] * k)}
    with pytest.raises(InputValueError, match="person 1 has 61 segments"):
        HistoryColumns.of(rows, table, model.regions)


def test_resident_years_from_columns_without_a_tier_credit_nothing(model: Model) -> None:
    rows = {"start_year": np.array([2029]), "hukou_region": np.array(["310000"])}
    table = {"person": np.array([0]), "years": np.array([2]), "scheme": np.array(["resident"]),
             "region": np.array(["310000"])}  # fmt: skip
    plans = layout(HistoryColumns.of(rows, table, model.regions), np.array([2031]), "310000", model.regions)
    assert plans.tier.tolist() == [[0.0, 0.0]]
    assert plans.scheme.tolist() == [[2, 2]]


def test_gap_years_have_no_region(model: Model) -> None:
    # A history with a year without contributions, then retirement: that year and the years after the history have
    # no region (−1), in both layouts.
    plan = ContributionHistory.model_validate(
        history(2026, "310000", employee(1, "310000"), gap(1), employee(1, "440300")),
        context={"regions": model.regions},
    )
    plans = build_plans([plan], np.array([2031]), "310000")
    assert plans.region.tolist() == [[0, -1, 1, -1, -1]]
    assert plans.codes == ["310000", "440300"]


def test_a_missing_region_is_named_by_its_row(model: Model) -> None:
    # segment 1 is an employee segment without a place: the error names that row (segment 2, a gap, needs none)
    rows = {"start_year": np.array([2020]), "hukou_region": np.array(["310000"])}
    table = {"person": np.zeros(3, dtype=int), "years": np.array([2, 3, 1]),
             "scheme": np.array(["employee", "employee", "none"]), "region": np.array(["310000", "", ""])}  # fmt: skip
    with pytest.raises(InputValueError) as missing:
        HistoryColumns.of(rows, table, model.regions)
    assert missing.value.details["field"] == "segments.region[1]"


def test_many_people_take_the_same_values_as_few(model: Model) -> None:
    """From 4096 people, values looked up per (place, year) pair are found by packing the pair into one integer: each
    person still gets their own place's and year's values. Three kinds of people, repeated to 4098, against the same
    three alone (man born 1970, statutory 2031, minimum 16 years; growth and interest 0): 2015–2030, 16 employee years
    at 1.0 in Shanghai, Chongqing or Beijing, each his hukou place: each paid where he is, at that place's 计发基数
    (three different pensions)."""
    places = ["310000", "500000", "110000"]
    n = 4098
    kind = np.arange(n) % 3
    rows = {"start_year": np.full(n, 2015), "hukou_region": np.asarray(places)[kind]}
    table = {"person": np.arange(n), "years": np.full(n, 16), "scheme": np.array(["employee"] * n),
             "region": np.asarray(places)[kind], "base_index": np.ones(n)}  # fmt: skip
    inputs = {
        "contribution_history": HistoryColumns.of(rows, table, model.regions),
        "birth_date": np.array(["1970-01"] * n),
        "original_retirement_age": np.full(n, 60),
    }
    outputs = ["projected_pension_monthly", "projected_pension_place"]
    many = gigcover.compute(inputs, outputs, date=DATE, region="310000", overrides=NO_INTEREST, model=model)
    few = [
        project(model, history(2015, place, employee(16, place)), overrides=NO_INTEREST, outputs=outputs)
        for place in places
    ]
    assert [f["projected_pension_place"] for f in few] == places
    assert (
        len({f["projected_pension_monthly"] for f in few}) == 3 and min(f["projected_pension_monthly"] for f in few) > 0
    )
    for i in (0, 1, 2, n - 3, n - 2, n - 1):
        assert many["projected_pension_place"][i] == few[kind[i]]["projected_pension_place"]
        assert many["projected_pension_monthly"][i] == few[kind[i]]["projected_pension_monthly"]
