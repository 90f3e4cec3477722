"""Small populations for the policy lab's tests, built as the lab takes them: engine inputs as numpy arrays, a
weight, a place of work per row, and the other columns (income, order-taking days, intensity)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gigcover.policylab.measures import LabPopulation
from gigcover.rules.model import default_model

INDUSTRIES = np.array(
    ["food_delivery", "instant_delivery", "ride_hailing", "courier", "livestreaming", "intra_city_freight"]
)
PLATFORMS = np.array(["meituan", "eleme", "didi", "other"])
WORK_PLACES = np.array(["310000", "440300", "110000", "510100", "330100", "420100"])
HUKOU_PLACES = np.array(["411600", "510100", "310000", "420100", "340100"])
BIRTHS = np.array(["1985-03", "1990-07", "1995-01", "1978-11", "2001-05"])


def random_population(n: int = 240, seed: int = 7) -> LabPopulation:
    """A mixed population: 15 % with a labour contract, 80 % managed by the platform, places and incomes spread."""
    rng = np.random.default_rng(seed)
    labour = rng.random(n) < 0.15
    inputs: dict[str, Any] = {
        "has_labor_contract": labour,
        "contract_counterparty": np.where(labour, "platform", "none").astype(object),
        "platform_manages_work": rng.random(n) < 0.8,
        "own_business": rng.random(n) < 0.05,
        "industry": INDUSTRIES[rng.integers(0, len(INDUSTRIES), n)].astype(object),
        "platform": PLATFORMS[rng.integers(0, len(PLATFORMS), n)].astype(object),
        "hukou_rural": rng.random(n) < 0.7,
        "hukou_region": HUKOU_PLACES[rng.integers(0, len(HUKOU_PLACES), n)].astype(object),
        "monthly_orders": rng.integers(0, 1500, n).astype(float),
        "birth_date": BIRTHS[rng.integers(0, len(BIRTHS), n)].astype(object),
        "original_retirement_age": np.full(n, 60),
    }
    columns = {
        "monthly_income": rng.lognormal(np.log(6500), 0.4, n),
        "annual_days": rng.integers(5, 360, n),
        "intensity": np.array(["occasional", "regular", "full_time"], dtype=object)[rng.integers(0, 3, n)],
    }
    region = WORK_PLACES[rng.integers(0, len(WORK_PLACES), n)].astype(object)
    return LabPopulation(inputs=inputs, region=region, weight=np.full(n, 1000.0), columns=columns)


def one_rider(**changes: Any) -> LabPopulation:
    """One non-local rural food-delivery rider on Meituan in Shanghai, no labour contract, income 7,000."""
    inputs: dict[str, Any] = {
        "has_labor_contract": np.array([False]),
        "platform_manages_work": np.array([True]),
        "industry": np.array(["food_delivery"]),
        "platform": np.array(["meituan"]),
        "hukou_rural": np.array([True]),
        "hukou_region": np.array(["411600"]),
        "monthly_orders": np.array([900.0]),
        "birth_date": np.array(["1990-05"]),
        "original_retirement_age": np.array([60]),
    }
    columns = {"monthly_income": np.array([7000.0]), "annual_days": np.array([300])}
    for name, value in changes.items():
        (columns if name in columns else inputs)[name] = np.array([value])
    return LabPopulation(inputs=inputs, region=np.array(["310000"]), weight=np.array([1.0]), columns=columns)


@pytest.fixture(scope="session")
def law_model() -> Any:
    return default_model()


@pytest.fixture(scope="session")
def population() -> LabPopulation:
    return random_population()
