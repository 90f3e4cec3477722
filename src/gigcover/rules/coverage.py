"""Scheme access (参保路径) by labour relation and hukou: the paper's Table 2, and how the law moved since.

Every route is a formula on the employment classification, the hukou facts and dated parameters, so the same
question asked at 2021-06-01 reproduces the paper and asked at a later date shows the later law.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gigcover.engine.variables import CALL_REGION
from gigcover.engine.vector import choose, isin, lookup, names_where, scalar_if_0d, select
from gigcover.rules import registry

TABLE2_CELLS = tuple(
    f"{h}_{u}_{r}" for h in ("local", "nonlocal") for u in ("urban", "rural") for r in ("labor", "no_labor")
)
TABLE2_OPTIONS = (
    "local_employee",
    "local_employee_individual",
    "local_resident",
    "hukou_place_employee_individual",
    "hukou_place_resident",
)
PLATFORMS = (
    "meituan",
    "eleme",
    "dada",
    "shansong",
    "huolala",
    "kuaigou",
    "caocao",
    "didi",
    "sf_intra_city",
    "didi_freight",
    "manbang",
    "other",
)
ACCESS = ("employer", "platform", "individual", "none")
PLACES = ("work_place", "hukou_place", "none")
SCHEMES = (
    "employee_pension",
    "employee_medical",
    "resident_pension",
    "resident_medical",
    "work_injury",
    "occupational_injury",
    "unemployment",
    "maternity",
)
SCHEME_LABELS = {
    "employee_pension": ("职工基本养老保险", "Employee basic pension"),
    "employee_medical": ("职工基本医疗保险", "Employee basic medical insurance"),
    "resident_pension": ("城乡居民基本养老保险", "Resident basic pension"),
    "resident_medical": ("城乡居民基本医疗保险", "Resident basic medical insurance"),
    "work_injury": ("工伤保险", "Work-injury insurance"),
    "occupational_injury": ("职业伤害保障", "Occupational-injury protection"),
    "unemployment": ("失业保险", "Unemployment insurance"),
    "maternity": ("生育保险", "Maternity insurance"),
}

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
    "str",
    allowed=PLATFORMS,
    description="The platform the worker takes orders from; 'other' for any platform not named.",
)


@registry.formula(
    "是否本地户籍", "Local hukou", "bool", inputs=("hukou_region", "work_region"), references=("seed_paper.table2",)
)
def hukou_local(v: Any, p: Any) -> Any:
    """Hukou in the same insurance pooling area (统筹地区: the prefecture-level city; a municipality as a whole)."""
    unit = np.vectorize(p.regions.pooling_unit, otypes=[str])
    return scalar_if_0d(unit(np.asarray(v.hukou_region)) == unit(np.asarray(v.work_region)))


@registry.formula(
    "是否建立劳动关系", "Has a labour relation", "bool", inputs=("legal_relation",), references=("seed_paper.table1",)
)
def has_labor_relation(v: Any, p: Any) -> Any:
    """Table 2's column: labour relation yes (是) or no (否)."""
    return scalar_if_0d(np.asarray(v.legal_relation) == "labor")


@registry.formula(
    "表2 类型",
    "Table 2 cell",
    "str",
    allowed=TABLE2_CELLS,
    inputs=("hukou_local", "hukou_rural", "has_labor_relation"),
    references=("seed_paper.table2",),
)
def table2_cell(v: Any, p: Any) -> Any:
    """Local/non-local hukou × urban/rural hukou × labour relation or not."""
    index = (
        4 * ~np.asarray(v.hukou_local, dtype=bool)
        + 2 * np.asarray(v.hukou_rural, dtype=bool)
        + ~np.asarray(v.has_labor_relation, dtype=bool)
    )
    return scalar_if_0d(np.asarray(TABLE2_CELLS)[index])


@registry.formula(
    "表2 困境程度（星号）",
    "Table 2 severity (stars)",
    "int",
    inputs=("table2_cell",),
    parameters=("coverage.table2.severity",),
    references=("seed_paper.table2",),
)
def table2_severity(v: Any, p: Any) -> Any:
    """The paper's stars for the cell: 0 with a labour relation, 1–4 without."""
    return scalar_if_0d(np.asarray(lookup(p("coverage.table2.severity"), v.table2_cell)).astype(int))


