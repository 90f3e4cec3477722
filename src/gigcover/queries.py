"""Questions every interface asks of the rules (classify, coverage, Table 2), answered through `calculate`."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from gigcover.engine.evaluate import Model, calculate
from gigcover.rules.coverage import SCHEME_OUTPUTS, SCHEMES, TABLE2_OUTPUTS

CLASSIFICATION_OUTPUTS = ("legal_relation", "employment_form", "new_form_category")
COVERAGE_OUTPUTS = (*CLASSIFICATION_OUTPUTS, *TABLE2_OUTPUTS, *SCHEME_OUTPUTS)


def ask(
    model: Model,
    date: str,
    region: str | None,
    inputs: Mapping[str, Any],
    outputs: Sequence[str],
    trace: bool = False,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One `calc` request built from its parts."""
    request = {"date": date, "region": region, "inputs": dict(inputs), "outputs": list(outputs), "trace": trace}
    return calculate(model, {**request, "overrides": dict(overrides or {})})


def classify(
    model: Model, date: str, region: str | None, inputs: Mapping[str, Any], trace: bool = False
) -> dict[str, Any]:
    """Table 1 form, legal relation and 56号 category for one worker."""
    return ask(model, date, region, inputs, CLASSIFICATION_OUTPUTS, trace)


def coverage(
    model: Model,
    date: str,
    region: str | None,
    inputs: Mapping[str, Any],
    trace: bool = False,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Classification, Table 2 cell and every scheme's route, place and payers."""
    return ask(model, date, region, inputs, COVERAGE_OUTPUTS, trace, overrides)


def schemes(outputs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The per-scheme outputs regrouped as rows: scheme, access, place, payers."""
    return [
        {
            "scheme": s,
            "access": outputs[f"{s}_access"],
            "place": outputs[f"{s}_place"],
            "payers": outputs[f"{s}_payers"],
        }
        for s in SCHEMES
    ]


def table2(model: Model, date: str, region: str) -> list[dict[str, Any]]:
    """All eight cells of the paper's Table 2 as the law stands on `date` in `region` (one vector call)."""
    people = list(itertools.product((True, False), (False, True), (True, False)))  # local, rural, labour
    answer = calculate(
        model,
        {
            "date": date,
            "region": region,
            "outputs": list(TABLE2_OUTPUTS),
            "inputs": {
                "hukou_local": [p[0] for p in people],
                "hukou_rural": [p[1] for p in people],
                "has_labor_contract": [p[2] for p in people],
            },
        },
    )
    out = answer["outputs"]
    return [
        {"cell": out["table2_cell"][i], "severity": out["table2_severity"][i], "options": out["table2_options"][i]}
        for i in range(len(people))
    ]
