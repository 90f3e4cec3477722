"""The JSON endpoints: one function each, each a thin layer over the engine, the scenarios or the advisor.

Answers are built the way the CLI builds them (`calc`, `params show --json`, `variables show`) so that the
two interfaces say the same thing; the response models document them in the OpenAPI.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from gigcover import queries, scenarios
from gigcover.advisor.model import default_model
from gigcover.engine.errors import InputValueError, UnknownNameError
from gigcover.engine.evaluate import Model, calculate, to_jsonable

from .limits import KIB, LimitExceeded, ServiceLimits, body_limit, count_people, run_bounded
from .problems import PathNotFound, problem_responses
from .schemas import (
    AdviceRequest,
    AdviceResponse,
    CalculateRequest,
    CalculateResponse,
    Health,
    IsoDate,
    ParameterList,
    ParameterValue,
    VariableDetail,
    VariableList,
)

router = APIRouter()


async def get_model(request: Request) -> Model:
    """The app's model (create_app(model=...)), or the shipped one loaded once per process (async: no thread hop)."""
    model: Model | None = request.app.state.model
    return model if model is not None else default_model()


ModelDep = Annotated[Model, Depends(get_model)]

ADVICE_BODY_BYTES = 64 * KIB
"""One worker's answers are about 1 KB; 64 KiB leaves room for any profile the advisor takes."""


async def get_service(request: Request) -> Service:
    return Service(request.app.state.limits, request.app.state.pool)


class Service:
    """The app's limits and its pool of worker threads (see limits.py)."""

    def __init__(self, limits: ServiceLimits, pool: Any) -> None:
        self.limits = limits
        self.pool = pool

    async def run(self, function: Any, *args: Any) -> JSONResponse:
        """The rules and the answer's JSON, computed on the pool: the event loop never runs them."""
        answer: JSONResponse = await run_bounded(self.pool, function, *args)
        return answer


ServiceDep = Annotated[Service, Depends(get_service)]


def json_answer(content: Any) -> JSONResponse:
    """The answer as JSON; a result that is not a finite number is the request's fault (e.g. absurd inputs).

    Answers from the engine and the advisor are plain JSON values already and go out as they are; anything else
    (numpy numbers, dates) is converted first."""
    try:
        try:
            return JSONResponse(content)
        except TypeError:
            return JSONResponse(to_jsonable(content))
    except ValueError:
        raise InputValueError(
            "the answer contains a number that is not finite (NaN or infinity); check the inputs' magnitudes",
            field="inputs",
        ) from None


def _body(model: Any) -> dict[str, Any]:
    """The fields the client sent, as plain JSON values (dates as YYYY-MM-DD), without pydantic's defaults."""
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in ((n, getattr(model, n)) for n in model.model_fields_set)
    }


# -- rules -------------------------------------------------------------------------------------------------
@router.post(
    "/v1/calculate",
    response_model=CalculateResponse,
    responses=problem_responses(400, 413, 422, 500),
    tags=["rules"],
    summary="Ask the rules anything (the calc contract)",
)
async def calculate_endpoint(body: CalculateRequest, model: ModelDep, service: ServiceDep) -> JSONResponse:
    """`{date, region, inputs, overrides, stand_ins, outputs, trace}` → `{date, region, outputs, warnings,
    verification, trace?}`, exactly as `gigcover calc`. `scenario` applies a reform scenario's overrides under the
    request's own; `stand_ins` are used only where the place has no value of its own.

    At most 10,000 people per request by default (100 with a trace; the server's `--max-people`): more is 413, and a
    job for `gigcover.compute` (the Python API, which splits a population into chunks) or the CLI."""
    request = _body(body)
    _check_people(request, service.limits)
    return await service.run(_calculate, model, request)


def _calculate(model: Model, request: dict[str, Any]) -> JSONResponse:
    name = request.pop("scenario", None)
    if name is not None:
        request["overrides"] = {**scenarios.scenario(name).overrides, **(request.get("overrides") or {})}
    return json_answer(calculate(model, request))


def _check_people(request: dict[str, Any], limits: ServiceLimits) -> None:
    people = count_people(request.get("inputs") or {})
    traced = bool(request.get("trace"))
    limit = limits.max_traced_people if traced else limits.max_people
    if people > limit:
        raise LimitExceeded(
            f"inputs: this calc asks about {people:,} people; the HTTP API answers at most {limit:,} at once"
            + (" with a trace" if traced else "")
            + ". For a population use the Python API (gigcover.compute, numpy arrays, computed in chunks) or "
            "`gigcover calc` on the command line; or send smaller batches.",
            field="inputs",
            limit=limit,
            unit="people",
        )


