"""The paper's Table 2 (表2): local or non-local hukou × urban or rural × labour relation or not, its stars and the routes open on a date."""

from __future__ import annotations

import numpy as np

from gigcover.engine import CALL_REGION, Array, Inputs, Params, bitset, gather
from gigcover.rules import registry
from gigcover.rules.coverage.categories import Platform, Table2Cell, Table2Option
from gigcover.rules.employment.classification import LegalRelation

registry.input("hukou_rural", "是否农村（农业）户籍", "Rural (agricultural) hukou", "bool")

# Hong Kong (810000), Macao (820000) and Taiwan (710000) are outside the mainland's social insurance schemes: the law
# in these rules is the mainland's (社会保险法), so none of them is a place of work it applies to. Their residents who
# work or live in the mainland enrol there (人社部、国家医保局令第41号 第二条: flexible workers holding a 港澳台居民居住证
# in employee pension and medical insurance at their place of residence, those not employed in the resident schemes);
# their "hukou" is not a mainland hukou, so the hukou rules of Table 2 do not describe them. That route is not encoded:
# a hukou there is refused with the reason (and the article to read) rather than answered as a non-local hukou.
OUTSIDE_MAINLAND = ("710000", "810000", "820000")
WORK_PLACE_OUTSIDE_MAINLAND = (
    "香港、澳门、台湾不适用内地（大陆）的社会保险制度，不能作为工作地；请填写您在内地（大陆）的工作城市。"
    " / Hong Kong, Macao and Taiwan are outside the mainland's social insurance schemes: give the mainland city "
    "where you work."
)
HUKOU_OUTSIDE_MAINLAND = (
    "港澳台居民在内地（大陆）参加社会保险按《香港澳门台湾居民在内地（大陆）参加社会保险暂行办法》"
    "（人社部、国家医保局令第41号）第二条办理：灵活就业并办理港澳台居民居住证的，可在居住地参加职工基本养老保险和职工基本医疗保险；"
    "本工具尚未按该办法计算，请向居住地社保经办机构咨询。"
    " / Residents of Hong Kong, Macao and Taiwan enrol under Order No. 41 (2019) of MOHRSS and NHSA, article 2: "
    "flexible workers holding a residence permit may join employee pension and medical insurance where they live. "
    "This tool does not compute that route yet; ask the social insurance office where you live."
)

registry.input(
    "hukou_region",
    "户籍所在地",
    "Hukou region (GB/T 2260)",
    "region",
    references=("hmt_residents_2019_41.art2",),
    refused_regions=tuple((code[:2], HUKOU_OUTSIDE_MAINLAND) for code in OUTSIDE_MAINLAND),
    description="A mainland hukou; Hong Kong, Macao and Taiwan residents are refused with the rule that applies.",
)
registry.input(
    "work_region",
    "就业地（接单地）",
    "Place of work (GB/T 2260)",
    "region",
    default=CALL_REGION,
    references=("hmt_residents_2019_41.art2",),
    refused_regions=tuple((code[:2], WORK_PLACE_OUTSIDE_MAINLAND) for code in OUTSIDE_MAINLAND),
    description="Defaults to the region of the question (which is the place of work); a place in the mainland.",
)
registry.input(
    "platform",
    "接单平台",
    "Platform worked for",
    "enum",
    enum=Platform,
    description="The platform the worker takes orders from; 'other' for any platform not named.",
)


@registry.formula(
    "是否本地户籍", "Local hukou", "bool", inputs=("hukou_region", "work_region"), references=("seed_paper.table2",)
)
def hukou_local(v: Inputs, p: Params) -> Array:
    """Hukou in the same insurance pooling area (统筹地区: the prefecture-level city; a municipality as a whole)."""
    pooling = p.regions.pooling_index
    return pooling[v.hukou_region] == pooling[v.work_region]


@registry.formula(
    "是否建立劳动关系", "Has a labour relation", "bool", inputs=("legal_relation",), references=("seed_paper.table1",)
)
def has_labor_relation(v: Inputs, p: Params) -> Array:
    """Table 2's column: labour relation yes (是) or no (否)."""
    return v.legal_relation == LegalRelation.LABOR


@registry.formula(
    "表2 类型",
    "Table 2 cell",
    "enum",
    enum=Table2Cell,
    inputs=("hukou_local", "hukou_rural", "has_labor_relation"),
    references=("seed_paper.table2",),
)
def table2_cell(v: Inputs, p: Params) -> Array:
    """Local/non-local hukou × urban/rural hukou × labour relation or not."""
    index = 4 * ~v.hukou_local + 2 * v.hukou_rural + ~v.has_labor_relation
    return index.astype(np.int8)


@registry.formula(
    "表2 困境程度（星号）",
    "Table 2 severity (stars)",
    "int",
    inputs=("table2_cell",),
    parameters=("coverage.table2.severity",),
    references=("seed_paper.table2",),
)
def table2_severity(v: Inputs, p: Params) -> Array:
    """The paper's stars for the cell: 0 with a labour relation, 1–4 without."""
    return gather(p.dense("coverage.table2.severity", Table2Cell, dtype=np.int64), v.table2_cell)


@registry.formula(
    "表2 可选参保路径",
    "Table 2 insurance routes open",
    "set",
    enum=Table2Option,
    inputs=(
        "has_labor_relation",
        "hukou_local",
        "work_place_employee_pension_open",
        "work_place_employee_medical_open",
        "work_place_resident_medical_open",
        "hukou_place_employee_open",
    ),
    references=("seed_paper.table2", "mohrss_2021_56.hukou"),
)
def table2_options(v: Inputs, p: Params) -> Array:
    """The routes of Table 2 open on the date: employer cover with a labour relation, else the individual routes."""
    labor, away = v.has_labor_relation, ~v.hukou_local
    work_place_employee = v.work_place_employee_pension_open | v.work_place_employee_medical_open
    return bitset(
        [
            (Table2Option.LOCAL_EMPLOYEE, labor),
            (Table2Option.LOCAL_EMPLOYEE_INDIVIDUAL, ~labor & work_place_employee),
            (Table2Option.LOCAL_RESIDENT, ~labor & v.work_place_resident_medical_open),
            (Table2Option.HUKOU_PLACE_EMPLOYEE_INDIVIDUAL, ~labor & v.hukou_place_employee_open),
            (Table2Option.HUKOU_PLACE_RESIDENT, ~labor & away),
        ]
    )
