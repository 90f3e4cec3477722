"""Employment classification (用工形式与法律关系): the paper's Table 1, 劳动合同法 arts. 58–72, 人社部发〔2021〕56号."""

from __future__ import annotations

from typing import Any

import numpy as np

from gigcover.engine.vector import scalar_if_0d, select
from gigcover.rules import registry

INDUSTRIES = (
    "food_delivery",
    "instant_delivery",
    "ride_hailing",
    "intra_city_freight",
    "courier",
    "livestreaming",
    "ecommerce",
    "domestic_service",
    "other",
)
COUNTERPARTIES = ("platform", "contractor", "dispatch_agency", "none")

registry.input(
    "has_labor_contract",
    "是否订立劳动合同（含非全日制口头协议）",
    "Has a labour contract (incl. an oral part-time agreement)",
    "bool",
    period="month",
    references=("labor_contract_law.art10", "labor_contract_law.art69"),
    description="True when the worker has a labour contract with anyone (platform, contractor or dispatch agency). "
    "A part-time worker's oral agreement counts (劳动合同法 art. 69).",
)
registry.input(
    "contract_counterparty",
    "劳动合同相对方",
    "Labour-contract counterparty",
    "str",
    allowed=COUNTERPARTIES,
    default="none",
    description="Who the labour contract is with; 'dispatch_agency' makes it labour dispatch.",
)
registry.input(
    "daily_hours_one_employer",
    "在同一用人单位平均每日工作时间（小时）",
    "Average daily hours with one employer",
    "float",
    minimum=0,
    maximum=24,
    default=8.0,
    unit="hours",
    description="Default 8: the standard working day (国务院关于职工工作时间的规定), so part-time is never assumed.",
)
registry.input(
    "weekly_hours_one_employer",
    "在同一用人单位每周工作时间（小时）",
    "Weekly hours with one employer",
    "float",
    minimum=0,
    maximum=168,
    default=40.0,
    unit="hours",
    description="Default 40: the standard working week, so part-time is never assumed.",
)
registry.input(
    "paid_hourly",
    "是否以小时计酬为主",
    "Paid mainly by the hour",
    "bool",
    default=False,
)
registry.input(
    "platform_manages_work",
    "平台（或合作企业）是否对劳动过程进行劳动管理",
    "Does the platform manage the work",
    "bool",
    description="Dispatching orders, setting prices, rules and penalties: the 56号 test for category 2.",
)
registry.input(
    "own_business",
    "是否依托平台自主经营",
    "Runs their own business on the platform",
    "bool",
    default=False,
    description="E.g. a livestreamer selling on their own account (56号 category 3).",
)
registry.input("industry", "从业行业", "Industry", "str", allowed=INDUSTRIES)


@registry.formula(
    "法律关系",
    "Legal relation",
    "str",
    allowed=("labor", "civil"),
    inputs=("has_labor_contract",),
    references=("seed_paper.table1", "labor_contract_law.art10"),
)
def legal_relation(v: Any, p: Any) -> Any:
    """Labour relation (劳动法调整) when there is a labour contract, otherwise a civil relation (民法调整)."""
    labor = v.has_labor_contract
    return select([(labor, "labor", "labor_contract_law.art10")], default=("civil", "seed_paper.table1"))


@registry.formula(
    "非全日制用工工时条件",
    "Meets the part-time hours test",
    "bool",
    inputs=("daily_hours_one_employer", "weekly_hours_one_employer", "paid_hourly"),
    parameters=("employment.part_time_max_daily_hours", "employment.part_time_max_weekly_hours"),
    references=("labor_contract_law.art68",),
)
def part_time_hours_test(v: Any, p: Any) -> Any:
    """Paid mainly by the hour, ≤ 4 h a day on average and ≤ 24 h a week with one employer (art. 68)."""
    return scalar_if_0d(
        np.asarray(v.paid_hourly, dtype=bool)
        & (np.asarray(v.daily_hours_one_employer) <= p("employment.part_time_max_daily_hours"))
        & (np.asarray(v.weekly_hours_one_employer) <= p("employment.part_time_max_weekly_hours"))
    )


@registry.formula(
    "用工形式",
    "Employment form",
    "str",
    allowed=("full_time", "labor_dispatch", "part_time", "platform_flexible"),
    inputs=("legal_relation", "contract_counterparty", "part_time_hours_test"),
    references=("seed_paper.table1",),
)
def employment_form(v: Any, p: Any) -> Any:
    """Table 1: full-time, labour dispatch or part-time under a labour relation; platform flexible work otherwise.

    A dispatch agency may not hire part-time (实施条例 art. 30), so dispatch is decided first.
    """
    labor = np.asarray(v.legal_relation) == "labor"
    dispatch = np.asarray(v.contract_counterparty) == "dispatch_agency"
    return select(
        [
            (~labor, "platform_flexible", "seed_paper.table1"),
            (dispatch, "labor_dispatch", "labor_contract_law.art58"),
            (np.asarray(v.part_time_hours_test, dtype=bool), "part_time", "labor_contract_law.art68"),
        ],
        default=("full_time", "labor_contract_law.art10"),
    )


@registry.formula(
    "新就业形态劳动者类别（人社部发〔2021〕56号）",
    "New-employment-form category (MOHRSS 2021 No. 56)",
    "str",
    allowed=("labor_relation", "incomplete_labor_relation", "civil_relation"),
    inputs=("legal_relation", "platform_manages_work", "own_business"),
    references=("mohrss_2021_56.category1", "mohrss_2021_56.category2", "mohrss_2021_56.category3"),
)
def new_form_category(v: Any, p: Any) -> Any:
    """56号: labour relation; incomplete labour relation (managed, no contract); civil relation (own business)."""
    labor = np.asarray(v.legal_relation) == "labor"
    managed = np.asarray(v.platform_manages_work, dtype=bool) & ~np.asarray(v.own_business, dtype=bool)
    return select(
        [
            (labor, "labor_relation", "mohrss_2021_56.category1"),
            (managed, "incomplete_labor_relation", "mohrss_2021_56.category2"),
        ],
        default=("civil_relation", "mohrss_2021_56.category3"),
    )