# -- where a worker without a labour relation may enrol --------------------------------------------------
@registry.formula(
    "可在就业地以个人身份参加职工养老保险",
    "May join employee pension as an individual at the place of work",
    "bool",
    inputs=("hukou_local",),
    parameters=("coverage.hukou.pension_work_place_requires_local_hukou",),
    references=("social_insurance_law.art10", "mohrss_2021_56.hukou"),
)
def work_place_employee_pension_open(v: Any, p: Any) -> Any:
    """Open to local hukou always; to others once the place of work lifted its hukou limit."""
    return scalar_if_0d(np.asarray(v.hukou_local) | (not p("coverage.hukou.pension_work_place_requires_local_hukou")))


@registry.formula(
    "可在就业地以个人身份参加职工医保",
    "May join employee medical as an individual at the place of work",
    "bool",
    inputs=("hukou_local",),
    parameters=("coverage.hukou.medical_work_place_requires_local_hukou",),
    references=("social_insurance_law.art23", "mohrss_2021_56.hukou"),
)
def work_place_employee_medical_open(v: Any, p: Any) -> Any:
    """Open to local hukou always; to others once the place of work lifted its hukou limit."""
    return scalar_if_0d(np.asarray(v.hukou_local) | (not p("coverage.hukou.medical_work_place_requires_local_hukou")))


@registry.formula(
    "可在就业地参加居民医保",
    "May join resident medical insurance at the place of work",
    "bool",
    inputs=("hukou_local",),
    parameters=("coverage.hukou.resident_medical_work_place_open_to_nonlocal",),
    references=("resident_medical_2016_3",),
)
def work_place_resident_medical_open(v: Any, p: Any) -> Any:
    """Local hukou always; others where residence-based enrolment is open."""
    return scalar_if_0d(np.asarray(v.hukou_local) | p("coverage.hukou.resident_medical_work_place_open_to_nonlocal"))


@registry.formula(
    "可在户籍地以个人身份参加职工保险",
    "May join employee insurance as an individual at the hukou place",
    "bool",
    inputs=("hukou_local", "hukou_rural"),
    parameters=("coverage.hukou.hukou_place_employee_individual_open",),
    references=("seed_paper.table2",),
)
def hukou_place_employee_open(v: Any, p: Any) -> Any:
    """For workers away from home: urban hukou may keep paying at home as individuals, rural hukou may not."""
    rule = p("coverage.hukou.hukou_place_employee_individual_open")
    away = ~np.asarray(v.hukou_local, dtype=bool)
    return scalar_if_0d(away & np.where(v.hukou_rural, rule["rural"], rule["urban"]))


