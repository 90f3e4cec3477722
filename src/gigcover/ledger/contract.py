"""The ingest contract (issue 11): a batch of orders as a platform reports them, validated whole.

Field names are the contract: `order_id`, `worker_id_number`, `industry`, `region` (GB/T 2260), `accepted_at`,
`completed_at` (ISO 8601 with an offset). A batch with any bad field is refused whole, and the error names every bad
field by its place (`orders[3].worker_id_number`) without echoing an ID number.

Two validators, one contract:
- `OrderIn` (pydantic) is the reference: one order at a time, and the source of every error message.
- `validate_columns` is the fast path ingest uses: it checks the batch column by column with numpy (character classes,
  the GB 11643 check digit, calendar dates, ISO 8601 instants, the clock) and accepts only what the reference would
  accept, with the same values (a property test holds them to it). Whatever it cannot accept outright (a wrong field,
  but also a value in a form it does not parse, such as bytes or a space before a time) is handed to the reference
  row by row, so the result and the messages are the reference's by construction, at the reference's cost only for
  those rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Annotated, Any

import numpy as np
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from gigcover.engine.regions import NATIONAL, region_table
from gigcover.ledger import ids
from gigcover.rules.occupational_injury.contributions import SECTOR_OF_INDUSTRY

MAX_BATCH = 10_000
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
"""How far a timestamp may lie ahead of the ledger's clock (clock skew between platform and ledger)."""

EXAMPLE_TIME = "2025-08-01T12:00:00+08:00"
_NUMERIC = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

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

    @field_validator("accepted_at", "completed_at", mode="before")
    @classmethod
    def _not_unix_time(cls, value: Any) -> Any:
        """The contract's times are ISO 8601 text with an offset; pydantic would take a number (or a string of
        digits) as Unix time, a guess about the platform's clock the contract does not make."""
        if isinstance(value, bool | int | float) or (isinstance(value, str) and _NUMERIC.fullmatch(value.strip())):
            raise ValueError(f"expected ISO 8601 text with an offset (e.g. {EXAMPLE_TIME}), not a number")
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
    """The batch's orders, validated whole by the reference (`OrderIn`, one order at a time); `BatchTooLarge` or
    `BatchInvalid` naming every bad field. Ingest uses `validate_columns`, which gives the same answers faster."""
    _check_size(orders)
    valid: list[OrderIn] = []
    errors: list[FieldError] = []
    for index, raw in enumerate(orders):
        order, found = _validate_row(index, raw, now)
        errors.extend(found)
        if order is not None:
            valid.append(order)
    if errors:
        raise BatchInvalid(errors)
    return valid


def _check_size(orders: Any) -> None:
    if not isinstance(orders, list):
        raise BatchInvalid([FieldError("orders", "expected a list of orders")])
    if len(orders) > MAX_BATCH:
        raise BatchTooLarge(f"orders: {len(orders)} orders; a batch holds at most {MAX_BATCH}")
    if not orders:
        raise BatchInvalid([FieldError("orders", "a batch holds at least one order")])


def _validate_row(index: int, raw: Any, now: dt.datetime) -> tuple[OrderIn | None, list[FieldError]]:
    """One order by the reference: the order (None if pydantic refused it) and its errors."""
    try:
        order = OrderIn.model_validate(raw, context={"now": now})
    except ValidationError as error:
        return None, _field_errors(index, error)
    if order.completed_at < order.accepted_at:
        return order, [FieldError(f"orders[{index}].completed_at", "completed before it was accepted")]
    return order, []


def _field_errors(index: int, error: ValidationError) -> list[FieldError]:
    """pydantic's errors as `orders[i].field: message`, without the input values (an ID number must not leak)."""
    found = []
    for item in error.errors(include_input=False, include_url=False):
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        found.append(FieldError(f"orders[{index}].{where}" if where else f"orders[{index}]", message))
    return found


