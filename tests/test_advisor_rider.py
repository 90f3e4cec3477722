"""The advisor as the issue's four workers meet it (2026-06-01): figures checked against values worked by hand from
the parameters (derivations in the comments), what-ifs against the plan actually advised, gaps named, next steps."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gigcover.advisor import advise
from gigcover.advisor.model import default_model

DATE = "2026-06-01"
SHANGHAI_RIDER = {  # rural Henan hukou (周口), works in Shanghai, 7,000 a month
    "monthly_income": 7000, "work_region": "310000", "hukou_region": "411600", "hukou_rural": True,
    "industry": "food_delivery", "platform": "meituan", "has_labor_contract": False, "platform_manages_work": True,
    "birth_date": "1995-03", "sex": "male", "monthly_orders": 900,
}  # fmt: skip
CHENGDU_DRIVER = {  # local urban hukou, DiDi, 6,000 a month
    "monthly_income": 6000, "work_region": "510100", "hukou_region": "510100", "hukou_rural": False,
    "industry": "ride_hailing", "platform": "didi", "has_labor_contract": False, "platform_manages_work": True,
    "birth_date": "1988-07", "sex": "male",
}  # fmt: skip
ZHENGZHOU_RIDER = {**SHANGHAI_RIDER, "work_region": "410100"}
LIVESTREAMER = {
    "monthly_income": 9000, "work_region": "330100", "hukou_region": "330100", "hukou_rural": False,
    "industry": "livestreaming", "has_labor_contract": False, "own_business": True, "platform_manages_work": False,
    "birth_date": "1998-11", "sex": "female",
}  # fmt: skip
CAPITALS = [
    "110000",
    "120000",
    "130100",
    "140100",
    "150100",
    "210100",
    "220100",
    "230100",
    "310000",
    "320100",
    "330100",
    "340100",
    "350100",
    "360100",
    "370100",
    "410100",
    "420100",
    "430100",
    "440100",
    "450100",
    "460100",
    "500000",
    "510100",
    "520100",
    "530100",
    "540100",
    "610100",
    "620100",
    "630100",
    "640100",
    "650100",
]


def ask(profile: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return advise(default_model(), {"date": DATE, "profile": profile, **extra})


def items(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["item"]: item for item in answer["plan"]}


# -- the Shanghai rider: the resident route, what-ifs against it ------------------------------------------------
# Resident medical insurance (work place, 国办发〔2024〕38号): coverage in 2026 is financed at the 2025 standard
#   (medical.resident.coverage_year_lag = 1): individual premium 400 a year → 33.33 a month; government 700 → 58.33. Inpatient stay of 20,000 in place: (20,000 − 1,000 deductible) × 70 % =
#   13,300; insured at the hukou place and treated in Shanghai as a registered patient away: the ratio falls 10 points
#   → 19,000 × 60 % = 11,400, so enrolling at home loses 1,900.
# Resident pension (hukou place): tier 500 a year → 41.67 a month; subsidy 60 a year → 5.00.
# Employee pension (the what-if): Shanghai floor 7,460 × 20 % = 1,492.00; 1,492.00 − 41.67 = +1,450.33 a month.
def test_shanghai_rider_resident_route_by_hand() -> None:
    answer = ask(SHANGHAI_RIDER)
    plan = items(answer)
    assert (plan["medical"]["scheme"], plan["medical"]["place"]) == ("resident_medical", "work_place")
    assert plan["medical"]["worker_monthly_cost"] == 33.33
    assert plan["medical"]["other_payers"] == {"government": 58.33}
    assert plan["medical"]["protects"]["expected_reimbursement"] == 13300.0
    assert (plan["pension"]["scheme"], plan["pension"]["place"]) == ("resident_pension", "hukou_place")
    assert plan["pension"]["worker_monthly_cost"] == 41.67 and plan["pension"]["other_payers"] == {"government": 5.0}
    assert plan["pension"]["choice_basis"] == "income"
    assert "7,460.00" in plan["pension"]["reason_zh"]  # the floor the income is below, said with its figure


def test_shanghai_rider_what_ifs_are_against_the_resident_plan() -> None:
    what_ifs = {w["name"]: w for w in ask(SHANGHAI_RIDER)["what_ifs"]}
    # the resident pension is at the hukou place already: no "move home", no base or late retirement of a scheme
    # the plan did not advise
    assert set(what_ifs) == {"enrol_at_hukou_place", "switch_scheme"}
    home = what_ifs["enrol_at_hukou_place"]
    assert home["cost_change_monthly"] == 0.0 and home["benefit_change"] == -1900.0
    switch = what_ifs["switch_scheme"]
    assert switch["cost_change_monthly"] == 1450.33
    assert switch["compared_with"]["scheme"] == "resident_pension"
    assert switch["benefit_change"] > 0


def test_held_enrolment_at_home_is_kept_and_the_what_if_moves_it() -> None:
    """A rider with 新农合 at home: the plan keeps it at the hukou place, the diagnosis says so, and the what-if is
    moving it to the place of work (+1,900 on a 20,000 stay, by the figures above)."""
    profile = {
        **SHANGHAI_RIDER,
        "current_enrolments": ["resident_medical"],
        "enrolment_places": {"resident_medical": "hukou_place"},
    }
    answer = ask(profile)
    medical = items(answer)["medical"]
    assert (medical["scheme"], medical["place"], medical["already_enrolled"]) == (
        "resident_medical",
        "hukou_place",
        True,
    )
    assert medical["protects"]["expected_reimbursement"] == 11400.0
    row = next(r for r in answer["diagnosis"]["schemes"] if r["scheme"] == "resident_medical")
    assert row["place"] == "hukou_place" and row["enrolled"]
    moved = {w["name"]: w for w in answer["what_ifs"]}["enrol_at_work_place"]
    assert moved["benefit_change"] == 1900.0
    assert any(step["deadline"] == "看病前办理" for step in medical["next_steps"])  # register care away first


def test_same_province_hukou_has_no_move_home_what_if() -> None:
    """A Zhengzhou rider with a Zhoukou hukou: both in Henan, so neither moving home nor cross-province care applies."""
    names = {w["name"] for w in ask(ZHENGZHOU_RIDER)["what_ifs"]}
    assert "move_home_after_5_years" not in names and not names & {"enrol_at_work_place", "enrol_at_hukou_place"}


# -- the Chengdu driver: the employee route, over the line, cheaper routes ------------------------------------------
# Employee pension as a flexible worker: Sichuan floor 4,588 × 20 % = 917.60.
# Employee medical (Chengdu): the base of the 2025-10 notice, 80 % of 7,646 = 6,117, carried forward (no 2026 figure;
# see tests/rules/medical/contributions.yaml): 6,117 × 8.75 % = 535.24 basic + 6,117 × 0.75 % = 45.88 大病互助 = 581.12.
# Total 917.60 + 581.12 = 1,498.72 = 24.98 % of 6,000; the line is 5 % (advisor.affordable_share_of_income) = 300.
# Cheaper routes: both resident 33.33 + 41.67 = 75.00 (within the line, ranked first); resident pension only
# 581.12 + 41.67 = 622.79; resident medical only 917.60 + 33.33 = 950.93; no pension 581.12 (none within the line,
# in the order of advisor.cheaper_route_order). Medical route: 20,000 stay employee (20,000 − 1,000) × 80 % = 15,200 vs
# resident × 70 % = 13,300: 1,900 less.
def test_chengdu_driver_costs_and_cheaper_routes_by_hand() -> None:
    answer = ask(CHENGDU_DRIVER)
    plan = items(answer)
    assert plan["pension"]["worker_monthly_cost"] == 917.6 and plan["medical"]["worker_monthly_cost"] == 581.12
    afford = answer["affordability"]
    assert afford["worker_monthly_total"] == 1498.72 and afford["affordable"] is False
    assert afford["share_of_income"] == pytest.approx(1498.72 / 6000, abs=1e-4)
    routes = [(r["name"], r["worker_monthly_total"], r["within_line"]) for r in afford["cheaper_routes"]]
    assert routes == [
        ("both_resident", 75.0, True),
        ("resident_pension", 622.79, False),
        ("resident_medical", 950.93, False),
        ("drop_pension", 581.12, False),
    ]
    medical_route = next(r for r in afford["cheaper_routes"] if r["name"] == "resident_medical")
    assert medical_route["benefit_changes"] == [{"what": "inpatient_reimbursement", "bill": 20000.0, "change": -1900.0}]
    assert "5%" in afford["message_zh"] and "骑手" not in afford["message_zh"]


# Pension what-ifs for the driver (today's money: wages and the benefit base grow 4 % a year, both discounted back):
# 25 years (2026–2050), retiring 2051-07 at 63 (the 2024 reform: 60 + 36 months for a man born 1988-07).
#  basic pension = C̄ × (1 + index)/2 × years % with C̄ = Sichuan's 8,462 → at 60 %: 8,462 × 0.8 × 25 % = 1,692.4;
#  account: 8 % × 4,588 × 12 = 4,404.5 a year, credited 2.5 % while wages grow 4 %: Σ_{k=1..25} (1.025/1.04)^k = 20.81
#  → 91,660 / 117 months (divisor at 63) = 783.4; employee ≈ 2,475.8.
#  resident: 163 central basic, not indexed, discounted 1.04^25 = 2.666 → 61.1; account (500 + 60) a year at 1.5 %,
#  Σ_{k=0..24} 1.015^k = 28.63 → 16,034 / 139 = 115.4, discounted → 43.3; resident ≈ 104.4.
#  switch to resident: cost 41.67 − 917.60 = −875.93; pension ≈ 104.4 − 2,475.8 = −2,371 (± 5 %: timing within years).
#  base 100 %: cost 20 % × 7,646 − 917.60 = 1,529.20 − 917.60 = +611.60; pension: basic 8,462 × 0.2 × 25 % = 423.1,
#  account 8 % × (7,646 − 4,588) × 12 × 20.81 / 117 = 522.2 → ≈ +945 (± 5 %).
#  three more years (弹性延迟退休 3 年并继续缴费): the same 917.60 a month for 36 more months = 33,033.60 in all; 28 years,
#  retiring at 66 (divisor 93): basic 8,462 × 0.8 × 28 % = 1,895.5; account 4,404.5 × Σ_{k=1..28} (1.025/1.04)^k
#  = 4,404.5 × 22.84 / 93 = 1,081.6; ≈ 2,977.1, so ≈ +501 (± 5 %). (Until 2026-12-01 the three years were not paid:
#  the retirement moved but the history stopped at 63, +162.)
def test_chengdu_driver_what_ifs_by_hand() -> None:
    what_ifs = {w["name"]: w for w in ask(CHENGDU_DRIVER)["what_ifs"]}
    assert set(what_ifs) == {"switch_scheme", "raise_pension_base", "work_3_more_years"}  # hukou = work place
    switch, high, late = what_ifs["switch_scheme"], what_ifs["raise_pension_base"], what_ifs["work_3_more_years"]
    assert switch["cost_change_monthly"] == -875.93
    assert switch["benefit_change"] == pytest.approx(-2371, rel=0.05)
    assert high["cost_change_monthly"] == 611.6
    assert high["benefit_change"] == pytest.approx(945, rel=0.05)
    assert late["cost_change_monthly"] == 0.0 and late["extra_contribution_total"] == 33033.6
    assert late["benefit_change"] == pytest.approx(501, rel=0.05)
    assert all(w["compared_with"]["scheme"] == "employee_pension" for w in what_ifs.values())


def test_driver_is_called_a_driver() -> None:
    answer = ask(CHENGDU_DRIVER)
    said = answer["diagnosis"]["summary_zh"] + "".join(i["reason_zh"] for i in answer["plan"])
    assert "司机" in said and "骑手" not in said


# -- the Zhengzhou rider: a figure the rules lack, said plainly, with a range worked from other places -------------
# The places with their own flexible-worker medical rate on 2026-06-01 (parameters/medical/employee/flexible/rate.yaml):
# 上海 10 %, 福州 10 %, 杭州 9.5 %, 成都 9.5 %, 山东 9 %, 天津 8.5 %, 深圳 8 %, 广州 8 %, 南京 8 %, 西安 8 %, 大连 6.1 %,
# 武汉 6 %, 兰州 5.4 % — 13 places, 5.4 %–10 % (济南's and 青岛's own rules ended on 2026-01-01, when Shandong's began).
# The rider's base is Henan's floor from 2025-07-01, 3,831 (a flexible worker's usual base):
# 3,831 × 5.4 % = 206.874 → 206.87; 3,831 × 10 % = 383.10.
def test_zhengzhou_gap_is_named_with_a_range_not_an_income_reason() -> None:
    """Zhengzhou publishes no employee-medical rate for flexible workers in the parameters: the item keeps the route
    the income calls for, says the cost cannot be worked out exactly, and gives the range the rates other places set
    would cost — never that the income is too low, and never added to the plan's total."""
    answer = ask(ZHENGZHOU_RIDER)
    medical = items(answer)["medical"]
    assert medical["scheme"] == "employee_medical" and medical["cost_known"] is False
    estimate = medical["cost_estimate"]
    assert (estimate["low"], estimate["high"]) == (206.87, 383.10)
    assert (estimate["rate_low"], estimate["rate_high"], estimate["places"]) == (0.054, 0.10, 13)
    assert "每月约206.87–383.10元" in medical["reason_zh"] and "5.4%–10%" in medical["reason_zh"]
    assert "about 206.87–383.10 yuan a month" in medical["reason_en"]
    gap = next(g for g in medical["data_gaps"] if g["kind"] == "missing")
    assert "郑州市" in gap["zh"] and "估算" in gap["zh"] and gap["stand_in"] == "rates_set_elsewhere"
    assert "低于" not in medical["reason_zh"] and "负担" not in medical["reason_zh"]
    afford = answer["affordability"]
    known = sum(i["worker_monthly_cost"] for i in answer["plan"] if i["cost_known"])
    assert afford["worker_monthly_total"] == round(known, 2)
    assert "（未计入：医疗保险估算每月约 206.87–383.10 元）" in afford["message_zh"]


