"""Memoised results: a cached answer is the answer — same outputs, warnings, verification — and nothing leaks between
questions that differ in date, region, overlay, given inputs or defaults."""

from __future__ import annotations

import dataclasses
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcover.advisor import advise
from gigcover.api.schemas import ADVICE_EXAMPLE
from gigcover.engine.errors import GigcoverError, ModelDefinitionError
from gigcover.engine.evaluate import Model, Simulation, calculate
from gigcover.engine.memo import BoundedCache, Effects, EffectsTable, Unkeyable, freeze, shareable
from gigcover.queries import COVERAGE_OUTPUTS

DATE = dt.date(2025, 9, 1)
OUTPUTS = [
    *COVERAGE_OUTPUTS,
    "statutory_retirement_date",
    "minimum_contribution_years",
    "employee_pension_worker_contribution_monthly",
    "resident_medical_premium_annual",
]


def _fresh(model: Model, size: int) -> Model:
    """The same rules and parameters with empty caches (size 0: no result memo at all)."""
    return dataclasses.replace(
        model,
        results=BoundedCache(size),
        effects=EffectsTable(1_000),
        memo={},
        needs_cache={},
        shapes={},
        hit_warnings={},
    )


def _request(
    date: str,
    region: str,
    hukou: str,
    rural: bool,
    contract: bool,
    birth: str,
    managed: bool = True,
    base: float | None = None,
) -> dict[str, Any]:
    extra = {} if base is None else {"pension_base_chosen_monthly": base}  # far out of the band: a clamp warning
    return {
        "date": date,
        "region": region,
        "inputs": {
            "hukou_region": hukou,
            "hukou_rural": rural,
            "has_labor_contract": contract,
            "platform_manages_work": managed,
            "industry": "food_delivery",
            "platform": "meituan",
            "birth_date": birth,
            "original_retirement_age": 60,
            "employee_pension_access": "individual",
            **extra,
        },
        "outputs": OUTPUTS,
    }


requests = st.builds(
    _request,
    st.sampled_from(["2021-06-01", "2024-03-01", "2025-09-01", "2026-08-01"]),
    st.sampled_from(["310000", "110000", "440300", "510100"]),
    st.sampled_from(["411600", "310000", "440300", "510100"]),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["1966-04", "1975-11", "1990-01", "2003-07"]),
    st.booleans(),
    st.sampled_from([None, 1_000.0, 9_000.0, 200_000.0]),
)


@given(st.lists(requests, min_size=1, max_size=6))
def test_cached_answers_equal_fresh_ones(model: Model, batch: list[dict[str, Any]]) -> None:
    """Any sequence of questions answered with the memo (warm, in any order) equals the same questions without it."""
    without = _fresh(model, 0)
    with_memo = _fresh(model, 10_000)
    for request in batch + batch[::-1]:
        assert _answer(with_memo, request) == _answer(without, request)
    assert with_memo.results.hits > 0
    assert len(without.results) == 0


def _answer(model: Model, request: dict[str, Any]) -> dict[str, Any]:
    """The answer, or the error it gives (which must not change with the memo either)."""
    try:
        return calculate(model, request)
    except GigcoverError as exc:
        return {"error": exc.kind, "message": exc.message}


def test_given_and_defaulted_inputs_keep_their_warnings(model: Model) -> None:
    """The same value given or left to its default: only the default is said in the warnings, warm or cold."""
    fresh = _fresh(model, 1_000)
    base = {"date": "2025-09-01", "region": "440305", "outputs": ["hukou_local"]}
    given_answer = calculate(fresh, {**base, "inputs": {"hukou_region": "440300", "work_region": "440305"}})
    default_answer = calculate(fresh, {**base, "inputs": {"hukou_region": "440300"}})
    assert given_answer["outputs"] == default_answer["outputs"]
    assert not any(w.startswith("work_region not given") for w in given_answer["warnings"])
    assert any(w.startswith("work_region not given") for w in default_answer["warnings"])


def test_overlay_is_part_of_the_key(model: Model) -> None:
    fresh = _fresh(model, 1_000)
    request = {
        "date": "2025-09-01",
        "region": "310000",
        "inputs": {"pension_base_chosen_monthly": 8000.0, "employee_pension_access": "individual"},
        "outputs": ["employee_pension_worker_contribution_monthly"],
    }
    baseline = calculate(fresh, request)["outputs"]["employee_pension_worker_contribution_monthly"]
    reform = calculate(fresh, {**request, "overrides": {"pension.employee.flexible.rate": 0.1}})
    assert reform["outputs"]["employee_pension_worker_contribution_monthly"] == pytest.approx(800.0)
    assert reform["verification"]["weakest"] == "OVERLAY"
    again = calculate(fresh, request)
    assert again["outputs"]["employee_pension_worker_contribution_monthly"] == baseline
    assert again["verification"]["weakest"] != "OVERLAY"


