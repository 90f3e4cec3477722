"""Adequacy that moves with the scenario: the lifetime projection's years from the scenario's date on follow the
pension route, scheme, place, base and tier the scenario gives each worker, taken up by a seeded draw per worker;
the years already lived stay as the history has them."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest

import gigcover
from gigcover.policylab.chunked import simulate_chunked
from gigcover.policylab.measures import (
    FuturePension,
    LabPopulation,
    Rows,
    evaluate,
    take_up_draw,
    with_future,
)
from gigcover.policylab.scenarios import builtin_scenarios
from gigcover.policylab.simulate import simulate
from gigcover.rules.model import default_model
from gigcover.rules.projection import HistoryColumns
from gigcover.rules.projection.schema import EMPLOYEE, NONE, RESIDENT

from .conftest_lab import law_model, one_rider
from .test_chunked import _with_histories as mixed_with_histories

__all__ = ["law_model"]

FIVE = ["baseline-2021", "law-2026", "paper-package", "formalization", "universal"]


def _riders(n: int, segments: dict[str, list[Any]], start: int, date: str | None = "2025-07-01") -> LabPopulation:
    """`n` copies of the Shanghai rider (non-local, rural hukou in 周口 411600, Meituan, 7,000 a month, no labour
    contract), born 1995-05, each with the same history: `segments` (one list per column) from `start`."""
    rider = one_rider()
    inputs: dict[str, Any] = {k: np.repeat(v, n) for k, v in rider.inputs.items()}
    inputs["birth_date"] = np.array(["1995-05"] * n)
    k = len(segments["years"])
    people = {"start_year": np.full(n, start), "hukou_region": np.array(["411600"] * n)}
    columns = {name: np.tile(np.asarray(values), n) for name, values in segments.items()}
    inputs["contribution_history"] = HistoryColumns.of(
        people, {"person": np.repeat(np.arange(n), k), **columns}, default_model().regions
    )
    return LabPopulation(
        inputs=inputs, region=np.array(["310000"] * n), weight=np.ones(n),
        columns={"monthly_income": np.full(n, 7000.0), "annual_days": np.full(n, 300), "person_id": np.arange(n)},
        date=np.datetime64(date) if date else None,
    )  # fmt: skip


NO_PENSION = {  # 2016–2024 without a pension, then (as the generator plans it) the current state, none, to 2060
    "years": [9, 36],
    "scheme": ["none", "none"],
    "region": ["310000", "310000"],
    "base_index": [0.0, 0.0],
    "tier": [0.0, 0.0],
}


def _details(summary: Any) -> dict[str, Rows]:
    return {rows.scenario: rows for rows in summary.details}


def test_formalization_raises_adequacy_for_those_the_baseline_leaves_without_a_pension(law_model: Any) -> None:
    """Twelve riders with no pension years so far, their histories planned on without one.

    baseline-2021: no labour relation; the resident pension at the hukou place is open to them (the cheaper
    scheme), taken up voluntarily with probability awareness × willingness ≈ 0.35, so about two thirds draw
    nothing and keep no pension at all — a replacement rate of 0.

    formalization: a labour contract with the platform; the employer enrols them (employer_compliance 1.0) in the
    employee pension in Shanghai at the wage, 7,000 a month — below 60 % of Shanghai's average, so the base is
    the band's floor, index 0.6 — from 2026 to the statutory retirement in 2058 (63 for a man born 1995, the 2025
    reform): 32 years and more. The basic pension alone is B × (1 + 0.6) / 2 × 32 × 1 % = 0.256 B of the benefit
    base B the rate is taken over, so every such worker's rate is at least 0.256 (the account adds to it)."""
    population = _riders(12, NO_PENSION, 2016)
    details = _details(simulate(population, ["formalization"], compute=gigcover.compute, replications=10))
    baseline, formal = details["baseline-2021"], details["formalization"]
    assert baseline.replacement_rate is not None and formal.replacement_rate is not None
    left_out = baseline.replacement_rate == 0
    assert 4 <= left_out.sum() <= 11  # the draw: about 12 × 0.65 ≈ 8 take up nothing
    assert float(np.median(baseline.replacement_rate[left_out])) == 0.0
    assert float(np.median(formal.replacement_rate[left_out])) >= 0.256
    assert (formal.replacement_rate >= 0.256).all()


