"""Each platform's band and floating ratio per province, dated (缴费基准额分档与浮动比例, set by the agency).

人社部发〔2025〕24号: instant-delivery platforms of the first batch pay 0.07 or 0.25 yuan per order according to their
2022-07…2024-12 支缴率 in the province, new platforms 0.07; the amount floats by province (以支定收、收支平衡) by a
ratio whose steps are not published (UNVERIFIED, platform-workers.md §1.3). The ledger therefore takes both as the
agency sets them: a band (`standard` or `high`) and a floating ratio, per platform and province, in force from a CST
day until the next setting. Without a setting an order is priced in the standard band with no ratio (a new platform).

The ratio is kept exactly, in ten-thousandths (`RATIO_SCALE`); its bounds are the rules' own
(`occupational_injury_float_ratio`). A setting may not reprice orders already posted: the ledger records what each
order was charged, and a change that would alter a posted order's price is refused (`BandConflict`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update

from gigcover.engine.regions import region_table
from gigcover.ledger import store
from gigcover.ledger.audit import record
from gigcover.ledger.contract import FieldError
from gigcover.ledger.contributions import RATIO_SCALE
from gigcover.ledger.schema import orders, platform_bands, platforms
from gigcover.rules import registry

RATIO_INPUT = registry.variables["occupational_injury_float_ratio"]
RATIO_MIN_BP = round((RATIO_INPUT.minimum or 0.0) * RATIO_SCALE)
RATIO_MAX_BP = round((RATIO_INPUT.maximum or 0.0) * RATIO_SCALE)


class Band(StrEnum):
    """The band of a platform's base amount in a province."""

    STANDARD = "standard"  # 基准档: 即时配送 0.07 元/单 (new platforms too)
    HIGH = "high"  # 高档: 即时配送 0.25 元/单 (first-batch platforms with a high 支缴率)


class BandInvalid(ValueError):
    """A setting refused before anything is written; every bad field named."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


class BandConflict(ValueError):
    """The setting would change the price of orders already posted (HTTP 409)."""

    def __init__(self, posted: int, first_day: dt.date) -> None:
        self.posted = posted
        self.first_day = first_day
        super().__init__(
            f"{posted} orders from {first_day} on in this province are already posted at another band or ratio; "
            "a setting cannot reprice posted orders (set it from a later day)"
        )


@dataclass(frozen=True)
class BandSetting:
    platform_id: int
    province: str
    effective_from: dt.date
    band: Band
    floating_ratio_bp: int

    @property
    def floating_ratio(self) -> Decimal:
        return Decimal(self.floating_ratio_bp) / RATIO_SCALE


def province_of(region: str) -> str:
    """The GB/T 2260 province of a region code (440300 → 440000)."""
    return region[:2] + "0000"


def parse_ratio(value: Any, field: str = "floating_ratio") -> int:
    """A floating ratio (0.15, "-0.1") as whole ten-thousandths, within the rules' bounds; else `BandInvalid`."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise BandInvalid([FieldError(field, "expected a number such as 0.15 (+15 %)")])
    try:
        exact = Decimal(str(value).strip())
    except InvalidOperation:
        raise BandInvalid([FieldError(field, "expected a number such as 0.15 (+15 %)")]) from None
    if not exact.is_finite():
        raise BandInvalid([FieldError(field, "expected a finite number")])
    scaled = exact * RATIO_SCALE
    if scaled != scaled.to_integral_value():
        raise BandInvalid([FieldError(field, "at most 4 decimal places (a ten-thousandth of the base amount)")])
    bp = int(scaled)
    if not RATIO_MIN_BP <= bp <= RATIO_MAX_BP:
        low, high = Decimal(RATIO_MIN_BP) / RATIO_SCALE, Decimal(RATIO_MAX_BP) / RATIO_SCALE
        raise BandInvalid([FieldError(field, f"must be between {low} and {high} (the rules' bounds)")])
    return bp


def validate_setting(
    platform_id: int, province: Any, effective_from: Any, band: Any, floating_ratio: Any
) -> BandSetting:
    """A setting from raw values, every bad field named (`BandInvalid`)."""
    errors: list[FieldError] = []
    province_code = str(province).strip() if isinstance(province, str | int) else ""
    if province_code not in region_table().by_code or province_code == "000000" or not province_code.endswith("0000"):
        errors.append(FieldError("province", "expected a GB/T 2260 province code such as 310000"))
    day = effective_from
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            day = None
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        errors.append(FieldError("effective_from", "expected a date YYYY-MM-DD"))
    if band not in {b.value for b in Band}:
        errors.append(FieldError("band", f"expected one of {[b.value for b in Band]}"))
    ratio_bp = 0
    try:
        ratio_bp = parse_ratio(floating_ratio)
    except BandInvalid as error:
        errors.extend(error.errors)
    if errors:
        raise BandInvalid(errors)
    assert isinstance(day, dt.date)
    return BandSetting(platform_id, province_code, day, Band(band), ratio_bp)


