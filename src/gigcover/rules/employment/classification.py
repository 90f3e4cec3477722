"""Employment classification (用工形式与法律关系): the paper's Table 1, 劳动合同法 arts. 58–72, 人社部发〔2021〕56号."""

from __future__ import annotations

from gigcover.engine import Array, Categorical, Decision, Inputs, Params, select
from gigcover.rules import registry


class Industry(Categorical):
    """The platform industry the worker takes orders in (新就业形态行业)."""

    FOOD_DELIVERY = "food_delivery", "外卖配送", "food delivery"
    INSTANT_DELIVERY = "instant_delivery", "即时配送", "instant delivery"
    RIDE_HAILING = "ride_hailing", "网约车", "ride-hailing"
    INTRA_CITY_FREIGHT = "intra_city_freight", "同城货运", "intra-city freight"
    COURIER = "courier", "快递", "courier"
    LIVESTREAMING = "livestreaming", "网络直播", "livestreaming"
    ECOMMERCE = "ecommerce", "电商微商", "e-commerce"
    DOMESTIC_SERVICE = "domestic_service", "家政服务", "domestic service"
    OTHER = "other", "其他", "other"


class Counterparty(Categorical):
    """Who a labour contract is with (劳动合同相对方)."""

    PLATFORM = "platform", "平台企业", "the platform"
    CONTRACTOR = "contractor", "合作用工企业（外包商）", "a contractor"
    DISPATCH_AGENCY = "dispatch_agency", "劳务派遣单位", "a dispatch agency"
    NONE = "none", "无", "none"


class LegalRelation(Categorical):
    """Table 1's two legal relations."""

    LABOR = "labor", "劳动关系（劳动法调整）", "labour relation (labour law)"
    CIVIL = "civil", "劳务/民事关系（民法调整）", "civil relation (civil law)"


class EmploymentForm(Categorical):
    """Table 1's employment forms."""

    FULL_TIME = "full_time", "全日制用工", "full-time employment"
    LABOR_DISPATCH = "labor_dispatch", "劳务派遣", "labour dispatch"
    PART_TIME = "part_time", "非全日制用工", "part-time employment"
    PLATFORM_FLEXIBLE = "platform_flexible", "互联网平台灵活用工", "platform flexible work"


class NewFormCategory(Categorical):
    """The three categories of 人社部发〔2021〕56号."""

    LABOR_RELATION = "labor_relation", "劳动关系", "labour relation"
    INCOMPLETE_LABOR_RELATION = (
        "incomplete_labor_relation",
        "不完全符合确立劳动关系情形",
        "incomplete labour relation",
    )
    CIVIL_RELATION = "civil_relation", "民事关系（自主经营）", "civil relation (own business)"


INDUSTRIES = Industry.ids()
COUNTERPARTIES = Counterparty.ids()

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
    "enum",
    enum=Counterparty,
    default=Counterparty.NONE,
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
registry.input("industry", "从业行业", "Industry", "enum", enum=Industry)


@registry.formula(
    "法律关系",
    "Legal relation",
    "enum",
    enum=LegalRelation,
    inputs=("has_labor_contract",),
    references=("seed_paper.table1", "labor_contract_law.art10"),
)
def legal_relation(v: Inputs, p: Params) -> Decision:
    """Labour relation (劳动法调整) when there is a labour contract, otherwise a civil relation (民法调整)."""
    return select(
        [(v.has_labor_contract, LegalRelation.LABOR, "labor_contract_law.art10")],
        default=(LegalRelation.CIVIL, "seed_paper.table1"),
    )


@registry.formula(
    "非全日制用工工时条件",
    "Meets the part-time hours test",
    "bool",
    inputs=("daily_hours_one_employer", "weekly_hours_one_employer", "paid_hourly"),
    parameters=("employment.part_time_max_daily_hours", "employment.part_time_max_weekly_hours"),
    references=("labor_contract_law.art68",),
)
def part_time_hours_test(v: Inputs, p: Params) -> Array:
    """Paid mainly by the hour, ≤ 4 h a day on average and ≤ 24 h a week with one employer (art. 68)."""
    return (
        v.paid_hourly
        & (v.daily_hours_one_employer <= p("employment.part_time_max_daily_hours"))
        & (v.weekly_hours_one_employer <= p("employment.part_time_max_weekly_hours"))
    )


@registry.formula(
    "用工形式",
    "Employment form",
    "enum",
    enum=EmploymentForm,
    inputs=("legal_relation", "contract_counterparty", "part_time_hours_test"),
    references=("seed_paper.table1",),
)
def employment_form(v: Inputs, p: Params) -> Decision:
    """Table 1: full-time, labour dispatch or part-time under a labour relation; platform flexible work otherwise.

    A dispatch agency may not hire part-time (实施条例 art. 30), so dispatch is decided first.
    """
    labor = v.legal_relation == LegalRelation.LABOR
    dispatch = v.contract_counterparty == Counterparty.DISPATCH_AGENCY
    return select(
        [
            (~labor, EmploymentForm.PLATFORM_FLEXIBLE, "seed_paper.table1"),
            (dispatch, EmploymentForm.LABOR_DISPATCH, "labor_contract_law.art58"),
            (v.part_time_hours_test, EmploymentForm.PART_TIME, "labor_contract_law.art68"),
        ],
        default=(EmploymentForm.FULL_TIME, "labor_contract_law.art10"),
    )


@registry.formula(
    "新就业形态劳动者类别（人社部发〔2021〕56号）",
    "New-employment-form category (MOHRSS 2021 No. 56)",
    "enum",
    enum=NewFormCategory,
    inputs=("legal_relation", "platform_manages_work", "own_business"),
    references=("mohrss_2021_56.category1", "mohrss_2021_56.category2", "mohrss_2021_56.category3"),
)
def new_form_category(v: Inputs, p: Params) -> Decision:
    """56号: labour relation; incomplete labour relation (managed, no contract); civil relation (own business)."""
    labor = v.legal_relation == LegalRelation.LABOR
    managed = v.platform_manages_work & ~v.own_business

    return select(
        [
            (labor, NewFormCategory.LABOR_RELATION, "mohrss_2021_56.category1"),
            (managed, NewFormCategory.INCOMPLETE_LABOR_RELATION, "mohrss_2021_56.category2"),
        ],
        default=(NewFormCategory.CIVIL_RELATION, "mohrss_2021_56.category3"),
    )
