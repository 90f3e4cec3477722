"""How well each place is known (数据覆盖): per province (at its capital) and 计划单列市, per family of provincial
figures and per year, whether the parameters hold a value for that year and at what verification level, or whether a
search for it is recorded in a `missing.yaml`; with the targets of issue 9 beside the counts.

Used by `gigcover params coverage` and the web page `/data`. A place's value is the one a question asked in that
place would read, without the national fallback: a province is looked up at its capital (Hubei's band is Wuhan's,
Liaoning's 计发基数 Shenyang's), a 计划单列市 at itself. A value counts for a year when it is in force on some day of
that year and not past the period it was published for (a 2022 计发基数 carried into 2024 does not count for 2024; a
flexible-worker medical rate set in 2023 and never changed does count for 2025).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from gigcover.engine.errors import InputValueError
from gigcover.engine.evaluate import Model
from gigcover.engine.parameters import VERIFICATION_ORDER, Parameter, ParameterStore, latest_on_or_before
from gigcover.engine.regions import NATIONAL

# The 31 provinces and the city each is looked up at (its capital; a municipality is its own capital).
PROVINCE_CAPITALS: dict[str, str] = {
    "110000": "110000", "120000": "120000", "130000": "130100", "140000": "140100", "150000": "150100",
    "210000": "210100", "220000": "220100", "230000": "230100", "310000": "310000", "320000": "320100",
    "330000": "330100", "340000": "340100", "350000": "350100", "360000": "360100", "370000": "370100",
    "410000": "410100", "420000": "420100", "430000": "430100", "440000": "440100", "450000": "450100",
    "460000": "460100", "500000": "500000", "510000": "510100", "520000": "520100", "530000": "530100",
    "540000": "540100", "610000": "610100", "620000": "620100", "630000": "630100", "640000": "640100",
    "650000": "650100",
}  # fmt: skip
# The cities separately listed in the state plan (计划单列市), which may set their own figures.
PLAN_CITIES: tuple[str, ...] = ("210200", "330200", "350200", "370200", "440300")

DEFAULT_YEARS: tuple[int, ...] = (2023, 2024, 2025, 2026)
Places = Literal["provinces", "capitals"]


@dataclass(frozen=True)
class Family:
    """A family of provincial figures: its parameters (all needed, or any one of them), and the places it is
    expected for: every province, or every province's capital and every 计划单列市."""

    key: str
    zh: str
    en: str
    parameters: tuple[str, ...]
    need_all: bool = True
    places: Places = "provinces"


FAMILIES: tuple[Family, ...] = (
    Family("benefit_base", "计发基数", "Pension benefit base (计发基数)", ("pension.employee.benefit_base_monthly",)),
    Family(
        "band",
        "缴费基数上下限",
        "Contribution base floor and ceiling",
        ("pension.employee.base_floor_monthly", "pension.employee.base_ceiling_monthly"),
    ),
    Family("average_wage", "全口径平均工资", "All-caliber average wage", ("wages.provincial_average_monthly",)),
    Family(
        "flexible_medical",
        "灵活就业职工医保",
        "Flexible-worker employee medical",
        (
            "medical.employee.flexible.rate",
            "medical.employee.flexible.fixed_monthly",
            "medical.employee.flexible.tier_annual",
        ),
        need_all=False,
        places="capitals",
    ),
    Family(
        "resident_pension",
        "居民基础养老金地方标准",
        "Resident pension local basic amount",
        ("pension.resident.local_top_up_monthly",),
    ),
    Family(
        "resident_medical",
        "居民医保个人缴费",
        "Resident medical individual premium",
        ("medical.resident.individual_premium_annual",),
    ),
    Family("minimum_wage", "最低工资", "Minimum wage", ("wages.minimum_wage_monthly",)),
    Family(
        "private_wage",
        "城镇私营单位平均工资（职业伤害待遇）",
        "Private-sector average wage (occupational-injury benefits)",
        ("wages.private_sector_average_annual",),
    ),
)
FAMILY_KEYS = tuple(f.key for f in FAMILIES)


@dataclass(frozen=True)
class Target:
    """A target of issue 9: at least `need` places with a value of `family` for `year`."""

    family: str
    year: int
    need: int
    of: int
    zh: str
    en: str


