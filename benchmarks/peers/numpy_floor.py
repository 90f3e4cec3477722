"""The floor: gigcover's 14-output subset for Shanghai on 2025-09-01, hand-written in plain numpy on int codes.

What a perfect engine would cost: the same rules, no engine. Inputs are bool arrays and int8 codes (gigcover's member
order, listed below so a code can be decoded to its name); categorical outputs are int8 codes, `table2_options` an
int64 bit set (bit i = option i), money float64 yuan rounded to the fen. The parameter values are the ones in force
for Shanghai on the date (gigcover's YAML); the inputs gigcover assumes when not given (no part-time hours, no
dispatch agency, not an own business, the pension base index 0.6 = the published floor, the low levy band, no
floating ratio) are folded in as constants, as a hand-written program would.
"""

from __future__ import annotations

import numpy as np

# -- code tables (gigcover's member order) --------------------------------------------------------------------------
INDUSTRY = (
    "food_delivery", "instant_delivery", "ride_hailing", "intra_city_freight", "courier", "livestreaming", "ecommerce",
    "domestic_service", "other",
)  # fmt: skip
PLATFORM = (
    "meituan", "eleme", "dada", "shansong", "huolala", "kuaigou", "caocao", "didi", "sf_intra_city", "didi_freight",
    "manbang", "other",
)  # fmt: skip
LEGAL_RELATION = ("labor", "civil")
EMPLOYMENT_FORM = ("full_time", "labor_dispatch", "part_time", "platform_flexible")
NEW_FORM_CATEGORY = ("labor_relation", "incomplete_labor_relation", "civil_relation")
TABLE2_CELL = (
    "local_urban_labor", "local_urban_no_labor", "local_rural_labor", "local_rural_no_labor", "nonlocal_urban_labor",
    "nonlocal_urban_no_labor", "nonlocal_rural_labor", "nonlocal_rural_no_labor",
)  # fmt: skip
TABLE2_OPTION = (
    "local_employee", "local_employee_individual", "local_resident", "hukou_place_employee_individual",
    "hukou_place_resident",
)  # fmt: skip
ACCESS = ("employer", "platform", "individual", "none")
CODES = {
    "legal_relation": LEGAL_RELATION,
    "employment_form": EMPLOYMENT_FORM,
    "new_form_category": NEW_FORM_CATEGORY,
    "table2_cell": TABLE2_CELL,
    "employee_pension_access": ACCESS,
    "employee_medical_access": ACCESS,
    "resident_pension_access": ACCESS,
    "occupational_injury_access": ACCESS,
}
"""Output name → its members in code order."""
SETS = {"table2_options": TABLE2_OPTION}
"""Output name → the members of its bit set in bit order."""

# -- parameters in force for Shanghai on 2025-09-01 ---------------------------------------------------------------
SEVERITY = np.array([0, 1, 0, 2, 0, 3, 0, 4], dtype=np.int64)  # by Table 2 cell
WORK_PLACE_PENSION_REQUIRES_LOCAL = False  # 沪人社规〔2023〕5号, from 2023-12-01
WORK_PLACE_MEDICAL_REQUIRES_LOCAL = False
RESIDENT_MEDICAL_OPEN_TO_NONLOCAL = True  # 国办发〔2024〕38号, from 2024-07-26
HUKOU_PLACE_EMPLOYEE_OPEN = {"urban": True, "rural": False}
PENSION_BASE = 7460.0  # the published floor from 2025-07-01 (index 0.6 = the floor ratio), within [7460, 37302]
WORKER_RATE, FLEXIBLE_RATE = 0.08, 0.20
MEDICAL_FLEXIBLE_RATE = 0.10
PILOT_IN_FORCE, PILOT_ALL_PLATFORMS = True, False
PILOT_INDUSTRY = np.isin(INDUSTRY, ("ride_hailing", "food_delivery", "instant_delivery", "intra_city_freight"))
PILOT_PLATFORM = np.isin(PLATFORM, ("caocao", "meituan", "eleme", "dada", "shansong", "huolala", "kuaigou", "didi",
                                    "sf_intra_city", "didi_freight", "manbang"))  # fmt: skip
LEVY = np.zeros(len(INDUSTRY))  # yuan per order, low band, by industry
LEVY[[INDUSTRY.index("food_delivery"), INDUSTRY.index("instant_delivery")]] = 0.07
LEVY[INDUSTRY.index("ride_hailing")] = 0.01
LEVY[INDUSTRY.index("intra_city_freight")] = 0.18

