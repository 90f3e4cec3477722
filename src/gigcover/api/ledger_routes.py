"""The ledger over HTTP (issue 11): platforms report orders, read their levies; workers read their own days and
contributions; the agency sets bands.

Every endpoint takes `Authorization: Bearer <credential>`: a platform's API key, a worker's token or an admin token
(`gigcover ledger add-platform | worker-token | admin-token`, or `GIGCOVER_ADMIN_TOKEN`). Missing or unknown → 401;
a credential of the wrong role, or a platform asking about another platform → 403. Errors are problem+json.
The database is the app's (`create_app(db_url=...)`, `GIGCOVER_DATABASE_URL`, or the embedded SQLite file), opened
and migrated on first use.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

import gigcover
from gigcover.ledger import ids
from gigcover.ledger.access import NotRevocable, Principal, Role, authenticate, revoke_token, revoke_worker_tokens
from gigcover.ledger.bands import BandConflict, BandInvalid, BandSetting, set_band, settings_of, validate_setting
from gigcover.ledger.claims import Calculate
from gigcover.ledger.contract import MAX_BATCH, BatchInvalid, BatchTooLarge, FieldError, OrderIn
from gigcover.ledger.contributions import Compute
from gigcover.ledger.db import connect, id_hasher, migrate
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import OrderConflict, ingest_batch
from gigcover.ledger.levies import ROUNDING, LevyStatement, MonthInvalid, levy_statement
from gigcover.ledger.worker_records import contributions_of, covered_days_of

from .limits import body_limit
from .problems import ProblemResponse, problem, problem_responses

router = APIRouter(tags=["ledger"])
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ledgerBearer",
    description="a platform's API key, a worker's token or an admin token",
)

MAX_BODY_BYTES = 16 * 1024 * 1024
"""A batch of 10,000 orders is about 2.5 MB of JSON; a body above this is refused (413) before it is parsed, by the
service's body limit (`api/limits.py`), which reads it from this route's OpenAPI (`x-max-body-bytes`)."""
MAX_DAYS_SPAN = 366
MAX_ID = 2**63 - 1  # ids are 64-bit integers in both databases


# -- the ledger the app serves ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerContext:
    engine: Engine
    hasher: IdHasher
    compute: Compute
    admin_token: str | None = None  # None: GIGCOVER_ADMIN_TOKEN at each request
    calculate: Calculate | None = None  # the `calc` contract for claims' benefits (None: gigcover.calculate)

    def calculator(self) -> Calculate:
        return self.calculate or gigcover.calculate


_opening = threading.Lock()


def ledger_of(app: FastAPI) -> LedgerContext:
    """The app's ledger (`app.state.ledger`), opened and migrated on first use from `app.state.db_url`."""
    context: LedgerContext | None = getattr(app.state, "ledger", None)
    if context is not None:
        return context
    with _opening:
        context = getattr(app.state, "ledger", None)
        if context is None:
            url = app.state.db_url
            try:
                hasher, _ = id_hasher(url)
            except LookupError as error:
                raise HTTPException(503, f"the ledger is not configured: {error}") from None
            engine = connect(url)
            migrate(engine)
            model = app.state.model
            compute: Compute = gigcover.compute if model is None else functools.partial(gigcover.compute, model=model)
            calculate: Calculate = (
                gigcover.calculate if model is None else functools.partial(gigcover.calculate, model=model)
            )
            context = LedgerContext(engine, hasher, compute, calculate=calculate)
            app.state.ledger = context
    return context


def _ledger(request: Request) -> LedgerContext:
    return ledger_of(request.app)


LedgerDep = Annotated[LedgerContext, Depends(_ledger)]


def _principal(
    context: LedgerDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
) -> Principal:
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "missing credentials: send Authorization: Bearer <key or token>", headers=challenge)
    found = authenticate(context.engine, credentials.credentials, context.admin_token)
    if found is None:
        raise HTTPException(401, "the key or token is not valid", headers=challenge)
    return found


def _role(*roles: Role) -> Any:
    allowed = ", ".join(role.value for role in roles)

    def dependency(principal: Annotated[Principal, Depends(_principal)]) -> Principal:
        if principal.role not in roles:
            raise HTTPException(403, f"this endpoint is for: {allowed}; the credential is a {principal.role.value}'s")
        return principal

    return Depends(dependency)


