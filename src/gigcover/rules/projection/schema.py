"""A contribution history (缴费历史) as an input: segments of years in a region under a scheme at a base index."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from gigcover.engine import GigcoverError, RegionTable
from gigcover.rules import registry

NONE, EMPLOYEE, RESIDENT = 0, 1, 2
SCHEME_CODES = {"none": NONE, "employee": EMPLOYEE, "resident": RESIDENT}


def _region_code(value: Any, info: ValidationInfo) -> Any:
    regions: RegionTable | None = (info.context or {}).get("regions")
    if value is None or regions is None:
        return value
    try:
        return regions.resolve(str(value), field="region").code
    except GigcoverError as exc:  # report through pydantic, which adds where in the history it is
        raise ValueError(exc.message.removeprefix("region: ")) from None


class Segment(BaseModel):
    """Consecutive years in one place under one scheme."""

    model_config = ConfigDict(extra="forbid")
    years: int = Field(ge=1, le=70)
    scheme: Literal["employee", "resident", "none"]
    region: str | None = None
    base_index: float = Field(default=0.6, ge=0, le=10)
    tier: float = Field(default=0.0, ge=0, le=100_000)

    _code = field_validator("region")(_region_code)

    @model_validator(mode="after")
    def _place_needed(self) -> Segment:
        if self.scheme != "none" and self.region is None:
            raise ValueError("region is required for an employee or resident segment")
        return self


class ContributionHistory(BaseModel):
    """A person's contribution history or plan (past and future years alike)."""

    model_config = ConfigDict(extra="forbid")
    start_year: int = Field(ge=1992, le=2100)
    hukou_region: str
    segments: list[Segment] = Field(min_length=1, max_length=60)
    account_balance_start: float = Field(default=0.0, ge=0)
    resident_balance_start: float = Field(default=0.0, ge=0)
    reference_region: str | None = None

    _codes = field_validator("hukou_region", "reference_region")(_region_code)


registry.input(
    "projection_counterfactuals",
    "是否同时测算不流动、不转换的对照情形",
    "Also project the no-moves/no-switches comparisons",
    "bool",
    default=True,
    period="eternity",
    description="False: `pension_projection` holds the history alone (faster). The portability outputs run the "
    "comparisons they need whatever this says.",
)
registry.input(
    "contribution_history",
    "缴费历史或计划",
    "Contribution history or plan",
    "mapping",
    schema=ContributionHistory,
    period="eternity",
    description='{"start_year": 2020, "hukou_region": "511500", "segments": [{"years": 5, "scheme": "employee", '
    '"region": "310000", "base_index": 0.6}, {"years": 3, "scheme": "resident", "region": "511500", "tier": 300}]}',
)
