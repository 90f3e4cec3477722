"""Request and response bodies of the HTTP API (pydantic), so that `/openapi.json` says what each endpoint takes and gives.

Request models check the shape (types, required fields, no unknown fields); the engine checks the meaning
(variable names, allowed values, regions), exactly as for `gigcover calc`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, field_validator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    """Only a YYYY-MM-DD string (or a date): no Unix timestamps, no numbers."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
"""A calendar date written YYYY-MM-DD (the date the law is applied on)."""

Verification = Literal["V1", "V2", "V3", "UNVERIFIED", "OVERLAY"]


def _finite(value: Any, where: str = "") -> Any:
    """Reject NaN and ±Infinity anywhere in a JSON value: they are not numbers a rule can use."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where or 'value'}: numbers must be finite, got {value!r}")
    if isinstance(value, dict):
        for key, item in value.items():
            _finite(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _finite(item, f"{where}[{index}]")
    return value


TABLE2_EXAMPLE: dict[str, Any] = {
    "date": "2021-06-01",
    "region": "310000",
    "inputs": {"has_labor_contract": False, "hukou_local": False, "hukou_rural": True},
    "outputs": ["table2_cell", "table2_severity", "table2_options"],
    "trace": False,
}


# -- /v1/calculate ---------------------------------------------------------------------------------------
class CalculateRequest(BaseModel):
    """The calc contract (as `gigcover calc`), plus an optional reform scenario."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [TABLE2_EXAMPLE]})
    date: IsoDate = Field(description="the date the law is applied on (YYYY-MM-DD)")
    region: str | None = Field(
        None,
        description="place of work: GB/T 2260 code or name (310000, 上海, shanghai); national values when absent",
    )
    inputs: dict[str, Any] = Field(
        default_factory=dict,
        description="variable name → value (a fact, or a computed variable whose formula is then skipped); "
        "a list gives one answer per person",
    )
    overrides: dict[str, Any] | None = Field(
        None, description="parameter name → value, or → {effective date → value}; this call only"
    )
    outputs: list[str] = Field(min_length=1, description="the variables to compute")
    trace: StrictBool = Field(False, description="add formulas, inputs, parameters and legal basis for every value")
    scenario: str | None = Field(
        None,
        description="a reform scenario (`gigcover scenarios`) applied under this request's own overrides",
    )

    @field_validator("inputs", "overrides")
    @classmethod
    def _numbers_finite(cls, value: Any) -> Any:
        return _finite(value)


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


class AdviceRequest(BaseModel):
    """One worker's situation for the advisor. The profile's fields are checked by the advisor (errors name
    `profile.<field>`); the OpenAPI shows them as `AdviceProfile` (gigcover.advisor.request.Profile)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [ADVICE_EXAMPLE]},
    )
    date: IsoDate = Field(description="the date the advice is for (YYYY-MM-DD)")
    profile: dict[str, Any] = Field(description="the worker: income, place of work, hukou, industry, platform, ...")
    budget_monthly: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="what the worker can spend a month on insurance (yuan)"
    )
    lang: Literal["zh", "en"] = Field("zh", description="language of the advice")

    @field_validator("profile")
    @classmethod
    def _numbers_finite(cls, value: Any) -> Any:
        return _finite(value)


class AdviceResponse(BaseModel):
    """The advisor's answer (gigcover.advisor.advise)."""

    model_config = ConfigDict(extra="allow")
    date: str | None = None
    lang: str | None = None
    diagnosis: dict[str, Any] = Field(description="legal relation, Table 2 cell, scheme by scheme access; gaps")
    risk: dict[str, Any] | None = Field(None, description="risk levels (accident, illness, unemployment, old age)")
    plan: list[dict[str, Any]] = Field(
        description="item by item: what to buy first, cost (cost_known false with cost_unknown_reason "
        "insurer_quote or no_regional_figure when it cannot be worked out), benefit and reason"
    )
    affordability: dict[str, Any] = Field(description="the plan's cost against the budget and income")
    what_ifs: list[dict[str, Any]] = Field(description="how cost and benefit change if the worker acts differently")
    warnings: list[str] | None = None
    verification: dict[str, Any] | None = None


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