def test_traced_calls_run_every_formula(model: Model) -> None:
    fresh = _fresh(model, 1_000)
    request = _request("2025-09-01", "310000", "411600", True, False, "1990-01")
    calculate(fresh, request)
    traced = calculate(fresh, {**request, "trace": True})
    formulas = {entry["variable"] for entry in traced["trace"] if entry["origin"] == "formula"}
    assert {"table2_cell", "statutory_retirement_date", "retirement_delay_months"} <= formulas


def test_cached_arrays_cannot_be_corrupted(model: Model) -> None:
    """A small vector call is memoised; the cached copy is read-only, so the caller's array stays its own."""
    fresh = _fresh(model, 1_000)
    inputs = {
        "hukou_local": np.array([True, False]),
        "hukou_rural": np.array([False, True]),
        "has_labor_contract": np.array([False, False]),
    }
    first = Simulation(fresh, DATE, "310000", inputs).compute("table2_severity")
    first[...] = 0  # the caller may do what it likes with its result
    second = Simulation(fresh, DATE, "310000", inputs).compute("table2_severity")
    assert second.tolist() != [0, 0]
    with pytest.raises(ValueError):
        second[0] = 9


def test_population_runs_bypass_the_memo(model: Model) -> None:
    fresh = _fresh(model, 1_000)
    people = 1_000
    inputs = {
        "hukou_local": np.zeros(people, dtype=bool),
        "hukou_rural": np.ones(people, dtype=bool),
        "has_labor_contract": np.zeros(people, dtype=bool),
    }
    Simulation(fresh, DATE, "310000", inputs).compute("table2_severity")
    assert len(fresh.results) == 0
    with pytest.raises(Unkeyable):
        freeze(np.zeros(people))


def test_bounded_cache_forgets_the_oldest() -> None:
    cache = BoundedCache(2)
    for key in "abc":
        cache.put(key, key.upper())
    assert cache.get("a") is None and cache.get("c") == "C" and len(cache) == 2
    assert (cache.hits, cache.misses) == (1, 1)


def test_shareable_copies_and_locks_nested_arrays() -> None:
    original = {"a": np.arange(3.0), "b": [np.ones(2)]}
    kept = shareable(original)
    original["a"][0] = 7
    assert kept["a"][0] == 0 and not kept["a"].flags.writeable and not kept["b"][0].flags.writeable


def test_advice_is_the_same_warm_and_cold(model: Model) -> None:
    request = ADVICE_EXAMPLE  # a rider in Shanghai with a rural hukou in Zhoukou
    warm = _fresh(model, 10_000)
    first = advise(warm, request)
    assert advise(warm, request) == first
    assert advise(_fresh(model, 0), request) == first


def test_memo_size_comes_from_the_environment(model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGCOVER_RESULT_CACHE", "0")
    off = Model(model.variables, model.store, model.sources)
    calculate(off, _request("2025-09-01", "310000", "411600", True, False, "1990-01"))
    assert len(off.results) == 0
    monkeypatch.setenv("GIGCOVER_RESULT_CACHE", "lots")
    with pytest.raises(ModelDefinitionError, match="GIGCOVER_RESULT_CACHE"):
        Model(model.variables, model.store, model.sources)


def test_threads_sharing_a_model_get_the_answers_of_one_thread(model: Model) -> None:
    """Library users may ask from several threads: the memo's numbering and eviction stay consistent."""
    batch = [
        _request(date, region, hukou, rural, contract, birth)
        for date in ("2021-06-01", "2025-09-01")
        for region in ("310000", "440300")
        for hukou in ("411600", "310000")
        for rural, contract in ((True, False), (False, True))
        for birth in ("1975-11", "1990-01")
    ]
    alone = [_answer(_fresh(model, 0), request) for request in batch]
    shared = _fresh(model, 50)  # small: evictions happen while threads write
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda request: _answer(shared, request), batch * 3))
    assert together == alone * 3


def test_effects_are_numbered_once_and_kept_whole_when_the_table_is_full(model: Model) -> None:
    hit = model.store.lookup("pension.employee.flexible.rate", DATE, "310000")
    first = Effects(hits={("a", "310000", DATE): hit}, warnings=["w"])
    same = Effects(hits={("a", "310000", DATE): hit}, warnings=["w"])
    other = Effects(basis={"social_insurance_law.art10"})
    table = EffectsTable(1)
    assert table.intern(first) == 0 and table.intern(same) == 0
    assert table.intern(other) is other  # full: the entry keeps its own
    assert table.get(0) is first and table.get(other) is other
    overlaid = Effects(hits={("a", "310000", DATE): dataclasses.replace(hit, verified="OVERLAY")})
    assert EffectsTable(10).intern(overlaid) is overlaid  # overlay values are not in the content key