def test_affordable_on_the_known_costs_may_not_be_with_the_estimate() -> None:
    """At 17,000 a month the known costs (employee pension 3,831 × 20 % = 766.20) are 4.5 % of income, within the
    5 % line; with medical at the top of its range (383.10) they are 1,149.30, 6.8 %: the message says it may go
    above the line, and the total stays that of the known costs. At 30,000 even the top (3.8 %) is within it."""
    afford = ask({**ZHENGZHOU_RIDER, "monthly_income": 17000})["affordability"]
    assert afford["affordable"] is True and afford["worker_monthly_total"] == 766.2
    assert afford["worker_monthly_total_with_estimates_high"] == 1149.3
    assert "但加上估算的费用（最多每月约 1,149.30 元），可能超过收入的 5%。" in afford["message_zh"]
    assert "may go above 5%" in afford["message_en"]
    richer = ask({**ZHENGZHOU_RIDER, "monthly_income": 30000})["affordability"]
    assert richer["affordable"] is True and "可能超过" not in richer["message_zh"]
    assert (
        ask({**ZHENGZHOU_RIDER, "work_region": "330100"})["affordability"]["worker_monthly_total_with_estimates_high"]
        is None
    )  # Hangzhou's rule is on file: nothing estimated


def test_the_estimate_does_not_weaken_the_advice_it_sits_in() -> None:
    """The range is asked aside under an overlay of the rate: the advice's own verification and warnings are those of
    the figures it gives as the place's, with no overlay among them."""
    answer = ask(ZHENGZHOU_RIDER)
    assert answer["verification"]["weakest"] != "OVERLAY"
    assert not any("overlay" in w.lower() for w in answer["warnings"])
    assert "medical" in {i["item"] for i in answer["plan"] if i.get("cost_estimate")}  # the range was asked