# -- the fast path: the batch as columns -------------------------------------------------------------------------
FIELDS = ("order_id", "worker_id_number", "industry", "region", "accepted_at", "completed_at")
_FIELD_SET = frozenset(FIELDS)
_ROW = itemgetter(*FIELDS)
_GETTERS = tuple(itemgetter(field) for field in FIELDS)
_FILLER = ("-", "11010519491231002X", "food_delivery", "110000", "2000-01-01T00:00:00Z", "2000-01-01T00:00:00Z")
"""A valid row standing in for a row that is not a dict of exactly the contract's fields (the reference judges it)."""

US_PER_MINUTE = 60_000_000
_CHECK_CODES = np.array([ord(c) for c in ids.CHECK_CHARS], dtype=np.int64)
_WEIGHTS = np.array(ids.WEIGHTS, dtype=np.int64)
_EARLIEST_BIRTH = np.datetime64(ids.EARLIEST_BIRTH, "D")


@dataclass(frozen=True)
class OrderColumns:
    """A valid batch as columns, in the batch's order: the same values as the reference's `OrderIn`s."""

    order_id: list[str]
    worker_id_number: list[str]  # canonical (ids.validate): a lower-case check character upper-cased
    industry: list[str]
    region: list[str]
    accepted_at: np.ndarray  # datetime64[us], UTC
    completed_at: np.ndarray  # datetime64[us], UTC

    def __len__(self) -> int:
        return len(self.order_id)

    @property
    def cover_day(self) -> np.ndarray:
        """datetime64[D]: the CST day each order was accepted on (按日参保), as `OrderIn.cover_day`."""
        return (self.accepted_at + np.timedelta64(8, "h")).astype("datetime64[D]")

    def take(self, rows: Sequence[int] | np.ndarray) -> OrderColumns:
        """The given rows, in that order."""
        index = np.asarray(rows, dtype=np.intp)
        positions: list[int] = index.tolist()
        return OrderColumns(
            order_id=[self.order_id[i] for i in positions],
            worker_id_number=[self.worker_id_number[i] for i in positions],
            industry=[self.industry[i] for i in positions],
            region=[self.region[i] for i in positions],
            accepted_at=self.accepted_at[index],
            completed_at=self.completed_at[index],
        )


def validate_columns(orders: Any, now: dt.datetime) -> OrderColumns:
    """The batch, validated whole as columns; the same outcome as `validate_batch` (the same errors, in the same
    order, or the same values), checked with numpy rather than order by order."""
    _check_size(orders)
    n = len(orders)
    shaped, (order_id, worker, industry, region, accepted_raw, completed_raw) = _fields(orders)
    fine = shaped.copy()
    for column, filler in zip((order_id, worker, industry, region, accepted_raw, completed_raw), _FILLER, strict=True):
        fine &= _strings_only(column, filler)
    fine &= _printable_ascii(order_id, 64)
    id_ok, worker = _id_numbers(worker, now.astimezone(CST).date())
    fine &= id_ok
    fine &= np.fromiter(map(INDUSTRIES.__contains__, industry), bool, n)
    fine &= np.fromiter(map(_region_codes().__contains__, region), bool, n)
    accepted_ok, accepted = _instants(accepted_raw)
    completed_ok, completed = _instants(completed_raw)
    latest = np.datetime64(now.astimezone(dt.UTC).replace(tzinfo=None), "us") + np.timedelta64(FUTURE_TOLERANCE)
    fine &= accepted_ok & completed_ok & (accepted <= latest) & (completed <= latest) & (completed >= accepted)
    columns = OrderColumns(order_id, worker, industry, region, accepted, completed)
    _judge_the_rest(orders, np.flatnonzero(~fine).tolist(), columns, now)
    return columns


def _fields(orders: list[Any]) -> tuple[np.ndarray, list[list[Any]]]:
    """Which orders are a dict of exactly the contract's fields, and the values of each field as a column, in `FIELDS`
    order (`_FILLER`'s for the other orders). The common case, all of them, is read field by field without a Python
    loop and without a tuple per order (10,000 short-lived containers a batch that the cyclic GC would count)."""
    if set(map(type, orders)) == {dict} and set(map(len, orders)) == {len(FIELDS)}:
        try:  # six keys, all six fields: exactly them
            return np.ones(len(orders), dtype=bool), [list(map(get, orders)) for get in _GETTERS]
        except KeyError:
            pass
    shaped = np.fromiter((type(raw) is dict and raw.keys() == _FIELD_SET for raw in orders), bool, len(orders))
    rows = [_ROW(raw) if ok else _FILLER for raw, ok in zip(orders, shaped.tolist(), strict=True)]
    return shaped, [list(column) for column in zip(*rows, strict=True)]


