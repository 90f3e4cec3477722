"""The advice request: one worker's profile, validated, and turned into the engine's inputs.

The model is strict where JSON is (a number is a number, not `"6000"` or `false`), so that what the OpenAPI schema
says (`AdviceProfile`) is what is enforced — the hukou requirement and the bounds included."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, ValidationError, model_validator

from gigcover.engine.errors import InputValueError
from gigcover.rules.coverage import PLATFORMS, SCHEMES
from gigcover.rules.employment import COUNTERPARTIES, INDUSTRIES

Industry = Literal[INDUSTRIES]  # type: ignore[valid-type]
Platform = Literal[PLATFORMS]  # type: ignore[valid-type]
Counterparty = Literal[COUNTERPARTIES]  # type: ignore[valid-type]
Scheme = Literal[SCHEMES]  # type: ignore[valid-type]


Place = Annotated[str, Field(min_length=1, max_length=64)]
BIRTH_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
WORKING_AGES = (16, 80)
"""The ages the advisor is for, on the advice's date: from 16 (劳动法第十五条: no one under sixteen may be employed)
to 80 (the advisor's own bound: pensions and plans past it are not what a platform worker asks)."""


class Profile(BaseModel):
    """What the worker tells us. Field names are the engine's input names. Give `hukou_region` (where the hukou is)
    or `hukou_local` (whether it is in the place of work); a hukou in Hong Kong, Macao or Taiwan is refused with the
    rule that applies (人社部、国家医保局令第41号 第二条), and those places are not places of work for these schemes."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"required": ["hukou_region"], "properties": {"hukou_region": {"type": "string"}}},
                {"required": ["hukou_local"], "properties": {"hukou_local": {"type": "boolean"}}},
            ]
        },
    )
    monthly_income: StrictFloat = Field(ge=0, le=10_000_000, allow_inf_nan=False)
    work_region: Place
    hukou_region: Place | None = None
    hukou_local: StrictBool | None = None
    hukou_rural: StrictBool
    industry: Industry
    platform: Platform = "other"
    has_labor_contract: StrictBool
    contract_counterparty: Counterparty = "none"
    platform_manages_work: StrictBool | None = None
    own_business: StrictBool = False
    daily_hours_one_employer: StrictFloat | None = Field(default=None, ge=0, le=24, allow_inf_nan=False)
    weekly_hours_one_employer: StrictFloat | None = Field(default=None, ge=0, le=168, allow_inf_nan=False)
    paid_hourly: StrictBool = False
    birth_date: str | None = Field(
        default=None,
        pattern=BIRTH_DATE.pattern,
        description="YYYY-MM or YYYY-MM-DD; the worker must be 16 to 80 years old on the advice's date",
    )
    sex: Literal["male", "female"] | None = None
    original_retirement_age: Literal[60, 55, 50] | None = None
    current_enrolments: list[Scheme] = Field(default_factory=list, max_length=len(SCHEMES))
    # where each scheme in current_enrolments is held (参保地); a scheme not named here: where the rules would put it
    enrolment_places: dict[Scheme, Literal["work_place", "hukou_place"]] = Field(default_factory=dict)
    monthly_orders: StrictFloat | None = Field(default=None, ge=0, le=100_000, allow_inf_nan=False)
    contribution_years_so_far: StrictFloat = Field(default=0.0, ge=0, le=50, allow_inf_nan=False)

    @model_validator(mode="after")
    def _hukou_known(self) -> Profile:
        if self.hukou_region is None and self.hukou_local is None:
            raise ValueError("give hukou_region (where your hukou is) or hukou_local (true/false)")
        return self


class AdviceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date
    profile: Profile
    budget_monthly: StrictFloat | None = Field(default=None, ge=0, le=10_000_000, allow_inf_nan=False)
    lang: Literal["zh", "en"] = "zh"


def parse_request(raw: Any) -> AdviceRequest:
    """Validate; the first problem becomes an InputValueError naming the field (e.g. profile.industry)."""
    try:
        request = AdviceRequest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "request"
        raise InputValueError(
            f"{field}: {first['msg']}", field=field
        ) from None  # pydantic's message lists what is allowed
    _check_age(request)
    return request


def age_on(birth_date: str, date: dt.date) -> int | None:
    """Whole years of age on `date` for a birth date YYYY-MM (the 1st of the month) or YYYY-MM-DD; None if the text
    is not a date (the rules then say what is wrong with it)."""
    found = BIRTH_DATE.match(birth_date)
    if found is None:
        return None
    year, month, day = int(found[1]), int(found[2]), int(found[3] or 1)
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return date.year - year - ((date.month, date.day) < (month, day))


def _check_age(request: AdviceRequest) -> None:
    born = request.profile.birth_date
    age = None if born is None else age_on(born, request.date)
    low, high = WORKING_AGES
    if born is None or age is None or low <= age <= high:
        return
    when = request.date.isoformat()
    if age < 0:
        message = (
            f"profile.birth_date：出生日期 {born} 晚于建议日期 {when}，请检查。"
            if request.lang == "zh"
            else f"profile.birth_date: {born} is after the advice's date {when}; please check it."
        )
        raise InputValueError(message, field="profile.birth_date", minimum=low, maximum=high)
    message = (
        f"profile.birth_date：按出生日期 {born}，到 {when} 年龄为 {age} 岁；本工具为 {low} 至 {high} 岁的劳动者提供建议"
        f"（劳动法第十五条：禁止招用未满十六周岁的未成年人）。请检查出生日期。"
        if request.lang == "zh"
        else f"profile.birth_date: born {born}, the worker is {age} on {when}; the advisor is for workers aged {low} "
        f"to {high} (Labour Law art. 15: no one under sixteen may be employed). Please check the birth date."
    )
    raise InputValueError(message, field="profile.birth_date", minimum=low, maximum=high)


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
