"""Scheme access (参保路径) per scheme: the route (employer, platform, individual, none), the place and who pays.

Every route is a formula on the employment classification, the hukou facts and dated parameters, so the same
question asked at 2021-06-01 reproduces the paper and asked at a later date shows the later law.
"""

from __future__ import annotations

import numpy as np

from gigcover.engine import Array, Decision, Inputs, Params, choose, gather, select
from gigcover.rules import registry
from gigcover.rules.coverage.categories import Access, Payer, Place, Platform, rate_by_route
from gigcover.rules.employment.classification import EmploymentForm, Industry


# -- per scheme: access, place, payers -------------------------------------------------------------------
@registry.formula(
    "单位缴纳全部职工险种",
    "Employer enrols the worker in every employee scheme",
    "bool",
    inputs=("employment_form",),
    references=("labor_contract_law.art58", "part_time_2003_12"),
)
def employer_enrols_fully(v: Inputs, p: Params) -> Array:
    """Full-time and dispatched workers (the agency is the employer); part-time workers get work injury only."""
    return gather(EmploymentForm.mask([EmploymentForm.FULL_TIME, EmploymentForm.LABOR_DISPATCH]), v.employment_form)


def _individual_route(
    labor_full: Array, work_open: Array, home_open: Array, basis_work: str, basis_home: str
) -> Decision:
    return select(
        [
            (labor_full, Access.EMPLOYER, "social_insurance_law.art10_employee"),
            (work_open, Access.INDIVIDUAL, basis_work),
            (home_open, Access.INDIVIDUAL, basis_home),
        ],
        default=(Access.NONE, "seed_paper.table2"),
    )


def _place(labor_full: Array, work_open: Array, home_open: Array) -> Array:
    return choose(
        [labor_full, work_open, home_open], [Place.WORK_PLACE, Place.WORK_PLACE, Place.HUKOU_PLACE], Place.NONE
    )


def _payers(access: Array, routes: dict[Access, tuple[Payer, ...]]) -> Array:
    """Payers of each access route, e.g. {Access.EMPLOYER: (Payer.EMPLOYER, Payer.WORKER)}, as bit sets."""
    table = np.zeros(len(Access), dtype=np.int8)  # four payers: a bit each
    for route, payers in routes.items():
        table[route] = Payer.bits(payers)
    return gather(table, access)


@registry.formula(
    "职工养老保险参保方式",
    "Employee pension: route",
    "enum",
    enum=Access,
    inputs=("employer_enrols_fully", "work_place_employee_pension_open", "hukou_place_employee_open"),
    references=("social_insurance_law.art10", "social_insurance_law.art10_employee"),
)
def employee_pension_access(v: Inputs, p: Params) -> Decision:
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
    "enum",
    enum=Place,
    inputs=("employer_enrols_fully", "work_place_employee_pension_open", "hukou_place_employee_open"),
)
def employee_pension_place(v: Inputs, p: Params) -> Array:
    """The place of work when open to the worker there, else the hukou place, else nowhere."""
    return _place(v.employer_enrols_fully, v.work_place_employee_pension_open, v.hukou_place_employee_open)


@registry.formula(
    "职工养老保险缴费方", "Employee pension: who pays", "set", enum=Payer, inputs=("employee_pension_access",)
)
def employee_pension_payers(v: Inputs, p: Params) -> Array:
    """Employer and worker (16 % + 8 %), or the worker alone as a flexible worker (20 %)."""
    return _payers(
        v.employee_pension_access, {Access.EMPLOYER: (Payer.EMPLOYER, Payer.WORKER), Access.INDIVIDUAL: (Payer.WORKER,)}
    )


@registry.formula(
    "职工养老保险单位缴费比例",
    "Employee pension: employer rate",
    "float",
    unit="ratio",
    inputs=("employee_pension_access",),
    parameters=("pension.employee.employer_rate",),
)
def employee_pension_employer_rate(v: Inputs, p: Params) -> Array:
    """Share of wages the employer pays; 0 when there is no employer route."""
    employer = v.employee_pension_access == Access.EMPLOYER
    with p.for_rows(employer):
        rate = p("pension.employee.employer_rate")
    return np.where(employer, rate, 0.0)