def test_formalization_contributes_at_the_wage_clamped_to_the_band(law_model: Any) -> None:
    """The future employee years' base index is the rules' base over the average wage: 7,000 is below Shanghai's
    published floor on 2026-12-01 (about 60 % of the average; the published figure is rounded), so the base is
    the floor and the index the floor over the average, 0.6 to within the rounding."""
    found = gigcover.compute(
        {}, ["pension_average_wage_monthly", "pension_base_floor_monthly"], date="2026-12-01", region="310000"
    )
    average, floor = (
        float(np.asarray(found[k]).ravel()[0]) for k in ("pension_average_wage_monthly", "pension_base_floor_monthly")
    )
    assert floor > 7000
    future = _future(_riders(3, NO_PENSION, 2016), "formalization", law_model)
    assert future.scheme.tolist() == [EMPLOYEE] * 3
    assert future.base_index == pytest.approx([floor / average] * 3, rel=1e-12)
    assert floor / average == pytest.approx(0.6, abs=1e-4)
    assert future.region.tolist() == [int(default_model().regions.encode("310000"))] * 3


def test_universal_gives_the_resident_pension_at_the_lowest_tier(law_model: Any) -> None:
    """universal: everyone outside an employer's cover in the resident pension, enrolled automatically, at the lowest
    national tier (the scenario's `resident_pension_tier: lowest`), at the hukou place (the rules'
    `resident_pension_place` for a non-local worker)."""
    lowest = default_model().store.lookup("pension.resident.contribution_tiers_annual", dt.date(2026, 12, 1), "000000")
    assert lowest is not None
    future = _future(_riders(3, NO_PENSION, 2016), "universal", law_model)
    assert future.scheme.tolist() == [RESIDENT] * 3
    assert future.tier.tolist() == [min(float(t) for t in lowest.value)] * 3
    assert future.region.tolist() == [int(default_model().regions.encode("411600"))] * 3


def _future(population: LabPopulation, name: str, model: Any) -> FuturePension:
    """The future segment each worker gets, read back from the history the projection was given."""
    scenario = builtin_scenarios(model)[name]
    seen: dict[str, Any] = {}

    def compute(inputs: Any, outputs: Any, **kwargs: Any) -> Any:
        if "contribution_history" in inputs:
            seen["history"] = inputs["contribution_history"]
        return gigcover.compute(inputs, outputs, **kwargs)

    evaluate(population, scenario, scenario.assumptions(), model, compute)
    h: HistoryColumns = seen["history"]
    last = np.r_[np.flatnonzero(np.diff(h.person)), len(h.person) - 1]
    return FuturePension(h.scheme[last], h.region[last], h.index[last], h.tier[last])


def test_a_worker_who_takes_up_nothing_keeps_only_the_past(law_model: Any) -> None:
    """Fifteen employee years in Shanghai 2011–2025, planned on in the employee scheme to 2060. Under law-2026 with
    awareness of the pension 0, the voluntary pension is never taken up: the years from 2026 hold no scheme, and
    the pension is the one of the fifteen past years alone — the same as for the history cut at 2026 (which has no
    years for the scenario to decide). Fifteen years meet the minimum, so that pension is not 0."""
    past = {"years": [15], "scheme": ["employee"], "region": ["310000"], "base_index": [0.6], "tier": [0.0]}
    planned = {name: [*values, values[0] if name != "years" else 35] for name, values in past.items()}
    law = builtin_scenarios(law_model)["law-2026"]
    unaware = law.model_copy(update={"behaviour": {**law.behaviour, "awareness": {"pension": 0.0}}})
    rates = []
    for history in (planned, past):
        rows = evaluate(_riders(2, history, 2011, None), unaware, unaware.assumptions(), law_model, gigcover.compute)
        assert rows.take_up["pension"].tolist() == [0.0, 0.0]
        assert rows.replacement_rate is not None
        rates.append(rows.replacement_rate)
    assert rates[0].tolist() == rates[1].tolist()
    assert (rates[0] > 0).all()


