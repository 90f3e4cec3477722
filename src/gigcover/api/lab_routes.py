"""`POST /v1/lab/runs`: the policy lab's what-if run as JSON — the same run as the analyst page (`/lab`): built-in
scenarios with edited figures on a calibrated sample, `simulate` and its measures (gigcover.policylab.whatif)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gigcover.policylab.whatif import LabRunRequest
from gigcover.web.lab import run_lab

from .limits import KIB, body_limit
from .problems import problem_responses
from .routes import json_answer

router = APIRouter()


class LabRow(BaseModel):
    scenario: str
    group: str = Field(description="`all`, or `dimension=label` (table2_cell, industry, income_decile, age_band, "
                       "intensity)")  # fmt: skip
    measure: str = Field(description="a measure of `gigcover simulate`'s summary.csv")
    value: float | None = Field(description="null: not computed for this group (e.g. no one in the fund)")


class LabRunResponse(BaseModel):
    scenarios: list[str] = Field(description="the scenarios run, baseline-2021 first when compared with")
    compared_to: str
    size: int
    seed: int
    workers: float = Field(description="the workers the sample stands for (its weights' sum)")
    projection: bool
    edits: dict[str, float] = Field(description="the figures edited (a scenario overlay on every picked scenario)")
    rows: list[LabRow] = Field(description="summary.csv's tidy rows (group `all` only unless `all_groups`)")
    charts: list[str] = Field(description="the report's charts for this run (shown on /lab)")
    notes: list[str]
    seconds: float


LAB_EXAMPLE: dict[str, Any] = {"scenarios": ["law-2026", "paper-package"], "per_order_amount": 0.1, "size": 5000}


@router.post(
    "/v1/lab/runs",
    response_model=LabRunResponse,
    responses=problem_responses(400, 413, 422, 500),
    tags=["policy lab"],
    summary="Run built-in policy-lab scenarios with edited figures on a calibrated sample",
    openapi_extra=body_limit(4 * KIB) | {"requestBody": {"content": {"application/json": {"example": LAB_EXAMPLE}}}},
)
async def lab_runs(body: LabRunRequest, request: Request) -> JSONResponse:
    """The page's run (`/lab`) as JSON: the picked built-in scenarios with the edits applied as a scenario overlay,
    on the first `size` rows of the calibrated sample (seed 2026), measured as `gigcover simulate` measures them;
    baseline-2021 is run too (unedited when not picked) for the changes against it.

    Bad values are 422 naming the field (`size` over the service's cap — at most 2,000 rows with the projection —, a
    worker share that with a scenario's government share passes 1); a run over the service's time limit is 413
    (`limit`, `unit: seconds`). Computed on the service's pool, one lab run at a time; a run made before is answered
    from the cache."""
    result = await run_lab(request.app, body)
    return json_answer(result.to_json(body.all_groups))
