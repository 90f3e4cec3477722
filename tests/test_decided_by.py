"""The law's answers name only the parameters that decided them (engine/tracer.py on the real rules): a branch of a
formula that does not apply to the worker asked about brings no warning and no verification level."""

from __future__ import annotations

from typing import Any

import gigcover


def _ask(outputs: list[str], **inputs: Any) -> dict[str, Any]:
    return gigcover.calculate({"date": "2025-09-01", "region": "310000", "inputs": inputs, "outputs": outputs})


def _named(answer: dict[str, Any]) -> set[str]:
    return {w.split(" ")[0] for w in answer["warnings"]}


def test_an_employee_treated_where_insured_rests_on_the_employee_scheme_alone() -> None:
    answer = _ask(["inpatient_reimbursement"], medical_scheme="employee", inpatient_bill=20000)
    assert answer["outputs"]["inpatient_reimbursement"] == 15200.0  # (20,000 − 1,000) × 0.8
    named = _named(answer)
    assert {"medical.inpatient.employee.deductible", "medical.inpatient.employee.annual_cap"} <= named
    assert not {n for n in named if n.startswith("medical.inpatient.resident")}
    assert "medical.inpatient.cross_province_ratio_reduction" not in named
    assert "medical.inpatient.cross_province_ratio_reduction" not in answer["verification"]["unverified_parameters"]


def test_a_resident_treated_unregistered_elsewhere_rests_on_the_resident_scheme_and_the_reduction() -> None:
    answer = _ask(
        ["inpatient_reimbursement"], medical_scheme="resident", inpatient_bill=20000,
        treatment_place="temporary_unregistered",
    )  # fmt: skip
    assert answer["outputs"]["inpatient_reimbursement"] == 9500.0  # (20,000 − 1,000) × (0.7 − 0.2)
    named = _named(answer)
    assert {"medical.inpatient.resident.deductible", "medical.inpatient.cross_province_ratio_reduction"} <= named
    assert not {n for n in named if n.startswith("medical.inpatient.employee")}


def test_a_population_counts_the_rows_each_scheme_parameter_concerns() -> None:
    found = gigcover.compute(
        {"medical_scheme": ["employee", "resident", "resident"], "inpatient_bill": [20000.0, 20000.0, 500.0]},
        ["inpatient_reimbursement"], date="2025-09-01", region="310000",
    )  # fmt: skip
    counts = {w.split(" ")[0]: n for w, n in found.warning_rows.items()}
    assert counts["medical.inpatient.employee.deductible"] == 1
    assert counts["medical.inpatient.resident.deductible"] == 2
    assert "medical.inpatient.cross_province_ratio_reduction" not in counts  # everyone treated where insured