TARGETS: tuple[Target, ...] = (
    Target("band", 2025, 28, 31, "2025 年缴费基数上下限 ≥ 28/31 省", "2025 contribution bands ≥ 28 of 31 provinces"),
    Target("average_wage", 2025, 28, 31, "2025 年全口径平均工资 ≥ 28/31 省", "2025 average wage ≥ 28 of 31 provinces"),
    Target("benefit_base", 2025, 24, 31, "2025 年计发基数 ≥ 24/31 省", "2025 计发基数 ≥ 24 of 31 provinces"),
    Target(
        "flexible_medical",
        2025,
        31,
        31,
        "灵活就业职工医保：31 个省会全部",
        "Flexible medical: all 31 provincial capitals",
    ),
    Target(
        "resident_pension",
        2025,
        31,
        31,
        "2025 年居民基础养老金：31 省全部",
        "Resident pension basic amount: all 31 (2025)",
    ),
)
UNVERIFIED_TARGET = 0.05  # UNVERIFIED values under 5 % of all values


@dataclass(frozen=True)
class Place:
    """A row of the table: a province looked up at its capital, or a 计划单列市 looked up at itself."""

    code: str
    at: str  # the code whose fallback chain is read
    kind: Literal["province", "city"]


def places() -> list[Place]:
    return [Place(p, c, "province") for p, c in PROVINCE_CAPITALS.items()] + [Place(c, c, "city") for c in PLAN_CITIES]


@dataclass(frozen=True)
class Cell:
    """A place's value of one parameter for one year: the weakest level among the values in force that year (not past
    their period), and the region whose value it is."""

    level: str
    region: str


def parameter_cell(store: ParameterStore, parameter: Parameter, at: str, year: int) -> Cell | None:
    """The values of `parameter` that a question in `at` reads on some day of `year` (no national fallback), kept only
    while within their period; None when there is none."""
    chain = [r.code for r in store.regions.fallback_chain(at) if r.code != NATIONAL]
    series = [(code, parameter.series_for(code)[0]) for code in chain]
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # a value in force on some day of the year is in force on 1 January or on its own effective date
    days = {first} | {start for _, values in series for start in values if first <= start <= last}
    found: list[Cell] = []
    for day in sorted(days):
        for code, values in series:
            got = latest_on_or_before(values, day)
            if got is None:
                continue
            start, item = got
            until, _ = parameter.spec.valid_until(start, item)
            if until is None or day <= until:
                found.append(Cell(item.verified, code))
            break
    if not found:
        return None
    weakest = max(found, key=lambda c: VERIFICATION_ORDER[c.level])
    return Cell(weakest.level, found[-1].region)


def family_cell(store: ParameterStore, family: Family, at: str, year: int) -> Cell | None:
    """All of the family's parameters (or any one, for a family of alternatives) have a value: the weakest level."""
    cells = [parameter_cell(store, store.get(name), at, year) for name in family.parameters]
    present = [c for c in cells if c is not None]
    if not present or (family.need_all and len(present) < len(cells)):
        return None
    return max(present, key=lambda c: VERIFICATION_ORDER[c.level])


def searched(store: ParameterStore, family: Family, place: Place, year: int) -> bool:
    """A recorded search (missing.yaml) for the place (its province or capital) and year, for a parameter the family
    still lacks."""
    codes = {place.code, place.at}
    for name in family.parameters:
        if parameter_cell(store, store.get(name), place.at, year) is not None and family.need_all:
            continue
        if any(store.missing_for(name, code, year) for code in codes):
            return True
    return False


def expected(family: Family, place: Place) -> bool:
    """Whether a value (or a recorded search) is expected for the place: every province; a 计划单列市 for the families
    set city by city (it may fall back to its province for the others, and its row shows what it reads)."""
    return place.kind == "province" or family.places == "capitals"


def value_levels(store: ParameterStore) -> Counter[str]:
    """How many dated values the store holds at each verification level (every parameter, every region)."""
    levels: Counter[str] = Counter()
    for parameter in store.parameters.values():
        for values in (parameter.spec.values, *(s.values for s in parameter.spec.by_region.values())):
            levels.update(item.verified for item in values.values() if not item.ends)
    return levels


