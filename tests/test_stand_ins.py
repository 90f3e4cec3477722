"""Stand-ins (替代值, engine/overlay.py): parameter values used only where a place has no value of its own in force —
so a policy run can price what the rules cannot, as a stated assumption, and leave every published value alone.

Worked by hand on a base of 4,000 on 2026-06-01: 上海 10 % → 400.00 and 杭州 9.5 % → 380.00 are their own rules;
郑州, 洛阳 and 周口 have no flexible-worker medical rule in the parameters (NaN without a stand-in) and 8 % → 320.00
with one."""

from __future__ import annotations

import numpy as np
import pytest

import gigcover
from gigcover.engine.errors import GigcoverError, InputValueError, UnknownNameError

RATE = "medical.employee.flexible.rate"
OUTPUT = "employee_medical_flexible_monthly"
PLACES = ["310000", "410100", "410300", "411600", "330100"]


def cost(stand_ins: dict[str, object] | None, *, date: str = "2026-06-01", explain: bool = True) -> gigcover.Computed:
    return gigcover.compute(
        {"pension_base_monthly": 4000.0}, [OUTPUT], date=date, region=PLACES, missing="nan", explain=explain,
        stand_ins=stand_ins,
    )  # fmt: skip


@pytest.mark.parametrize("explain", [True, False])  # one simulation per place, or the places of Henan together
def test_a_stand_in_prices_only_the_places_without_their_own_rule(explain: bool) -> None:
    without = cost(None, explain=explain)[OUTPUT]
    assert list(without[[0, 4]]) == [400.0, 380.0] and np.isnan(without[1:4]).all()
    assert list(cost({RATE: 0.08}, explain=explain)[OUTPUT]) == [400.0, 320.0, 320.0, 320.0, 380.0]


def test_an_answer_resting_on_a_stand_in_says_so() -> None:
    assert cost({RATE: 0.08}).verification["weakest"] == "OVERLAY"
    shanghai = gigcover.compute(
        {"pension_base_monthly": 4000.0}, [OUTPUT], date="2026-06-01", region="310000", stand_ins={RATE: 0.08}
    )
    assert float(shanghai[OUTPUT][0]) == 400.0 and shanghai.verification["weakest"] != "OVERLAY"  # not used there


def test_a_dated_stand_in_applies_from_its_date() -> None:
    dated = {RATE: {"2026-07-01": 0.08}}
    assert np.isnan(cost(dated)[OUTPUT][1])
    assert cost(dated, date="2026-08-01")[OUTPUT][1] == 320.0


def test_an_override_still_replaces_everywhere_beside_a_stand_in() -> None:
    both = gigcover.compute(
        {"pension_base_monthly": 4000.0}, [OUTPUT], date="2026-06-01", region=PLACES, missing="nan",
        overrides={RATE: 0.05}, stand_ins={RATE: 0.08},
    )  # fmt: skip
    assert list(both[OUTPUT]) == [200.0] * 5


@pytest.mark.parametrize(
    ("stand_ins", "error", "said"),
    [
        ({"medical.employee.flexible.ratee": 0.08}, UnknownNameError, "stand_ins.medical.employee.flexible.ratee"),
        ({RATE: "eight"}, InputValueError, "stand_ins.medical.employee.flexible.rate: expected a number"),
        ({RATE: {"soon": 0.08}}, InputValueError, "is not an effective date"),
        ({RATE: -0.1}, InputValueError, "stand_ins.medical.employee.flexible.rate"),
    ],
)
def test_bad_stand_ins_name_what_is_wrong(stand_ins: dict[str, object], error: type[GigcoverError], said: str) -> None:
    with pytest.raises(error) as caught:
        cost(stand_ins)
    assert said in caught.value.message
