"""gigcover's 14-output subset for Shanghai (310000) as an openfisca-core (46.0.1) tax-benefit system.

Written the way an openfisca user would write it: one `Variable` class per variable on a `person` entity, monthly,
categorical variables as `openfisca_core.indexed_enums.Enum`, parameters in a dated `ParameterNode` tree (the values
of gigcover's YAML for Shanghai, with the dates they start from; openfisca has no regional layer, so this system *is*
Shanghai), parameters keyed by an enum read by fancy indexing (`parameters.x[enum_array]`), and formulas as numpy
`select` / `where`.

Two choices keep openfisca on its fast paths (an experienced user's choices, not a handicap):
* enum formulas return `Enum.member.index` codes, not Enum members: in 46.0.1 an array of Enum members is encoded
  by a Python loop over the rows (`_enum_to_index`), codes are taken as they are;
* inputs are set as int codes (enum indices), so `set_input` does no string matching.

The enum members are declared in gigcover's order, so an openfisca code is the gigcover code of the same name.

`system()` builds the 14-output system, `severity_system()` only the `table2_severity` chain
(has_labor_contract, hukou_local, hukou_rural → legal_relation → table2_cell → table2_severity).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import MONTH
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

PERIOD = "2025-09"
"""The month asked about: parameters are read at its first day, 2025-09-01 (gigcover's date)."""

Person = build_entity(key="person", plural="persons", label="A platform worker", is_person=True)


# -- enums (members in gigcover's order) ---------------------------------------------------------------------------
class Industry(Enum):
    food_delivery = "food delivery"
    instant_delivery = "instant delivery"
    ride_hailing = "ride-hailing"
    intra_city_freight = "intra-city freight"
    courier = "courier"
    livestreaming = "livestreaming"
    ecommerce = "e-commerce"
    domestic_service = "domestic service"
    other = "other"


class Platform(Enum):
    meituan = "Meituan"
    eleme = "Ele.me"
    dada = "Dada"
    shansong = "Shansong"
    huolala = "Huolala"
    kuaigou = "Kuaigou"
    caocao = "Caocao"
    didi = "DiDi"
    sf_intra_city = "SF Intra-city"
    didi_freight = "DiDi Freight"
    manbang = "Manbang"
    other = "other platform"


class Counterparty(Enum):
    platform = "the platform"
    contractor = "a contractor"
    dispatch_agency = "a dispatch agency"
    none = "none"


class LegalRelation(Enum):
    labor = "labour relation (labour law)"
    civil = "civil relation (civil law)"


class EmploymentForm(Enum):
    full_time = "full-time employment"
    labor_dispatch = "labour dispatch"
    part_time = "part-time employment"
    platform_flexible = "platform flexible work"


class NewFormCategory(Enum):
    labor_relation = "labour relation"
    incomplete_labor_relation = "incomplete labour relation"
    civil_relation = "civil relation (own business)"


class Table2Cell(Enum):
    local_urban_labor = "local hukou, urban, labour relation"
    local_urban_no_labor = "local hukou, urban, no labour relation"
    local_rural_labor = "local hukou, rural, labour relation"
    local_rural_no_labor = "local hukou, rural, no labour relation"
    nonlocal_urban_labor = "non-local hukou, urban, labour relation"
    nonlocal_urban_no_labor = "non-local hukou, urban, no labour relation"
    nonlocal_rural_labor = "non-local hukou, rural, labour relation"
    nonlocal_rural_no_labor = "non-local hukou, rural, no labour relation"


class Table2Option(Enum):
    """The routes of Table 2; `table2_options` is their bit set (bit i = the member of index i), as in gigcover."""

    local_employee = "local employee insurance"
    local_employee_individual = "local employee insurance as an individual"
    local_resident = "local resident insurance"
    hukou_place_employee_individual = "employee insurance at the hukou place, as an individual"
    hukou_place_resident = "resident insurance at the hukou place"


class Access(Enum):
    employer = "through the employer"
    platform = "through the platform"
    individual = "as an individual"
    none = "no route"


# -- parameters: gigcover's YAML values for Shanghai, from the dates they start ----------------------------------
ARRAY_LOOKUPS = {"on": False}
"""When on, parameters keyed by an enum are read as plain numpy arrays indexed by the enum's codes (what an openfisca
user switches to after profiling: openfisca-core 46's vectorial lookup loops over the rows in Python)."""


def by_enum(node: Any, enum: type[Enum], keys: Any) -> Any:
    """node[keys]: openfisca's vectorial lookup, or one numpy gather (ARRAY_LOOKUPS)."""
    if not ARRAY_LOOKUPS["on"]:
        return node[keys]
    table = np.asarray([node[member.name] for member in enum])
    return table[np.asarray(keys)]


def _dated(*pairs: tuple[str, Any]) -> dict[str, Any]:
    return {"values": {date: value for date, value in pairs}}


def _by_member(enum: type[Enum], date: str, values: dict[str, Any], default: Any) -> dict[str, Any]:
    """A parameter keyed by every member of an enum (fancy indexing needs a key for each)."""
    return {member.name: _dated((date, values.get(member.name, default))) for member in enum}


SEVERITY = {
    "local_urban_labor": 0,
    "local_rural_labor": 0,
    "nonlocal_urban_labor": 0,
    "nonlocal_rural_labor": 0,
    "local_urban_no_labor": 1,
    "local_rural_no_labor": 2,
    "nonlocal_urban_no_labor": 3,
    "nonlocal_rural_no_labor": 4,
}
PILOT_INDUSTRIES = ("ride_hailing", "food_delivery", "instant_delivery", "intra_city_freight")
PILOT_PLATFORMS_2025 = (
    "caocao", "meituan", "eleme", "dada", "shansong", "huolala", "kuaigou", "didi", "sf_intra_city", "didi_freight",
    "manbang",
)  # fmt: skip
BASE_AMOUNT_2025 = {"ride_hailing": 0.01, "instant_delivery": 0.07, "intra_city_freight": 0.18}
HIGH_BAND_2025 = {"ride_hailing": 0.01, "instant_delivery": 0.25, "intra_city_freight": 0.18}
SECTOR_OF_INDUSTRY = {
    "food_delivery": "instant_delivery",
    "instant_delivery": "instant_delivery",
    "ride_hailing": "ride_hailing",
    "intra_city_freight": "intra_city_freight",
}


def _per_industry(amounts: dict[str, float]) -> dict[str, float]:
    return {industry: amounts[sector] for industry, sector in SECTOR_OF_INDUSTRY.items()}


PARAMETERS: dict[str, Any] = {
    "employment": {
        "part_time_max_daily_hours": _dated(("2008-01-01", 4)),
        "part_time_max_weekly_hours": _dated(("2008-01-01", 24)),
    },
    "coverage": {
        "table2": {"severity": {cell: _dated(("2011-07-01", stars)) for cell, stars in SEVERITY.items()}},
        "hukou": {
            "pension_work_place_requires_local_hukou": _dated(
                ("2011-07-01", True), ("2021-07-23", True), ("2023-12-01", False)
            ),
            "medical_work_place_requires_local_hukou": _dated(
                ("2011-07-01", True), ("2021-07-23", True), ("2023-12-01", False)
            ),
            "resident_medical_work_place_open_to_nonlocal": _dated(("2016-01-12", False), ("2024-07-26", True)),
            "hukou_place_employee_individual_open": {
                "urban": _dated(("2011-07-01", True)),
                "rural": _dated(("2011-07-01", False)),
            },
        },
    },
    "wages": {
        "provincial_average_monthly": _dated(("2024-07-01", 12307), ("2025-07-01", 12434), ("2026-07-01", 12577))
    },
    "pension": {
        "employee": {
            "base_floor_monthly": _dated(("2024-07-01", 7384), ("2025-07-01", 7460), ("2026-07-01", 7546)),
            "base_ceiling_monthly": _dated(("2024-07-01", 36921), ("2025-07-01", 37302), ("2026-07-01", 37731)),
            "base_floor_ratio": _dated(("2019-05-01", 0.6)),
            "worker_rate": _dated(("2006-01-01", 0.08)),
            "flexible": {"rate": _dated(("2023-12-01", 0.24), ("2024-03-01", 0.20))},
        }
    },
    "medical": {"employee": {"flexible": {"rate": _dated(("2023-12-01", 0.11), ("2024-03-01", 0.10))}}},
    "occupational_injury": {
        "pilot": {
            "in_force": _dated(("2022-07-01", True)),
            "all_platforms": _dated(("2022-07-01", False), ("2026-07-01", True)),
            "industries": _by_member(Industry, "2025-07-01", dict.fromkeys(PILOT_INDUSTRIES, True), False),
            "platforms": _by_member(Platform, "2025-07-01", dict.fromkeys(PILOT_PLATFORMS_2025, True), False),
        },
        "base_amount_per_order": _by_member(Industry, "2025-07-01", _per_industry(BASE_AMOUNT_2025), 0.0),
        "high_band_amount_per_order": _by_member(Industry, "2025-07-01", _per_industry(HIGH_BAND_2025), 0.0),
    },
}


def round_fen(amount: Any) -> Any:
    """Yuan to the fen, half away from zero (gigcover's `money.rounding_rule` for Shanghai: fen_half_up)."""
    return np.sign(amount) * np.floor(np.abs(amount) * 100 + 0.5 + 1e-9) / 100


# -- inputs (openfisca reads a variable's attributes from its own class, so each repeats entity and period) ----------------------------------------------------------------------------------------------------------
class has_labor_contract(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "Has a labour contract"


class hukou_local(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "Local hukou (same pooling area as the place of work)"


class hukou_rural(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "Rural hukou"


class platform_manages_work(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "The platform manages the work"


class own_business(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    default_value = False
    label = "Runs their own business on the platform"


class paid_hourly(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    default_value = False
    label = "Paid mainly by the hour"


class daily_hours_one_employer(Variable):
    entity = Person
    definition_period = MONTH
    value_type = float
    default_value = 8.0
    label = "Average daily hours with one employer"


class weekly_hours_one_employer(Variable):
    entity = Person
    definition_period = MONTH
    value_type = float
    default_value = 40.0
    label = "Weekly hours with one employer"


class contract_counterparty(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = Counterparty
    default_value = Counterparty.none
    label = "Labour-contract counterparty"


class industry(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = Industry
    default_value = Industry.other
    label = "Industry"


class platform(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = Platform
    default_value = Platform.other
    label = "Platform worked for"


class pension_base_index_chosen(Variable):
    entity = Person
    definition_period = MONTH
    value_type = float
    default_value = 0.6
    label = "Chosen pension base as a share of the average wage"


class occupational_injury_high_band(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    default_value = False
    label = "Instant-delivery platform in the high band"


class occupational_injury_float_ratio(Variable):
    entity = Person
    definition_period = MONTH
    value_type = float
    default_value = 0.0
    label = "Floating ratio on the base amount"


# -- employment ------------------------------------------------------------------------------------------------------
class legal_relation(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = LegalRelation
    default_value = LegalRelation.civil
    label = "Legal relation"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return np.where(
            person("has_labor_contract", period), LegalRelation.labor.index, LegalRelation.civil.index
        ).astype(np.int16)


class has_labor_relation(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "Has a labour relation"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return person("legal_relation", period) == LegalRelation.labor


class part_time_hours_test(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "Meets the part-time hours test"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        p = parameters(period).employment
        return (
            person("paid_hourly", period)
            & (person("daily_hours_one_employer", period) <= p.part_time_max_daily_hours)
            & (person("weekly_hours_one_employer", period) <= p.part_time_max_weekly_hours)
        )


class employment_form(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = EmploymentForm
    default_value = EmploymentForm.platform_flexible
    label = "Employment form"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        labor = person("has_labor_relation", period)
        dispatch = person("contract_counterparty", period) == Counterparty.dispatch_agency
        return np.select(
            [~labor, dispatch, person("part_time_hours_test", period)],
            [
                EmploymentForm.platform_flexible.index,
                EmploymentForm.labor_dispatch.index,
                EmploymentForm.part_time.index,
            ],
            default=EmploymentForm.full_time.index,
        ).astype(np.int16)


class new_form_category(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = NewFormCategory
    default_value = NewFormCategory.civil_relation
    label = "New-employment-form category (MOHRSS 2021 No. 56)"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        managed = person("platform_manages_work", period) & ~person("own_business", period)
        return np.select(
            [person("has_labor_relation", period), managed],
            [NewFormCategory.labor_relation.index, NewFormCategory.incomplete_labor_relation.index],
            default=NewFormCategory.civil_relation.index,
        ).astype(np.int16)


# -- coverage (Table 2 and scheme routes) ------------------------------------------------------------------------
class table2_cell(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = Table2Cell
    default_value = Table2Cell.local_urban_labor
    label = "Table 2 cell"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return (
            4 * ~person("hukou_local", period)
            + 2 * person("hukou_rural", period)
            + ~person("has_labor_relation", period)
        ).astype(np.int16)


class table2_severity(Variable):
    entity = Person
    definition_period = MONTH
    value_type = int
    label = "Table 2 severity (stars)"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return by_enum(parameters(period).coverage.table2.severity, Table2Cell, person("table2_cell", period))


class work_place_employee_pension_open(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "May join employee pension as an individual at the place of work"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        requires_local = parameters(period).coverage.hukou.pension_work_place_requires_local_hukou
        return person("hukou_local", period) | (not requires_local)


class work_place_employee_medical_open(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "May join employee medical as an individual at the place of work"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        requires_local = parameters(period).coverage.hukou.medical_work_place_requires_local_hukou
        return person("hukou_local", period) | (not requires_local)


class work_place_resident_medical_open(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "May join resident medical insurance at the place of work"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        open_to_nonlocal = parameters(period).coverage.hukou.resident_medical_work_place_open_to_nonlocal
        return person("hukou_local", period) | open_to_nonlocal


class hukou_place_employee_open(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "May join employee insurance as an individual at the hukou place"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        rule = parameters(period).coverage.hukou.hukou_place_employee_individual_open
        return ~person("hukou_local", period) & np.where(person("hukou_rural", period), rule.rural, rule.urban)


class table2_options(Variable):
    entity = Person
    definition_period = MONTH
    value_type = int
    label = "Table 2 insurance routes open (bit set of Table2Option indices)"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        no_labor = ~person("has_labor_relation", period)
        work_place_employee = person("work_place_employee_pension_open", period) | person(
            "work_place_employee_medical_open", period
        )
        flags = {
            Table2Option.local_employee: ~no_labor,
            Table2Option.local_employee_individual: no_labor & work_place_employee,
            Table2Option.local_resident: no_labor & person("work_place_resident_medical_open", period),
            Table2Option.hukou_place_employee_individual: no_labor & person("hukou_place_employee_open", period),
            Table2Option.hukou_place_resident: no_labor & ~person("hukou_local", period),
        }
        return sum(flag.astype(np.int64) << option.index for option, flag in flags.items())


class employer_enrols_fully(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "Employer enrols the worker in every employee scheme"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        form = person("employment_form", period)
        return (form == EmploymentForm.full_time) | (form == EmploymentForm.labor_dispatch)


def _individual_route(person: Any, period: Any, work_place_open: str) -> Any:
    return np.select(
        [
            person("employer_enrols_fully", period),
            person(work_place_open, period),
            person("hukou_place_employee_open", period),
        ],
        [Access.employer.index, Access.individual.index, Access.individual.index],
        default=Access.none.index,
    ).astype(np.int16)


class employee_pension_access(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = Access
    default_value = Access.none
    label = "Employee pension: route"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return _individual_route(person, period, "work_place_employee_pension_open")


class employee_medical_access(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = Access
    default_value = Access.none
    label = "Employee medical: route"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return _individual_route(person, period, "work_place_employee_medical_open")


class resident_pension_access(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = Access
    default_value = Access.none
    label = "Resident pension: route"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return np.where(person("employer_enrols_fully", period), Access.none.index, Access.individual.index).astype(
            np.int16
        )


class occupational_injury_covered(Variable):
    entity = Person
    definition_period = MONTH
    value_type = bool
    label = "Occupational-injury protection applies"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        pilot = parameters(period).occupational_injury.pilot
        platform_ok = by_enum(pilot.platforms, Platform, person("platform", period)) | pilot.all_platforms
        return (
            ~person("has_labor_relation", period)
            & pilot.in_force
            & by_enum(pilot.industries, Industry, person("industry", period))
            & platform_ok
        )


class occupational_injury_access(Variable):
    entity = Person
    definition_period = MONTH
    value_type = Enum
    possible_values = Access
    default_value = Access.none
    label = "Occupational injury: route"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return np.where(person("occupational_injury_covered", period), Access.platform.index, Access.none.index).astype(
            np.int16
        )


# -- contributions ----------------------------------------------------------------------------------------------------
class employee_pension_worker_rate(Variable):
    entity = Person
    definition_period = MONTH
    value_type = float
    label = "Employee pension: worker rate"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        p = parameters(period).pension.employee
        access = person("employee_pension_access", period)
        return np.select(
            [access == Access.employer, access == Access.individual], [p.worker_rate, p.flexible.rate], 0.0
        )


class pension_base_chosen_monthly(Variable):
    entity = Person
    definition_period = MONTH
    value_type = float
    label = "Declared contribution base"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        p = parameters(period)
        index = person("pension_base_index_chosen", period)
        at_floor = np.isclose(index, p.pension.employee.base_floor_ratio)
        return np.where(at_floor, p.pension.employee.base_floor_monthly, index * p.wages.provincial_average_monthly)


class pension_base_monthly(Variable):
    entity = Person
    definition_period = MONTH
    value_type = float
    label = "Pension contribution base (within the band)"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        p = parameters(period).pension.employee
        return np.clip(person("pension_base_chosen_monthly", period), p.base_floor_monthly, p.base_ceiling_monthly)


class employee_pension_worker_contribution_monthly(Variable):
    entity = Person
    definition_period = MONTH
    value_type = float
    label = "Employee pension, worker's contribution per month"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return round_fen(person("pension_base_monthly", period) * person("employee_pension_worker_rate", period))


class employee_medical_flexible_monthly(Variable):
    entity = Person
    definition_period = MONTH
    value_type = float
    label = "Flexible worker's employee-medical contribution per month (Shanghai: a rate on the pension base)"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        rate = parameters(period).medical.employee.flexible.rate
        return round_fen(person("pension_base_monthly", period) * rate)


class occupational_injury_levy_per_order(Variable):
    entity = Person
    definition_period = MONTH
    value_type = float
    label = "Occupational-injury contribution per order"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        p = parameters(period).occupational_injury
        sector = person("industry", period)
        base = np.where(
            person("occupational_injury_high_band", period),
            by_enum(p.high_band_amount_per_order, Industry, sector),
            by_enum(p.base_amount_per_order, Industry, sector),
        )
        return np.round(base * (1 + person("occupational_injury_float_ratio", period)), 6)


INPUTS = (
    has_labor_contract, hukou_local, hukou_rural, platform_manages_work, own_business, paid_hourly,
    daily_hours_one_employer, weekly_hours_one_employer, contract_counterparty, industry, platform,
    pension_base_index_chosen, occupational_injury_high_band, occupational_injury_float_ratio,
)  # fmt: skip
FORMULAS = (
    legal_relation, has_labor_relation, part_time_hours_test, employment_form, new_form_category, table2_cell,
    table2_severity, work_place_employee_pension_open, work_place_employee_medical_open,
    work_place_resident_medical_open, hukou_place_employee_open, table2_options, employer_enrols_fully,
    employee_pension_access, employee_medical_access, resident_pension_access, occupational_injury_covered,
    occupational_injury_access, employee_pension_worker_rate, pension_base_chosen_monthly, pension_base_monthly,
    employee_pension_worker_contribution_monthly, employee_medical_flexible_monthly, occupational_injury_levy_per_order,
)  # fmt: skip
SEVERITY_CHAIN = (
    has_labor_contract,
    hukou_local,
    hukou_rural,
    legal_relation,
    has_labor_relation,
    table2_cell,
    table2_severity,
)


def _system(variables: tuple[type[Variable], ...]) -> TaxBenefitSystem:
    tbs = TaxBenefitSystem([Person])
    for variable in variables:
        tbs.add_variable(variable)
    tbs.parameters = ParameterNode("", data=PARAMETERS)
    return tbs


def system() -> TaxBenefitSystem:
    """The 14-output subset (and every variable it rests on)."""
    return _system(INPUTS + FORMULAS)


def severity_system() -> TaxBenefitSystem:
    """Only the `table2_severity` chain."""
    return _system(SEVERITY_CHAIN)