# -- advisor -----------------------------------------------------------------------------------------------
@router.post(
    "/v1/advice",
    response_model=AdviceResponse,
    responses=problem_responses(400, 413, 422, 500),
    tags=["advisor"],
    summary="Advice for one worker: diagnosis, plan, affordability, what-ifs",
    openapi_extra=body_limit(ADVICE_BODY_BYTES),
)
async def advice_endpoint(body: AdviceRequest, model: ModelDep, service: ServiceDep) -> JSONResponse:
    """One worker's diagnosis and an unbundled plan with costs, benefits and reasons (gigcover.advisor).

    Run on the service's pool of worker threads, like every computation of the rules: a few milliseconds each, but
    never on the event loop, so no request waits behind another's computation."""
    return await service.run(_advise, model, _body(body))


def _advise(model: Model, request: dict[str, Any]) -> JSONResponse:
    from gigcover.advisor import advise  # the service layer, loaded on first use

    return json_answer(advise(model, request))


# -- parameters --------------------------------------------------------------------------------------------
@router.get(
    "/v1/parameters",
    response_model=ParameterList,
    responses=problem_responses(422, 500),
    tags=["parameters"],
    summary="All parameters",
)
def parameters_list(
    model: ModelDep,
    prefix: Annotated[str, Query(description="only names starting with this (e.g. `pension.employee`)")] = "",
) -> JSONResponse:
    """Parameter names with their description, English label and unit (as `gigcover params list`)."""
    found = [
        {"name": name, "description": p.spec.description, "label_en": p.spec.label_en, "unit": p.spec.unit}
        for name, p in sorted(model.store.parameters.items())
        if name.startswith(prefix)
    ]
    return json_answer({"count": len(found), "parameters": found})


@router.get(
    "/v1/parameters/{name}",
    response_model=ParameterValue,
    responses=problem_responses(400, 404, 422, 500),
    tags=["parameters"],
    summary="A parameter's value on a date in a region, with its source",
)
def parameter_detail(
    model: ModelDep,
    name: Annotated[str, Path(description="dotted parameter name, e.g. `pension.employee.flexible.rate`")],
    date: Annotated[IsoDate | None, Query(description="YYYY-MM-DD (default: today)")] = None,
    region: Annotated[
        str | None, Query(description="GB/T 2260 code or name; falls back city → province → national")
    ] = None,
) -> JSONResponse:
    """As `gigcover params show NAME --date D --region R --json`."""
    try:
        model.store.get(name)
    except UnknownNameError as exc:
        raise PathNotFound(exc) from None
    return json_answer(queries.parameter_info(model, name, date or dt.date.today(), region))


# -- variables ---------------------------------------------------------------------------------------------
@router.get(
    "/v1/variables",
    response_model=VariableList,
    responses=problem_responses(422, 500),
    tags=["variables"],
    summary="All variables",
)
def variables_list(
    model: ModelDep,
    prefix: Annotated[str, Query(description="only names starting with this (e.g. `employee_pension`)")] = "",
) -> JSONResponse:
    """Variable names with labels, type, period, unit, and whether each is an input or has a formula."""
    found = [
        {
            "name": name,
            "label_zh": var.label_zh,
            "label_en": var.label_en,
            "type": var.value_type,
            "period": var.period,
            "unit": var.unit,
            "is_input": var.is_input,
        }
        for name, var in sorted(model.variables.items())
        if name.startswith(prefix)
    ]
    return json_answer({"count": len(found), "variables": found})


@router.get(
    "/v1/variables/{name}",
    response_model=VariableDetail,
    responses=problem_responses(404, 422, 500),
    tags=["variables"],
    summary="A variable's labels, type, inputs, parameters and legal references",
)
def variable_detail(
    model: ModelDep, name: Annotated[str, Path(description="variable name, e.g. `table2_cell`")]
) -> JSONResponse:
    """As `gigcover variables show NAME`."""
    try:
        return json_answer(queries.variable_info(model, name))
    except UnknownNameError as exc:
        raise PathNotFound(exc) from None


# -- operations --------------------------------------------------------------------------------------------
@router.get("/healthz", response_model=Health, tags=["operations"], summary="Liveness and what is loaded")
async def healthz(model: ModelDep) -> Health:
    """Answered on the event loop (no thread): it stays prompt while the pool computes large requests."""
    return Health(status="ok", variables=len(model.variables), parameters=len(model.store.parameters))