def report(model: Model, families: Sequence[str] | None = None, years: Iterable[int] | None = None) -> dict[str, Any]:
    """The coverage table as JSON-ready data: rows (places × families × years), counts per family and year over
    the provinces, the targets with what is met, and the verification levels of all values."""
    store = model.store
    chosen = [_family(key) for key in families] if families else list(FAMILIES)
    shown_years = sorted(set(years)) if years else list(DEFAULT_YEARS)
    rows = [_row(store, place, chosen, shown_years) for place in places()]
    return {
        "years": shown_years,
        "families": [{"key": f.key, "zh": f.zh, "en": f.en, "parameters": list(f.parameters)} for f in chosen],
        "rows": rows,
        "counts": {f.key: {str(y): _count(store, f, y) for y in shown_years} for f in chosen},
        "targets": targets(store, [f.key for f in chosen]),
        "levels": _levels(store),
    }


def _family(key: str) -> Family:
    for family in FAMILIES:
        if family.key == key:
            return family
    raise InputValueError(
        f"family: {key!r} is not a family of figures; expected one of {', '.join(FAMILY_KEYS)}",
        field="family",
        allowed=list(FAMILY_KEYS),
    )


def _row(store: ParameterStore, place: Place, families: Sequence[Family], years: Sequence[int]) -> dict[str, Any]:
    region, at = store.regions.by_code[place.code], store.regions.by_code[place.at]
    own = {place.code, place.at} if place.kind == "province" else {place.code}  # a city's value, not its province's
    cells: dict[str, dict[str, Any]] = {}
    for family in families:
        cells[family.key] = {}
        for year in years:
            cell = family_cell(store, family, place.at, year)
            if cell is not None:
                cells[family.key][str(year)] = {"level": cell.level, "region": cell.region, "own": cell.region in own}
            else:
                cells[family.key][str(year)] = {
                    "level": None,
                    "searched": searched(store, family, place, year),
                    "expected": expected(family, place),
                }
    return {
        "code": place.code,
        "name": region.name,
        "name_en": region.pinyin.title(),
        "kind": place.kind,
        "at": place.at,
        "at_name": at.name,
        "cells": cells,
    }


def _count(store: ParameterStore, family: Family, year: int) -> dict[str, Any]:
    """Over the 31 provinces (at their capitals): how many have a value, by level, and how many have a recorded search."""
    provinces = [p for p in places() if p.kind == "province"]
    cells = {p.code: family_cell(store, family, p.at, year) for p in provinces}
    have = [c for c in cells.values() if c is not None]
    missing = [p for p in provinces if cells[p.code] is None]
    return {
        "have": len(have),
        "of": len(provinces),
        "levels": dict(sorted(Counter(c.level for c in have).items(), key=lambda kv: VERIFICATION_ORDER[kv[0]])),
        "searched": sum(searched(store, family, p, year) for p in missing),
    }


def targets(store: ParameterStore, families: Sequence[str] = FAMILY_KEYS) -> list[dict[str, Any]]:
    """The issue's targets for the families asked, each with the count and whether it is met; and the UNVERIFIED share."""
    out = []
    for target in TARGETS:
        if target.family not in families:
            continue
        have = _count(store, _family(target.family), target.year)["have"]
        out.append(
            {
                "key": f"{target.family}_{target.year}",
                "family": target.family,
                "year": target.year,
                "need": target.need,
                "of": target.of,
                "have": have,
                "met": have >= target.need,
                "zh": target.zh,
                "en": target.en,
            }
        )
    levels = value_levels(store)
    share = levels["UNVERIFIED"] / max(sum(levels.values()), 1)
    out.append(
        {
            "key": "unverified_share",
            "need": UNVERIFIED_TARGET,
            "have": round(share, 4),
            "met": share < UNVERIFIED_TARGET,
            "zh": "UNVERIFIED 值占全部值 < 5 %",
            "en": "UNVERIFIED values under 5 % of all values",
        }
    )
    return out


def _levels(store: ParameterStore) -> dict[str, int]:
    levels = value_levels(store)
    return {level: levels[level] for level in ("V1", "V2", "V3", "UNVERIFIED")} | {"total": sum(levels.values())}