def _judge_the_rest(orders: list[Any], rows: list[int], columns: OrderColumns, now: dt.datetime) -> None:
    """The reference's verdict on the rows the fast path did not accept: its errors, or its values in `columns`."""
    errors: list[FieldError] = []
    for index in rows:
        order, found = _validate_row(index, orders[index], now)
        errors.extend(found)
        if order is not None and not found:
            columns.order_id[index] = order.order_id
            columns.worker_id_number[index] = order.worker_id_number
            columns.industry[index] = order.industry
            columns.region[index] = order.region
            columns.accepted_at[index] = _utc_us(order.accepted_at)
            columns.completed_at[index] = _utc_us(order.completed_at)
    if errors:
        raise BatchInvalid(errors)


def _utc_us(moment: dt.datetime) -> np.datetime64:
    return np.datetime64(moment.astimezone(dt.UTC).replace(tzinfo=None), "us")


def _strings_only(column: list[Any], filler: str) -> np.ndarray:
    """Which values are exactly `str`; any other value is replaced in place by `filler` (its row is judged by the
    reference, which may still accept it: pydantic's lax mode takes bytes for a string, a datetime for a time)."""
    if set(map(type, column)) == {str}:
        return np.ones(len(column), dtype=bool)
    is_str = np.fromiter((type(value) is str for value in column), bool, len(column))
    if not is_str.all():
        for index in np.flatnonzero(~is_str).tolist():
            column[index] = filler
    return is_str


def _codes(column: list[str], width: int) -> tuple[np.ndarray, np.ndarray]:
    """The code points of each string as an (n, width) matrix (zero past the end; longer strings cut), and the
    strings' true lengths."""
    lengths = np.fromiter(map(len, column), np.int64, len(column))
    codes = np.array(column, dtype=f"U{width}").view(np.uint32).reshape(len(column), width).astype(np.int64)
    return codes, lengths


def _printable_ascii(column: list[str], max_length: int) -> np.ndarray:
    """1 to `max_length` characters, each printable ASCII other than space (the reference's `^[\\x21-\\x7e]+$`)."""
    codes, lengths = _codes(column, max_length)
    inside = np.arange(max_length) < lengths[:, None]
    printable = (codes >= 0x21) & (codes <= 0x7E)
    fine: np.ndarray = (lengths >= 1) & (lengths <= max_length) & np.all(printable | ~inside, axis=1)
    return fine


def _digits(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each code point as a digit 0–9 (0 where it is not one), and whether it is one."""
    value = codes - ord("0")
    is_digit = (value >= 0) & (value <= 9)
    return np.where(is_digit, value, 0), is_digit


def _number(digits: np.ndarray) -> np.ndarray:
    """The decimal number each row of digits spells."""
    powers = 10 ** np.arange(digits.shape[1] - 1, -1, -1, dtype=np.int64)
    return np.asarray(digits @ powers)


def _calendar(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether (year, month, day) is a date of the Gregorian calendar (years 1900–9999), and the date."""
    ok = (year >= 1900) & (year <= 9999) & (month >= 1) & (month <= 12) & (day >= 1)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    ok &= day <= length
    return ok, first + np.where(ok, day - 1, 0).astype("timedelta64[D]")


def _id_numbers(column: list[str], today: dt.date) -> tuple[np.ndarray, list[str]]:
    """GB 11643-1999 as `ids.validate`: 18 characters, 17 digits, a plausible birth date, the check character; and
    the canonical numbers (a lower-case 'x' upper-cased)."""
    codes, lengths = _codes(column, 18)
    digits, is_digit = _digits(codes[:, :17])
    last = np.where(codes[:, 17] == ord("x"), ord("X"), codes[:, 17])
    ok = (lengths == 18) & is_digit.all(axis=1) & (last == _CHECK_CODES[(digits @ _WEIGHTS) % 11])
    born_ok, born = _calendar(_number(digits[:, 6:10]), _number(digits[:, 10:12]), _number(digits[:, 12:14]))
    ok &= born_ok & (born >= _EARLIEST_BIRTH) & (born <= np.datetime64(today, "D"))
    lower = np.flatnonzero(codes[:, 17] == ord("x")).tolist()
    if lower:
        column = list(column)
        for index in lower:
            column[index] = column[index].upper()
    return ok, column


_TIME_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18)
_TIME_MARKS = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":"}
_WIDEST_TIME = 32
"""YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM: the longest instant the fast path reads."""