PlatformOnly = Annotated[Principal, _role(Role.PLATFORM)]
WorkerOnly = Annotated[Principal, _role(Role.WORKER)]
AdminOnly = Annotated[Principal, _role(Role.ADMIN)]
PlatformOrAdmin = Annotated[Principal, _role(Role.PLATFORM, Role.ADMIN)]
PlatformOrWorker = Annotated[Principal, _role(Role.PLATFORM, Role.WORKER)]
AnyRole = Annotated[Principal, _role(Role.PLATFORM, Role.WORKER, Role.ADMIN)]


# -- schemas ---------------------------------------------------------------------------------------------
class OrderResultOut(BaseModel):
    order_id: str
    status: Literal["accepted", "duplicate"]


class BatchOut(BaseModel):
    batch_id: int | None = Field(description="the batch recorded; null when every order was a duplicate")
    accepted: int = Field(description="orders recorded now")
    duplicate: int = Field(description="orders already recorded with the same payload (a retry), or repeated")
    results: list[OrderResultOut] = Field(description="one per order sent, in the order sent")


class LevyRowOut(BaseModel):
    platform_id: int
    platform: str
    province: str = Field(description="GB/T 2260 province code")
    industry: str
    band: Literal["standard", "high"]
    orders: int = Field(description="covered orders (in the pilot at their place and day)")
    base_amount_fen: int = Field(description="缴费基准额 per order, before the floating ratio")
    floating_ratio: float = Field(description="浮动比例 (0.15 = +15 %)")
    amount_fen: int = Field(description="the amount due: the sum of the orders' posted levies")
    platform_fen: int
    worker_fen: int
    government_fen: int
    per_order_fen: float | None = Field(description="the rules' per-order amount before rounding to the fen")
    month_formula_fen: int | None = Field(description="orders × per-order amount, rounded once (the law's formula)")
    rounding_difference_fen: int | None = Field(description="amount_fen − month_formula_fen")


class LevyStatementOut(BaseModel):
    month: str
    rounding: str = Field(description="how amounts are rounded, and why")
    rows: list[LevyRowOut]
    orders: int
    amount_fen: int
    orders_outside_pilot: int = Field(description="orders reported for the month that the pilot did not cover")
    warnings: list[str] = Field(description="rows where rounding changed an order's amount, or took it below 1 fen")


class PlatformOrders(BaseModel):
    platform: str
    orders: int


class CoveredDayOut(BaseModel):
    day: dt.date
    orders: int
    orders_by_platform: list[PlatformOrders]


class WorkerDaysOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date = Field(alias="from")
    to: dt.date
    covered_days: int
    days: list[CoveredDayOut]


class MonthContributionOut(BaseModel):
    month: str
    platform: str
    orders: int
    levy_fen: int
    platform_fen: int
    worker_fen: int
    government_fen: int


class ContributionTotals(BaseModel):
    orders: int
    levy_fen: int
    platform_fen: int
    worker_fen: int
    government_fen: int


class WorkerContributionsOut(BaseModel):
    months: list[MonthContributionOut]
    total: ContributionTotals


class BandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    province: str = Field(description="GB/T 2260 province code", examples=["310000"])
    effective_from: dt.date = Field(description="in force from this CST day until the next setting")
    band: Literal["standard", "high"] = Field(description="standard (即时配送 0.07) or high (0.25)")
    floating_ratio: float | str = Field(0, description="浮动比例, at most 4 decimals (0.15 = +15 %)")


class BandOut(BaseModel):
    platform_id: int
    province: str
    effective_from: dt.date
    band: Literal["standard", "high"]
    floating_ratio: float


class BandList(BaseModel):
    platform_id: int
    bands: list[BandOut]


def _band_out(setting: BandSetting) -> BandOut:
    return BandOut(
        platform_id=setting.platform_id,
        province=setting.province,
        effective_from=setting.effective_from,
        band=setting.band.value,
        floating_ratio=float(setting.floating_ratio),
    )


def _order_schema() -> dict[str, Any]:
    schema = OrderIn.model_json_schema()
    schema.pop("title", None)
    return schema


BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["orders"],
                    "additionalProperties": False,
                    "properties": {
                        "orders": {"type": "array", "minItems": 1, "maxItems": MAX_BATCH, "items": _order_schema()}
                    },
                },
                "example": {
                    "orders": [
                        {
                            "order_id": "A-20250801-0001",
                            "worker_id_number": "11010519491231002X",
                            "industry": "instant_delivery",
                            "region": "500000",
                            "accepted_at": "2025-08-01T12:00:00+08:00",
                            "completed_at": "2025-08-01T12:30:00+08:00",
                        }
                    ]
                },
            }
        },
    }
}


# -- problems --------------------------------------------------------------------------------------------
def _invalid(request: Request, errors: list[FieldError], kind: str = "invalid_batch") -> ProblemResponse:
    items = [{"field": e.field, "message": e.message, "type": kind} for e in errors]
    return problem(
        request.url.path,
        422,
        "; ".join(f"{e.field}: {e.message}" for e in errors),
        kind=kind,
        title="Refused: nothing was written",
        extra={"field": errors[0].field if errors else "body", "errors": items},
    )


def _orders_of(body: bytes) -> tuple[list[Any], list[FieldError]]:
    """The `orders` list of a batch body, or the errors that make it no batch at all."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        return [], [FieldError("body", f"not valid JSON ({error.__class__.__name__}: {str(error)[:120]})")]
    if not isinstance(document, dict):
        return [], [FieldError("body", 'expected an object {"orders": [...]}')]
    errors = [FieldError(name, "unknown field") for name in sorted(set(document) - {"orders"})]
    if "orders" not in document:
        errors.append(FieldError("orders", "missing"))
    elif not isinstance(document["orders"], list):
        errors.append(FieldError("orders", "expected a list of orders"))
    return ([], errors) if errors else (document["orders"], [])


def _out_of_range(orders: list[Any]) -> list[FieldError]:
    """The timestamps that cannot be converted to UTC (the contract's validation overflows on them)."""
    found = []
    for index, order in enumerate(orders):
        for name in ("accepted_at", "completed_at"):
            value = order.get(name) if isinstance(order, dict) else None
            if not isinstance(value, str):
                continue
            try:
                dt.datetime.fromisoformat(value).astimezone(dt.UTC)
            except OverflowError:
                found.append(FieldError(f"orders[{index}].{name}", "out of the calendar's range in UTC"))
            except ValueError:
                continue
    return found or [FieldError("orders", "a timestamp is out of the calendar's range")]


# -- endpoints -------------------------------------------------------------------------------------------
@router.post(
    "/v1/orders:batch",
    response_model=BatchOut,
    responses=problem_responses(401, 403, 409, 413, 422),
    summary="Report a batch of orders (每单必保): idempotent, all or nothing",
    openapi_extra={**BATCH_BODY, **body_limit(MAX_BODY_BYTES)},  # the service's body limit for this route
)
async def post_orders_batch(request: Request, context: LedgerDep, principal: PlatformOnly) -> Any:
    """Up to 10,000 orders. Each is priced by the rules at its CST day and place in the platform's band (one vector
    call per batch) and posted double-entry in fen. The same order again is `duplicate`; an order id already recorded
    with another payload refuses the whole batch (409, `conflicting_order_ids`); any bad field refuses it too (422,
    every field named: `orders[3].worker_id_number`); more than 10,000 orders → 413. Nothing is written on refusal.
    """
    body = await request.body()  # its size is held to MAX_BODY_BYTES by the service's body limit (413 before this)
    orders, errors = _orders_of(body)
    if errors:
        return _invalid(request, errors, "malformed_json" if errors[0].field == "body" else "invalid_batch")
    assert principal.platform_id is not None
    try:
        result = await run_in_threadpool(
            ingest_batch, context.engine, principal.platform_id, orders, compute=context.compute, hasher=context.hasher
        )
    except BatchTooLarge as error:
        return problem(request.url.path, 413, str(error), kind="batch_too_large", extra={"max_orders": MAX_BATCH})
    except BatchInvalid as error:
        return _invalid(request, error.errors)
    except OverflowError:  # a timestamp whose UTC conversion leaves the calendar (year 1 or 9999 with an offset)
        return _invalid(request, _out_of_range(orders))
    except OrderConflict as error:
        return problem(
            request.url.path,
            409,
            f"{error}; the batch was refused and nothing was written",
            kind="order_conflict",
            extra={"conflicting_order_ids": error.order_ids},
        )
    return BatchOut(
        batch_id=result.batch_id,
        accepted=result.accepted,
        duplicate=result.duplicate,
        results=[OrderResultOut(order_id=r.order_id, status=r.status) for r in result.results],
    )


@router.get(
    "/v1/levies",
    response_model=LevyStatementOut,
    responses=problem_responses(401, 403, 422),
    summary="A month's levy statement, per platform × province × industry",
)
def get_levies(
    request: Request,
    context: LedgerDep,
    principal: PlatformOrAdmin,
    month: Annotated[str, Query(description="YYYY-MM (orders by their CST day of acceptance)", examples=["2025-09"])],
    platform_id: Annotated[int | None, Query(description="admin: one platform only", ge=1, le=MAX_ID)] = None,
) -> Any:
    """A platform sees its own rows; an admin every platform's (or one). `amount_fen` is the sum of the orders'
    per-order levies, which the fund's postings equal to the fen; see `rounding`."""
    if principal.role is Role.PLATFORM:
        if platform_id is not None and platform_id != principal.platform_id:
            raise HTTPException(403, "a platform reads its own levies only")
        platform_id = principal.platform_id
    try:
        statement = levy_statement(context.engine, month, context.compute, platform_id)
    except MonthInvalid as error:
        return _invalid(request, [FieldError("month", str(error).removeprefix("month: "))], "request_validation")
    return _statement_out(statement)


def _statement_out(statement: LevyStatement) -> LevyStatementOut:
    return LevyStatementOut(
        month=statement.month,
        rounding=ROUNDING,
        rows=[
            LevyRowOut(
                platform_id=row.platform_id,
                platform=row.platform,
                province=row.province,
                industry=row.industry,
                band="high" if row.band == "high" else "standard",
                orders=row.orders,
                base_amount_fen=row.base_amount_fen,
                floating_ratio=float(row.floating_ratio),
                amount_fen=row.amount_fen,
                platform_fen=row.platform_fen,
                worker_fen=row.worker_fen,
                government_fen=row.government_fen,
                per_order_fen=None if row.per_order_fen is None else float(row.per_order_fen),
                month_formula_fen=row.month_formula_fen,
                rounding_difference_fen=row.rounding_difference_fen,
            )
            for row in statement.rows
        ],
        orders=statement.orders,
        amount_fen=statement.amount_fen,
        orders_outside_pilot=statement.orders_outside_pilot,
        warnings=statement.warnings,
    )


@router.get(
    "/v1/workers/me/days",
    response_model=WorkerDaysOut,
    response_model_by_alias=True,
    responses=problem_responses(401, 403, 422),
    summary="My covered days (按日参保) and orders per platform per day",
)
def get_my_days(
    request: Request,
    context: LedgerDep,
    principal: WorkerOnly,
    start: Annotated[dt.date, Query(alias="from", description="first day (CST), YYYY-MM-DD")],
    end: Annotated[dt.date, Query(alias="to", description="last day (CST), YYYY-MM-DD, at most 366 days on")],
) -> Any:
    """The days on which the worker accepted a covered order on any platform; only the token's own worker."""
    if end < start:
        return _invalid(request, [FieldError("to", "before from")], "request_validation")
    if (end - start).days >= MAX_DAYS_SPAN:
        return _invalid(request, [FieldError("to", f"at most {MAX_DAYS_SPAN} days from `from`")], "request_validation")
    assert principal.worker_id is not None
    days = covered_days_of(context.engine, principal.worker_id, start, end)
    return WorkerDaysOut.model_validate(
        {
            "from": start,
            "to": end,
            "covered_days": len(days),
            "days": [
                {
                    "day": day.day,
                    "orders": sum(day.orders_by_platform.values()),
                    "orders_by_platform": [{"platform": p, "orders": n} for p, n in day.orders_by_platform.items()],
                }
                for day in days
            ],
        }
    )


@router.get(
    "/v1/workers/me/contributions",
    response_model=WorkerContributionsOut,
    responses=problem_responses(401, 403),
    summary="The contributions accrued on my orders, per month and platform",
)
def get_my_contributions(context: LedgerDep, principal: WorkerOnly) -> Any:
    """In fen; under current law the platform pays all (个人不缴费), so `worker_fen` is 0 unless a reform applies."""
    assert principal.worker_id is not None
    months = contributions_of(context.engine, principal.worker_id)
    total = ContributionTotals(
        orders=sum(m.orders for m in months),
        levy_fen=sum(m.levy_fen for m in months),
        platform_fen=sum(m.platform_fen for m in months),
        worker_fen=sum(m.worker_fen for m in months),
        government_fen=sum(m.government_fen for m in months),
    )
    return WorkerContributionsOut(
        months=[MonthContributionOut.model_validate(m, from_attributes=True) for m in months], total=total
    )


PlatformPath = Annotated[int, Path(ge=1, le=MAX_ID, description="the platform's id (`gigcover ledger add-platform`)")]


@router.post(
    "/v1/platforms/{platform_id}/bands",
    response_model=BandOut,
    status_code=201,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    summary="Set a platform's band and floating ratio in a province, from a day (admin)",
)
def post_band(
    request: Request, context: LedgerDep, principal: AdminOnly, platform_id: PlatformPath, body: BandIn
) -> Any:
    """Orders accepted from `effective_from` on in the province are priced with it. A setting that would change the
    price of orders already posted is refused (409): set it from a later day."""
    try:
        setting = validate_setting(platform_id, body.province, body.effective_from, body.band, body.floating_ratio)
        return _band_out(set_band(context.engine, setting, actor=principal.actor))
    except BandInvalid as error:
        return _invalid(request, error.errors, "request_validation")
    except LookupError as error:
        return problem(request.url.path, 404, str(error), kind="unknown_platform")
    except BandConflict as error:
        return problem(request.url.path, 409, str(error), kind="band_conflict", extra={"posted_orders": error.posted})


@router.get(
    "/v1/platforms/{platform_id}/bands",
    response_model=BandList,
    responses=problem_responses(401, 403, 422),
    summary="A platform's bands and floating ratios (admin, or the platform itself)",
)
def get_bands(context: LedgerDep, principal: PlatformOrAdmin, platform_id: PlatformPath) -> Any:
    if principal.role is Role.PLATFORM and principal.platform_id != platform_id:
        raise HTTPException(403, "a platform reads its own bands only")
    return BandList(platform_id=platform_id, bands=[_band_out(s) for s in settings_of(context.engine, platform_id)])


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str | None = Field(None, min_length=1, max_length=512, description="a worker's or an admin's token")
    worker_id_number: str | None = Field(
        None, min_length=1, max_length=32, description="or: every token of this worker (national ID number)"
    )


class RevokeOut(BaseModel):
    role: Literal["worker", "admin"]
    revoked: int = Field(description="tokens revoked (unknown from now on: 401)")


@router.post(
    "/v1/tokens:revoke",
    response_model=RevokeOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
    summary="Revoke a worker's or an admin's token, or every token of a worker (admin)",
)
def post_revoke(request: Request, context: LedgerDep, principal: AdminOnly, body: RevokeIn) -> Any:
    """Send exactly one of `token` and `worker_id_number`. A revoked token is refused (401) from the next request
    on; the audit log records the revocation. The configured `GIGCOVER_ADMIN_TOKEN` cannot be revoked here (409)."""
    if (body.token is None) == (body.worker_id_number is None):
        return _invalid(
            request, [FieldError("body", "send exactly one of token and worker_id_number")], "request_validation"
        )
    if body.worker_id_number is not None:
        try:
            count = revoke_worker_tokens(context.engine, context.hasher, body.worker_id_number, principal.actor)
        except ids.InvalidIdNumber as error:
            return _invalid(request, [FieldError("worker_id_number", str(error))], "request_validation")
        return RevokeOut(role="worker", revoked=count)
    assert body.token is not None
    try:
        role = revoke_token(context.engine, body.token, principal.actor, context.admin_token)
    except NotRevocable as error:
        return problem(request.url.path, 409, str(error), kind="not_revocable")
    except LookupError as error:
        return problem(request.url.path, 404, str(error).strip("'\""), kind="unknown_token")
    return RevokeOut(role="worker" if role is Role.WORKER else "admin", revoked=1)
