"""Measures: what each scenario means for coverage, who pays, adequacy and the injury fund — from the rules."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import gigcover
from gigcover.policylab.behaviour import ITEMS, default_behaviour
from gigcover.policylab.fund import FundPrior, simulate_fund
from gigcover.policylab.measures import LabPopulation, evaluate
from gigcover.policylab.scenarios import builtin_scenarios
from gigcover.policylab.simulate import simulate
from gigcover.rules.model import default_model
from gigcover.rules.projection import HistoryColumns

from .conftest_lab import law_model, one_rider, population

__all__ = ["law_model", "population"]


@pytest.fixture(scope="module")
def summary(population: LabPopulation) -> Any:
    return simulate(population, ["law-2026", "formalization", "universal", "paper-package"], compute=gigcover.compute)


def _rows(name: str, population: Any, model: Any) -> Any:
    scenario = builtin_scenarios(model)[name]
    return evaluate(population, scenario, scenario.assumptions(), model, gigcover.compute)


def test_injury_coverage_under_law_2026_is_at_least_baseline_2021_in_every_group(summary: Any) -> None:
    def groups(scenario: str) -> set[str]:
        return {g for s, g, m, _ in summary.records if m == "coverage_occupational_injury" and s == scenario}

    assert {g for g in groups("law-2026") if g.startswith("age_band")} == {
        g for g in groups("baseline-2021") if g.startswith("age_band")
    }  # the same age bands at both dates
    for group in groups("law-2026") & groups("baseline-2021"):
        now = summary.value("law-2026", group, "coverage_occupational_injury")
        then = summary.value("baseline-2021", group, "coverage_occupational_injury")
        assert now >= then - 1e-12, group
    assert summary.value("law-2026", "all", "coverage_occupational_injury") > summary.value(
        "baseline-2021", "all", "coverage_occupational_injury"
    )
    # the 2021 baseline has no occupational-injury scheme: only employees are covered (by work injury)
    assert summary.value("baseline-2021", "all", "injury_fund_expected_claims") == 0


def test_formalization_shifts_cost_to_platforms_and_employers(summary: Any) -> None:
    def share(name: str) -> float:
        payers = [summary.value(name, "all", f"contributions_{p}") for p in ("worker", "platform", "government")]
        return payers[1] / sum(payers)

    assert summary.value("formalization", "all", "contributions_platform") > 2 * summary.value(
        "law-2026", "all", "contributions_platform"
    )
    assert share("formalization") > share("law-2026")
    for item in ("medical", "pension", "unemployment"):
        measure = f"coverage_{item}"
        assert summary.value("formalization", "all", measure) > summary.value("law-2026", "all", measure)
    change = summary.value("formalization", "all", "contributions_platform_change_vs_baseline")
    assert change == pytest.approx(
        summary.value("formalization", "all", "contributions_platform")
        - summary.value("baseline-2021", "all", "contributions_platform")
    )


def test_the_universal_floor_is_paid_by_the_government(summary: Any) -> None:
    for item in ("occupational_injury", "medical", "pension"):
        assert summary.value("universal", "all", f"coverage_{item}") == pytest.approx(1.0)
    assert summary.value("universal", "all", "contributions_government") > 3 * summary.value(
        "law-2026", "all", "contributions_government"
    )
    assert summary.value("universal", "all", "worker_cost_share_of_income") < summary.value(
        "law-2026", "all", "worker_cost_share_of_income"
    )


def test_a_riders_amounts_are_the_rules_amounts_times_take_up(law_model: Any) -> None:
    """One Shanghai rider under law-2026: the platform's per-order levy (900 orders × 0.07 = 63 a month) is all
    the platform pays; the worker's expected pension and medical costs are the rules' costs × take-up."""
    rider = one_rider()
    rows = _rows("law-2026", rider, law_model)
    assert rows.platform[0] == pytest.approx(12 * 63.0)
    assert rows.take_up["injury"][0] == 1.0
    found = gigcover.compute(
        {**rider.inputs, "resident_pension_tier_annual": 500.0},
        ["resident_medical_premium_annual", "resident_medical_subsidy_annual", "resident_pension_subsidy_annual"],
        date="2026-12-01", region="310000",
    )  # fmt: skip
    assert rows.scheme["medical"][0] == rows.scheme["pension"][0] == 2  # the cheaper: resident schemes
    premium, medical_subsidy = found["resident_medical_premium_annual"][0], found["resident_medical_subsidy_annual"][0]
    pension_subsidy = found["resident_pension_subsidy_annual"][0]
    p = rows.take_up
    assert rows.worker[0] == pytest.approx(p["medical"][0] * premium + p["pension"][0] * 500.0 + 0.0)
    assert rows.government[0] == pytest.approx(p["medical"][0] * medical_subsidy + p["pension"][0] * pension_subsidy)
    # bundled: medical and pension weighed together, (400 + 500) / 12 a month on 7,000 of income
    expected = default_behaviour().awareness["medical"] * default_behaviour().willing(np.array([900 / 12 / 7000]))[0]
    assert p["medical"][0] == pytest.approx(expected)


def test_meituans_pension_subsidy_moves_half_the_employee_pension_to_the_platform(law_model: Any) -> None:
    rider = one_rider(monthly_income=15000.0)
    scenario = builtin_scenarios(law_model)["law-2026"]
    employee = scenario.assumptions().overlay({"scheme_choice": {"pension": "employee"}})
    rows = evaluate(rider, scenario, employee, law_model, gigcover.compute)
    flexible = gigcover.compute(rider.inputs, ["employee_pension_worker_contribution_monthly"], date="2026-12-01",
                                region="310000")["employee_pension_worker_contribution_monthly"][0]  # fmt: skip
    p = rows.take_up["pension"][0]
    assert rows.scheme["pension"][0] == 1 and p > 0
    assert rows.platform[0] == pytest.approx(12 * 63.0 + 12 * p * flexible / 2)
    other = evaluate(
        one_rider(monthly_income=15000.0, platform="eleme"), scenario, employee, law_model, gigcover.compute
    )
    assert other.platform[0] == pytest.approx(12 * 63.0)


def test_a_cost_the_rules_cannot_give_is_counted_not_guessed(law_model: Any) -> None:
    """Chengdu publishes no average wage for 2021 in the parameters: the employee-pension cost is unknown there."""
    rider = LabPopulation(
        inputs={**one_rider().inputs, "hukou_region": np.array(["510100"])},
        region=np.array(["510100"]), weight=np.array([1.0]), columns=one_rider().columns,
    )  # fmt: skip
    rows = _rows("baseline-2021", rider, law_model)
    assert rows.scheme["pension"][0] == 2  # the resident scheme, whose cost is national
    assert np.isfinite(rows.worker[0])


def test_work_injury_and_platform_levies_by_route(law_model: Any, population: LabPopulation) -> None:
    rows = _rows("formalization", population, law_model)
    labour = rows.route["injury"] == 2
    assert labour.any() and (rows.injury_fund[labour] == 0).all()  # employees leave the occupational-injury fund
    for item in ITEMS:
        assert ((rows.take_up[item] >= 0) & (rows.take_up[item] <= 1)).all()


# -- adequacy --------------------------------------------------------------------------------------------------
def _with_histories() -> LabPopulation:
    rider = one_rider()
    people = {"start_year": np.array([2015, 2015]), "hukou_region": np.array(["411600", "310000"])}
    segments = {  # person 0 moves from Shanghai to Shenzhen and to the resident scheme; person 1 stays
        "person": np.array([0, 0, 0, 1]),
        "years": np.array([8, 10, 20, 40]),
        "scheme": np.array(["employee", "employee", "resident", "employee"]),
        "region": np.array(["310000", "440300", "411600", "310000"]),
        "base_index": np.array([0.6, 0.6, 0.0, 0.6]),
        "tier": np.array([0.0, 0.0, 500.0, 0.0]),
    }
    inputs = {k: np.concatenate([v, v]) for k, v in rider.inputs.items()}
    inputs["contribution_history"] = HistoryColumns.of(people, segments, default_model().regions)
    inputs["birth_date"] = np.array(["1992-05", "1992-05"])
    return LabPopulation(
        inputs=inputs, region=np.array(["310000", "310000"]), weight=np.array([1.0, 1.0]),
        columns={"monthly_income": np.array([7000.0, 7000.0]), "annual_days": np.array([300, 300])},
    )  # fmt: skip


def test_adequacy_from_the_lifetime_projection(law_model: Any) -> None:
    """From 2026 on both stay in the employee scheme (joined without fail at the flexible base; the scenario's
    future years), in Shanghai where they work: only the mover's earlier years in Shenzhen are lost."""
    population = _with_histories()
    law = builtin_scenarios(law_model)["law-2026"]
    stays = {"compulsion": {"pension": "automatic"}, "scheme_choice": {"pension": "employee"}}
    scenario = law.model_copy(update={"behaviour": {**law.behaviour, **stays}})
    found = simulate(population, [scenario], compute=gigcover.compute, compare_to=None)
    rows = found.details[0]
    assert rows.replacement_rate is not None and rows.portability_loss is not None
    assert rows.portability_loss[0] > 0 == rows.portability_loss[1]  # only the mover loses
    assert rows.replacement_rate[1] > rows.replacement_rate[0] > 0
    assert found.value("law-2026", "all", "replacement_rate_median") in set(rows.replacement_rate.tolist())
    assert found.value("law-2026", "all", "portability_loss_monthly_mean") == pytest.approx(
        rows.portability_loss.mean()
    )
    assert not any("not computed" in note for note in found.notes)  # adequacy measured


