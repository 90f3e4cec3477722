"""Occupational-injury claims over HTTP (issue 11 item 6): report (worker or platform) → confirm or reject (admin) →
outcome, benefit by the rules (admin) → pay (admin). The states and transitions are `gigcover.ledger.claims.TRANSITIONS`;
an action the claim's state does not allow → 409 naming the state and the allowed actions. Reading: an admin every
claim, a worker their own, a platform those it reported; any other claim is 404 (its existence is not disclosed).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from gigcover.ledger import claims as service
from gigcover.ledger.access import Principal, Role
from gigcover.ledger.claims import Claim, ClaimInvalid, ClaimNotFound, Outcome, Report, State, TransitionRefused

from .ledger_routes import MAX_ID, AdminOnly, AnyRole, LedgerDep, PlatformOrWorker, _invalid
from .problems import ProblemResponse, problem, problem_responses

router = APIRouter(tags=["ledger: claims"])

COVER_RULE = {
    "verified": [
        "cover is for accidents while performing a platform order (执行平台订单任务期间, press wording of the 2025 "
        "notice, V3): `in_order` is the ledger's evidence for it",
        "cover is by the day (按日参保, MOHRSS 2025, V3): `covered_day`",
        "the benefit items and formulas of the 2025 规程 (人社厅函〔2025〕79号, V2); see each answer's verification",
    ],
    "assumptions": [
        "UNVERIFIED: that the way between orders is covered, within `window_minutes` (default 30, "
        "GIGCOVER_CLAIM_WINDOW_MINUTES)",
        "UNVERIFIED: the list of situations confirmed or deemed (应当确认/视同); the admin decides cover",
        "UNVERIFIED: reporting and application deadlines; none is enforced (工伤: 30 days / 1 year, art. 17)",
        "medical costs are paid as recorded (catalogue checks not modelled); days off work earn no fund item (no "
        "employer, no 停工留薪期工资); monthly items are shown, not paid by the one payment",
    ],
}

StateName = Literal["reported", "cover_confirmed", "assessed", "paid", "rejected"]


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accident_at: dt.datetime = Field(description="when the accident happened, with its UTC offset")
    region: str = Field(pattern=r"^\d{6}$", description="GB/T 2260 code of the place", examples=["310000"])
    description: str = Field(min_length=1, max_length=service.MAX_DESCRIPTION)
    order_id: str | None = Field(None, min_length=1, max_length=64, description="the order, if any")
    worker_id_number: str | None = Field(
        None, min_length=1, max_length=32, description="required when a platform reports; a worker leaves it out"
    )


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=service.MAX_DESCRIPTION)


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    medical_fen: int = Field(0, ge=0, le=service.MAX_MEDICAL_FEN, description="medical costs, fen")
    days_off: int = Field(0, ge=0, le=service.MAX_DAYS_OFF, description="days off work (recorded; no fund item)")
    disability_grade: int | None = Field(None, ge=1, le=10, description="劳动能力鉴定 grade 1–10; none: no disability")
    death: bool = False
    dependant_spouse: bool = False
    dependants_other: int = Field(0, ge=0, le=service.MAX_DEPENDANTS)
    dependants_lone: int = Field(0, ge=0, le=service.MAX_DEPENDANTS)


class BenefitItemOut(BaseModel):
    item: str
    label_zh: str
    label_en: str
    amount_fen: int
    per: Literal["once", "month"]
    paid_now: bool
    source: str


class BenefitOut(BaseModel):
    date: dt.date = Field(description="the accident's CST day: the rules' date")
    region: str
    items: list[BenefitItemOut]
    paid_now_fen: int = Field(description="paid by the payment: the one-time items and the medical costs")
    monthly_fen: int = Field(description="monthly items (伤残津贴, 供养亲属抚恤金), shown, not paid now")
    warnings: list[str]
    verification: dict[str, Any] = Field(description="what the amounts rest on; UNVERIFIED values named")
    trace: list[dict[str, Any]] = Field(description="the rules' trace: each variable, its formula and parameters")


class ClaimOut(BaseModel):
    id: int
    state: StateName
    allowed_actions: list[str]
    worker_id: int
    reported_by: str
    reported_at: dt.datetime
    accident_at: dt.datetime
    region: str
    order_id: str | None
    order_platform_id: int | None
    description: str
    in_order: bool = Field(description="the accident fell within an active order of the worker (any platform)")
    near_order: bool = Field(description="not in an order, but within window_minutes of one (UNVERIFIED rule)")
    window_minutes: int
    covered_day: bool = Field(description="the accident's CST day is a covered day (按日参保)")
    reason: str | None
    outcome: dict[str, Any] | None
    benefit_fen: int | None
    benefit: BenefitOut | None = None
    cover_rule: dict[str, list[str]] | None = None


class ClaimList(BaseModel):
    claims: list[ClaimOut]


def _out(claim: Claim, detail: bool) -> ClaimOut:
    return ClaimOut(
        id=claim.id,
        state=claim.state.value,
        allowed_actions=claim.allowed_actions,
        worker_id=claim.worker_id,
        reported_by=claim.reported_by,
        reported_at=claim.reported_at,
        accident_at=claim.accident_at,
        region=claim.region,
        order_id=claim.order_id,
        order_platform_id=claim.order_platform_id,
        description=claim.description,
        in_order=claim.in_order,
        near_order=claim.near_order,
        window_minutes=claim.window_minutes,
        covered_day=claim.covered_day,
        reason=claim.reason,
        outcome=claim.outcome,
        benefit_fen=claim.benefit_fen,
        benefit=BenefitOut.model_validate(claim.benefit) if detail and claim.benefit else None,
        cover_rule=COVER_RULE if detail else None,
    )


ClaimPath = Annotated[int, Path(ge=1, le=MAX_ID, description="the claim's id")]


def _refused(request: Request, error: Exception) -> ProblemResponse:
    if isinstance(error, ClaimInvalid):
        return _invalid(request, error.errors, "request_validation")
    if isinstance(error, ClaimNotFound):
        return problem(request.url.path, 404, str(error), kind="unknown_claim")
    assert isinstance(error, TransitionRefused)
    return problem(
        request.url.path,
        409,
        str(error),
        kind="invalid_transition",
        extra={"state": error.state.value, "allowed_actions": error.allowed},
    )


@router.post(
    "/v1/claims",
    response_model=ClaimOut,
    status_code=201,
    responses=problem_responses(400, 401, 403, 422),
    summary="Report an accident (一键报案): by the worker, or by a platform for its worker",
)
def post_claim(request: Request, context: LedgerDep, principal: PlatformOrWorker, body: ClaimIn) -> Any:
    """The ledger records whether the accident fell within an active order of the worker on any platform, within the
    window between orders, and on a covered day; the agency then confirms or rejects cover."""
    report = Report(body.accident_at, body.region, body.description, body.order_id, body.worker_id_number)
    try:
        claim_id = service.report_claim(context.engine, principal, report, context.hasher)
        return _out(service.get_claim(context.engine, claim_id, principal), detail=True)
    except (ClaimInvalid, ClaimNotFound) as error:
        return _refused(request, error)


@router.get(
    "/v1/claims",
    response_model=ClaimList,
    responses=problem_responses(401, 403, 422),
    summary="Claims: the admin's queue (filter by state), a worker's own, a platform's reported",
)
def get_claims(
    context: LedgerDep,
    principal: AnyRole,
    state: Annotated[StateName | None, Query(description="only claims in this state")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Any:
    found = service.list_claims(context.engine, principal, None if state is None else State(state), limit)
    return ClaimList(claims=[_out(claim, detail=False) for claim in found])


@router.get(
    "/v1/claims/{claim_id}",
    response_model=ClaimOut,
    responses=problem_responses(401, 403, 404, 422),
    summary="A claim with its benefit items, the rules' trace and what they rest on",
)
def get_one_claim(request: Request, context: LedgerDep, principal: AnyRole, claim_id: ClaimPath) -> Any:
    try:
        return _out(service.get_claim(context.engine, claim_id, principal), detail=True)
    except ClaimNotFound as error:
        return _refused(request, error)


def _after(context: Any, claim_id: int) -> ClaimOut:
    return _out(service.get_claim(context.engine, claim_id, Principal(Role.ADMIN)), detail=True)


@router.post(
    "/v1/claims/{claim_id}:confirm",
    response_model=ClaimOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Confirm cover (职业伤害确认, admin)",
)
def post_confirm(request: Request, context: LedgerDep, principal: AdminOnly, claim_id: ClaimPath) -> Any:
    try:
        service.confirm(context.engine, claim_id, principal.actor)
    except (ClaimNotFound, TransitionRefused) as error:
        return _refused(request, error)
    return _after(context, claim_id)


@router.post(
    "/v1/claims/{claim_id}:reject",
    response_model=ClaimOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    summary="Reject the claim with a reason (不予确认, admin)",
)
def post_reject(request: Request, context: LedgerDep, principal: AdminOnly, claim_id: ClaimPath, body: RejectIn) -> Any:
    try:
        service.reject(context.engine, claim_id, body.reason, principal.actor)
    except (ClaimInvalid, ClaimNotFound, TransitionRefused) as error:
        return _refused(request, error)
    return _after(context, claim_id)


@router.post(
    "/v1/claims/{claim_id}:outcome",
    response_model=ClaimOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    summary="Record the outcome; the benefit is computed by the rules, with its trace (admin)",
)
async def post_outcome(
    request: Request, context: LedgerDep, principal: AdminOnly, claim_id: ClaimPath, body: OutcomeIn
) -> Any:
    outcome = Outcome(**body.model_dump())
    try:
        await run_in_threadpool(
            service.record_outcome, context.engine, claim_id, outcome, context.calculator(), principal.actor
        )
    except (ClaimInvalid, ClaimNotFound, TransitionRefused) as error:
        return _refused(request, error)
    return _after(context, claim_id)


@router.post(
    "/v1/claims/{claim_id}:pay",
    response_model=ClaimOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Approve and post the payment: the fund debited, benefits paid credited (admin)",
)
def post_pay(request: Request, context: LedgerDep, principal: AdminOnly, claim_id: ClaimPath) -> Any:
    try:
        service.pay(context.engine, claim_id, principal.actor)
    except (ClaimNotFound, TransitionRefused) as error:
        return _refused(request, error)
    return _after(context, claim_id)