@registry.formula(
    "职工养老保险个人缴费比例",
    "Employee pension: worker rate",
    "float",
    unit="ratio",
    inputs=("employee_pension_access",),
    parameters=("pension.employee.worker_rate", "pension.employee.flexible.rate"),
)
def employee_pension_worker_rate(v: Inputs, p: Params) -> Array:
    """8 % of wages as an employee; the whole flexible-worker rate (20 %) of the chosen base as an individual."""
    return rate_by_route(p, v.employee_pension_access, "pension.employee.worker_rate", "pension.employee.flexible.rate")


@registry.formula(
    "职工医保参保方式",
    "Employee medical: route",
    "enum",
    enum=Access,
    inputs=("employer_enrols_fully", "work_place_employee_medical_open", "hukou_place_employee_open"),
    references=("social_insurance_law.art23", "social_insurance_law.art23_employee"),
)
def employee_medical_access(v: Inputs, p: Params) -> Decision:
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
    "enum",
    enum=Place,
    inputs=("employer_enrols_fully", "work_place_employee_medical_open", "hukou_place_employee_open"),
)
def employee_medical_place(v: Inputs, p: Params) -> Array:
    """The place of work when open to the worker there, else the hukou place, else nowhere."""
    return _place(v.employer_enrols_fully, v.work_place_employee_medical_open, v.hukou_place_employee_open)


@registry.formula(
    "职工医保缴费方", "Employee medical: who pays", "set", enum=Payer, inputs=("employee_medical_access",)
)
def employee_medical_payers(v: Inputs, p: Params) -> Array:
    """Employer and worker, or the worker alone as a flexible worker."""
    return _payers(
        v.employee_medical_access, {Access.EMPLOYER: (Payer.EMPLOYER, Payer.WORKER), Access.INDIVIDUAL: (Payer.WORKER,)}
    )


@registry.formula(
    "居民养老保险参保方式",
    "Resident pension: route",
    "enum",
    enum=Access,
    inputs=("employer_enrols_fully",),
    references=("resident_pension_2014_8",),
)
def resident_pension_access(v: Inputs, p: Params) -> Decision:
    """Anyone outside employee pension's compulsory cover may join, as an individual (国发〔2014〕8号)."""
    return select(
        [(v.employer_enrols_fully, Access.NONE, "resident_pension_2014_8")],
        default=(Access.INDIVIDUAL, "resident_pension_2014_8"),
    )


@registry.formula(
    "居民养老保险参保地",
    "Resident pension: where",
    "enum",
    enum=Place,
    inputs=("resident_pension_access", "hukou_local"),
    references=("resident_pension_2014_8",),
)
def resident_pension_place(v: Inputs, p: Params) -> Array:
    """Only at the hukou place (户籍地), which is the place of work for a local worker."""
    open_ = v.resident_pension_access != Access.NONE
    return choose([~open_, v.hukou_local], [Place.NONE, Place.WORK_PLACE], Place.HUKOU_PLACE)


@registry.formula(
    "居民养老保险缴费方", "Resident pension: who pays", "set", enum=Payer, inputs=("resident_pension_access",)
)
def resident_pension_payers(v: Inputs, p: Params) -> Array:
    """The worker's chosen tier, with a government subsidy on contributions and the basic pension."""
    return _payers(v.resident_pension_access, {Access.INDIVIDUAL: (Payer.WORKER, Payer.GOVERNMENT)})


@registry.formula(
    "居民医保参保方式",
    "Resident medical: route",
    "enum",
    enum=Access,
    inputs=("employer_enrols_fully",),
    references=("resident_medical_2016_3",),
)
def resident_medical_access(v: Inputs, p: Params) -> Decision:
    """Everyone not required to be in employee medical insurance may join (国发〔2016〕3号)."""
    return select(
        [(v.employer_enrols_fully, Access.NONE, "resident_medical_2016_3")],
        default=(Access.INDIVIDUAL, "resident_medical_2016_3"),
    )


