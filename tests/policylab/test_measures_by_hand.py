"""The lab's measures worked by hand on tiny populations: the replacement rate (a pension over a wage), the worker's
cost over income, the portability loss, contributions by payer counting only what is taken up."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import gigcover
from gigcover.policylab.behaviour import ROUTE_INDIVIDUAL, ROUTE_NONE, ROUTE_PLATFORM
from gigcover.policylab.measures import Grouping, LabPopulation, Rows, evaluate
from gigcover.policylab.scenarios import builtin_scenarios
from gigcover.policylab.simulate import measure
from gigcover.rules.coverage import Table2Cell
from gigcover.rules.model import default_model
from gigcover.rules.projection import HistoryColumns

from .conftest_lab import law_model, one_rider

__all__ = ["law_model"]

ZERO = {  # no interest and no wage growth: every figure below can be summed by hand
    "pension.employee.account_interest_rate": 0,
    "pension.employee.account_interest_assumption": 0,
    "projection.wage_growth": 0,
}


def _ezhou_workers(incomes: list[float], years: list[int], weights: list[float]) -> LabPopulation:
    """Men born 1970-01 (statutory retirement 2031-05, at 61 years 4 months) with hukou and every employee year in
    鄂州 (420700) from 2011 at index 1.0 — Hubei publishes neither a 计发基数 nor an average wage in the parameters,
    so the national private-sector average stands in for both — paid by the platform `incomes` a month."""
    n = len(incomes)
    base = one_rider()
    inputs: dict[str, Any] = {k: np.repeat(v, n) for k, v in base.inputs.items()}
    inputs |= {"birth_date": np.array(["1970-01"] * n), "hukou_region": np.array(["420700"] * n)}
    people = {"start_year": np.full(n, 2011), "hukou_region": np.array(["420700"] * n)}
    segments = {
        "person": np.arange(n),
        "years": np.asarray(years),
        "scheme": np.array(["employee"] * n),
        "region": np.array(["420700"] * n),
        "base_index": np.ones(n),
        "tier": np.zeros(n),
    }
    inputs["contribution_history"] = HistoryColumns.of(people, segments, default_model().regions)
    return LabPopulation(
        inputs=inputs, region=np.array(["420700"] * n), weight=np.asarray(weights, dtype=float),
        columns={"monthly_income": np.asarray(incomes, dtype=float), "annual_days": np.full(n, 300)},
    )  # fmt: skip


def test_the_replacement_rate_is_the_pension_over_the_average_wage_it_is_paid_on(law_model: Any) -> None:
    """By hand, with no interest and no wage growth (a worker with 20 employee years 2011–2030 at index 1.0):
    - benefit base B in 2031 (计发基数; none published for 鄂州 or Hubei: the average wage the bases use, the
      national private-sector average, 69,476 a year from 2024, flat): 69,476 / 12 = 5,789.67 a month;
    - basic pension: B × (1 + 1.0) / 2 × 20 × 1 % = 0.2 × B = 1,157.93;
    - account: 8 % × Σ yearly averages 2011–2030 = 8 % × (53,604 × 9 [2011–2019: the first figure, flat before it]
      + 57,727 + 62,884 + 65,237 + 68,340 + 69,476 × 7) = 8 % × 1,222,956 = 97,836.48; divisor at 61 years
      4 months (38号 table, month by month from 2025): 132 − 7 × 4 / 12 = 129.667 → 754.53 a month;
    - pension 1,912.46; replacement rate 1,912.46 / 5,789.67 = 0.3303 — whatever the platform pays the worker.
    A worker with 5 employee years has no pension (fewer than the minimum years, none in the resident scheme):
    rate 0. Weights 1, 1, 1 and 4: sorted rates 0 (weight 4), then 0.3303 three times (1 each); half of the weight
    is 3.5, reached by the first: the weighted median is 0.

    The old rate — the pension over the platform income — gave 1,912.46 / 150 = 12.7 for the first worker.

    The years from the scenario's date (2026–2030) follow the scenario: here the worker joins the employee scheme
    without fail (pension `automatic`, scheme `employee`) at a declared base of 1.0 — in Ezhou, where they work
    and hold hukou — the same years as the history's, so the figures above stand."""
    continued = {"compulsion": {"pension": "automatic"}, "scheme_choice": {"pension": "employee"},
                 "flexible_pension_base_index": 1.0}  # fmt: skip
    law = builtin_scenarios(law_model)["law-2026"]
    scenario = law.model_copy(update={"overrides": ZERO, "behaviour": {**law.behaviour, **continued}})
    population = _ezhou_workers([150.0, 7000.0, 15000.0, 7000.0], [20, 20, 20, 5], [1.0, 1.0, 1.0, 4.0])
    rows = evaluate(population, scenario, scenario.assumptions(), law_model, gigcover.compute)
    pension = 0.2 * 69476 / 12 + 0.08 * 1_222_956 / (132 - 7 * 4 / 12)
    assert rows.replacement_rate is not None
    assert rows.replacement_rate[:3].tolist() == pytest.approx([round(pension, 2) / 5789.67] * 3, abs=1e-6)
    assert rows.replacement_rate[3] == 0.0
    values = measure(rows, replications=10)
    assert values[("all", "replacement_rate_median")] == 0.0
    everyone_but_the_last = measure(_first(rows, 3), replications=10)
    assert everyone_but_the_last[("all", "replacement_rate_median")] == pytest.approx(0.3303, abs=1e-4)