def test_a_city_with_its_own_rate_gets_its_figure_not_a_range() -> None:
    medical = items(ask({**ZHENGZHOU_RIDER, "work_region": "330100"}))["medical"]
    assert medical["cost_known"] is True and "cost_estimate" not in medical


@pytest.mark.parametrize("capital", CAPITALS)
def test_every_provincial_capital_gets_a_plan_with_its_gaps_named(capital: str) -> None:
    answer = ask({**SHANGHAI_RIDER, "work_region": capital})
    plan = items(answer)
    assert set(plan) == {"occupational_injury", "medical", "pension", "unemployment"}
    for item in plan.values():
        if not item["cost_known"] and item["place"] != "none":  # a cost the rules lack is named as a gap
            assert any(g["kind"] in ("missing", "estimated") for g in item["data_gaps"]), (capital, item["item"])
        assert item["next_steps"], (capital, item["item"])
        for gap in item["data_gaps"]:
            assert re.search(r"[\u4e00-\u9fff]", gap["zh"]) and "." not in gap["zh"].rstrip("。")


# -- the livestreamer ----------------------------------------------------------------------------------------------
def test_livestreamer_is_not_told_about_the_pilot() -> None:
    answer = ask(LIVESTREAMER)
    injury = items(answer)["occupational_injury"]
    assert injury["scheme"] == "commercial_accident"
    assert "主播" in injury["reason_zh"] and "试点" not in injury["reason_zh"] and "骑手" not in injury["reason_zh"]
    assert "三个行业" not in injury["reason_zh"]