@registry.formula(
    "居民医保参保地",
    "Resident medical: where",
    "enum",
    enum=Place,
    inputs=("resident_medical_access", "work_place_resident_medical_open"),
)
def resident_medical_place(v: Inputs, p: Params) -> Array:
    """The place of work where open to the worker, otherwise the hukou place."""
    open_ = v.resident_medical_access != Access.NONE
    return choose([~open_, v.work_place_resident_medical_open], [Place.NONE, Place.WORK_PLACE], Place.HUKOU_PLACE)


@registry.formula(
    "居民医保缴费方", "Resident medical: who pays", "set", enum=Payer, inputs=("resident_medical_access",)
)
def resident_medical_payers(v: Inputs, p: Params) -> Array:
    """An annual individual premium plus a fiscal subsidy."""
    return _payers(v.resident_medical_access, {Access.INDIVIDUAL: (Payer.WORKER, Payer.GOVERNMENT)})


@registry.formula(
    "工伤保险参保方式",
    "Work injury: route",
    "enum",
    enum=Access,
    inputs=("has_labor_relation",),
    references=("social_insurance_law.art33", "part_time_2003_12"),
)
def work_injury_access(v: Inputs, p: Params) -> Decision:
    """Every labour relation, part-time included, is covered by the employer; without one there is no route."""
    return select(
        [(v.has_labor_relation, Access.EMPLOYER, "social_insurance_law.art33")],
        default=(Access.NONE, "social_insurance_law.art33"),
    )


@registry.formula("工伤保险参保地", "Work injury: where", "enum", enum=Place, inputs=("work_injury_access",))
def work_injury_place(v: Inputs, p: Params) -> Array:
    """Where the employer (the user unit, for dispatch) is."""
    return choose([v.work_injury_access == Access.EMPLOYER], [Place.WORK_PLACE], Place.NONE)


@registry.formula("工伤保险缴费方", "Work injury: who pays", "set", enum=Payer, inputs=("work_injury_access",))
def work_injury_payers(v: Inputs, p: Params) -> Array:
    """The employer alone; the worker pays nothing (社会保险法 art. 33)."""
    return _payers(v.work_injury_access, {Access.EMPLOYER: (Payer.EMPLOYER,)})


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
def occupational_injury_covered(v: Inputs, p: Params) -> Array:
    """Without a labour relation, in a pilot industry, on a pilot platform, in a pilot province (by date)."""
    platform_in = gather(p.mask("occupational_injury.pilot.platforms", Platform), v.platform)
    platform_ok = platform_in | bool(p("occupational_injury.pilot.all_platforms"))
    return (
        ~v.has_labor_relation
        & bool(p("occupational_injury.pilot.in_force"))
        & gather(p.mask("occupational_injury.pilot.industries", Industry), v.industry)
        & platform_ok
    )


@registry.formula(
    "职业伤害保障参保方式",
    "Occupational injury: route",
    "enum",
    enum=Access,
    inputs=("occupational_injury_covered",),
    references=("occupational_injury_2025_24",),
)
def occupational_injury_access(v: Inputs, p: Params) -> Decision:
    """The platform enrols every order-taker by the day (按日参保、按单计费、每单必保)."""
    return select(
        [(v.occupational_injury_covered, Access.PLATFORM, "occupational_injury_2025_24")],
        default=(Access.NONE, "occupational_injury_2025_24"),
    )


@registry.formula(
    "职业伤害保障参保地", "Occupational injury: where", "enum", enum=Place, inputs=("occupational_injury_access",)
)
def occupational_injury_place(v: Inputs, p: Params) -> Array:
    """The pooling area where the orders are taken."""
    return choose([v.occupational_injury_access == Access.PLATFORM], [Place.WORK_PLACE], Place.NONE)