def _first(rows: Rows, k: int) -> Rows:
    def cut(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return value[:k]
        if isinstance(value, dict):
            return {name: cut(v) for name, v in value.items()}
        if isinstance(value, Grouping):
            return Grouping(value.codes[:k], value.labels)
        return value

    return Rows(**{name: cut(getattr(rows, name)) for name in Rows.__dataclass_fields__})


def _hand_rows() -> Rows:
    """Three workers in two Table 2 cells, amounts chosen by hand (yuan a year, already × take-up)."""
    zeros = np.zeros(3)
    cell = np.array([Table2Cell.ids().index("local_urban_no_labor"), Table2Cell.ids().index("nonlocal_rural_no_labor")])
    return Rows(
        scenario="hand",
        weight=np.array([2.0, 1.0, 1.0]),
        income=np.array([1000.0, 4000.0, 8000.0]),  # a month
        take_up={"injury": np.array([1.0, 0.5, 0.0]), "medical": zeros, "pension": zeros, "unemployment": zeros},
        scheme={},
        route={
            "injury": np.array([ROUTE_PLATFORM, ROUTE_PLATFORM, ROUTE_NONE]),
            "medical": np.full(3, ROUTE_INDIVIDUAL),
            "pension": np.full(3, ROUTE_NONE),
            "unemployment": np.full(3, ROUTE_NONE),
        },
        worker=np.array([120.0, 960.0, 0.0]),  # a year: 10, 80 and 0 a month
        platform=np.array([600.0, 300.0, 0.0]),
        government=np.array([0.0, 0.0, 240.0]),
        cost_unknown=np.array([False, False, True]),
        injury_fund=np.array([1.0, 0.5, 0.0]),
        injury_levy=np.array([600.0, 300.0, 0.0]),
        injury_orders=np.array([12000.0, 6000.0, 0.0]),
        exposure=np.ones(3),
        groups={"table2_cell": Grouping(cell[[0, 1, 1]], Table2Cell.ids())},
        replacement_rate=np.array([0.2, 0.5, np.nan]),
        portability_loss=np.array([100.0, np.nan, 400.0]),
    )


def test_cost_share_contributions_and_losses_worked_by_hand() -> None:
    """Weighted by 2, 1, 1:
    - worker_cost_share_of_income (the group's monthly worker cost over its monthly income): all: (2 × 10 + 80 + 0)
      / (2 × 1,000 + 4,000 + 8,000) = 100 / 14,000; nonlocal_rural_no_labor: 80 / 12,000;
    - contributions_worker, a year: 2 × 120 + 960 = 1,200; platform: 2 × 600 + 300 = 1,500; government 240;
    - coverage_occupational_injury: (2 × 1 + 0.5 + 0) / 4 = 0.625;
    - portability_loss_monthly_mean over the known losses: (2 × 100 + 400) / 3 = 200; nonlocal: 400 (one known);
    - replacement_rate_median over the known rates: all: 0.2 (weight 2 of 3 reaches half); nonlocal: 0.5;
    - cost_unknown_share: 1 / 4."""
    values = measure(_hand_rows(), replications=10)
    nonlocal_ = "table2_cell=nonlocal_rural_no_labor"
    assert values[("all", "worker_cost_share_of_income")] == pytest.approx(100 / 14000)
    assert values[(nonlocal_, "worker_cost_share_of_income")] == pytest.approx(80 / 12000)
    assert values[("all", "contributions_worker")] == pytest.approx(1200.0)
    assert values[("all", "contributions_platform")] == pytest.approx(1500.0)
    assert values[("all", "contributions_government")] == pytest.approx(240.0)
    assert values[("all", "coverage_occupational_injury")] == pytest.approx(0.625)
    assert values[("all", "portability_loss_monthly_mean")] == pytest.approx(200.0)
    assert values[(nonlocal_, "portability_loss_monthly_mean")] == pytest.approx(400.0)
    assert values[("all", "replacement_rate_median")] == 0.2
    assert values[(nonlocal_, "replacement_rate_median")] == 0.5
    assert values[("all", "cost_unknown_share")] == pytest.approx(0.25)


def test_contributions_by_payer_count_only_what_is_taken_up(law_model: Any) -> None:
    """One Shanghai rider under law-2026 (no labour relation): the occupational-injury levy is withheld per order
    (900 orders × 0.07 = 63 a month, the platform's; compliance 1), and medical and pension are voluntary, taken
    with probability awareness × willingness. With awareness 0 nothing voluntary is taken: the worker and the
    government pay nothing, the platform its 63 × 12 = 756; doubling awareness (0.3 → 0.6) doubles every
    voluntary amount, by payer."""
    scenario = builtin_scenarios(law_model)["law-2026"]
    rider = one_rider()

    def rows_at(awareness: float) -> Rows:
        behaviour = scenario.assumptions().overlay({"awareness": {"medical": awareness, "pension": awareness}})
        return evaluate(rider, scenario, behaviour, law_model, gigcover.compute)

    none, low, high = rows_at(0.0), rows_at(0.3), rows_at(0.6)
    assert none.take_up["medical"][0] == none.take_up["pension"][0] == 0.0
    assert (none.worker[0], none.government[0], none.platform[0]) == (0.0, 0.0, pytest.approx(756.0))
    assert low.worker[0] > 0 and low.government[0] > 0
    assert high.worker[0] == pytest.approx(2 * low.worker[0])
    assert high.government[0] == pytest.approx(2 * low.government[0])
    assert high.platform[0] == low.platform[0] == pytest.approx(756.0)


def _pair() -> LabPopulation:
    """The Shanghai rider (weight 3) and the same rider in Zhengzhou (weight 1)."""
    import dataclasses

    rider = one_rider()
    return dataclasses.replace(
        rider,
        inputs={k: np.repeat(v, 2) for k, v in rider.inputs.items()},
        region=np.array(["310000", "410100"]),
        weight=np.array([3.0, 1.0]),
        columns={k: np.repeat(v, 2) for k, v in rider.columns.items()},
    )


def test_a_worker_the_rules_cannot_price_in_employee_medical_is_counted_and_said(law_model: Any) -> None:
    """paper-package chooses by income (employee insurance from the band floor up). At 7,000 a month the Shanghai
    rider is under Shanghai's floor (7,460 from 2025-07) and takes resident medical by the rule; the Zhengzhou rider
    is over Henan's (3,831), so the rule takes employee medical — but Zhengzhou's flexible-worker medical rule is not
    in the parameters: that rider is counted in resident medical and the run says so,
    unpriced_employee_medical_share = 1 / 4 of the weight. Under law-2026's `cheapest` rule nobody is flagged: an
    unpriced employee scheme is never taken as the cheaper."""
    from gigcover.policylab.measures import RESIDENT

    scenarios = builtin_scenarios(law_model)
    package = scenarios["paper-package"]
    rows = evaluate(_pair(), package, package.assumptions(), law_model, gigcover.compute)
    assert list(rows.unpriced_employee["medical"]) == [False, True]
    assert list(rows.scheme["medical"]) == [RESIDENT, RESIDENT]
    assert not rows.cost_unknown.any()  # the resident premium is priced: nothing is left out of the sums
    values = measure(rows, replications=10)
    assert values[("all", "unpriced_employee_medical_share")] == pytest.approx(0.25)
    assert values[("all", "unpriced_employee_pension_share")] == 0.0
    law = scenarios["law-2026"]
    assert not evaluate(_pair(), law, law.assumptions(), law_model, gigcover.compute).unpriced_employee["medical"].any()


def test_the_run_notes_say_how_many_could_not_be_priced() -> None:
    from gigcover.policylab.simulate import unpriced_notes

    measured = {
        "law-2026": {("all", "unpriced_employee_medical_share"): 0.25, ("all", "unpriced_employee_pension_share"): 0.0},
        "universal": {("all", "unpriced_employee_medical_share"): 0.0},
    }
    notes = unpriced_notes(measured)
    assert len(notes) == 1
    assert notes[0].startswith("law-2026: 25.0% of workers would join employee medical insurance")
    assert "counted in resident medical" in notes[0]


def test_a_scenario_stand_in_prices_what_the_rules_cannot_and_the_run_says_so(law_model: Any) -> None:
    """paper-package with a stand-in of 8 % for the flexible-worker medical rate: the Zhengzhou rider is priced and
    joins employee medical (unpriced share 0); the Shanghai rider is untouched (Shanghai's own rule, and resident
    medical by the income rule); the run's notes state the assumption."""
    from gigcover.policylab.measures import EMPLOYEE, RESIDENT
    from gigcover.policylab.simulate import setup

    base = builtin_scenarios(law_model)["paper-package"]
    scenario = base.model_copy(update={"name": "priced", "stand_ins": {"medical.employee.flexible.rate": 0.08}})
    rows = evaluate(_pair(), scenario, scenario.assumptions(), law_model, gigcover.compute)
    assert not rows.unpriced_employee["medical"].any()
    assert list(rows.scheme["medical"]) == [RESIDENT, EMPLOYEE]
    assert measure(rows, replications=10)[("all", "unpriced_employee_medical_share")] == 0.0
    plain = evaluate(_pair(), base, base.assumptions(), law_model, gigcover.compute)
    assert rows.worker[0] == plain.worker[0] and rows.worker[1] != plain.worker[1]
    _, _, notes = setup(_pair(), [scenario], law_model, None, projection=False)
    assert any(n.startswith("priced: stand-ins") and "medical.employee.flexible.rate = 0.08" in n for n in notes)