# -- next steps -------------------------------------------------------------------------------------------------
def test_every_item_has_next_steps_cited_like_a_rule() -> None:
    for profile in (SHANGHAI_RIDER, CHENGDU_DRIVER, LIVESTREAMER):
        for item in ask(profile)["plan"]:
            assert item["next_steps"], item["item"]
            for step in item["next_steps"]:
                assert set(step) >= {"zh", "en", "channel", "url", "deadline"}
                assert step["url"] is None or step["url"].startswith("https://")
            cited = [c for c in item["citations"] if str(c["key"]).startswith("advisor.next_steps.")]
            assert len(cited) == 1 and cited[0]["verified"] in ("V1", "V2", "V3", "UNVERIFIED")
            assert item["hotline"] == ("12393" if item["item"] == "medical" else "12333")


def test_resident_medical_step_has_the_collection_window() -> None:
    medical = items(ask(SHANGHAI_RIDER))["medical"]
    assert any(step["deadline"] and "集中缴费期" in step["deadline"] for step in medical["next_steps"])
    assert not any("备案" in step["zh"] for step in medical["next_steps"])  # insured where treated: no registration


# -- a Jinan rider: employee medical with or without a personal account ------------------------------------------
# From 2026 Shandong lets flexible workers pay 9 % (2 % to a personal account) or 7 % without an account on at least
# 60 % of the prior-year provincial average (the Qingdao letter citing 鲁人社字〔2025〕91号); the floor of the year from
# 2025-07 is 4,504: 4,504 × 9 % = 405.36, × 7 % = 315.28, 90.08 less. Pension: 4,504 × 20 % = 900.80.
# The pooling-only route: 405.36 + 900.80 − 90.08 = 1,216.08, ranked after dropping unemployment (there is none to
# drop) and before the resident routes that give up more (advisor.cheaper_route_order).
JINAN_RIDER = {**CHENGDU_DRIVER, "work_region": "370100", "hukou_region": "370100", "industry": "food_delivery"}