EMPLOYER, PLATFORM_ROUTE, INDIVIDUAL, NONE = range(4)


def round_fen(amount: np.ndarray | float) -> np.ndarray | float:
    return np.sign(amount) * np.floor(np.abs(amount) * 100 + 0.5 + 1e-9) / 100


def table2_cell(has_labor_contract: np.ndarray, hukou_local: np.ndarray, hukou_rural: np.ndarray) -> np.ndarray:
    cell = (~hukou_local).view(np.int8) << 2
    cell |= hukou_rural.view(np.int8) << 1
    cell |= (~has_labor_contract).view(np.int8)
    return cell


def table2_severity(has_labor_contract: np.ndarray, hukou_local: np.ndarray, hukou_rural: np.ndarray) -> np.ndarray:
    """The `table2_severity` chain alone."""
    return SEVERITY[table2_cell(has_labor_contract, hukou_local, hukou_rural)]


def compute(
    has_labor_contract: np.ndarray,
    hukou_local: np.ndarray,
    hukou_rural: np.ndarray,
    platform_manages_work: np.ndarray,
    industry: np.ndarray,
    platform: np.ndarray,
) -> dict[str, np.ndarray]:
    """The 14 outputs from bool arrays and int8 industry/platform codes."""
    n = len(has_labor_contract)
    labor = has_labor_contract  # a labour contract is a labour relation; with no dispatch and no part-time hours
    no_labor = ~labor  # given, every labour relation is full time and the employer enrols fully
    away = ~hukou_local
    cell = table2_cell(labor, hukou_local, hukou_rural)

    legal = no_labor.view(np.int8).copy()  # labor 0, civil 1
    form = np.where(labor, np.int8(0), np.int8(3))  # full_time / platform_flexible
    category = np.where(labor, np.int8(0), np.where(platform_manages_work, np.int8(1), np.int8(2)))

    work_pension_open = hukou_local | (not WORK_PLACE_PENSION_REQUIRES_LOCAL)
    work_medical_open = hukou_local | (not WORK_PLACE_MEDICAL_REQUIRES_LOCAL)
    work_resident_open = hukou_local | RESIDENT_MEDICAL_OPEN_TO_NONLOCAL
    home_open = away & np.where(hukou_rural, HUKOU_PLACE_EMPLOYEE_OPEN["rural"], HUKOU_PLACE_EMPLOYEE_OPEN["urban"])
    options = labor.astype(np.int64)
    options |= (no_labor & (work_pension_open | work_medical_open)).astype(np.int64) << 1
    options |= (no_labor & work_resident_open).astype(np.int64) << 2
    options |= (no_labor & home_open).astype(np.int64) << 3
    options |= (no_labor & away).astype(np.int64) << 4

    def route(work_open: np.ndarray) -> np.ndarray:
        out = np.full(n, NONE, dtype=np.int8)
        out[home_open] = INDIVIDUAL
        out[work_open] = INDIVIDUAL
        out[labor] = EMPLOYER
        return out

    pension_access = route(work_pension_open)
    covered = no_labor & PILOT_INDUSTRY[industry] & (PILOT_PLATFORM[platform] | PILOT_ALL_PLATFORMS) & PILOT_IN_FORCE
    rate = np.where(pension_access == EMPLOYER, WORKER_RATE, np.where(pension_access == INDIVIDUAL, FLEXIBLE_RATE, 0.0))
    return {
        "legal_relation": legal,
        "employment_form": form,
        "new_form_category": category,
        "table2_cell": cell,
        "table2_severity": SEVERITY[cell],
        "table2_options": options,
        "employee_pension_access": pension_access,
        "employee_medical_access": route(work_medical_open),
        "resident_pension_access": np.where(labor, np.int8(NONE), np.int8(INDIVIDUAL)),
        "occupational_injury_access": np.where(covered, np.int8(PLATFORM_ROUTE), np.int8(NONE)),
        "pension_base_monthly": np.full(n, PENSION_BASE),
        "employee_pension_worker_contribution_monthly": round_fen(PENSION_BASE * rate),
        "employee_medical_flexible_monthly": np.full(n, round_fen(PENSION_BASE * MEDICAL_FLEXIBLE_RATE)),
        "occupational_injury_levy_per_order": LEVY[industry],
    }
