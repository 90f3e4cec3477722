"""Request and response bodies of the HTTP API (pydantic), so that `/openapi.json` says what each endpoint takes and gives.

Request models check the shape (types, required fields, no unknown fields); the engine checks the meaning
(variable names, allowed values, regions), exactly as for `gigcover calc`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StringConstraints,
    model_validator,
)

from gigcover.engine.errors import clip, shown

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    """Only a YYYY-MM-DD string (or a date): no Unix timestamps, no numbers."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(f"expected a date YYYY-MM-DD, got {shown(value)}")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
"""A calendar date written YYYY-MM-DD (the date the law is applied on)."""

Verification = Literal["V1", "V2", "V3", "UNVERIFIED", "OVERLAY"]


MAX_EXACT_INTEGER = 2**53
"""Whole numbers in a request: up to ±2^53 (exact as floats); a 400-digit number is refused, not overflowed."""
MAX_DEPTH = 16
"""Objects and lists nested deeper than this are refused (no input of the rules nests more than a few levels)."""

VariableName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
ParameterName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=128)]


class BodyValueError(ValueError):
    """A fault `plain_json` found; `field` is where (`inputs.monthly_orders[3]`), for the problem's `field`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def plain_json(value: Any, where: str = "", depth: int = 0) -> Any:
    """Check a JSON value the way the rules need it, wherever it sits: numbers finite, whole numbers within ±2^53,
    text that is Unicode (no lone surrogates, in keys too), nesting at most MAX_DEPTH deep. The first fault is
    raised as a ValueError naming where it is."""
    at = where or "body"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BodyValueError(at, f"numbers must be finite, got {shown(value)}")
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_EXACT_INTEGER:
            raise BodyValueError(at, f"{shown(value)} is too large (whole numbers up to {MAX_EXACT_INTEGER:,})")
    elif isinstance(value, str):
        _unicode(value, at)
    elif isinstance(value, dict | list):
        if depth >= MAX_DEPTH:
            raise BodyValueError(at, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            for key, item in value.items():
                _unicode(str(key), f"{at} (a key)")
                plain_json(item, f"{where}.{clip(str(key))}" if where else clip(str(key)), depth + 1)
        else:
            for index, item in enumerate(value):
                plain_json(item, f"{at}[{index}]", depth + 1)
    return value


def _unicode(text: str, at: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BodyValueError(
            at,
            f"text must be Unicode; it contains a lone surrogate ({shown(exc.object[exc.start : exc.end])}) "
            f"at character {exc.start}",
        ) from None


class JsonBody(BaseModel):
    """A request body checked as a whole by `plain_json` before its fields are (so a fault anywhere, even in a
    free-form object, is a 422 naming where it is, never a failure further on)."""

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return plain_json(value)


TABLE2_EXAMPLE: dict[str, Any] = {
    "date": "2021-06-01",
    "region": "310000",
    "inputs": {"has_labor_contract": False, "hukou_local": False, "hukou_rural": True},
    "outputs": ["table2_cell", "table2_severity", "table2_options"],
    "trace": False,
}


# -- /v1/calculate ---------------------------------------------------------------------------------------
class CalculateRequest(JsonBody):
    """The calc contract (as `gigcover calc`), plus an optional reform scenario."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [TABLE2_EXAMPLE]})
    date: IsoDate = Field(description="the date the law is applied on (YYYY-MM-DD)")
    region: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="place of work: GB/T 2260 code or name (310000, 上海, shanghai); national values when absent",
    )
    inputs: dict[VariableName, Any] = Field(
        default_factory=dict,
        description="variable name → value (a fact, or a computed variable whose formula is then skipped); "
        "a list gives one answer per person",
    )
    overrides: dict[ParameterName, Any] | None = Field(
        None,
        description="parameter name → value, or → {effective date → value}; this call only. A value must lie in the "
        "parameter's domain (rates 0–1, amounts ≥ 0; `GET /v1/parameters/{name}`)",
    )
    stand_ins: dict[ParameterName, Any] | None = Field(
        None,
        description="parameter name → value, or → {effective date → value}, used only where the place has no value "
        "of its own in force (a city whose rule is not in the parameters); an answer resting on one has verification "
        "OVERLAY",
    )
    outputs: list[VariableName] = Field(min_length=1, max_length=200, description="the variables to compute")
    trace: StrictBool = Field(False, description="add formulas, inputs, parameters and legal basis for every value")
    scenario: VariableName | None = Field(
        None,
        description="a reform scenario (`gigcover scenarios`) applied under this request's own overrides",
    )


class VerificationSummary(BaseModel):
    weakest: Verification = Field(description="the weakest verification level of any value or source used")
    unverified_parameters: list[str] = Field(description="parameters whose value used is UNVERIFIED")


class CalculateResponse(BaseModel):
    """Exactly what `gigcover calc` prints."""

    date: str
    region: str = Field(description="the GB/T 2260 code the rules were applied for (000000 = national)")
    outputs: dict[str, Any] = Field(description="output name → value (a list per output for many people)")
    warnings: list[str] = Field(description="fallbacks, defaults assumed and UNVERIFIED values, in plain words")
    verification: VerificationSummary
    trace: list[dict[str, Any]] | None = Field(
        None, description="with `trace: true`: one entry per value (formula, inputs, parameters, basis)"
    )