def test_without_histories_adequacy_is_said_not_computed(summary: Any) -> None:
    assert not any(m.startswith("replacement_rate") for _, _, m, _ in summary.records)
    assert any("replacement_rate_median" in note and "not computed" in note for note in summary.notes)


# -- the injury fund --------------------------------------------------------------------------------------------
def test_the_break_even_premium_converges_as_replications_grow() -> None:
    """The Monte Carlo mean cost per order tends to the prior's expectation E[rate] × E[cost] × FTE ÷ orders."""
    prior = FundPrior()
    exposure, orders = np.array([10_000.0]), np.array([50e6])
    exact = prior.expected_cost_per_fte_year() * exposure[0] / orders[0]

    def error(replications: int) -> float:
        errors = [
            abs(simulate_fund(exposure, np.array([0.0]), orders, replications=replications, seed=s).break_even_per_order[0] - exact)
            for s in range(8)
        ]  # fmt: skip
        return float(np.mean(errors)) / exact

    few, many, most = error(20), error(2_000), error(50_000)
    assert few > many > most
    assert most < 0.01


def test_deficit_probability_and_break_even() -> None:
    exposure, orders = np.array([1000.0, 1000.0, 1000.0, 0.0]), np.array([1e6, 1e6, 1e6, 0.0])
    expected_cost = FundPrior().expected_cost_per_fte_year() * 1000
    premium = np.array([0.0, 1e12, expected_cost, 0.0])
    found = simulate_fund(exposure, premium, orders, replications=5000, seed=1)
    assert found.deficit_probability[0] == 1.0 and found.deficit_probability[1] == 0.0
    assert 0.2 < found.deficit_probability[2] < 0.8  # a premium at the mean: a skewed cost, often below it
    assert np.isnan(found.deficit_probability[3]) and np.isnan(found.break_even_per_order[3])  # no fund
    assert found.expected_claims[0] == pytest.approx(1000 * 0.020 * np.exp(0.18), rel=0.05)
    again = simulate_fund(exposure, premium, orders, replications=5000, seed=1)
    assert np.array_equal(found.break_even_per_order, again.break_even_per_order, equal_nan=True)  # deterministic
