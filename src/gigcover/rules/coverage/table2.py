"""The paper's Table 2 (表2): local or non-local hukou × urban or rural × labour relation or not, its stars and the routes open on a date."""

from __future__ import annotations

import numpy as np

from gigcover.engine import CALL_REGION, Array, Inputs, Params, bitset, gather
from gigcover.rules import registry
from gigcover.rules.coverage.categories import Platform, Table2Cell, Table2Option
from gigcover.rules.employment.classification import LegalRelation

registry.input("hukou_rural", "是否农村（农业）户籍", "Rural (agricultural) hukou", "bool")
registry.input("hukou_region", "户籍所在地", "Hukou region (GB/T 2260)", "region")
registry.input(
    "work_region",
    "就业地（接单地）",
    "Place of work (GB/T 2260)",
    "region",
    default=CALL_REGION,
    description="Defaults to the region of the question.",
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