# -- /v1/advice ------------------------------------------------------------------------------------------
ADVICE_EXAMPLE: dict[str, Any] = {
    "date": "2025-09-01",
    "profile": {
        "monthly_income": 6000,
        "work_region": "310000",
        "hukou_region": "411600",
        "hukou_rural": True,
        "industry": "food_delivery",
        "platform": "meituan",
        "has_labor_contract": False,
        "birth_date": "1995-03-01",
        "sex": "male",
    },
    "budget_monthly": 500,
    "lang": "zh",
}


class AdviceRequest(JsonBody):
    """One worker's situation for the advisor. The profile's fields are checked by the advisor (errors name
    `profile.<field>`); the OpenAPI shows them as `AdviceProfile` (gigcover.advisor.request.Profile)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [ADVICE_EXAMPLE]},
    )
    date: IsoDate = Field(description="the date the advice is for (YYYY-MM-DD)")
    profile: dict[str, Any] = Field(description="the worker: income, place of work, hukou, industry, platform, ...")
    budget_monthly: StrictFloat | None = Field(
        None,
        ge=0,
        le=10_000_000,
        allow_inf_nan=False,
        description="what the worker can spend a month on insurance (yuan)",
    )
    lang: Literal["zh", "en"] = Field("zh", description="language of the advice")


class AdviceResponse(BaseModel):
    """The advisor's answer (gigcover.advisor.advise)."""

    model_config = ConfigDict(extra="allow")
    date: str | None = None
    lang: str | None = None
    diagnosis: dict[str, Any] = Field(description="legal relation, Table 2 cell, scheme by scheme access; gaps")
    risk: dict[str, Any] | None = Field(None, description="risk levels (accident, illness, unemployment, old age)")
    plan: list[dict[str, Any]] = Field(
        description="item by item: what to buy first, cost (cost_known false with cost_unknown_reason "
        "insurer_quote or no_regional_figure when it cannot be worked out; for employee medical where the city's rule is "
        "not on file, `cost_estimate`: {low, high, rate_low, rate_high, places, basis, zh, en}, the cost at the lowest "
        "and highest rate other places set, never added to the total), benefit and reason; where the city offers "
        "a cheaper way into the same scheme (employee medical without a personal account, 单建统筹), `options`: "
        "[{medical_personal_account, label_zh, label_en, worker_monthly_cost, saving_monthly, "
        "account_credit_given_up_monthly}]"
    )
    affordability: dict[str, Any] = Field(
        description="the plan's cost against the budget and income; worker_monthly_total counts known costs only, "
        "worker_monthly_total_with_estimates_high adds each estimated range at its top (null when none)"
    )
    what_ifs: list[dict[str, Any]] = Field(description="how cost and benefit change if the worker acts differently")
    warnings: list[str] | None = None
    verification: dict[str, Any] | None = None


class Domain(BaseModel):
    minimum: float | None
    maximum: float | None


# -- /v1/parameters --------------------------------------------------------------------------------------
class ParameterSummary(BaseModel):
    name: str = Field(description="dotted name = the YAML file's path under parameters/")
    description: str
    label_en: str
    unit: str


class ParameterList(BaseModel):
    count: int
    parameters: list[ParameterSummary]


class ReferenceOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    document: str = Field(description="document number (文号) or name")
    title: str | None = None
    article: str | None = None
    href: str | None = None
    file: str | None = None
    note: str | None = None


class ParameterValue(BaseModel):
    """As `gigcover params show NAME --json`, plus whether a fallback region answered."""

    name: str
    description: str
    label_en: str
    unit: str
    domain: Domain | None = Field(
        None, description="the numbers the parameter may take (inclusive; null: unbounded); overrides are checked"
    )
    date: str = Field(description="the date asked (YYYY-MM-DD)")
    requested_region: str = Field(description="the region asked (000000 = national)")
    value: Any = Field(description="the value in force")
    effective_from: str = Field(description="the date the value took effect")
    region: str = Field(description="the region whose value answered (city → province → national fallback)")
    verified: Verification
    reference: ReferenceOut
    file: str = Field(description="the YAML file the value comes from")
    fallback: bool = Field(description="true when a broader region's value answered for the region asked")
    valid_until: str | None = Field(
        None,
        description="the last day the value applies to (stated by its source, or a yearly figure's year); null: until changed",
    )
    stale: bool = Field(False, description="true when asked after valid_until: the latest value known, carried forward")


# -- /v1/variables ---------------------------------------------------------------------------------------
class VariableSummary(BaseModel):
    name: str
    label_zh: str
    label_en: str
    type: str
    period: str
    unit: str | None
    is_input: bool


class VariableList(BaseModel):
    count: int
    variables: list[VariableSummary]


class Citation(ReferenceOut):
    """A legal source a variable or decision cites (rules/sources.yaml): the reference plus key, level and quote."""

    key: str
    verified: Verification
    quote: str | None = None


class VariableDetail(BaseModel):
    """As `gigcover variables show NAME`: references expanded to citations."""

    name: str
    label_zh: str
    label_en: str
    type: str
    period: str
    unit: str | None
    allowed: list[str] | None
    minimum: float | None
    maximum: float | None
    inputs: list[str]
    parameters: list[str]
    references: list[Citation]
    is_input: bool
    default: Any
    description: str


# -- /healthz --------------------------------------------------------------------------------------------
class Health(BaseModel):
    status: Literal["ok"]
    variables: int = Field(description="number of variables loaded")
    parameters: int = Field(description="number of parameters loaded")
