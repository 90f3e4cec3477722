"""The engine's contract: regions and fallback, hukou_local, overlays, errors, trace, vectors, verification."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import calc
from gigcover.engine.errors import (
    GigcoverError,
    InputValueError,
    MissingInputError,
    RegionError,
    UnknownNameError,
)
from gigcover.engine.evaluate import calculate
from gigcover.engine.regions import NATIONAL

D = dt.date.fromisoformat
T2 = ["table2_cell", "table2_severity", "table2_options"]
PENSION_LIMIT = "coverage.hukou.pension_work_place_requires_local_hukou"
MEDICAL_LIMIT = "coverage.hukou.medical_work_place_requires_local_hukou"
IN_FORCE = "occupational_injury.pilot.in_force"
DAILY = "employment.part_time_max_daily_hours"
RIDER = {"has_labor_contract": False, "industry": "food_delivery", "platform": "meituan"}


def warnings_about(answer: dict[str, Any], parameter: str) -> list[str]:
    return [w for w in answer["warnings"] if w.startswith(parameter + ":")]


# -- regional fallback ---------------------------------------------------------------------------------------
class TestRegionalFallback:
    def test_prefecture_without_own_value_gets_province_value(self, model: Any) -> None:
        hit = model.store.lookup(IN_FORCE, D("2023-01-01"), "510100")
        assert (hit.region, hit.value, hit.fallback) == ("510000", True, True)
        answer = calc(model, "2023-01-01", "510100", RIDER, ["occupational_injury_access"])
        assert answer["outputs"]["occupational_injury_access"] == "platform"
        (warning,) = warnings_about(answer, IN_FORCE)
        assert "成都市 (510100)" in warning and "四川省 (510000) value used" in warning

    def test_county_falls_back_to_its_prefecture(self, model: Any) -> None:
        hit = model.store.lookup(MEDICAL_LIMIT, D("2022-03-01"), "440305")
        assert (hit.region, hit.value, hit.verified) == ("440300", True, "V3")
        answer = calc(model, "2022-03-01", "440305", {"hukou_local": False}, ["work_place_employee_medical_open"])
        assert answer["outputs"]["work_place_employee_medical_open"] is False
        (warning,) = warnings_about(answer, MEDICAL_LIMIT)
        assert "南山区 (440305)" in warning and "深圳市 (440300) value used" in warning

    def test_county_falls_back_to_its_province(self, model: Any) -> None:
        hit = model.store.lookup(IN_FORCE, D("2023-01-01"), "440305")
        assert (hit.region, hit.value) == ("440000", True)
        answer = calc(model, "2023-01-01", "440305", RIDER, ["occupational_injury_access"])
        assert answer["outputs"]["occupational_injury_access"] == "platform"
        assert "广东省 (440000) value used" in warnings_about(answer, IN_FORCE)[0]

    def test_national_value_otherwise(self, model: Any) -> None:
        hit = model.store.lookup(PENSION_LIMIT, D("2022-01-01"), "510100")
        assert (hit.region, hit.value, hit.fallback) == (NATIONAL, False, True)
        answer = calc(model, "2022-01-01", "510100", {"hukou_local": False}, ["work_place_employee_pension_open"])
        assert answer["outputs"]["work_place_employee_pension_open"] is True
        (warning,) = warnings_about(answer, PENSION_LIMIT)
        assert "成都市 (510100)" in warning and "national value used" in warning

    def test_regional_series_not_yet_in_force_falls_back_to_national(self, model: Any) -> None:
        # Shanghai's own series starts 2021-07-23; on 2021-06-01 the national value applies.
        hit = model.store.lookup(PENSION_LIMIT, D("2021-06-01"), "310000")
        assert (hit.region, hit.effective_from) == (NATIONAL, D("2011-07-01"))

    def test_own_value_gives_no_fallback_warning(self, model: Any) -> None:
        answer = calc(model, "2025-09-01", "310000", {"hukou_local": False}, ["work_place_employee_pension_open"])
        assert answer["outputs"]["work_place_employee_pension_open"] is True
        assert warnings_about(answer, PENSION_LIMIT) == []
        hit = model.store.lookup(PENSION_LIMIT, D("2025-09-01"), "310000")
        assert (hit.region, hit.fallback, hit.effective_from) == ("310000", False, D("2023-12-01"))

    def test_national_only_parameter_never_warns(self, model: Any) -> None:
        answer = calc(
            model,
            "2022-01-01",
            "440305",
            {
                "has_labor_contract": True,
                "paid_hourly": True,
                "daily_hours_one_employer": 3,
                "weekly_hours_one_employer": 15,
            },
            ["employment_form"],
        )
        assert answer["outputs"]["employment_form"] == "part_time"
        assert not [w for w in answer["warnings"] if "value used" in w]


# -- regions: aliases, invalid codes, any county ---------------------------------------------------------------
@pytest.mark.parametrize("alias", ["深圳", "深圳市", "shenzhen", "ShenZhen", " 440300 ", "440300"])
def test_region_aliases_resolve_the_same(model: Any, alias: str) -> None:
    assert model.regions.resolve(alias).code == "440300"
    inputs = {"hukou_region": "420100", "hukou_rural": False, "has_labor_contract": False}
    reference = calc(model, "2022-01-01", "440300", inputs, T2)
    answer = calc(model, "2022-01-01", alias, inputs, T2)
    assert answer["region"] == "440300"
    assert answer["outputs"] == reference["outputs"]
    assert answer["warnings"] == reference["warnings"]


def test_region_aliases_for_inputs(model: Any) -> None:
    answer = calc(model, "2022-01-01", "440305", {"hukou_region": "shenzhen"}, ["hukou_local"])
    assert answer["outputs"]["hukou_local"] is True


@pytest.mark.parametrize("bad", ["999999", "atlantis", "", "44030", "4403000"])
def test_invalid_region_raises_region_error(model: Any, bad: str) -> None:
    with pytest.raises(RegionError) as info:
        calc(model, "2022-01-01", bad, {"has_labor_contract": True}, ["employment_form"])
    assert info.value.details["field"] == "region"
    assert isinstance(info.value, InputValueError)


def test_unknown_region_name_suggests(model: Any) -> None:
    with pytest.raises(RegionError) as info:
        calc(model, "2022-01-01", "shenzen", {"has_labor_contract": True}, ["employment_form"])
    assert "shenzhen" in info.value.details["suggestions"]


def test_invalid_region_in_inputs_names_the_field(model: Any) -> None:
    with pytest.raises(RegionError) as info:
        calc(model, "2022-01-01", "310000", {"hukou_region": "atlantis"}, ["hukou_local"])
    assert info.value.details["field"] == "inputs.hukou_region"


def _county_codes(model: Any) -> list[str]:
    from gigcover.engine.regions import region_table

    return sorted(code for code, r in region_table().by_code.items() if r.level == "county")


def test_shipped_table_has_counties(model: Any) -> None:
    codes = _county_codes(model)
    assert len(codes) > 2500 and "440305" in codes and "310115" in codes


@given(data=st.data())
def test_any_county_code_is_accepted(model: Any, data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(_county_codes(model)))
    answer = calc(
        model, "2025-09-01", code, {"hukou_region": code, "hukou_rural": False, "has_labor_contract": False}, T2
    )
    assert answer["region"] == code
    assert answer["outputs"]["table2_cell"] == "local_urban_no_labor"


def test_county_440305_accepted(model: Any) -> None:
    answer = calc(model, "2025-09-01", "440305", RIDER, ["occupational_injury_access"])
    assert answer["region"] == "440305"
    assert answer["outputs"]["occupational_injury_access"] == "platform"


# -- hukou_local -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("hukou_region", "work_region", "expected"),
    [
        ("440300", "440300", True),  # same prefecture
        ("440305", "440300", True),  # county inside the work prefecture
        ("440300", "440306", True),  # work in a district of the hukou city
        ("440305", "440306", True),  # two districts of one city
        ("440100", "440300", False),  # another city of the same province
        ("420100", "310000", False),  # another province
        ("310115", "310000", True),  # municipality: district vs the city
        ("310115", "310101", True),  # municipality: two districts
        ("110105", "310000", False),  # two municipalities
        pytest.param(
            "429004",
            "429005",
            False,
        ),
    ],
)
def test_hukou_local(model: Any, hukou_region: str, work_region: str, expected: bool) -> None:
    given_work = calc(
        model, "2025-09-01", work_region, {"hukou_region": hukou_region, "work_region": work_region}, ["hukou_local"]
    )
    assert given_work["outputs"]["hukou_local"] is expected
    # work_region defaults to the region of the question
    by_region = calc(model, "2025-09-01", work_region, {"hukou_region": hukou_region}, ["hukou_local"])
    assert by_region["outputs"]["hukou_local"] is expected
    assert any(w.startswith("work_region not given") for w in by_region["warnings"])


def test_work_region_must_agree_with_the_region_of_the_question(model: Any) -> None:
    with pytest.raises(InputValueError) as caught:
        calc(model, "2025-09-01", "310000", {"hukou_region": "310000", "work_region": "440300"}, ["hukou_local"])
    assert caught.value.details["field"] == "inputs.work_region"


def test_work_region_alone_sets_the_region(model: Any) -> None:
    answer = calculate(
        model,
        {"date": "2025-09-01", "inputs": {"hukou_region": "440305", "work_region": "深圳"}, "outputs": ["hukou_local"]},
    )
    assert answer["region"] == "440300"
    assert answer["outputs"]["hukou_local"] is True


# -- overlays ----------------------------------------------------------------------------------------------------
HALF_HOURS = {
    "has_labor_contract": True,
    "paid_hourly": True,
    "daily_hours_one_employer": 4.5,
    "weekly_hours_one_employer": 22.5,
}


class TestOverlays:
    def test_override_applies_to_its_call_only(self, model: Any) -> None:
        before = model.store.lookup(DAILY, D("2022-01-01"), "310000")
        with_override = calc(model, "2022-01-01", "310000", HALF_HOURS, ["employment_form"], overrides={DAILY: 5})
        assert with_override["outputs"]["employment_form"] == "part_time"
        assert with_override["verification"]["weakest"] == "OVERLAY"
        without = calc(model, "2022-01-01", "310000", HALF_HOURS, ["employment_form"])
        assert without["outputs"]["employment_form"] == "full_time"
        after = model.store.lookup(DAILY, D("2022-01-01"), "310000")
        assert after == before and after.value == 4

    def test_regional_override_replaces_regional_value(self, model: Any) -> None:
        inputs = {"hukou_region": "420100", "hukou_rural": False, "has_labor_contract": False}
        base = calc(model, "2022-01-01", "310000", inputs, ["table2_options"])
        assert "local_employee_individual" not in base["outputs"]["table2_options"]
        lifted = calc(
            model,
            "2022-01-01",
            "310000",
            inputs,
            ["table2_options"],
            overrides={PENSION_LIMIT: False, MEDICAL_LIMIT: False},
        )
        assert "local_employee_individual" in lifted["outputs"]["table2_options"]
        assert PENSION_LIMIT not in lifted["verification"]["unverified_parameters"]
        assert model.store.lookup(PENSION_LIMIT, D("2022-01-01"), "310000").value is True
        again = calc(model, "2022-01-01", "310000", inputs, ["table2_options"])
        assert again["outputs"] == base["outputs"]

    def test_dated_override_applies_from_its_date(self, model: Any) -> None:
        overrides = {DAILY: {"2022-01-01": 5}}
        before = calc(model, "2021-12-31", "310000", HALF_HOURS, ["employment_form"], overrides=overrides)
        on = calc(model, "2022-01-01", "310000", HALF_HOURS, ["employment_form"], overrides=overrides)
        assert before["outputs"]["employment_form"] == "full_time"
        assert on["outputs"]["employment_form"] == "part_time"

    def test_dated_override_with_several_dates(self, model: Any) -> None:
        overrides = {DAILY: {"2022-01-01": 5, "2023-01-01": 4}}
        forms = [
            calc(model, day, "310000", HALF_HOURS, ["employment_form"], overrides=overrides)["outputs"][
                "employment_form"
            ]
            for day in ("2021-06-01", "2022-06-01", "2023-06-01")
        ]
        assert forms == ["full_time", "part_time", "full_time"]

    def test_list_override(self, model: Any) -> None:
        inputs = {**RIDER, "platform": "other"}
        base = calc(model, "2025-08-01", "310000", inputs, ["occupational_injury_access"])
        assert base["outputs"]["occupational_injury_access"] == "none"
        platforms = [*model.store.lookup("occupational_injury.pilot.platforms", D("2025-08-01"), "310000").value]
        answer = calc(
            model,
            "2025-08-01",
            "310000",
            inputs,
            ["occupational_injury_access"],
            overrides={"occupational_injury.pilot.platforms": [*platforms, "other"]},
        )
        assert answer["outputs"]["occupational_injury_access"] == "platform"

    def test_mapping_override(self, model: Any) -> None:
        stars = {cell: 9 for cell in model.store.lookup("coverage.table2.severity", D("2022-01-01"), "310000").value}
        answer = calc(
            model,
            "2022-01-01",
            "310000",
            {"hukou_region": "310000", "hukou_rural": False, "has_labor_contract": True},
            ["table2_severity"],
            overrides={"coverage.table2.severity": stars},
        )
        assert answer["outputs"]["table2_severity"] == 9

    def test_unknown_override_name_suggests(self, model: Any) -> None:
        with pytest.raises(UnknownNameError) as info:
            calc(
                model,
                "2022-01-01",
                "310000",
                HALF_HOURS,
                ["employment_form"],
                overrides={"employment.part_time_max_daily_hour": 5},
            )
        assert DAILY in info.value.details["suggestions"]

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("coverage.hukou.resident_medical_work_place_open_to_nonlocal", "yes"),
            ("coverage.hukou.resident_medical_work_place_open_to_nonlocal", 1),
            (DAILY, True),
            (DAILY, "five"),
            (DAILY, [5]),
            ("occupational_injury.pilot.platforms", "meituan"),
            (DAILY, {"2022-01-01": "five"}),
            (DAILY, {"soon": 5}),
            (DAILY, None),
        ],
    )
    def test_wrong_kind_of_override(self, model: Any, name: str, value: Any) -> None:
        with pytest.raises(InputValueError) as info:
            calc(model, "2022-01-01", "310000", HALF_HOURS, ["employment_form"], overrides={name: value})
        assert info.value.details["field"] == f"overrides.{name}"

    def test_overrides_must_be_a_mapping(self, model: Any) -> None:
        with pytest.raises(InputValueError):
            calc(model, "2022-01-01", "310000", HALF_HOURS, ["employment_form"], overrides=[DAILY])


# -- request errors --------------------------------------------------------------------------------------------
def test_unknown_output_suggests_close_names(model: Any) -> None:
    with pytest.raises(UnknownNameError) as info:
        calc(model, "2021-06-01", "310000", {}, ["table2_cel"])
    assert "table2_cell" in info.value.details["suggestions"]
    assert info.value.details["name"] == "table2_cel"


def test_unknown_input_suggests_close_names(model: Any) -> None:
    with pytest.raises(UnknownNameError) as info:
        calc(model, "2021-06-01", "310000", {"hukou_rurall": True}, ["table2_cell"])
    assert "hukou_rural" in info.value.details["suggestions"]


def test_missing_input_lists_what_is_needed(model: Any) -> None:
    with pytest.raises(MissingInputError) as info:
        calc(model, "2021-06-01", "310000", {"hukou_region": "310000", "has_labor_contract": False}, T2)
    assert info.value.details["missing"] == ["hukou_rural"]
    assert "hukou_rural" in info.value.message


def test_missing_inputs_are_all_listed(model: Any) -> None:
    with pytest.raises(MissingInputError) as info:
        calc(model, "2021-06-01", "310000", {}, T2)
    assert set(info.value.details["missing"]) == {"hukou_region", "hukou_rural", "has_labor_contract"}


def test_missing_work_region_without_a_region(model: Any) -> None:
    with pytest.raises(MissingInputError) as info:
        calc(model, "2021-06-01", None, {"hukou_region": "310000"}, ["hukou_local"])
    assert info.value.details["missing"] == ["work_region"]


def test_missing_input_for_new_form_category(model: Any) -> None:
    with pytest.raises(MissingInputError) as info:
        calc(model, "2021-06-01", "310000", {"has_labor_contract": False}, ["new_form_category"])
    assert info.value.details["missing"] == ["platform_manages_work"]


def test_no_region_uses_national_values_and_says_so(model: Any) -> None:
    answer = calc(model, "2021-06-01", None, {"has_labor_contract": True}, ["employment_form"])
    assert answer["region"] == NATIONAL
    assert answer["outputs"]["employment_form"] == "full_time"
    assert "no region given: national values used" in answer["warnings"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("industry", "pilot"),
        ("platform", "uber"),
        ("contract_counterparty", "boss"),
        ("has_labor_contract", "yes"),
        ("has_labor_contract", 1),
        ("hukou_rural", None),
        ("daily_hours_one_employer", -1),
        ("daily_hours_one_employer", 25),
        ("daily_hours_one_employer", "4"),
        ("daily_hours_one_employer", float("nan")),
        ("weekly_hours_one_employer", 169),
        ("paid_hourly", "true"),
    ],
)
def test_bad_input_value_names_the_field(model: Any, field: str, value: Any) -> None:
    with pytest.raises(InputValueError) as info:
        calc(model, "2021-06-01", "310000", {field: value}, ["employment_form"])
    assert info.value.details["field"] == f"inputs.{field}"
    assert f"inputs.{field}" in info.value.message


def test_bad_value_in_a_list_names_the_person(model: Any) -> None:
    with pytest.raises(InputValueError) as info:
        calc(model, "2021-06-01", "310000", {"has_labor_contract": [True, "yes"]}, ["employment_form"])
    assert info.value.details["field"] == "inputs.has_labor_contract[1]"
    with pytest.raises(InputValueError):
        calc(model, "2021-06-01", "310000", {"has_labor_contract": []}, ["employment_form"])


def test_boundary_input_values_are_accepted(model: Any) -> None:
    inputs = {"has_labor_contract": True, "daily_hours_one_employer": 24, "weekly_hours_one_employer": 0}
    assert calc(model, "2021-06-01", "310000", inputs, ["employment_form"])["outputs"]["employment_form"] == (
        "full_time"
    )


def test_unknown_top_level_key(model: Any) -> None:
    request = {
        "date": "2021-06-01",
        "region": "310000",
        "input": {"has_labor_contract": True},
        "outputs": ["employment_form"],
    }
    with pytest.raises(InputValueError) as info:
        calculate(model, request)
    assert info.value.details["field"] == "input"


@pytest.mark.parametrize("bad", ["2021-13-01", "2021-02-30", "yesterday", "", None, "01/06/2021"])
def test_bad_date(model: Any, bad: Any) -> None:
    request = {"region": "310000", "inputs": {"has_labor_contract": True}, "outputs": ["employment_form"]}
    if bad is not None:
        request["date"] = bad
    with pytest.raises(InputValueError) as info:
        calculate(model, request)
    assert info.value.details["field"] == "date"


@pytest.mark.parametrize(
    "request_",
    [
        {"date": "2021-06-01", "outputs": []},
        {"date": "2021-06-01", "outputs": "employment_form"},
        {"date": "2021-06-01", "outputs": [1]},
        {"date": "2021-06-01", "outputs": ["employment_form"], "inputs": [True]},
        {"date": "2021-06-01", "outputs": ["employment_form"], "inputs": {"has_labor_contract": True}, "trace": "yes"},
    ],
)
def test_malformed_requests(model: Any, request_: dict[str, Any]) -> None:
    with pytest.raises(InputValueError):
        calculate(model, request_)


def test_request_must_be_a_mapping(model: Any) -> None:
    with pytest.raises(GigcoverError):
        calculate(model, ["2021-06-01"])  # type: ignore[arg-type]


def test_errors_serialise(model: Any) -> None:
    with pytest.raises(UnknownNameError) as info:
        calc(model, "2021-06-01", "310000", {}, ["table2_cel"])
    payload = info.value.to_dict()
    assert payload["error"] == "unknown_name" and "table2_cell" in payload["suggestions"]


# -- trace -------------------------------------------------------------------------------------------------------
def _entry(answer: dict[str, Any], variable: str) -> dict[str, Any]:
    (entry,) = [e for e in answer["trace"] if e["variable"] == variable]
    return entry


def test_no_trace_unless_asked(model: Any) -> None:
    answer = calc(model, "2021-06-01", "310000", {"has_labor_contract": True}, ["legal_relation"])
    assert "trace" not in answer


def test_trace_of_table2(model: Any) -> None:
    answer = calc(
        model,
        "2021-06-01",
        "310000",
        {"hukou_region": "411500", "hukou_rural": True, "has_labor_contract": False},
        T2,
        trace=True,
    )
    origins = {e["variable"]: e["origin"] for e in answer["trace"]}
    assert origins["hukou_region"] == "input" and origins["work_region"] == "default"
    assert origins["table2_options"] == "formula"

    severity = _entry(answer, "table2_severity")
    assert severity["formula"] == "gigcover.rules.coverage.table2.table2_severity"
    assert severity["inputs"] == {"table2_cell": "nonlocal_rural_no_labor"}
    assert severity["value"] == 4
    (param,) = severity["parameters"]
    assert param["name"] == "coverage.table2.severity"
    assert param["effective_from"] == "2011-07-01"
    assert param["verified"] == "V3"
    assert "赵青" in param["reference"]["document"]
    assert param["value"]["nonlocal_rural_no_labor"] == 4
    assert [r["key"] for r in severity["references"]] == ["seed_paper.table2"]

    pension = _entry(answer, "work_place_employee_pension_open")
    (param,) = pension["parameters"]
    assert param["name"] == PENSION_LIMIT
    assert (param["value"], param["region"], param["effective_from"]) == (True, NATIONAL, "2011-07-01")
    assert param["verified"] in {"V1", "V2", "V3", "UNVERIFIED"}
    assert param["reference"]["document"]


@pytest.mark.parametrize(
    ("inputs", "form", "basis"),
    [
        ({"has_labor_contract": True, "part_time_hours_test": True}, "part_time", "labor_contract_law.art68"),
        (
            {"has_labor_contract": True, "part_time_hours_test": True, "contract_counterparty": "dispatch_agency"},
            "labor_dispatch",
            "labor_contract_law.art58",
        ),
        ({"has_labor_contract": True, "part_time_hours_test": False}, "full_time", "labor_contract_law.art10"),
        ({"has_labor_contract": False, "part_time_hours_test": True}, "platform_flexible", "seed_paper.table1"),
    ],
)
def test_trace_basis_names_the_article(model: Any, inputs: dict[str, Any], form: str, basis: str) -> None:
    answer = calc(model, "2021-06-01", "310000", inputs, ["employment_form"], trace=True)
    entry = _entry(answer, "employment_form")
    assert entry["value"] == form
    assert entry["formula"] == "gigcover.rules.employment.classification.employment_form"
    assert set(entry["inputs"]) == {"legal_relation", "contract_counterparty", "part_time_hours_test"}
    (cited,) = entry["basis"]
    assert cited["key"] == basis
    assert cited["verified"] in {"V1", "V2", "V3"}
    assert cited["document"]


def test_trace_of_part_time_from_hours(model: Any) -> None:
    inputs = {
        "has_labor_contract": True,
        "paid_hourly": True,
        "daily_hours_one_employer": 3,
        "weekly_hours_one_employer": 15,
    }
    answer = calc(model, "2021-06-01", "310000", inputs, ["employment_form"], trace=True)
    assert _entry(answer, "employment_form")["basis"][0]["key"] == "labor_contract_law.art68"
    test = _entry(answer, "part_time_hours_test")
    params = {p["name"]: p for p in test["parameters"]}
    assert params[DAILY]["value"] == 4 and params[DAILY]["effective_from"] == "2008-01-01"
    assert params[DAILY]["verified"] == "V1" and params[DAILY]["reference"]["article"] == "第六十八条"


def test_trace_with_vector_inputs(model: Any) -> None:
    answer = calc(
        model,
        "2021-06-01",
        "310000",
        {"hukou_region": ["310000", "420100"], "hukou_rural": False, "has_labor_contract": False},
        ["table2_cell"],
        trace=True,
    )
    assert _entry(answer, "table2_cell")["value"] == ["local_urban_no_labor", "nonlocal_urban_no_labor"]


# -- UNVERIFIED parameters -----------------------------------------------------------------------------------------
def test_unverified_parameters_are_reported(model: Any) -> None:
    inputs = {"hukou_region": "130100", "hukou_rural": False, "has_labor_contract": False}
    answer = calc(model, "2022-01-01", "110000", inputs, ["table2_options"])
    assert answer["outputs"]["table2_options"] == ["hukou_place_employee_individual", "hukou_place_resident"]
    assert answer["verification"]["weakest"] == "UNVERIFIED"
    assert {PENSION_LIMIT, MEDICAL_LIMIT} <= set(answer["verification"]["unverified_parameters"])
    assert any(w.startswith(f"{PENSION_LIMIT} = True (from 2021-07-23) is UNVERIFIED") for w in answer["warnings"])


def test_verified_answer_has_no_unverified_parameters(model: Any) -> None:
    inputs = {"hukou_region": "130100", "hukou_rural": False, "has_labor_contract": False}
    answer = calc(model, "2022-01-01", "510100", inputs, ["table2_options"])
    assert answer["verification"]["unverified_parameters"] == []
    assert answer["verification"]["weakest"] in {"V1", "V2", "V3"}
    assert not [w for w in answer["warnings"] if "UNVERIFIED" in w]


# -- vectors: one call for many people gives the same answers as one call per person ------------------------------
PAPER_2021 = [
    # hukou_region, rural, labour contract → cell, stars, options
    ("310000", False, True, "local_urban_labor", 0, ["local_employee"]),
    ("310000", True, True, "local_rural_labor", 0, ["local_employee"]),
    ("420100", False, True, "nonlocal_urban_labor", 0, ["local_employee"]),
    ("411500", True, True, "nonlocal_rural_labor", 0, ["local_employee"]),
    ("310000", False, False, "local_urban_no_labor", 1, ["local_employee_individual", "local_resident"]),
    ("310000", True, False, "local_rural_no_labor", 2, ["local_employee_individual", "local_resident"]),
    ("420100", False, False, "nonlocal_urban_no_labor", 3, ["hukou_place_employee_individual", "hukou_place_resident"]),
    ("411500", True, False, "nonlocal_rural_no_labor", 4, ["hukou_place_resident"]),
]


def test_vector_of_the_eight_table2_cells(model: Any) -> None:
    inputs = {
        "hukou_region": [row[0] for row in PAPER_2021],
        "hukou_rural": [row[1] for row in PAPER_2021],
        "has_labor_contract": [row[2] for row in PAPER_2021],
    }
    out = calc(model, "2021-06-01", "310000", inputs, T2)["outputs"]
    assert out["table2_cell"] == [row[3] for row in PAPER_2021]
    assert out["table2_severity"] == [row[4] for row in PAPER_2021]
    assert out["table2_options"] == [row[5] for row in PAPER_2021]


def test_vector_mixed_with_scalars(model: Any) -> None:
    inputs = {"hukou_region": ["310115", "420100", "440300"], "hukou_rural": True, "has_labor_contract": False}
    out = calc(model, "2021-06-01", "310000", inputs, T2)["outputs"]
    assert out["table2_cell"] == ["local_rural_no_labor", "nonlocal_rural_no_labor", "nonlocal_rural_no_labor"]
    assert out["table2_severity"] == [2, 4, 4]


def test_vector_hours_with_scalar_defaults(model: Any) -> None:
    inputs = {
        "has_labor_contract": True,
        "paid_hourly": [True, False],
        "daily_hours_one_employer": 3,
        "weekly_hours_one_employer": 15,
    }
    out = calc(model, "2021-06-01", "310000", inputs, ["employment_form"])["outputs"]
    assert out["employment_form"] == ["part_time", "full_time"]


VECTOR_DATES = ["2021-06-01", "2022-01-01", "2022-08-01", "2024-01-01", "2024-08-01", "2025-09-01", "2026-08-01"]
VECTOR_REGIONS = ["310000", "110000", "440300", "440305", "510100", "330100", "530100"]
HUKOU_REGIONS = ["310000", "310115", "110105", "420100", "411500", "510104", "440300", "440306", "330106"]
BASE_OUTPUTS = ["table2_cell", "table2_severity", "table2_options", "employment_form", "new_form_category"]
SCHEME_OUTPUTS = [
    "employee_pension_access",
    "employee_pension_place",
    "employee_pension_payers",
    "employee_pension_worker_rate",
    "employee_medical_place",
    "resident_pension_place",
    "resident_medical_place",
    "work_injury_access",
    "occupational_injury_access",
    "occupational_injury_payers",
    "unemployment_access",
    "maternity_payers",
]

person_strategy = st.fixed_dictionaries(
    {
        "hukou_region": st.sampled_from(HUKOU_REGIONS),
        "hukou_rural": st.booleans(),
        "has_labor_contract": st.booleans(),
        "contract_counterparty": st.sampled_from(["platform", "contractor", "dispatch_agency", "none"]),
        "paid_hourly": st.booleans(),
        "daily_hours_one_employer": st.one_of(st.sampled_from([0, 3, 4, 4.5, 8]), st.floats(0, 24)),
        "weekly_hours_one_employer": st.one_of(st.sampled_from([0, 20, 24, 24.5, 40]), st.floats(0, 168)),
        "platform_manages_work": st.booleans(),
        "own_business": st.booleans(),
        "industry": st.sampled_from(["food_delivery", "ride_hailing", "courier", "livestreaming", "other"]),
        "platform": st.sampled_from(["meituan", "didi", "caocao", "other"]),
    }
)


@given(
    people=st.lists(person_strategy, min_size=8, max_size=8),
    date=st.sampled_from(VECTOR_DATES),
    region=st.sampled_from(VECTOR_REGIONS),
)
def test_vector_equals_scalar_calls(model: Any, people: list[dict[str, Any]], date: str, region: str) -> None:
    outputs = BASE_OUTPUTS + SCHEME_OUTPUTS
    vector_inputs = {key: [person[key] for person in people] for key in people[0]}
    vector = calc(model, date, region, vector_inputs, outputs)
    for name in outputs:
        assert isinstance(vector["outputs"][name], list) and len(vector["outputs"][name]) == 8, name
    for i, person in enumerate(people):
        scalar = calc(model, date, region, person, outputs)
        for name in outputs:
            assert vector["outputs"][name][i] == scalar["outputs"][name], (name, i, person)


def test_a_date_before_the_rule_existed_is_a_not_in_force_error(model: Any) -> None:
    from gigcover.engine.errors import NotInForceError

    with pytest.raises(NotInForceError) as caught:
        calc(model, "2005-01-01", "310000", {"has_labor_contract": False, "hukou_local": True, "hukou_rural": False},
             ["table2_severity"])  # fmt: skip
    assert caught.value.kind == "not_in_force"
    assert "2011-07-01" in caught.value.message