def set_band(engine: Engine, setting: BandSetting, actor: str = "admin") -> BandSetting:
    """Record a setting (replacing one of the same day); `LookupError` for an unknown platform, `BandConflict` if it
    would reprice posted orders. Audited."""
    with engine.begin() as connection:
        # one setting of a platform at a time, and none while a batch of it is being priced: SQLite takes the write
        # lock now; PostgreSQL locks the platform's row (a batch holds it shared: ingest._rules_platform), so two
        # admins setting the same band queue instead of both inserting it, and a batch priced at the old band
        # cannot commit after the check that no posted order is repriced
        store.begin_writing(connection)
        locked = select(platforms.c.id).where(platforms.c.id == setting.platform_id).with_for_update()
        if connection.execute(locked).scalar() is None:
            raise LookupError(f"platform {setting.platform_id} is not registered")
        _refuse_repricing(connection, setting)
        values = {
            "high_band": int(setting.band is Band.HIGH),
            "floating_ratio_bp": setting.floating_ratio_bp,
            "set_at": dt.datetime.now(dt.UTC),
        }
        same_day = and_(
            platform_bands.c.platform_id == setting.platform_id,
            platform_bands.c.province == setting.province,
            platform_bands.c.effective_from == setting.effective_from,
        )
        if connection.execute(update(platform_bands).where(same_day).values(**values)).rowcount == 0:
            connection.execute(
                insert(platform_bands).values(
                    platform_id=setting.platform_id,
                    province=setting.province,
                    effective_from=setting.effective_from,
                    **values,
                )
            )
        record(
            connection,
            actor,
            "platform.band",
            {
                "platform_id": setting.platform_id,
                "province": setting.province,
                "effective_from": setting.effective_from.isoformat(),
                "band": setting.band.value,
                "floating_ratio_bp": setting.floating_ratio_bp,
            },
        )
    return setting


def _refuse_repricing(connection: Connection, setting: BandSetting) -> None:
    """Orders posted in the setting's span (from its day to the next setting's) at another band or ratio."""
    next_day = connection.execute(
        select(func.min(platform_bands.c.effective_from)).where(
            platform_bands.c.platform_id == setting.platform_id,
            platform_bands.c.province == setting.province,
            platform_bands.c.effective_from > setting.effective_from,
        )
    ).scalar()
    span = [orders.c.cover_day >= setting.effective_from]
    if next_day is not None:
        span.append(orders.c.cover_day < next_day)
    posted, first_day = connection.execute(
        select(func.count(), func.min(orders.c.cover_day)).where(
            orders.c.platform_id == setting.platform_id,
            func.substr(orders.c.region, 1, 2) == setting.province[:2],
            *span,
            or_(
                orders.c.high_band != int(setting.band is Band.HIGH),
                orders.c.floating_ratio_bp != setting.floating_ratio_bp,
            ),
        )
    ).one()
    if posted:
        raise BandConflict(int(posted), first_day)


def settings_of(engine: Engine, platform_id: int) -> list[BandSetting]:
    """A platform's settings by province and day."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(platform_bands)
            .where(platform_bands.c.platform_id == platform_id)
            .order_by(platform_bands.c.province, platform_bands.c.effective_from)
        )
        return [
            BandSetting(
                int(row.platform_id),
                row.province,
                row.effective_from,
                Band.HIGH if row.high_band else Band.STANDARD,
                int(row.floating_ratio_bp),
            )
            for row in rows
        ]


def bands_for_orders(
    connection: Connection, platform_id: int, regions: Sequence[str], days: Sequence[dt.date]
) -> tuple[np.ndarray, np.ndarray]:
    """Per order: (high band?, floating ratio in ten-thousandths) in force for the platform at its province and day."""
    rows = connection.execute(
        select(
            platform_bands.c.province,
            platform_bands.c.effective_from,
            platform_bands.c.high_band,
            platform_bands.c.floating_ratio_bp,
        )
        .where(platform_bands.c.platform_id == platform_id)
        .order_by(platform_bands.c.province, platform_bands.c.effective_from)
    ).all()
    high = np.zeros(len(regions), bool)
    ratio = np.zeros(len(regions), np.int64)
    if not rows:
        return high, ratio
    starts: dict[str, list[dt.date]] = {}
    values: dict[str, list[tuple[int, int]]] = {}
    for row in rows:  # ordered by province and day
        starts.setdefault(row.province, []).append(row.effective_from)
        values.setdefault(row.province, []).append((int(row.high_band), int(row.floating_ratio_bp)))
    for i, (region, day) in enumerate(zip(regions, days, strict=True)):
        province = province_of(region)
        latest = bisect.bisect_right(starts.get(province, []), day) - 1
        if latest >= 0:
            high[i], ratio[i] = values[province][latest]
    return high, ratio
