"""Reform scenarios: shipped overlays load, validate against the parameters, and change answers only when applied."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gigcover.advisor.model import default_model
from gigcover.cli import app
from gigcover.engine.errors import UnknownNameError
from gigcover.engine.evaluate import calculate
from gigcover.scenarios import scenario, scenarios

runner = CliRunner()
RIDER_LEVY = {"industry": "food_delivery", "monthly_orders": 1000}
LEVY_OUTPUTS = ["occupational_injury_worker_monthly", "occupational_injury_government_monthly",
                "occupational_injury_platform_monthly"]  # fmt: skip


def test_every_shipped_scenario_validates_against_the_parameters() -> None:
    assert len(scenarios()) >= 3
    for item in scenarios().values():
        overlay = item.overlay(default_model())
        assert set(overlay.values) == set(item.overrides)


def ask(date: str, inputs: dict, outputs: list[str], overrides: dict | None = None) -> dict:
    request = {"date": date, "region": "310000", "inputs": inputs, "outputs": outputs, "overrides": overrides or {}}
    return calculate(default_model(), request)["outputs"]


@pytest.mark.parametrize(
    ("name", "worker", "government", "platform"),
    [
        ("occupational_injury_worker_and_platform", 21.0, 0.0, 49.0),
        ("occupational_injury_worker_and_government", 21.0, 49.0, 0.0),
    ],
)
def test_injury_financing_scenarios_split_the_levy_from_their_date(
    name: str, worker: float, government: float, platform: float
) -> None:
    overrides = scenario(name).overrides
    after = ask("2026-08-01", RIDER_LEVY, LEVY_OUTPUTS, overrides)
    assert [after[o] for o in LEVY_OUTPUTS] == [worker, government, platform]
    before = ask("2025-09-01", RIDER_LEVY, LEVY_OUTPUTS, overrides)
    assert before["occupational_injury_worker_monthly"] == 0.0
    assert before["occupational_injury_platform_monthly"] == 70.0
    baseline = ask("2026-08-01", RIDER_LEVY, LEVY_OUTPUTS)
    assert baseline["occupational_injury_worker_monthly"] == 0.0


def test_place_of_work_enrolment_opens_local_routes_in_2021() -> None:
    worker = {"has_labor_contract": False, "hukou_local": False, "hukou_rural": True}
    outputs = ["table2_options"]
    assert ask("2021-06-01", worker, outputs)["table2_options"] == ["hukou_place_resident"]
    reformed = ask("2021-06-01", worker, outputs, scenario("place_of_work_enrolment").overrides)
    assert reformed["table2_options"] == ["local_employee_individual", "local_resident", "hukou_place_resident"]


def test_unknown_scenario_suggests_names() -> None:
    with pytest.raises(UnknownNameError) as caught:
        scenario("place_of_work")
    assert "place_of_work_enrolment" in caught.value.details["suggestions"]


def test_calc_applies_a_scenario_and_request_overrides_win() -> None:
    request = {"date": "2026-08-01", "region": "310000", "inputs": RIDER_LEVY, "outputs": LEVY_OUTPUTS,
               "overrides": {"occupational_injury.worker_share": 0.2}}  # fmt: skip
    result = runner.invoke(app, ["calc", "--scenario", "occupational_injury_worker_and_government"],
                           input=json.dumps(request))  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)["outputs"]
    assert out["occupational_injury_worker_monthly"] == 14.0
    assert out["occupational_injury_government_monthly"] == 49.0
    assert out["occupational_injury_platform_monthly"] == 7.0


def test_shares_above_the_whole_levy_are_refused() -> None:
    from gigcover.engine.errors import InputValueError

    overrides = {"occupational_injury.worker_share": 0.5, "occupational_injury.government_share": 0.7}
    with pytest.raises(InputValueError) as caught:
        ask("2026-08-01", RIDER_LEVY, LEVY_OUTPUTS, overrides)
    assert "at most 1" in caught.value.message


def test_scenarios_command_lists_them() -> None:
    result = runner.invoke(app, ["scenarios", "--json"])
    assert result.exit_code == 0
    assert "place_of_work_enrolment" in json.loads(result.stdout)
