"""The lifetime pension projection (rules/projection.py): the `contribution_history` input and the
`pension_projection` output with its fields (projected_*, portability_loss_monthly).

Rules checked (see the module docstring): 8 % of the base to the account each employee year; where the pension is
paid (国办发〔2009〕66号 art. 6, temporary accounts of art. 5); too few employee years → the resident scheme
(人社部发〔2014〕17号); portability loss = counterfactual − projected.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import calc
from gigcover.engine.errors import InputValueError
from gigcover.rules.projection import _accumulate

# A man born 1970-01: original retirement 2030-01, delay 16 months → statutory 2031-05 (tests/rules/retirement/age.yaml);
# contributions count for the calendar years before 2031. Minimum years for 2031: 16.
MAN_1970 = {"birth_date": "1970-01", "original_retirement_age": 60}
RETIREMENT_YEAR = 2031
DATE = "2025-09-01"
ZERO = {
    "pension.employee.account_interest_rate": 0,
    "pension.employee.account_interest_assumption": 0,
    "projection.wage_growth": 0,
}
FIELDS = [
    "projected_pension_monthly",
    "projected_pension_scheme",
    "projected_pension_place",
    "projected_employee_contribution_years",
    "projected_average_contribution_index",
    "projected_account_balance",
    "portability_loss_monthly",
    "portability_pooled_transfer",
]
REGIONS = ["110000", "310000", "440100", "440300", "330100", "510100", "500000"]


def employee(years: int, region: str, index: float = 1.0) -> dict[str, Any]:
    return {"years": years, "scheme": "employee", "region": region, "base_index": index}


def resident(years: int, region: str, tier: float = 300) -> dict[str, Any]:
    return {"years": years, "scheme": "resident", "region": region, "tier": tier}


def gap(years: int) -> dict[str, Any]:
    return {"years": years, "scheme": "none"}


def history(start: int, hukou: str, *segments: dict[str, Any]) -> dict[str, Any]:
    return {"start_year": start, "hukou_region": hukou, "segments": list(segments)}


def project(
    model: Any,
    contribution_history: Any,
    person: dict[str, Any] | None = None,
    region: str = "310000",
    overrides: dict[str, Any] | None = None,
    outputs: list[str] | None = None,
) -> dict[str, Any]:
    inputs = {"contribution_history": contribution_history, **(person or MAN_1970)}
    kw = {"overrides": overrides} if overrides else {}
    return calc(model, DATE, region, inputs, outputs or FIELDS, **kw)["outputs"]


# -- the personal account -----------------------------------------------------------------------------------------
# Zero interest, zero wage growth: the account is Σ 8 % × index × average × 12 over the employee years, the average
# being wages.provincial_average_monthly in force on 1 July of each year.
def test_account_without_interest_shanghai_2020_2024(model: Any) -> None:
    # Shanghai averages in force mid-year: 2020 9339, 2021 10338, 2022 11396, 2023 12183, 2024 12307; sum 55563.
    # 55563 × 12 × 0.08 = 53340.48.
    out = project(model, history(2020, "310000", employee(5, "310000")), overrides=ZERO)
    assert out["projected_account_balance"] == 53340.48
    assert out["projected_employee_contribution_years"] == 5.0


def test_account_without_interest_two_places(model: Any) -> None:
    # Index 1.5: Shanghai 2020–2022 (9339 + 10338 + 11396 = 31073) and Beijing 2023–2024 (11297 + 11761 = 23058):
    # (31073 + 23058) × 1.5 × 12 × 0.08 = 81196.5 × 0.96 = 77948.64.
    out = project(
        model, history(2020, "310000", employee(3, "310000", 1.5), employee(2, "110000", 1.5)), overrides=ZERO
    )
    assert out["projected_account_balance"] == 77948.64
    assert out["projected_average_contribution_index"] == 1.5


def _average(model: Any, year: int, region: str) -> float:
    """The average wage for a year with zero growth: the value in force mid-year, else the first published one."""
    store = model.store
    name = "wages.provincial_average_monthly"
    when = dt.date(year, 7, 1)
    first = store.first_date(name, region)
    return float(store.lookup(name, max(when, first), region).value)


segment = st.builds(
    employee,
    st.integers(1, 6),
    st.sampled_from(REGIONS),
    st.sampled_from([0.7, 1.0, 1.25, 2.0, 3.0]),
)


@given(
    start=st.integers(2000, 2024), segments=st.lists(st.one_of(segment, st.builds(gap, st.integers(1, 3))), max_size=5)
)
def test_account_without_interest_is_the_sum_of_credits(model: Any, start: int, segments: list[dict[str, Any]]) -> None:
    segments = [employee(1, "310000"), *segments]
    out = project(model, history(start, "310000", *segments), overrides=ZERO)
    expected, employee_years, year = 0.0, 0, start
    for seg in segments:
        for _ in range(seg["years"]):
            if year < RETIREMENT_YEAR and seg["scheme"] == "employee":
                rate = 0.11 if 1998 <= year <= 2005 else 0.08  # 66号 art. 4(一): 11 % 1998–2005, 8 % from 2006
                expected += rate * 12 * seg["base_index"] * _average(model, year, seg["region"])
                employee_years += 1
            year += 1
    assert out["projected_account_balance"] == pytest.approx(expected, abs=0.011)
    assert out["projected_employee_contribution_years"] == employee_years


def test_account_at_the_floor_index_uses_the_published_floor(model: Any) -> None:
    # One year (2022) at the floor in Beijing: 5869 × 12 × 0.08 = 5634.24 (the projection gives 6376.80 × 0.96).
    out = project(model, history(2022, "110000", employee(1, "110000", 0.6)), region="110000", overrides=ZERO)
    assert out["projected_account_balance"] == 5634.24


@given(n=st.tuples(st.integers(16, 35), st.integers(16, 35)).filter(lambda t: t[0] != t[1]).map(sorted))
def test_more_employee_years_give_a_higher_pension(model: Any, n: list[int]) -> None:
    fewer, more = (
        project(model, history(RETIREMENT_YEAR - k, "310000", employee(k, "310000"))) for k in n
    )  # every year before the retirement year
    assert fewer["projected_pension_scheme"] == more["projected_pension_scheme"] == "employee"
    assert (fewer["projected_employee_contribution_years"], more["projected_employee_contribution_years"]) == tuple(n)
    assert more["projected_pension_monthly"] > fewer["projected_pension_monthly"]
    assert more["projected_account_balance"] > fewer["projected_account_balance"]


def test_years_after_retirement_change_nothing(model: Any) -> None:
    # Woman, original age 50, born 1968-03: statutory 2018-03, so only 2011–2017 count. Extra segments after 2018
    # are truncated and must not change the account at retirement (both credit the same 7 years).
    woman = {"birth_date": "1968-03", "original_retirement_age": 50}
    short = project(model, history(2011, "440100", employee(7, "310000", 2.0)), woman)
    longer = project(model, history(2011, "440100", employee(8, "310000", 2.0), employee(9, "110000", 0.8)), woman)
    assert longer["projected_employee_contribution_years"] == short["projected_employee_contribution_years"] == 7
    assert longer["projected_account_balance"] == short["projected_account_balance"]


# -- where the pension is paid (国办发〔2009〕66号 art. 6) ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("hist", "place"),
    [
        # (2) 10+ years where the relationship now sits (Shanghai), non-Shanghai hukou → Shanghai
        (history(2006, "411500", employee(5, "440300"), employee(20, "310000")), "310000"),
        # (3) last place with < 10 years (Shanghai 8) → the last earlier place with ≥ 10 (Shenzhen 12)
        (history(2006, "411500", employee(12, "440300"), employee(8, "310000")), "440300"),
        # (3) two earlier places with ≥ 10: the later one (Beijing 10 after Shenzhen 12)
        (history(2006, "411500", employee(12, "440300"), employee(10, "110000"), employee(3, "310000")), "110000"),
        # (4) no place with 10 → the hukou place (Guangzhou)
        (history(2006, "440100", employee(8, "310000"), employee(9, "110000"), employee(8, "330100")), "440100"),
        # (1) relationship in the hukou place (Shanghai hukou, ends in Shanghai after 3 years) → Shanghai
        (history(2006, "310000", employee(20, "110000"), employee(5, "310000")), "310000"),
    ],
    ids=["last-place-10-years", "earlier-place-10-years", "latest-of-two-earlier", "no-place-10-hukou", "hukou-place"],
)
def test_pension_place(model: Any, hist: dict[str, Any], place: str) -> None:
    out = project(model, hist)
    assert out["projected_pension_place"] == place
    assert out["projected_pension_scheme"] == "employee"


@pytest.mark.parametrize(
    ("start_in_shanghai", "person", "place"),
    [
        # man (threshold 50) born 1970: Shenzhen 2000–2009 (ages 30–39), then Shanghai from 2020 at 50 → temporary
        # account, its 11 years do not count → Shenzhen; from 2019 (age 49) the 12 Shanghai years count → Shanghai
        (2020, MAN_1970, "440300"),
        (2019, MAN_1970, "310000"),
        # woman of original age 55 (threshold 40) born 1975-06, statutory 2031-11: Shanghai from 2015 (age 40) →
        # Shenzhen; from 2014 (age 39) → Shanghai
        (2015, {"birth_date": "1975-06", "original_retirement_age": 55}, "440300"),
        (2014, {"birth_date": "1975-06", "original_retirement_age": 55}, "310000"),
    ],
    ids=["man-starts-at-50", "man-starts-at-49", "woman-starts-at-40", "woman-starts-at-39"],
)
def test_temporary_account_years_do_not_count_towards_the_ten(
    model: Any, start_in_shanghai: int, person: dict[str, Any], place: str
) -> None:
    hist = history(
        2000,
        "411500",
        employee(10, "440300"),
        gap(start_in_shanghai - 2010),
        employee(RETIREMENT_YEAR - start_in_shanghai, "310000"),
    )
    out = project(model, hist, person)
    assert out["projected_employee_contribution_years"] == 10 + RETIREMENT_YEAR - start_in_shanghai
    assert out["projected_pension_place"] == place


# -- too few employee years (社会保险法 art. 16; 17号 art. 6) -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("resident_years", "scheme"),
    [(10, "resident"), (5, "resident"), (4, "none")],
    ids=["combined-20", "combined-15", "combined-14"],
)
def test_short_employee_years_move_to_the_resident_scheme(model: Any, resident_years: int, scheme: str) -> None:
    hist = history(2011, "411500", employee(10, "310000"), resident(resident_years, "411500"))
    out = project(model, hist)
    assert out["projected_employee_contribution_years"] == 10.0  # < 16 needed for 2031
    assert out["projected_pension_scheme"] == scheme
    assert (out["projected_pension_monthly"] > 0) == (scheme == "resident")


def test_resident_pension_after_conversion_by_hand(model: Any) -> None:
    # Zero interest (employee and resident accounts), zero growth. Employee 2015–2024 in Shanghai at index 1:
    # (8211 × 5 + 9339 + 10338 + 11396 + 12183 + 12307) × 0.96 = 96618 × 0.96 = 92753.28. Resident 2025–2029 at
    # tier 300 + subsidy 30: 5 × 330 = 1650. 10 employee years < 16, combined 15 → resident pension:
    # central minimum in force in the retirement year (the latest published, 163 from 2026-01-01; no growth assumed)
    # + Shanghai's top-up 1412 (1555 − 143 for 2025, the last published; read with a "沿用" warning)
    # + (92753.28 + 1650) ÷ 139 = 163 + 1412 + 679.160… = 2254.16.
    hist = history(2015, "310000", employee(10, "310000"), resident(5, "310000"))
    out = project(model, hist, overrides={**ZERO, "projection.resident_account_interest": 0})
    assert out["projected_pension_scheme"] == "resident"
    assert out["projected_account_balance"] == 92753.28
    assert out["projected_pension_monthly"] == 2254.16


# -- portability loss ----------------------------------------------------------------------------------------------------------
LOSS_HISTORIES = [
    history(2006, "411500", employee(5, "440300"), employee(20, "310000")),
    history(2006, "411500", employee(12, "440300"), employee(8, "310000")),
    history(2011, "310000", employee(10, "310000"), resident(10, "310000")),
    history(2006, "440100", employee(8, "310000", 2.0), employee(9, "110000", 0.8), employee(8, "330100")),
]


@pytest.mark.parametrize("hist", LOSS_HISTORIES, ids=["moved-10-years", "moved-back-short", "switched", "three-moves"])
def test_portability_loss_is_counterfactual_minus_projected(model: Any, hist: dict[str, Any]) -> None:
    out = project(model, hist, outputs=["pension_projection", "portability_loss_monthly", "projected_pension_monthly"])
    projection = out["pension_projection"]
    loss = projection["counterfactual_pension_monthly"] - projection["pension_monthly"]
    assert out["portability_loss_monthly"] == projection["portability_loss_monthly"] == pytest.approx(loss, abs=0.006)
    assert out["projected_pension_monthly"] == projection["pension_monthly"]


def test_switching_to_the_resident_scheme_loses_pension(model: Any) -> None:
    out = project(model, LOSS_HISTORIES[2], outputs=["pension_projection"])["pension_projection"]
    assert out["portability_loss_switches_monthly"] > 0 and out["portability_loss_monthly"] > 0
    assert out["counterfactual_extra_contributions"] > 0  # the employee years cost more than the resident tiers


@pytest.mark.parametrize("hist", LOSS_HISTORIES, ids=["moved-10-years", "moved-back-short", "switched", "three-moves"])
def test_the_loss_to_moves_alone_is_the_no_moves_comparison(model: Any, hist: dict[str, Any]) -> None:
    """`portability_loss_moves_monthly` (what the policy lab reports as rights lost to mobility) is the projection's
    comparison without moves less its pension: the switch to the resident scheme is not in it."""
    out = project(model, hist, outputs=["pension_projection", "portability_loss_moves_monthly"])
    assert out["portability_loss_moves_monthly"] == out["pension_projection"]["portability_loss_moves_monthly"]


def test_a_switch_in_one_place_is_no_loss_to_mobility(model: Any) -> None:
    # Shanghai throughout, employee 10 years then resident 10: nothing moved, so the loss to moves is 0, while the
    # loss to moves and switches counts the resident years against employee years at the floor (> 0).
    out = project(model, LOSS_HISTORIES[2], outputs=["portability_loss_moves_monthly", "portability_loss_monthly"])
    assert out["portability_loss_moves_monthly"] == 0.0 < out["portability_loss_monthly"]


@given(
    region=st.sampled_from(REGIONS),
    start=st.integers(1995, 2025),
    parts=st.lists(
        st.tuples(st.integers(1, 12), st.sampled_from([0.6, 1.0, 1.5, 3.0]), st.booleans()), min_size=1, max_size=4
    ),
)
def test_no_loss_without_moves_or_switches(
    model: Any, region: str, start: int, parts: list[tuple[int, float, bool]]
) -> None:
    segments = [employee(n, region, i) if paid else gap(n) for n, i, paid in parts]
    out = project(model, history(start, region, *segments), region=region)
    assert out["portability_loss_monthly"] == 0.0
    assert out["portability_pooled_transfer"] == 0.0


def test_no_loss_for_a_non_local_hukou_with_ten_years_in_the_reference_region(model: Any) -> None:
    out = project(model, history(2006, "411500", employee(25, "310000")))
    assert out["projected_pension_place"] == "310000"
    assert out["portability_loss_monthly"] == 0.0


# -- many people at once ---------------------------------------------------------------------------------------------------------
THREE = [
    history(2006, "411500", employee(5, "440300"), employee(20, "310000")),
    history(2011, "310000", employee(10, "310000"), resident(10, "310000")),
    history(2011, "440100", employee(8, "310000", 2.0), employee(9, "110000", 0.8)),
]


def test_vector_of_three_histories_equals_three_scalar_calls(model: Any) -> None:
    together = project(model, THREE)
    for i, hist in enumerate(THREE):
        alone = project(model, hist)
        assert {k: together[k][i] for k in FIELDS} == alone, i


def test_vector_with_different_retirement_years_equals_scalar_calls(model: Any) -> None:
    people = {"birth_date": ["1970-01", "1975-06", "1968-03"], "original_retirement_age": [60, 55, 50]}
    together = project(model, THREE, people)
    for i, hist in enumerate(THREE):
        person = {k: v[i] for k, v in people.items()}
        alone = project(model, hist, person)
        assert {k: together[k][i] for k in FIELDS} == alone, i


# -- bad histories -----------------------------------------------------------------------------------------------------------------
BAD = [
    ({"start_year": 2011, "hukou_region": "310000", "segments": []}, "inputs.contribution_history.segments"),
    (
        {
            "start_year": 2011,
            "hukou_region": "310000",
            "segments": [{"years": 0, "scheme": "employee", "region": "310000"}],
        },
        "inputs.contribution_history.segments.0.years",
    ),
    (
        {"start_year": 2011, "hukou_region": "310000", "segments": [{"years": 3, "scheme": "foo", "region": "310000"}]},
        "inputs.contribution_history.segments.0.scheme",
    ),
    (
        {"start_year": 2011, "hukou_region": "310000", "segments": [employee(3, "310000"), employee(3, "atlantis")]},
        "inputs.contribution_history.segments.1.region",
    ),
    (
        {"start_year": 2011, "hukou_region": "atlantis", "segments": [employee(3, "310000")]},
        "inputs.contribution_history.hukou_region",
    ),
    (
        {"start_year": 2011, "hukou_region": "310000", "segments": [{"years": 3, "scheme": "employee"}]},
        "inputs.contribution_history.segments.0",
    ),
    (
        {"start_year": 2011, "hukou_region": "310000", "segments": [{"years": 3, "scheme": "resident", "tier": 300}]},
        "inputs.contribution_history.segments.0",
    ),
    ({"start_year": 2011, "hukou_region": "310000"}, "inputs.contribution_history.segments"),
    (
        {"start_year": 1900, "hukou_region": "310000", "segments": [employee(3, "310000")]},
        "inputs.contribution_history.start_year",
    ),
    (
        {"start_year": 2011, "hukou_region": "310000", "segments": [{**employee(3, "310000"), "wage": 1}]},
        "inputs.contribution_history.segments.0.wage",
    ),
    ("five years in Shanghai", "inputs.contribution_history"),
]


@pytest.mark.parametrize(
    ("bad", "field"),
    BAD,
    ids=[
        "no-segments",
        "years-0",
        "scheme-foo",
        "region-atlantis",
        "hukou-atlantis",
        "employee-without-region",
        "resident-without-region",
        "segments-missing",
        "start-year-1900",
        "unknown-key",
        "not-a-mapping",
    ],
)
def test_bad_history_is_an_input_value_error_naming_the_place(model: Any, bad: Any, field: str) -> None:
    with pytest.raises(InputValueError) as caught:
        project(model, bad)
    assert caught.value.details["field"] == field
    assert caught.value.message.startswith(field + ":")


def test_bad_history_in_a_vector_names_the_person(model: Any) -> None:
    bad = history(2011, "310000", employee(3, "atlantis"))
    with pytest.raises(InputValueError) as caught:
        project(model, [THREE[0], bad])
    assert caught.value.details["field"] == "inputs.contribution_history[1].segments.0.region"
    assert "atlantis" in caught.value.message


def test_shared_projection_tables_never_leak_an_overlay() -> None:
    """The wage/floor/interest tables are shared across baseline calls only: an overlaid call neither reads nor fills them."""
    from gigcover.advisor.model import default_model
    from gigcover.engine.evaluate import calculate

    history = {"start_year": 2024, "hukou_region": "411600",
               "segments": [{"years": 20, "scheme": "employee", "region": "310000", "base_index": 1.0}]}  # fmt: skip
    inputs = {"contribution_history": history, "birth_date": "1990-05", "original_retirement_age": 60}

    def pension(overrides: dict | None = None) -> tuple[float, list[str]]:
        answer = calculate(default_model(), {"date": "2025-09-01", "region": "310000", "inputs": inputs,
                                             "outputs": ["pension_projection"], "overrides": overrides or {}})  # fmt: skip
        return answer["outputs"]["pension_projection"]["pension_monthly"], answer["warnings"]

    first, first_warnings = pension()
    no_growth, _ = pension({"projection.wage_growth": 0.0})
    again, again_warnings = pension()
    assert no_growth < first
    assert again == first
    assert again_warnings == first_warnings  # the replayed reads keep the UNVERIFIED warnings
    assert any("projection.wage_growth" in w for w in again_warnings)


@given(
    st.lists(st.floats(0, 50_000), min_size=1, max_size=40).flatmap(
        lambda credits: st.tuples(
            st.just(credits), st.lists(st.floats(-0.5, 0.2), min_size=len(credits), max_size=len(credits))
        )
    ),
    st.floats(0, 1e6),
)
def test_accounts_accumulate_as_year_by_year(credits_rates: tuple[list[float], list[float]], start: float) -> None:
    """The closed form (rates ≥ 0) and the loop (a negative rate) equal crediting interest, then the year's
    contribution, year by year."""
    credits, rates = credits_rates
    balance, expected = start, []
    for credit, rate in zip(credits, rates, strict=True):
        balance = balance * (1 + rate) + credit
        expected.append(balance)
    growth = 1 + np.asarray([rates])
    got = _accumulate(np.asarray([start]), np.asarray([credits]), growth)[0]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_shared_tables_replay_only_the_years_a_projection_uses(model: Any) -> None:
    """The wage, floor, interest and 计发基数 tables are built once per region for 1992–2100 and shared. A projection
    answered from tables that a longer history built must equal the same projection computed directly (an overlay
    of a parameter the projection never reads sends it down the direct path): the same figures, warnings and
    verification — only the parameter values of the years it uses."""
    from dataclasses import replace

    shared = replace(model, memo={})
    person = {**MAN_1970, "statutory_retirement_date": "2031-05", "statutory_retirement_age_months": 736}
    unrelated = {"advisor.affordable_share_of_income": 0.05}  # not read by the projection

    def ask(plan: dict[str, Any], **kw: Any) -> dict[str, Any]:
        found = calc(shared, DATE, "440300", {"contribution_history": plan, **person}, FIELDS, **kw)
        # warnings come in the order values were read, which differs between the two paths
        return {
            "outputs": found["outputs"],
            "warnings": sorted(found["warnings"]),
            "verification": found["verification"],
        }

    ask(history(1995, "440300", employee(30, "440300"), resident(6, "440300")))  # builds the rows, 1992–2100
    for plan in (
        history(2026, "440300", employee(5, "440300", 0.6)),
        history(2012, "411600", employee(10, "440300"), resident(9, "411600")),
    ):
        assert ask(plan) == ask(plan, overrides=unrelated)


def test_a_place_without_a_published_base_or_wage_pays_a_basic_pension_on_the_stand_in_wage(model: Any) -> None:
    # 鄂州 (420700): Hubei publishes neither a 计发基数 nor an average wage in the parameters. The contribution bases
    # use the national private-sector average (69,476 a year from 2024, flat with no growth); the benefit base is the
    # same stand-in, 69,476 / 12 = 5,789.67 — not 0, which paid no basic pension at all. 20 years 2011–2030 at
    # index 1.0: basic 0.2 × 5,789.67 = 1,157.93; account 8 % × 1,222,956 = 97,836.48 (the yearly averages, see
    # tests/policylab/test_measures_by_hand.py) over 129.667 months (61 years 4 months) = 754.53; pension 1,912.46.
    out = project(
        model, history(2011, "420700", employee(20, "420700")), region="420700", overrides=ZERO,
        outputs=["projected_benefit_base_monthly", "projected_pension_monthly", "projected_account_balance"],
    )  # fmt: skip
    assert out["projected_benefit_base_monthly"] == 5789.67
    assert out["projected_account_balance"] == 97836.48
    assert out["projected_pension_monthly"] == round(0.2 * 69476 / 12 + 97836.48 / (132 - 7 * 4 / 12), 2)