def _instants(column: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 instants `YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|±HH:MM)` (offsets up to ±14:00) as UTC datetime64[us], and
    which values are of that form and a real date and time; other forms are left to the reference."""
    codes, lengths = _codes(column, _WIDEST_TIME)
    digits, is_digit = _digits(codes)
    ok = (lengths >= 20) & (lengths <= _WIDEST_TIME) & is_digit[:, _TIME_DIGITS].all(axis=1)
    for place, mark in _TIME_MARKS.items():
        ok &= codes[:, place] == ord(mark)
    zone_ok, zone_length, offset_minutes = _zones(codes, digits, is_digit, lengths)
    fraction_ok, micro = _fractions(codes, digits, is_digit, lengths - zone_length - 19)
    date_ok, day = _calendar(_number(digits[:, 0:4]), _number(digits[:, 5:7]), _number(digits[:, 8:10]))
    hour, minute, second = _number(digits[:, 11:13]), _number(digits[:, 14:16]), _number(digits[:, 17:19])
    ok &= zone_ok & fraction_ok & date_ok & (hour <= 23) & (minute <= 59) & (second <= 59)
    local_us = ((hour * 60 + minute) * 60 + second) * 1_000_000 + micro
    instants = day.astype("datetime64[us]") + (local_us - offset_minutes * US_PER_MINUTE).astype("timedelta64[us]")
    return ok, instants


def _zones(
    codes: np.ndarray, digits: np.ndarray, is_digit: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The zone at the end of each instant: 'Z' (length 1) or ±HH:MM (length 6); whether it is one, its length and
    its offset in minutes."""
    rows = np.arange(len(lengths))
    last = np.clip(lengths - 1, 0, codes.shape[1] - 1)
    zulu = codes[rows, last] == ord("Z")
    start = np.clip(lengths - 6, 0, codes.shape[1] - 6)
    at = start[:, None] + np.arange(6)
    zone, zone_digits, zone_is_digit = codes[rows[:, None], at], digits[rows[:, None], at], is_digit[rows[:, None], at]
    sign = np.where(zone[:, 0] == ord("-"), -1, 1)
    hours, minutes = _number(zone_digits[:, 1:3]), _number(zone_digits[:, 4:6])
    numeric = (
        ((zone[:, 0] == ord("+")) | (zone[:, 0] == ord("-")))
        & zone_is_digit[:, [1, 2, 4, 5]].all(axis=1)
        & (zone[:, 3] == ord(":"))
        & (hours * 60 + minutes <= 14 * 60)
        & (minutes <= 59)
    )
    offset = np.where(zulu, 0, sign * (hours * 60 + minutes))
    return zulu | numeric, np.where(zulu, 1, 6), offset


def _fractions(
    codes: np.ndarray, digits: np.ndarray, is_digit: np.ndarray, length: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The fraction of a second after position 19: none, or '.' and 1–6 digits; whether it is, and in µs."""
    places = np.arange(20, 26)
    inside = places < 19 + length[:, None]
    ok = (length == 0) | (
        (length >= 2) & (length <= 7) & (codes[:, 19] == ord(".")) & np.all(is_digit[:, 20:26] | ~inside, axis=1)
    )
    micro = _number(np.where(inside, digits[:, 20:26], 0))
    return ok, micro


@cache
def _region_codes() -> frozenset[str]:
    """The codes `OrderIn` accepts for `region`: six ASCII digits, in the GB/T 2260 table, not the nation."""
    return frozenset(
        code
        for code in region_table().by_code
        if len(code) == 6 and code.isascii() and code.isdigit() and code != NATIONAL
    )
