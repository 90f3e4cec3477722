"""`gigcover.compute(..., explain=False)`: the same values without the walk back to what decided them."""

from __future__ import annotations

import numpy as np

import gigcover
from policylab.conftest_lab import random_population

OUTPUTS = [
    "table2_cell",
    "employee_pension_access",
    "employee_pension_worker_contribution_monthly",
    "resident_medical_premium_annual",
    "occupational_injury_monthly_levy",
]


def test_without_explaining_the_values_are_the_same_and_only_nan_warnings_are_said() -> None:
    # 240 workers in eight places in 2021: some places publish no average wage then, so the employee pension's cost
    # is NaN there (missing="nan") and a warning names them, explained or not; the warnings about parameter values
    # (UNVERIFIED, fallbacks) and the verification level come only with the explanation.
    people = random_population(240, seed=3)
    inputs = {k: v for k, v in people.inputs.items()}
    asked = {"date": "2021-06-01", "region": people.region, "decode": False, "missing": "nan"}
    explained = gigcover.compute(inputs, OUTPUTS, **asked)
    bare = gigcover.compute(inputs, OUTPUTS, **asked, explain=False)
    for name in OUTPUTS:
        assert np.array_equal(explained[name], bare[name], equal_nan=explained[name].dtype.kind == "f"), name
    assert np.isnan(bare["employee_pension_worker_contribution_monthly"]).any()
    not_computed = [w for w in explained.warnings if "not computed for" in w]
    assert not_computed and sorted(bare.warnings) == sorted(not_computed)
    assert explained.verification["weakest"] in ("V1", "V2", "V3", "UNVERIFIED")
    assert bare.verification == {"weakest": None, "unverified_parameters": []}
    assert len(explained.warnings) > len(bare.warnings)
