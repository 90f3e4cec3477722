"""Take-up behaviour: the documented assumptions, the willingness curve, compulsion, bundling, overlays."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gigcover.engine import InputValueError
from gigcover.policylab.behaviour import (
    ITEMS,
    ROUTE_EMPLOYER,
    ROUTE_INDIVIDUAL,
    ROUTE_NONE,
    ROUTE_PLATFORM,
    Behaviour,
    default_behaviour,
    load_behaviour,
)

BASE = default_behaviour()
INCOME = np.array([7000.0])


def _one(route: int, cost: float) -> dict[str, Any]:
    return {item: np.array([route]) for item in ITEMS}, {item: np.array([cost]) for item in ITEMS}


def test_every_assumption_is_documented_and_the_survey_figures_are_the_published_ones() -> None:
    _, documented = load_behaviour()
    for name, entry in documented.parameters.items():
        assert entry.source.strip(), name
    assert documented.parameters["willingness"].verified == "V3"
    assert documented.parameters["awareness"].verified == "ASSUMPTION"  # no figure is published
    # PKU survey (China Daily 2025-05-01): 23.5 % would not pay → 76.5 % pay something; 38.9 % only < 5 % → 37.6 %
    # pay 5 % or more; only 10 % accept the current burden (taken as 25 % of income)
    knots = [(k.share, k.willing) for k in BASE.willingness]
    assert knots[:3] == [(0.0, 0.765), (0.05, pytest.approx(0.765 - 0.389)), (0.25, 0.10)]
    assert BASE.refusal_if_mandatory == 0.235
    assert set(Behaviour.model_fields) == set(documented.parameters)  # nothing undocumented, nothing stray


def test_a_free_item_is_taken_by_all_who_know_of_it_and_the_curve_is_linear_between_knots() -> None:
    assert BASE.willing(np.array([0.0]))[0] == 1.0
    assert BASE.willing(np.array([0.025]))[0] == pytest.approx((0.765 + 0.376) / 2)
    assert BASE.willing(np.array([0.6]))[0] == 0.0


@given(st.floats(0, 2), st.floats(0, 2))
def test_willingness_never_rises_with_the_cost_share(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert BASE.willing(np.array([high]))[0] <= BASE.willing(np.array([low]))[0]


@given(st.floats(0, 5000), st.floats(0, 5000), st.sampled_from(["bundled", "item_by_item"]), st.sampled_from(ITEMS))
def test_take_up_is_monotone_in_the_cost_share(cost_a: float, cost_b: float, bundling: str, item: str) -> None:
    behaviour = BASE.overlay({"bundling": bundling})
    routes, costs = _one(ROUTE_INDIVIDUAL, 100.0)
    low, high = sorted((cost_a, cost_b))
    take = []
    for cost in (low, high):
        costs[item] = np.array([cost])
        take.append(behaviour.take_up(routes, costs, INCOME)[item][0])
    assert take[1] <= take[0] + 1e-12


@given(st.lists(st.floats(0, 3000), min_size=4, max_size=4), st.floats(500, 20000))
def test_item_by_item_take_up_is_at_least_bundled(costs: list[float], income: float) -> None:
    routes = {item: np.array([ROUTE_INDIVIDUAL]) for item in ITEMS}
    cost = {item: np.array([c]) for item, c in zip(ITEMS, costs, strict=True)}
    bundled = BASE.overlay({"bundling": "bundled"}).take_up(routes, cost, np.array([income]))
    unbundled = BASE.overlay({"bundling": "item_by_item"}).take_up(routes, cost, np.array([income]))
    for item in ITEMS:
        assert unbundled[item][0] >= bundled[item][0] - 1e-12


def test_item_by_item_weighs_the_items_before_it_in_priority_order() -> None:
    behaviour = BASE.overlay({"bundling": "item_by_item", "priority": ["injury", "medical", "pension", "unemployment"]})
    routes = {item: np.array([ROUTE_INDIVIDUAL]) for item in ITEMS}
    costs = {"injury": np.array([0.0]), "medical": np.array([175.0]), "pension": np.array([1225.0]),
             "unemployment": np.array([0.0])}  # fmt: skip
    found = behaviour.take_up(routes, costs, INCOME)
    a = BASE.awareness["medical"]
    assert found["injury"][0] == pytest.approx(a * 1.0)  # free
    assert found["medical"][0] == pytest.approx(a * float(BASE.willing(np.array([175 / 7000]))[0]))  # 2.5 %
    assert found["pension"][0] == pytest.approx(a * float(BASE.willing(np.array([1400 / 7000]))[0]))  # 20 %
    bundled = BASE.take_up(routes, costs, INCOME)  # all four weighed together: 20 % of income
    assert bundled["medical"][0] == pytest.approx(a * float(BASE.willing(np.array([0.2]))[0]))


def test_compulsion_routes_and_unknown_costs() -> None:
    routes, costs = _one(ROUTE_EMPLOYER, 500.0)
    assert all(p[0] == BASE.employer_compliance for p in BASE.take_up(routes, costs, INCOME).values())
    routes, costs = _one(ROUTE_PLATFORM, 20.0)
    assert all(p[0] == BASE.platform_compliance for p in BASE.take_up(routes, costs, INCOME).values())
    routes, costs = _one(ROUTE_NONE, 0.0)
    assert all(p[0] == 0 for p in BASE.take_up(routes, costs, INCOME).values())
    routes, costs = _one(ROUTE_INDIVIDUAL, 300.0)
    mandatory = BASE.overlay({"compulsion": {"pension": "mandatory", "medical": "withheld", "injury": "automatic"}})
    found = mandatory.take_up(routes, costs, INCOME)
    assert found["pension"][0] == pytest.approx(1 - 0.235)
    assert found["medical"][0] == found["injury"][0] == 1.0
    costs["unemployment"] = np.array([np.nan])  # the rules publish no figure here: the item cannot be taken
    assert mandatory.take_up(routes, costs, INCOME)["unemployment"][0] == 0.0


def test_higher_awareness_raises_voluntary_take_up() -> None:
    routes, costs = _one(ROUTE_INDIVIDUAL, 100.0)
    low = BASE.take_up(routes, costs, INCOME)
    high = BASE.overlay({"awareness": {"medical": 0.9}}).take_up(routes, costs, INCOME)
    assert high["medical"][0] > low["medical"][0]
    assert high["pension"][0] == low["pension"][0]  # only what was named changes


def test_an_overlay_merges_mappings_and_names_bad_fields() -> None:
    changed = BASE.overlay({"awareness": {"pension": 0.8}})
    assert changed.awareness == {**BASE.awareness, "pension": 0.8}
    assert changed.model_dump(exclude={"awareness"}) == BASE.model_dump(exclude={"awareness"})
    with pytest.raises(InputValueError, match=r"behaviour\.awarenes: unknown behaviour assumption") as caught:
        BASE.overlay({"awarenes": {"pension": 0.8}})
    assert "awareness" in caught.value.details["suggestions"]
    with pytest.raises(InputValueError, match=r"behaviour\.awareness: .*between 0 and 1"):
        BASE.overlay({"awareness": {"pension": 1.5}})
    with pytest.raises(InputValueError, match=r"behaviour\.bundling"):
        BASE.overlay({"bundling": "sometimes"})
    with pytest.raises(InputValueError, match="must not increase"):
        BASE.overlay({"willingness": [{"share": 0, "willing": 0.5}, {"share": 0.1, "willing": 0.6}]})
    with pytest.raises(InputValueError, match="priority"):
        BASE.overlay({"priority": ["injury", "injury", "pension", "unemployment"]})


def test_a_bad_behaviour_file_names_itself(tmp_path: Any) -> None:
    bad = tmp_path / "behaviour.yaml"
    bad.write_text(yaml.safe_dump({"description": "x", "label_en": "x", "parameters": {"awareness": {"value": 1}}}))
    with pytest.raises(InputValueError, match=r"behaviour\.yaml: .*verified"):
        load_behaviour(bad)