@registry.formula(
    "职业伤害保障缴费方",
    "Occupational injury: who pays",
    "set",
    enum=Payer,
    inputs=("occupational_injury_access",),
    parameters=("occupational_injury.worker_share", "occupational_injury.government_share"),
)
def occupational_injury_payers(v: Inputs, p: Params) -> Array:
    """The platform pays per order and the worker nothing (平台全额缴费); under a reform overlay of the worker or
    government share (the paper's 个人+平台 / 个人+政府 models), whoever has a share above zero pays, the platform the
    rest if any is left."""
    with p.for_rows(v.occupational_injury_access == Access.PLATFORM):  # before the pilot no row has the route
        worker = p.optional("occupational_injury.worker_share")
        government = p.optional("occupational_injury.government_share")
    if worker is None or government is None:
        return _payers(v.occupational_injury_access, {})
    worker, government = float(worker), float(government)
    shares = ((Payer.PLATFORM, 1 - worker - government), (Payer.WORKER, worker), (Payer.GOVERNMENT, government))
    payers = tuple(payer for payer, share in shares if share > 1e-9)
    return _payers(v.occupational_injury_access, {Access.PLATFORM: payers})


@registry.formula(
    "失业保险参保方式",
    "Unemployment: route",
    "enum",
    enum=Access,
    inputs=("employer_enrols_fully", "has_labor_relation"),
    parameters=("unemployment.flexible.may_join",),
    references=("social_insurance_law.art44", "unemployment_flexible"),
)
def unemployment_access(v: Inputs, p: Params) -> Decision:
    """Employer and worker with a full labour relation; flexible workers only where a local scheme admits them."""
    flexible = ~v.has_labor_relation & bool(p("unemployment.flexible.may_join"))
    return select(
        [
            (v.employer_enrols_fully, Access.EMPLOYER, "social_insurance_law.art44"),
            (flexible, Access.INDIVIDUAL, "unemployment_flexible"),
        ],
        default=(Access.NONE, "unemployment_flexible"),
    )


@registry.formula("失业保险参保地", "Unemployment: where", "enum", enum=Place, inputs=("unemployment_access",))
def unemployment_place(v: Inputs, p: Params) -> Array:
    """The place of work."""
    return choose([v.unemployment_access != Access.NONE], [Place.WORK_PLACE], Place.NONE)


@registry.formula("失业保险缴费方", "Unemployment: who pays", "set", enum=Payer, inputs=("unemployment_access",))
def unemployment_payers(v: Inputs, p: Params) -> Array:
    """Employer and worker; or the flexible worker alone."""
    return _payers(
        v.unemployment_access, {Access.EMPLOYER: (Payer.EMPLOYER, Payer.WORKER), Access.INDIVIDUAL: (Payer.WORKER,)}
    )


@registry.formula(
    "生育保险参保方式",
    "Maternity: route",
    "enum",
    enum=Access,
    inputs=("employer_enrols_fully",),
    references=("social_insurance_law.art53",),
)
def maternity_access(v: Inputs, p: Params) -> Decision:
    """Only employees, through the employer (art. 53); flexible workers have no maternity insurance."""
    return select(
        [(v.employer_enrols_fully, Access.EMPLOYER, "social_insurance_law.art53")],
        default=(Access.NONE, "social_insurance_law.art53"),
    )


@registry.formula("生育保险参保地", "Maternity: where", "enum", enum=Place, inputs=("maternity_access",))
def maternity_place(v: Inputs, p: Params) -> Array:
    """The place of work."""
    return choose([v.maternity_access == Access.EMPLOYER], [Place.WORK_PLACE], Place.NONE)


@registry.formula("生育保险缴费方", "Maternity: who pays", "set", enum=Payer, inputs=("maternity_access",))
def maternity_payers(v: Inputs, p: Params) -> Array:
    """The employer alone."""
    return _payers(v.maternity_access, {Access.EMPLOYER: (Payer.EMPLOYER,)})
