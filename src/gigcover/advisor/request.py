"""The advice request: one worker's profile, validated, and turned into the engine's inputs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gigcover.engine.errors import InputValueError
from gigcover.rules.coverage import PLATFORMS, SCHEMES
from gigcover.rules.employment import COUNTERPARTIES, INDUSTRIES

Industry = Literal[INDUSTRIES]  # type: ignore[valid-type]
Platform = Literal[PLATFORMS]  # type: ignore[valid-type]
Counterparty = Literal[COUNTERPARTIES]  # type: ignore[valid-type]
Scheme = Literal[SCHEMES]  # type: ignore[valid-type]


class Profile(BaseModel):
    """What the worker tells us. Field names are the engine's input names."""

    model_config = ConfigDict(extra="forbid")
    monthly_income: float = Field(ge=0, le=10_000_000)
    work_region: str = Field(min_length=1)
    hukou_region: str | None = None
    hukou_local: bool | None = None
    hukou_rural: bool
    industry: Industry
    platform: Platform = "other"
    has_labor_contract: bool
    contract_counterparty: Counterparty = "none"
    platform_manages_work: bool | None = None
    own_business: bool = False
    daily_hours_one_employer: float | None = Field(default=None, ge=0, le=24)
    weekly_hours_one_employer: float | None = Field(default=None, ge=0, le=168)
    paid_hourly: bool = False
    birth_date: str | None = None
    sex: Literal["male", "female"] | None = None
    original_retirement_age: Literal[60, 55, 50] | None = None
    current_enrolments: list[Scheme] = Field(default_factory=list)
    # where each scheme in current_enrolments is held (参保地); a scheme not named here: where the rules would put it
    enrolment_places: dict[Scheme, Literal["work_place", "hukou_place"]] = Field(default_factory=dict)
    monthly_orders: float | None = Field(default=None, ge=0, le=100_000)
    contribution_years_so_far: float = Field(default=0.0, ge=0, le=50)

    @model_validator(mode="after")
    def _hukou_known(self) -> Profile:
        if self.hukou_region is None and self.hukou_local is None:
            raise ValueError("give hukou_region (where your hukou is) or hukou_local (true/false)")
        return self


class AdviceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date
    profile: Profile
    budget_monthly: float | None = Field(default=None, ge=0, le=10_000_000)
    lang: Literal["zh", "en"] = "zh"


def parse_request(raw: Any) -> AdviceRequest:
    """Validate; the first problem becomes an InputValueError naming the field (e.g. profile.industry)."""
    try:
        return AdviceRequest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "request"
        raise InputValueError(
            f"{field}: {first['msg']}", field=field
        ) from None  # pydantic's message lists what is allowed


def retirement_age(profile: Profile) -> tuple[int, list[str]]:
    """The original statutory age: given, or 60 for men and 55 for women (which applies to female flexible workers
    varies by province — UNVERIFIED outside Shanghai), with a warning when assumed."""
    if profile.original_retirement_age is not None:
        return profile.original_retirement_age, []
    if profile.sex == "female":
        return 55, ["original_retirement_age not given: 55 assumed for a woman (50 for worker posts; provinces differ)"]
    if profile.sex == "male":
        return 60, []
    return 60, ["sex and original_retirement_age not given: 60 assumed"]


def engine_inputs(profile: Profile) -> dict[str, Any]:
    """The facts of the profile under the engine's names (absent ones left to the engine's defaults)."""
    managed = profile.platform_manages_work
    if managed is None:
        managed = not profile.own_business
    inputs: dict[str, Any] = {
        "hukou_rural": profile.hukou_rural,
        "industry": profile.industry,
        "platform": profile.platform,
        "has_labor_contract": profile.has_labor_contract,
        "contract_counterparty": profile.contract_counterparty,
        "platform_manages_work": managed,
        "own_business": profile.own_business,
        "paid_hourly": profile.paid_hourly,
    }
    optional = {
        "hukou_region": profile.hukou_region,
        "hukou_local": profile.hukou_local,
        "daily_hours_one_employer": profile.daily_hours_one_employer,
        "weekly_hours_one_employer": profile.weekly_hours_one_employer,
    }
    inputs.update({k: v for k, v in optional.items() if v is not None})
    return inputs