def test_the_future_replaces_the_years_from_the_cut() -> None:
    """By hand: a history from 2015 of 8 employee years in Shanghai (2015–2022), 10 in Shenzhen (2023–2032) and 20
    resident years in 周口 (2033–2052), cut at 2026: Shanghai 8, Shenzhen 3 (2023–2025), then 27 years (2026–2052)
    of the future scheme. A second worker whose history starts in 2030 has no past: all 5 years are the future's.
    A third whose history ends in 2020 has no future years."""
    regions = default_model().regions
    history = HistoryColumns.of(
        {"start_year": np.array([2015, 2030, 2010]), "hukou_region": np.array(["411600"] * 3)},
        {
            "person": np.array([0, 0, 0, 1, 2]),
            "years": np.array([8, 10, 20, 5, 10]),
            "scheme": np.array(["employee", "employee", "resident", "employee", "employee"]),
            "region": np.array(["310000", "440300", "411600", "310000", "310000"]),
            "base_index": np.array([0.6, 0.8, 0.0, 1.0, 1.0]),
            "tier": np.array([0.0, 0.0, 500.0, 0.0, 0.0]),
        },
        regions,
    )
    shanghai, beijing = int(regions.encode("310000")), int(regions.encode("110000"))
    future = FuturePension(
        scheme=np.array([RESIDENT, EMPLOYEE, NONE], dtype=np.int8),
        region=np.array([beijing, shanghai, -1]),
        base_index=np.array([0.0, 2.0, 0.0]),
        tier=np.array([300.0, 0.0, 0.0]),
    )
    cut = with_future(history, 2026, future)
    assert cut.person.tolist() == [0, 0, 0, 1, 2]
    assert cut.years.tolist() == [8, 3, 27, 5, 10]
    assert cut.scheme.tolist() == [EMPLOYEE, EMPLOYEE, RESIDENT, EMPLOYEE, EMPLOYEE]
    assert cut.region.tolist() == [shanghai, int(regions.encode("440300")), beijing, shanghai, shanghai]
    assert cut.index.tolist() == [0.6, 0.8, 0.0, 2.0, 1.0]
    assert cut.tier.tolist() == [0.0, 0.0, 300.0, 0.0, 0.0]
    assert cut.start_year.tolist() == [2015, 2030, 2010]


def test_the_draw_is_uniform_seeded_and_keyed_by_worker() -> None:
    """20,000 draws: a share p falls below p (within 0.01 — three standard errors); the same seed gives the same
    numbers, another seed others; a worker's number follows its key, not its position."""
    keys = np.arange(20_000)
    drawn = take_up_draw(keys, 2026)
    assert ((drawn >= 0) & (drawn < 1)).all()
    for p in (0.1, 0.3, 0.5, 0.9):
        assert abs(float((drawn < p).mean()) - p) < 0.01
    assert np.array_equal(take_up_draw(keys, 2026), drawn)
    assert not np.array_equal(take_up_draw(keys, 2027), drawn)
    assert np.array_equal(take_up_draw(keys[::-1], 2026), drawn[::-1])
    assert abs(float(np.corrcoef(drawn[:-1], drawn[1:])[0, 1])) < 0.03  # neighbouring keys are not alike


def test_same_seed_same_numbers_and_the_seed_moves_the_draw() -> None:
    """Two runs with one seed give the same rates, row by row; another seed draws other workers into the pension
    (the take-up probabilities, which are not drawn, stay)."""
    population = mixed_with_histories()

    def run(seed: int) -> Rows:
        summary = simulate(population, ["paper-package"], compute=gigcover.compute, replications=10, seed=seed)
        return _details(summary)["paper-package"]

    first, again, other = run(2026), run(2026), run(7)
    assert first.replacement_rate is not None and again.replacement_rate is not None
    assert other.replacement_rate is not None
    assert np.array_equal(first.replacement_rate, again.replacement_rate, equal_nan=True)
    assert not np.array_equal(first.replacement_rate, other.replacement_rate, equal_nan=True)
    assert np.array_equal(first.take_up["pension"], other.take_up["pension"])


def test_chunked_equals_the_single_pass_for_the_five_scenarios() -> None:
    """The draw is keyed by the row's place in the whole population, so a chunk's worker draws what it draws in the
    single pass: the medians are equal bit for bit, scenario by scenario and group by group."""
    population = mixed_with_histories()
    single = simulate(population, FIVE, compute=gigcover.compute, replications=10)
    chunked = simulate_chunked(population, FIVE, compute=gigcover.compute, replications=10, chunk_rows=13)
    one = {(s, g, m): v for s, g, m, v in single.records if m == "replacement_rate_median"}
    other = {(s, g, m): v for s, g, m, v in chunked.records if m == "replacement_rate_median"}
    assert one.keys() == other.keys() and len(one) > 50
    assert all(one[k] == other[k] or (math.isnan(one[k]) and math.isnan(other[k])) for k in one)
    medians = {s: one[(s, "all", "replacement_rate_median")] for s in FIVE}
    assert len(set(medians.values())) > 1  # the scenarios' futures differ
