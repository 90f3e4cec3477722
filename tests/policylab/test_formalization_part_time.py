"""Formalization gives each worker the labour contract the law fits their hours: part-time (非全日制用工, 劳动合同法
第六十八条: on average ≤ 4 h a day and ≤ 24 h a week with one employer) below the limits, full-time above — worked by
hand for a 3-hours-a-day rider and an 8-hours-a-day rider."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import gigcover
from gigcover.policylab.behaviour import ROUTE_EMPLOYER, ROUTE_INDIVIDUAL, ROUTE_NONE
from gigcover.policylab.measures import LabPopulation, evaluate
from gigcover.policylab.population import generate
from gigcover.policylab.population.storage import engine_inputs, hours_with_one_employer
from gigcover.policylab.scenarios import builtin_scenarios

from .conftest_lab import law_model, one_rider

__all__ = ["law_model"]

HOURLY = 26.83  # the generator's hourly earnings of a delivery rider (calibration.yaml `hourly_earnings`)
DAYS = 300


def _riders(daily_hours: list[float], days: list[int]) -> LabPopulation:
    """Shanghai food-delivery riders on Meituan, no labour contract today, earning HOURLY × their hours."""
    n = len(daily_hours)
    base = one_rider()
    inputs: dict[str, Any] = {k: np.repeat(v, n) for k, v in base.inputs.items()}
    inputs |= hours_with_one_employer(np.asarray(daily_hours), np.asarray(days))
    income = np.round(np.asarray(daily_hours) * np.asarray(days) * HOURLY / 12, 2)
    return LabPopulation(
        inputs=inputs, region=np.array(["310000"] * n), weight=np.ones(n),
        columns={"monthly_income": income, "annual_days": np.asarray(days)},
    )  # fmt: skip


def test_a_3_hour_rider_is_part_time_and_an_8_hour_rider_full_time(law_model: Any) -> None:
    """By hand, Shanghai on 2026-12-01 (the rules' figures: contribution band floor 7,546 from 2026-07-01, which
    both incomes are below; employer / worker rates: pension 16 % / 8 %, medical 6 % / 2 %, unemployment
    0.5 % / 0.5 %; work injury 0.4 % of the payroll, the worker nothing):

    - rider A, 3 h a day on 300 days: 3 ≤ 4 h a day and 3 × 300 / 52 = 17.3 ≤ 24 h a week — part-time. Income
      3 × 300 × 26.83 / 12 = 2,012.25 a month. The employer pays work injury only: 0.4 % × 2,012.25 = 8.05 a month,
      96.60 a year (劳社部发〔2003〕12号 三). Pension and medical are the worker's own, voluntary (社会保险法 第十条、
      第二十三条: taken up with a probability below 1); no unemployment insurance.
    - rider B, 8 h a day on 300 days: 8 > 4 — full-time. Income 5,366 a month, every base the floor 7,546. The
      employer pays (16 + 6 + 0.5) % × 7,546 + 0.4 % × 5,366 = 1,697.85 + 21.46 = 1,719.31 a month, 20,631.72 a
      year; the worker (8 + 2 + 0.5) % × 7,546 = 792.33 a month, 9,507.96 a year, withheld (take-up 1).

    Before, both were full-time: rider A's worker share alone was 9,507.96 a year on an income of 24,147 (39 %),
    and the employer's 20,631.72 (85 % of the income)."""
    scenario = builtin_scenarios(law_model)["formalization"]
    rows = evaluate(_riders([3.0, 8.0], [DAYS, DAYS]), scenario, scenario.assumptions(), law_model, gigcover.compute)
    assert rows.income.tolist() == [2012.25, 5366.0]
    part, full = 0, 1
    assert rows.route["injury"].tolist() == [ROUTE_EMPLOYER, ROUTE_EMPLOYER]  # work injury: both through the employer
    assert rows.route["unemployment"].tolist() == [ROUTE_NONE, ROUTE_EMPLOYER]
    for item in ("pension", "medical"):
        assert rows.route[item].tolist() == [ROUTE_INDIVIDUAL, ROUTE_EMPLOYER]
        assert 0 < rows.take_up[item][part] < 1 and rows.take_up[item][full] == 1.0
    assert rows.platform[part] == pytest.approx(96.60)
    assert rows.platform[full] == pytest.approx(20_631.72)
    assert rows.worker[full] == pytest.approx(9_507.96)
    assert rows.worker[part] < 0.05 * rows.income[part] * 12  # voluntary and cheap: nowhere near B's 14.8 %


def test_the_weekly_limit_binds_too(law_model: Any) -> None:
    """4 h a day is within the daily limit, but on 360 days it is 4 × 360 / 52 = 27.7 h a week > 24: full-time
    (unemployment through the employer). On 312 days it is exactly 24: part-time (the limits are inclusive)."""
    scenario = builtin_scenarios(law_model)["formalization"]
    rows = evaluate(_riders([4.0, 4.0], [360, 312]), scenario, scenario.assumptions(), law_model, gigcover.compute)
    assert rows.route["unemployment"].tolist() == [ROUTE_EMPLOYER, ROUTE_NONE]
    assert rows.route["pension"].tolist() == [ROUTE_EMPLOYER, ROUTE_INDIVIDUAL]


def test_without_hours_a_worker_is_full_time_and_other_scenarios_ignore_hours(law_model: Any) -> None:
    """A population without hours takes the rules' defaults (8 h a day, 40 a week): full-time under formalization.
    Under law-2026 nobody is paid by the hour, so the hours change nothing."""
    scenarios = builtin_scenarios(law_model)
    formal = scenarios["formalization"]
    no_hours = _riders([3.0], [DAYS])
    for name in ("daily_hours_one_employer", "weekly_hours_one_employer"):
        no_hours.inputs.pop(name)
    rows = evaluate(no_hours, formal, formal.assumptions(), law_model, gigcover.compute)
    assert rows.route["pension"].tolist() == [ROUTE_EMPLOYER]
    law = scenarios["law-2026"]
    with_hours = evaluate(_riders([3.0], [DAYS]), law, law.assumptions(), law_model, gigcover.compute)
    without = evaluate(no_hours, law, law.assumptions(), law_model, gigcover.compute)
    for item in ("injury", "medical", "pension", "unemployment"):
        assert with_hours.route[item].tolist() == without.route[item].tolist()
    assert (with_hours.worker.tolist(), with_hours.platform.tolist()) == (
        without.worker.tolist(),
        without.platform.tolist(),
    )


def test_a_generated_population_carries_the_hours_of_the_part_time_test() -> None:
    """The generator's hours a working day and days a year become the rules' hours with one employer: the day's
    hours as they are, the week's as the year's hours over 52 weeks."""
    population = engine_inputs(generate(300, 11))
    daily, days = population.columns["daily_hours"], population.columns["annual_days"]
    assert np.array_equal(population.inputs["daily_hours_one_employer"], daily.astype(float))
    weekly = population.inputs["weekly_hours_one_employer"]
    assert weekly == pytest.approx(daily.astype(float) * days / 52)
    occasional = population.columns["intensity"] == 0  # at most 30 days a year: never 24 h in an average week
    assert occasional.any() and np.all(weekly[occasional] < 24)