def test_jinan_rider_is_offered_medical_without_a_personal_account() -> None:
    answer = ask(JINAN_RIDER)
    medical = items(answer)["medical"]
    assert (medical["scheme"], medical["worker_monthly_cost"]) == ("employee_medical", 405.36)
    (option,) = medical["options"]
    assert option["medical_personal_account"] == "without_account"
    assert (option["worker_monthly_cost"], option["saving_monthly"]) == (315.28, 90.08)
    assert option["account_credit_given_up_monthly"] == 90.08  # "其中2%划入个人账户": 4,504 × 2 %
    assert "其中90.08元本来会划进您的个人账户" in medical["reason_zh"]
    assert (
        "单建统筹" in medical["reason_zh"]
        and "315.28" in medical["reason_zh"]
        and "住院报销一样" in medical["reason_zh"]
    )
    assert "without a personal account" in medical["reason_en"]
    assert not any("medical_personal_account not given" in w for w in answer["warnings"])  # both are priced
    routes = {r["name"]: r for r in answer["affordability"]["cheaper_routes"]}
    pooling = routes["medical_pooling_only"]
    assert (pooling["saving_monthly"], pooling["worker_monthly_total"]) == (90.08, 1216.08)
    assert "住院报销不变" in pooling["gives_up_zh"] and "每月少划入个人账户 90.08 元" in pooling["gives_up_zh"]
    assert pooling["benefit_changes"] == [{"what": "personal_account_monthly", "change": -90.08}]
    order = [r["name"] for r in answer["affordability"]["cheaper_routes"] if not r["within_line"]]
    assert order.index("medical_pooling_only") < order.index("resident_pension")


def test_a_city_with_one_rate_offers_no_medical_option() -> None:
    assert "options" not in items(ask(CHENGDU_DRIVER))["medical"]


def test_only_the_figure_the_range_stands_in_for_says_it_was_estimated() -> None:
    """An item with a range may lack another figure too (an inpatient ratio, say): that gap still says the figure
    cannot be worked out, not that it was estimated."""
    from gigcover.advisor.asker import Missing
    from gigcover.advisor.gaps import missing_gaps

    rate = Missing("medical.employee.flexible.rate", "410100", ("employee_medical_flexible_monthly",))
    ratio = Missing("medical.inpatient.employee.ratio", "410100", ("inpatient_reimbursement",))
    gaps = missing_gaps(default_model(), "medical", [rate, ratio], estimated=rate.parameter)
    assert [g["stand_in"] for g in gaps] == ["rates_set_elsewhere", ""]
    assert "估算了一个范围" in gaps[0]["zh"] and "估算" not in gaps[1]["zh"] and "无法计算" in gaps[1]["zh"]
