"""The ingest contract (issue 11): a batch of orders as a platform reports them, validated whole.

Field names are the contract: `order_id`, `worker_id_number`, `industry`, `region` (GB/T 2260), `accepted_at`,
`completed_at` (ISO 8601 with an offset). A batch with any bad field is refused whole, and the error names every bad
field by its place (`orders[3].worker_id_number`) without echoing an ID number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from gigcover.engine.regions import NATIONAL, region_table
from gigcover.ledger import ids
from gigcover.rules.occupational_injury.contributions import SECTOR_OF_INDUSTRY

MAX_BATCH = 10_000
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
"""How far a timestamp may lie ahead of the ledger's clock (clock skew between platform and ledger)."""

CST = dt.timezone(dt.timedelta(hours=8), "CST")
"""China Standard Time: UTC+8 all year (no daylight saving since 1991), the time zone of a covered day."""

INDUSTRIES = frozenset(industry.id for industry in SECTOR_OF_INDUSTRY)
"""The industries with a per-order levy in the rules (出行, 外卖/即时配送, 同城货运)."""


class BatchTooLarge(ValueError):
    """More orders than a batch may hold (HTTP 413 later)."""


@dataclass(frozen=True)
class FieldError:
    field: str  # e.g. "orders[3].worker_id_number"
    message: str


class BatchInvalid(ValueError):
    """A batch refused whole (HTTP 422 later): every bad field, by index."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


class OrderIn(BaseModel):
    """One order as reported (每单必保: every order carries its contribution)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    order_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
    worker_id_number: Annotated[str, Field(min_length=1, max_length=32, repr=False)]  # never shown in a repr or log
    industry: str
    region: Annotated[str, Field(pattern=r"^\d{6}$")]
    accepted_at: AwareDatetime
    completed_at: AwareDatetime

    @field_validator("worker_id_number")
    @classmethod
    def _valid_id(cls, value: str, info: ValidationInfo) -> str:
        try:
            return ids.validate(value, _now(info).astimezone(CST).date())
        except ids.InvalidIdNumber as error:
            raise ValueError(str(error)) from None

    @field_validator("industry")
    @classmethod
    def _known_industry(cls, value: str) -> str:
        if value not in INDUSTRIES:
            raise ValueError(f"unknown industry; expected one of {sorted(INDUSTRIES)}")
        return value

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value == NATIONAL or value not in region_table().by_code:
            raise ValueError("unknown GB/T 2260 region code")
        return value

    @field_validator("accepted_at", "completed_at")
    @classmethod
    def _not_in_future(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        if value > _now(info) + FUTURE_TOLERANCE:
            raise ValueError(f"in the future (beyond a tolerance of {FUTURE_TOLERANCE})")
        return value.astimezone(dt.UTC)

    @property
    def cover_day(self) -> dt.date:
        """The CST day the order was accepted on: the day it covers (按日参保)."""
        return self.accepted_at.astimezone(CST).date()


def _now(info: ValidationInfo) -> dt.datetime:
    context = info.context or {}
    now = context.get("now")
    return now if isinstance(now, dt.datetime) else dt.datetime.now(dt.UTC)


def validate_batch(orders: Any, now: dt.datetime) -> list[OrderIn]:
    """The batch's orders, validated whole; `BatchTooLarge` or `BatchInvalid` naming every bad field."""
    if not isinstance(orders, list):
        raise BatchInvalid([FieldError("orders", "expected a list of orders")])
    if len(orders) > MAX_BATCH:
        raise BatchTooLarge(f"orders: {len(orders)} orders; a batch holds at most {MAX_BATCH}")
    if not orders:
        raise BatchInvalid([FieldError("orders", "a batch holds at least one order")])
    valid: list[OrderIn] = []
    errors: list[FieldError] = []
    for index, raw in enumerate(orders):
        try:
            order = OrderIn.model_validate(raw, context={"now": now})
        except ValidationError as error:
            errors.extend(_field_errors(index, error))
            continue
        if order.completed_at < order.accepted_at:
            errors.append(FieldError(f"orders[{index}].completed_at", "completed before it was accepted"))
        valid.append(order)
    if errors:
        raise BatchInvalid(errors)
    return valid


def _field_errors(index: int, error: ValidationError) -> list[FieldError]:
    """pydantic's errors as `orders[i].field: message`, without the input values (an ID number must not leak)."""
    found = []
    for item in error.errors(include_input=False, include_url=False):
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        found.append(FieldError(f"orders[{index}].{where}" if where else f"orders[{index}]", message))
    return found