@registry.formula(
    "表2 可选参保路径",
    "Table 2 insurance routes open",
    "list",
    allowed=TABLE2_OPTIONS,
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
def table2_options(v: Any, p: Any) -> Any:
    """The routes of Table 2 open on the date: employer cover with a labour relation, else the individual routes."""
    labor = np.asarray(v.has_labor_relation, dtype=bool)
    away = ~np.asarray(v.hukou_local, dtype=bool)
    work_place_employee = np.asarray(v.work_place_employee_pension_open) | np.asarray(
        v.work_place_employee_medical_open
    )
    return names_where(
        {
            "local_employee": labor,
            "local_employee_individual": ~labor & work_place_employee,
            "local_resident": ~labor & np.asarray(v.work_place_resident_medical_open, dtype=bool),
            "hukou_place_employee_individual": ~labor & np.asarray(v.hukou_place_employee_open, dtype=bool),
            "hukou_place_resident": ~labor & away,
        }
    )


# -- per scheme: access, place, payers -------------------------------------------------------------------
@registry.formula(
    "单位缴纳全部职工险种",
    "Employer enrols the worker in every employee scheme",
    "bool",
    inputs=("employment_form",),
    references=("labor_contract_law.art58", "part_time_2003_12"),
)
def employer_enrols_fully(v: Any, p: Any) -> Any:
    """Full-time and dispatched workers (the agency is the employer); part-time workers get work injury only."""
    return isin(v.employment_form, ("full_time", "labor_dispatch"))


def _individual_route(labor_full: Any, work_open: Any, home_open: Any, basis_work: str, basis_home: str) -> Any:
    return select(
        [
            (labor_full, "employer", "social_insurance_law.art10_employee"),
            (work_open, "individual", basis_work),
            (home_open, "individual", basis_home),
        ],
        default=("none", "seed_paper.table2"),
    )


def _place(labor_full: Any, work_open: Any, home_open: Any) -> Any:
    return choose([labor_full, work_open, home_open], ["work_place", "work_place", "hukou_place"], "none")


def _payers(access: Any, routes: dict[str, str]) -> Any:
    """Payers of each access route, e.g. {"employer": "employer,worker"} → lists."""
    table = {**{k: v.split(",") for k, v in routes.items()}, "none": []}
    return lookup(table, access)


@registry.formula(
    "职工养老保险参保方式",
    "Employee pension: route",
    "str",
    allowed=ACCESS,
    inputs=("employer_enrols_fully", "work_place_employee_pension_open", "hukou_place_employee_open"),
    references=("social_insurance_law.art10", "social_insurance_law.art10_employee"),
)
def employee_pension_access(v: Any, p: Any) -> Any:
    """Through the employer with a full labour relation; else as an individual where open (art. 10 ¶2)."""
    return _individual_route(
        v.employer_enrols_fully,
        v.work_place_employee_pension_open,
        v.hukou_place_employee_open,
        "social_insurance_law.art10",
        "seed_paper.table2",
    )


@registry.formula(
    "职工养老保险参保地",
    "Employee pension: where",
    "str",
    allowed=PLACES,
    inputs=("employer_enrols_fully", "work_place_employee_pension_open", "hukou_place_employee_open"),
)
def employee_pension_place(v: Any, p: Any) -> Any:
    """The place of work when open to the worker there, else the hukou place, else nowhere."""
    return _place(v.employer_enrols_fully, v.work_place_employee_pension_open, v.hukou_place_employee_open)


@registry.formula("职工养老保险缴费方", "Employee pension: who pays", "list", inputs=("employee_pension_access",))
def employee_pension_payers(v: Any, p: Any) -> Any:
    """Employer and worker (16 % + 8 %), or the worker alone as a flexible worker (20 %)."""
    return _payers(v.employee_pension_access, {"employer": "employer,worker", "individual": "worker"})


@registry.formula(
    "职工养老保险单位缴费比例",
    "Employee pension: employer rate",
    "float",
    unit="ratio",
    inputs=("employee_pension_access",),
    parameters=("pension.employee.employer_rate",),
)
def employee_pension_employer_rate(v: Any, p: Any) -> Any:
    """Share of wages the employer pays; 0 when there is no employer route."""
    return scalar_if_0d(
        np.where(np.asarray(v.employee_pension_access) == "employer", p("pension.employee.employer_rate"), 0.0)
    )


@registry.formula(
    "职工养老保险个人缴费比例",
    "Employee pension: worker rate",
    "float",
    unit="ratio",
    inputs=("employee_pension_access",),
    parameters=("pension.employee.worker_rate", "pension.employee.flexible.rate"),
)
def employee_pension_worker_rate(v: Any, p: Any) -> Any:
    """8 % of wages as an employee; the whole flexible-worker rate (20 %) of the chosen base as an individual."""
    access = np.asarray(v.employee_pension_access)
    return choose(
        [access == "employer", access == "individual"],
        [p("pension.employee.worker_rate"), p("pension.employee.flexible.rate")],
        0.0,
    )


@registry.formula(
    "职工医保参保方式",
    "Employee medical: route",
    "str",
    allowed=ACCESS,
    inputs=("employer_enrols_fully", "work_place_employee_medical_open", "hukou_place_employee_open"),
    references=("social_insurance_law.art23", "social_insurance_law.art23_employee"),
)
def employee_medical_access(v: Any, p: Any) -> Any:
    """Through the employer with a full labour relation; else as an individual where open (art. 23 ¶2)."""
    return _individual_route(
        v.employer_enrols_fully,
        v.work_place_employee_medical_open,
        v.hukou_place_employee_open,
        "social_insurance_law.art23",
        "seed_paper.table2",
    )


@registry.formula(
    "职工医保参保地",
    "Employee medical: where",
    "str",
    allowed=PLACES,
    inputs=("employer_enrols_fully", "work_place_employee_medical_open", "hukou_place_employee_open"),
)
def employee_medical_place(v: Any, p: Any) -> Any:
    """The place of work when open to the worker there, else the hukou place, else nowhere."""
    return _place(v.employer_enrols_fully, v.work_place_employee_medical_open, v.hukou_place_employee_open)


@registry.formula("职工医保缴费方", "Employee medical: who pays", "list", inputs=("employee_medical_access",))
def employee_medical_payers(v: Any, p: Any) -> Any:
    """Employer and worker, or the worker alone as a flexible worker."""
    return _payers(v.employee_medical_access, {"employer": "employer,worker", "individual": "worker"})


@registry.formula(
    "居民养老保险参保方式",
    "Resident pension: route",
    "str",
    allowed=ACCESS,
    inputs=("employer_enrols_fully",),
    references=("resident_pension_2014_8",),
)
def resident_pension_access(v: Any, p: Any) -> Any:
    """Anyone outside employee pension's compulsory cover may join, as an individual (国发〔2014〕8号)."""
    return select(
        [(v.employer_enrols_fully, "none", "resident_pension_2014_8")],
        default=("individual", "resident_pension_2014_8"),
    )


@registry.formula(
    "居民养老保险参保地",
    "Resident pension: where",
    "str",
    allowed=PLACES,
    inputs=("resident_pension_access", "hukou_local"),
    references=("resident_pension_2014_8",),
)
def resident_pension_place(v: Any, p: Any) -> Any:
    """Only at the hukou place (户籍地), which is the place of work for a local worker."""
    open_ = np.asarray(v.resident_pension_access) != "none"
    return scalar_if_0d(np.where(open_, np.where(v.hukou_local, "work_place", "hukou_place"), "none"))


@registry.formula("居民养老保险缴费方", "Resident pension: who pays", "list", inputs=("resident_pension_access",))
def resident_pension_payers(v: Any, p: Any) -> Any:
    """The worker's chosen tier, with a government subsidy on contributions and the basic pension."""
    return _payers(v.resident_pension_access, {"individual": "worker,government"})


@registry.formula(
    "居民医保参保方式",
    "Resident medical: route",
    "str",
    allowed=ACCESS,
    inputs=("employer_enrols_fully",),
    references=("resident_medical_2016_3",),
)
def resident_medical_access(v: Any, p: Any) -> Any:
    """Everyone not required to be in employee medical insurance may join (国发〔2016〕3号)."""
    return select(
        [(v.employer_enrols_fully, "none", "resident_medical_2016_3")],
        default=("individual", "resident_medical_2016_3"),
    )


@registry.formula(
    "居民医保参保地",
    "Resident medical: where",
    "str",
    allowed=PLACES,
    inputs=("resident_medical_access", "work_place_resident_medical_open"),
)
def resident_medical_place(v: Any, p: Any) -> Any:
    """The place of work where open to the worker, otherwise the hukou place."""
    open_ = np.asarray(v.resident_medical_access) != "none"
    return scalar_if_0d(
        np.where(open_, np.where(v.work_place_resident_medical_open, "work_place", "hukou_place"), "none")
    )


@registry.formula("居民医保缴费方", "Resident medical: who pays", "list", inputs=("resident_medical_access",))
def resident_medical_payers(v: Any, p: Any) -> Any:
    """An annual individual premium plus a fiscal subsidy."""
    return _payers(v.resident_medical_access, {"individual": "worker,government"})


@registry.formula(
    "工伤保险参保方式",
    "Work injury: route",
    "str",
    allowed=ACCESS,
    inputs=("has_labor_relation",),
    references=("social_insurance_law.art33", "part_time_2003_12"),
)
def work_injury_access(v: Any, p: Any) -> Any:
    """Every labour relation, part-time included, is covered by the employer; without one there is no route."""
    return select(
        [(v.has_labor_relation, "employer", "social_insurance_law.art33")],
        default=("none", "social_insurance_law.art33"),
    )


@registry.formula("工伤保险参保地", "Work injury: where", "str", allowed=PLACES, inputs=("work_injury_access",))
def work_injury_place(v: Any, p: Any) -> Any:
    """Where the employer (the user unit, for dispatch) is."""
    return scalar_if_0d(np.where(np.asarray(v.work_injury_access) == "employer", "work_place", "none"))


@registry.formula("工伤保险缴费方", "Work injury: who pays", "list", inputs=("work_injury_access",))
def work_injury_payers(v: Any, p: Any) -> Any:
    """The employer alone; the worker pays nothing (社会保险法 art. 33)."""
    return _payers(v.work_injury_access, {"employer": "employer"})


@registry.formula(
    "职业伤害保障覆盖",
    "Occupational-injury protection applies",
    "bool",
    inputs=("has_labor_relation", "industry", "platform"),
    parameters=(
        "occupational_injury.pilot.in_force",
        "occupational_injury.pilot.industries",
        "occupational_injury.pilot.platforms",
        "occupational_injury.pilot.all_platforms",
    ),
    references=("occupational_injury_2021_110", "occupational_injury_2025_24"),
)
def occupational_injury_covered(v: Any, p: Any) -> Any:
    """Without a labour relation, in a pilot industry, on a pilot platform, in a pilot province (by date)."""
    platform_in = np.asarray(isin(v.platform, p("occupational_injury.pilot.platforms")), dtype=bool)
    platform_ok = platform_in | bool(p("occupational_injury.pilot.all_platforms"))
    return scalar_if_0d(
        ~np.asarray(v.has_labor_relation, dtype=bool)
        & bool(p("occupational_injury.pilot.in_force"))
        & np.asarray(isin(v.industry, p("occupational_injury.pilot.industries")), dtype=bool)
        & platform_ok
    )


@registry.formula(
    "职业伤害保障参保方式",
    "Occupational injury: route",
    "str",
    allowed=ACCESS,
    inputs=("occupational_injury_covered",),
    references=("occupational_injury_2025_24",),
)
def occupational_injury_access(v: Any, p: Any) -> Any:
    """The platform enrols every order-taker by the day (按日参保、按单计费、每单必保)."""
    return select(
        [(v.occupational_injury_covered, "platform", "occupational_injury_2025_24")],
        default=("none", "occupational_injury_2025_24"),
    )


@registry.formula(
    "职业伤害保障参保地", "Occupational injury: where", "str", allowed=PLACES, inputs=("occupational_injury_access",)
)
def occupational_injury_place(v: Any, p: Any) -> Any:
    """The pooling area where the orders are taken."""
    return scalar_if_0d(np.where(np.asarray(v.occupational_injury_access) == "platform", "work_place", "none"))


@registry.formula("职业伤害保障缴费方", "Occupational injury: who pays", "list", inputs=("occupational_injury_access",))
def occupational_injury_payers(v: Any, p: Any) -> Any:
    """The platform pays per order; the worker pays nothing (平台全额缴费)."""
    return _payers(v.occupational_injury_access, {"platform": "platform"})


@registry.formula(
    "失业保险参保方式",
    "Unemployment: route",
    "str",
    allowed=ACCESS,
    inputs=("employer_enrols_fully", "has_labor_relation"),
    parameters=("unemployment.flexible.may_join",),
    references=("social_insurance_law.art44", "unemployment_flexible"),
)
def unemployment_access(v: Any, p: Any) -> Any:
    """Employer and worker with a full labour relation; flexible workers only where a local scheme admits them."""
    flexible = ~np.asarray(v.has_labor_relation, dtype=bool) & bool(p("unemployment.flexible.may_join"))
    return select(
        [
            (v.employer_enrols_fully, "employer", "social_insurance_law.art44"),
            (flexible, "individual", "unemployment_flexible"),
        ],
        default=("none", "unemployment_flexible"),
    )


@registry.formula("失业保险参保地", "Unemployment: where", "str", allowed=PLACES, inputs=("unemployment_access",))
def unemployment_place(v: Any, p: Any) -> Any:
    """The place of work."""
    return scalar_if_0d(np.where(np.asarray(v.unemployment_access) != "none", "work_place", "none"))


@registry.formula("失业保险缴费方", "Unemployment: who pays", "list", inputs=("unemployment_access",))
def unemployment_payers(v: Any, p: Any) -> Any:
    """Employer and worker; or the flexible worker alone."""
    return _payers(v.unemployment_access, {"employer": "employer,worker", "individual": "worker"})


@registry.formula(
    "生育保险参保方式",
    "Maternity: route",
    "str",
    allowed=ACCESS,
    inputs=("employer_enrols_fully",),
    references=("social_insurance_law.art53",),
)
def maternity_access(v: Any, p: Any) -> Any:
    """Only employees, through the employer (art. 53); flexible workers have no maternity insurance."""
    return select(
        [(v.employer_enrols_fully, "employer", "social_insurance_law.art53")],
        default=("none", "social_insurance_law.art53"),
    )


@registry.formula("生育保险参保地", "Maternity: where", "str", allowed=PLACES, inputs=("maternity_access",))
def maternity_place(v: Any, p: Any) -> Any:
    """The place of work."""
    return scalar_if_0d(np.where(np.asarray(v.maternity_access) == "employer", "work_place", "none"))


@registry.formula("生育保险缴费方", "Maternity: who pays", "list", inputs=("maternity_access",))
def maternity_payers(v: Any, p: Any) -> Any:
    """The employer alone."""
    return _payers(v.maternity_access, {"employer": "employer"})


SCHEME_OUTPUTS = tuple(f"{s}_{part}" for s in SCHEMES for part in ("access", "place", "payers"))
TABLE2_OUTPUTS = ("table2_cell", "table2_severity", "table2_options")
