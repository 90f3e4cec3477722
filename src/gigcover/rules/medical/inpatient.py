"""Inpatient reimbursement (住院报销): deductible, ratio, cap; 医保发〔2022〕22号 for care in another province."""

from __future__ import annotations

import numpy as np

from gigcover.engine import Array, Categorical, Inputs, Params, gather
from gigcover.rules import registry, rounded


class MedicalScheme(Categorical):
    """Employee or resident basic medical insurance."""

    EMPLOYEE = "employee", "职工基本医疗保险", "employee medical insurance"
    RESIDENT = "resident", "城乡居民基本医疗保险", "resident medical insurance"


class TreatmentPlace(Categorical):
    """Where care is had, relative to the insured place (医保发〔2022〕22号)."""

    IN_PLACE = "in_place", "参保地就医", "where insured"
    REGISTERED_RESIDENT = (
        "registered_resident",
        "异地长期居住（已备案）",
        "another province, registered long-term resident",
    )
    TEMPORARY_REGISTERED = (
        "temporary_registered",
        "临时外出就医（已备案）",
        "another province, registered temporary care",
    )
    TEMPORARY_UNREGISTERED = "temporary_unregistered", "临时外出就医（未备案）", "another province, unregistered"


TREATMENT_PLACES = TreatmentPlace.ids()


registry.input(
    "medical_scheme",
    "医保类型",
    "Medical scheme",
    "enum",
    enum=MedicalScheme,
)
registry.input(
    "inpatient_bill", "住院费用（政策范围内）", "Inpatient bill (in-policy)", "float", minimum=0, unit="yuan"
)
registry.input(
    "treatment_place",
    "就医地",
    "Where treated",
    "enum",
    enum=TreatmentPlace,
    default=TreatmentPlace.IN_PLACE,
    references=("medical_cross_province_2022_22",),
    description="in_place: where insured. Other values: another province, as a registered long-term resident, a "
    "registered temporary patient, or unregistered (医保发〔2022〕22号).",
)


def _inpatient(p: Params, scheme: str, item: str) -> float:
    return float(p(f"medical.inpatient.{scheme}.{item}"))


@registry.formula(
    "住院费用预计报销",
    "Expected reimbursement of an inpatient bill",
    "float",
    unit="yuan",
    inputs=("inpatient_bill", "medical_scheme", "treatment_place"),
    parameters=(
        *tuple(
            f"medical.inpatient.{s}.{i}"
            for s in ("employee", "resident")
            for i in ("deductible", "ratio", "annual_cap")
        ),
        "medical.inpatient.cross_province_ratio_reduction",
        "money.rounding_rule",
    ),
    references=("medical_cross_province_2022_22",),
)
def inpatient_reimbursement(v: Inputs, p: Params) -> Array:
    """(bill − deductible) × ratio, up to the annual cap; the insured place's deductible, ratio and cap apply
    wherever the care is (参保地政策), less a lower ratio for temporary care in another province.
    """
    employee = v.medical_scheme == MedicalScheme.EMPLOYEE
    with p.for_rows(employee):
        employee_terms = [_inpatient(p, "employee", item) for item in ("deductible", "ratio", "annual_cap")]
    with p.for_rows(~employee):
        resident_terms = [_inpatient(p, "resident", item) for item in ("deductible", "ratio", "annual_cap")]
    deductible, ratio, cap = (np.where(employee, e, r) for e, r in zip(employee_terms, resident_terms, strict=True))
    with p.for_rows(v.treatment_place != TreatmentPlace.IN_PLACE):  # care where insured: no reduction applies
        reductions = p.dense("medical.inpatient.cross_province_ratio_reduction", TreatmentPlace, fill=0.0, dtype=float)
    reduction = gather(reductions, v.treatment_place)
    payable = np.maximum(v.inpatient_bill - deductible, 0.0) * np.maximum(ratio - reduction, 0)
    return rounded(p, np.minimum(payable, cap))


@registry.formula(
    "住院费用个人自付",
    "Out of pocket for the inpatient bill",
    "float",
    unit="yuan",
    inputs=("inpatient_bill", "inpatient_reimbursement"),
)
def inpatient_out_of_pocket(v: Inputs, p: Params) -> Array:
    """The bill less what the fund pays (in-policy items only)."""
    return np.round(v.inpatient_bill - v.inpatient_reimbursement, 2)
