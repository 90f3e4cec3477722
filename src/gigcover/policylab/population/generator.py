"""Drawing the synthetic population (合成人口): workers and their contribution-history segments, block by block.

Rows are drawn in fixed blocks of `BLOCK_ROWS`; block k draws from its own generator, seeded with
`SeedSequence(seed, spawn_key=(k,))`, so a row's values depend only on the seed and its row number, never on how
the rows are grouped into chunks for writing. Every draw is vectorised over a block (no per-worker Python).

The distributions come from `calibration.yaml`: a margin's targets where the model draws from them directly, the
`model` section for the rest. Categoricals are the engine's codes (`Industry`, `Platform`, `Counterparty`) or the
population's own (`categories.py`); places are indices into the engine's region table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from gigcover.engine.errors import InputValueError
from gigcover.engine.regions import INDEX_DTYPE, region_table
from gigcover.policylab.population.calibration import Calibration
from gigcover.policylab.population.categories import Intensity, PlatformForm, SegmentScheme, Sex
from gigcover.rules.coverage import Platform
from gigcover.rules.employment import Counterparty, Industry

BLOCK_ROWS = 1 << 16
"""Rows drawn from one seeded generator: the unit of determinism (chunks are any number of rows)."""

PAST_SEGMENTS = 4
"""At most this many segments of past career, plus one planned segment to retirement."""

DELIVERY = (Industry.FOOD_DELIVERY, Industry.INSTANT_DELIVERY, Industry.COURIER)
TENURE_BANDS = np.array([[0.0, 1.0], [1.0, 3.0], [3.0, 5.0], [5.0, 10.0], [10.0, 14.0]])
NO_REGION = -1
OLDEST = 64
"""Ages are drawn up to 64: a woman of 65 with the original age 50 would have retired in 2009, before the resident
pension's first value, which the lifetime projection reads for every retirement year."""
RESIDENT_PENSION_FIRST_YEAR = 2010
"""The first whole year of the resident pension (新农保 pilot from 2009-09-01, 国发〔2009〕32号; the parameters' first
value): earlier years of a resident segment are years without a scheme."""


@dataclass(frozen=True)
class Places:
    """Where workers work and hold hukou: provinces with weights, and their prefecture-level cities (a
    municipality is its own city), as region indices."""

    province: np.ndarray  # region index of each province
    weight: np.ndarray  # drawing weight of each province (sums to 1)
    city: np.ndarray  # region indices of all cities, grouped by province
    first_city: np.ndarray  # per province, its first city in `city`
    cities: np.ndarray  # per province, how many cities
    tier1: np.ndarray  # bool per region index: a tier-1 city
    province_of_city: np.ndarray  # per region index: the position of its province in `province` (−1: none)

    @classmethod
    def of(cls, calibration: Calibration) -> Places:
        return _places(calibration.model["provinces"].model_dump_json(), tuple(calibration.value("tier1_cities")))

    def draw_city(self, rng: np.random.Generator, province: np.ndarray) -> np.ndarray:
        """A city of each row's province, evenly (no distribution within provinces is published)."""
        offset = np.floor(rng.random(len(province)) * self.cities[province]).astype(np.int64)
        city: np.ndarray = self.city[self.first_city[province] + offset]
        return city

    def tier1_share(self) -> float:
        """The share of workers drawn into tier-1 cities (cities are drawn evenly within their province)."""
        per_city = np.repeat(self.weight / self.cities, self.cities)
        return float(per_city[self.tier1[self.city]].sum())

    def draw_province(self, rng: np.random.Generator, n: int, avoid: np.ndarray | None = None) -> np.ndarray:
        """Provinces by weight; with `avoid`, each row's draw differs from its avoided province (redrawn)."""
        province = _categorical(rng, self.weight, n)
        if avoid is None:
            return province
        clash = np.flatnonzero(province == avoid)
        while len(clash):
            province[clash] = _categorical(rng, self.weight, len(clash))
            clash = clash[province[clash] == avoid[clash]]
        return province


@cache
def _places(provinces_json: str, tier1: tuple[str, ...]) -> Places:
    weights: dict[str, float] = json.loads(provinces_json)["value"]
    table = region_table()
    codes = list(weights)
    province = np.asarray([table.position[c] for c in codes], dtype=np.int64)
    cities: list[list[int]] = []
    for code in codes:
        if code in ("110000", "120000", "310000", "500000"):
            cities.append([table.position[code]])
            continue
        found = [
            table.position[r.code]
            for r in table.by_code.values()
            if r.level == "prefecture" and r.parent == code and r.name not in ("市辖区", "县")
        ]
        if not found:
            raise ValueError(f"calibration: province {code} has no prefecture-level city in the region table")
        cities.append(sorted(found))
    counts = np.asarray([len(c) for c in cities], dtype=np.int64)
    total = np.asarray([weights[c] for c in codes], dtype=float)
    is_tier1 = np.zeros(len(table.codes), dtype=bool)
    is_tier1[[table.position[c] for c in tier1]] = True
    province_of_city = np.full(len(table.codes), -1, dtype=np.int64)
    province_of_city[province] = np.arange(len(codes))
    for p, group in enumerate(cities):
        province_of_city[group] = p
    return Places(
        province, total / total.sum(), np.concatenate(cities).astype(np.int64), np.cumsum(counts) - counts, counts,
        is_tier1, province_of_city,
    )  # fmt: skip


@dataclass(frozen=True)
class Model:
    """The calibration as arrays indexed by code, ready for vectorised draws."""

    calibration: Calibration
    places: Places
    reference_year: int
    industry: np.ndarray
    intensity: np.ndarray
    platform: np.ndarray  # [industry, platform]
    form: np.ndarray  # [industry, form]
    contract: np.ndarray  # [form]
    contract_weight: np.ndarray  # [intensity], mean 1 over the intensity shares
    male: np.ndarray  # [industry]
    rural: np.ndarray  # [industry]
    women_age: np.ndarray  # [industry]
    hours_full_mean: np.ndarray  # [industry]
    hourly: np.ndarray  # [industry]
    orders_per_hour: np.ndarray  # [industry]
    age_normal: np.ndarray  # [industry, (mean, sd)]
    age_bands: np.ndarray  # [(low, high)]
    age_band_share: np.ndarray
    tenure_band_share: np.ndarray
    home_share_elsewhere: float

    @classmethod
    def of(cls, calibration: Calibration) -> Model:
        """The calibration's arrays; a model parameter missing or unusable is an error naming it (a calibration
        file written for an earlier version may lack one the generator now draws from)."""
        try:
            return _model(calibration)
        except KeyError as exc:
            raise InputValueError(f"calibration: {exc.args[0]}", field="calibration.model") from None
        except (ValueError, TypeError) as exc:
            raise InputValueError(
                f"calibration: {str(exc).removeprefix('calibration: ')}", field="calibration.model"
            ) from None

    def value(self, name: str) -> Any:
        return self.calibration.value(name)


def _by(enum: Any, mapping: Mapping[str, Any]) -> np.ndarray:
    """A parameter keyed by member names, with 'default' for the members not named."""
    fill = mapping.get("default")
    values: np.ndarray = np.asarray([mapping.get(m.id, fill) for m in enum], dtype=float)
    return values


def _table(rows: Any, outer: Any, inner: Any, fill: str) -> np.ndarray:
    """Shares [outer member, inner member]; an outer member not listed takes all of `fill`."""
    out = np.zeros((len(outer), len(inner)))
    for member in outer:
        for name, share in rows.get(member.id, {fill: 1.0}).items():
            out[int(member), int(inner.of(name))] = share
    normalised: np.ndarray = out / out.sum(axis=1, keepdims=True)
    return normalised


def _shares(calibration: Calibration, margin: str, enum: Any) -> np.ndarray:
    values = np.asarray([calibration.target(margin, m.id) for m in enum], dtype=float)
    shares: np.ndarray = values / values.sum()
    return shares


def _mean_one(weights: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """`weights` scaled to a mean of 1 over `shares` (a relative weight keeps the margin it multiplies)."""
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError(f"contract_by_intensity: weights must be numbers ≥ 0, got {weights.tolist()}")
    mean = float(weights @ shares)
    if mean <= 0:
        raise ValueError("contract_by_intensity gives every intensity a weight of 0")
    scaled: np.ndarray = weights / mean
    return scaled


def _model(calibration: Calibration) -> Model:
    c = calibration
    places = Places.of(c)
    age_rows = c.margin("age_delivery").rows
    bands = np.asarray([row.between for row in age_rows], dtype=float)
    tenure = np.asarray([row.target for row in c.margin("tenure_ride_hailing").rows], dtype=float)
    tier1_weight = places.tier1_share()
    home, home_tier1 = c.target("home_province", True), c.value("tier1_home_province_share")
    age = c.value("age_normal")
    return Model(
        calibration=c,
        places=places,
        reference_year=c.reference_date.year,
        industry=_shares(c, "industry", Industry),
        intensity=_shares(c, "intensity", Intensity),
        platform=_table(c.value("platform_by_industry"), Industry, Platform, "other"),
        form=_table(c.value("form_by_industry"), Industry, PlatformForm, "crowdsourced"),
        contract=_by(PlatformForm, c.value("contract_by_form")),
        contract_weight=_mean_one(_by(Intensity, c.value("contract_by_intensity")), _shares(c, "intensity", Intensity)),
        male=_by(Industry, c.value("male_share")),
        rural=_by(Industry, c.value("rural_share")),
        women_age=_by(Industry, c.value("original_retirement_age_women")),
        hours_full_mean=_by(Industry, c.value("hours_full_time")["mean"]),
        hourly=_by(Industry, c.value("hourly_earnings")),
        orders_per_hour=_by(Industry, {"default": 0.0, **c.value("orders_per_hour")}),
        age_normal=np.asarray([age.get(m.id, age["default"]) for m in Industry], dtype=float),
        age_bands=bands,
        age_band_share=np.asarray([row.target for row in age_rows], dtype=float),
        tenure_band_share=tenure / tenure.sum(),
        # outside tier-1 cities, the home-province share that gives the whole population its margin
        home_share_elsewhere=(home - home_tier1 * tier1_weight) / (1 - tier1_weight),
    )


def _categorical(rng: np.random.Generator, shares: np.ndarray, n: int) -> np.ndarray:
    cumulative = np.cumsum(shares)
    drawn: np.ndarray = np.minimum(
        np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right"), len(shares) - 1
    )
    return drawn


def _conditional(rng: np.random.Generator, table: np.ndarray, group: np.ndarray) -> np.ndarray:
    """A category per row from its group's row of shares (`table[group]`)."""
    cumulative = np.cumsum(table, axis=1)[group]
    above = (rng.random(len(group))[:, None] * cumulative[:, -1:] >= cumulative).sum(axis=1)
    drawn: np.ndarray = np.minimum(above, table.shape[1] - 1)
    return drawn


def block_rng(seed: int, block: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def draw_block(model: Model, seed: int, block: int, rows: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Block `block` (its first `rows` rows): the workers' columns and their segments' columns, as numpy arrays.

    The whole block is drawn, whatever `rows` is, and its first `rows` kept: each vectorised draw takes one number
    per row of the block from the block's one generator, so a block drawn with fewer rows would start every draw
    after the first at another place in the stream, and a sample of N workers would not be the first N of a larger
    one (a 2,000-row sample's incomes, orders, places … were not those of the 20,000-row one). It costs the draw of
    one block (about 0.3–0.5 s here) for the last, partial block of a population."""
    rng = block_rng(seed, block)
    people: dict[str, np.ndarray] = {}
    _work(model, rng, BLOCK_ROWS, people)
    _person(model, rng, BLOCK_ROWS, people)
    _places_of(model, rng, BLOCK_ROWS, people)
    _enrolment(model, rng, people)
    segments = _history(model, rng, people)
    if rows < BLOCK_ROWS:
        people = {name: values[:rows] for name, values in people.items()}
        kept = segments["row"] < rows
        segments = {name: values[kept] for name, values in segments.items()}
    people["person_id"] = np.arange(block * BLOCK_ROWS, block * BLOCK_ROWS + rows, dtype=np.int64)
    segments["person"] = people["person_id"][segments.pop("row")]
    return people, segments


def _work(model: Model, rng: np.random.Generator, n: int, out: dict[str, np.ndarray]) -> None:
    """Industry, platform, form of work, contract, intensity, days, hours, earnings and orders."""
    industry = _categorical(rng, model.industry, n)
    intensity = _categorical(rng, model.intensity, n)
    platform = _conditional(rng, model.platform, industry)
    form = _conditional(rng, model.form, industry)
    contract = rng.random(n) < np.minimum(model.contract[form] * model.contract_weight[intensity], 1.0)
    counterparty = np.where(
        contract,
        np.where(form == PlatformForm.DIRECT, Counterparty.PLATFORM, Counterparty.CONTRACTOR),
        Counterparty.NONE,
    )
    beta_a, beta_b = model.value("days_regular_beta")
    days = np.choose(
        intensity,
        [
            rng.integers(1, 31, n),
            np.minimum(31 + np.floor(230 * rng.beta(beta_a, beta_b, n)), 260).astype(np.int64),
            rng.integers(261, 361, n),
        ],
    )
    lognormal = model.value("hours_lognormal")
    sd_full = model.value("hours_full_time")["sd"]
    hours = np.choose(
        intensity,
        [
            np.clip(np.exp(np.log(lognormal["occasional"][0]) + lognormal["occasional"][1] * rng.standard_normal(n)), 0.5, 16),
            np.clip(np.exp(np.log(lognormal["regular"][0]) + lognormal["regular"][1] * rng.standard_normal(n)), 0.5, 16),
            np.clip(model.hours_full_mean[industry] + sd_full * rng.standard_normal(n), 4, 16),
        ],
    )  # fmt: skip
    hours = np.round(hours, 1)
    sigma = model.value("earnings_noise_sd")
    hourly = model.hourly[industry] * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
    annual_hours = days * hours
    out.update(
        industry=industry.astype(np.int8),
        platform=platform.astype(np.int8),
        platform_form=form.astype(np.int8),
        has_labor_contract=contract,
        contract_counterparty=counterparty.astype(np.int8),
        platform_manages_work=form != PlatformForm.SELF_EMPLOYED,
        own_business=form == PlatformForm.SELF_EMPLOYED,
        intensity=intensity.astype(np.int8),
        annual_days=days.astype(np.int16),
        daily_hours=hours.astype(np.float32),
        monthly_income=np.round(annual_hours * hourly / 12, 2).astype(np.float32),
        monthly_orders=np.round(annual_hours * model.orders_per_hour[industry] / 12, 1).astype(np.float32),
    )


def _person(model: Model, rng: np.random.Generator, n: int, out: dict[str, np.ndarray]) -> None:
    """Age, birth month, sex, retirement age, hukou type, other income, several platforms."""
    industry = out["industry"].astype(np.int64)
    intensity = out["intensity"].astype(np.int64)
    delivery = np.isin(industry, [int(i) for i in DELIVERY])
    band = _categorical(rng, model.age_band_share, n)
    low, high = model.age_bands[band, 0], model.age_bands[band, 1]
    in_band = low + np.floor(rng.random(n) * (high - low + 1))
    older = rng.random(n) < model.value("age_over_45_share_delivery")
    delivery_age = np.where(older, rng.integers(46, 61, n), in_band)
    mean, sd = model.age_normal[industry, 0], model.age_normal[industry, 1]
    other_age = np.clip(np.round(mean + sd * rng.standard_normal(n)), 18, OLDEST)
    age = np.where(delivery, delivery_age, other_age).astype(np.int64)
    birth_month = rng.integers(1, 13, n)
    birth_year = model.reference_year - age - (birth_month > model.calibration.reference_date.month)
    male = rng.random(n) < model.male[industry]
    other_income = model.value("other_income_by_intensity")
    several = model.value("multi_platform_share")
    out.update(
        age=age.astype(np.int8),
        birth_year=birth_year.astype(np.int16),
        birth_month=birth_month.astype(np.int8),
        sex=np.where(male, Sex.MALE, Sex.FEMALE).astype(np.int8),
        original_retirement_age=np.where(male, 60, model.women_age[industry]).astype(np.int8),
        hukou_rural=rng.random(n) < model.rural[industry],
        other_income_source=rng.random(n) < _by(Intensity, other_income)[intensity],
        multi_platform=rng.random(n) < _by(Intensity, several)[intensity],
    )


def _places_of(model: Model, rng: np.random.Generator, n: int, out: dict[str, np.ndarray]) -> None:
    """Place of work (a city) and hukou place: at home (same city or another in the province) or elsewhere."""
    places = model.places
    work_province = places.draw_province(rng, n)
    work = places.draw_city(rng, work_province)
    tier1 = places.tier1[work]
    home = rng.random(n) < np.where(tier1, model.value("tier1_home_province_share"), model.home_share_elsewhere)
    same_city = tier1 | (rng.random(n) < model.value("same_city_given_home_province"))
    other_city_at_home = places.draw_city(rng, work_province)
    away = places.draw_city(rng, places.draw_province(rng, n, avoid=work_province))
    hukou = np.where(home, np.where(same_city, work, other_city_at_home), away)
    province = region_table().province_index
    out.update(
        work_region=work.astype(INDEX_DTYPE),
        work_province=province[work],
        hukou_region=hukou.astype(INDEX_DTYPE),
        hukou_province=province[hukou],
    )


def _enrolment(model: Model, rng: np.random.Generator, out: dict[str, np.ndarray]) -> None:
    """Current enrolments: through an employer with a labour contract, else as a flexible worker or a resident."""
    n = len(out["industry"])
    rates = model.value("enrolment")
    contract = out["has_labor_contract"]
    flexible = ~contract & (
        rng.random(n) < _by(Intensity, rates["flexible_employee"])[out["intensity"].astype(np.int64)]
    )
    employee = contract | flexible
    out.update(
        enrolled_employee_pension=employee,
        enrolled_employee_medical=employee,
        enrolled_resident_pension=~employee & (rng.random(n) < rates["resident_pension"]),
        enrolled_resident_medical=~employee & (rng.random(n) < rates["resident_medical"]),
        enrolled_work_injury=contract.copy(),
        enrolled_unemployment=contract.copy(),
    )


def _history(model: Model, rng: np.random.Generator, out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Contribution-history segments: up to four of past career (place and scheme), then one planned to retirement
    that continues the current scheme and place. Also sets tenure (within the career) and the history's start year."""
    n, year = len(out["industry"]), model.reference_year
    industry, intensity = out["industry"].astype(np.int64), out["intensity"].astype(np.int64)
    age = out["age"].astype(np.int64)
    start_low, start_high = model.value("career_start_age")
    career = np.maximum(age - rng.integers(start_low, start_high + 1, n), 1)
    start_year = np.maximum(year - career, 1992)
    past = year - start_year
    # tenure on platform work, within the career
    delivery = np.isin(industry, [int(i) for i in DELIVERY])
    exponential = rng.exponential(_by(Intensity, model.value("tenure_mean_delivery"))[intensity])
    band = _categorical(rng, model.tenure_band_share, n)
    low, high = TENURE_BANDS[band, 0], TENURE_BANDS[band, 1]
    banded = low + rng.random(n) * (high - low)
    out["tenure_years"] = np.round(np.minimum(np.where(delivery, exponential, banded), career), 2).astype(np.float32)
    # past segments: how many, how long
    count = np.minimum(np.minimum(1 + rng.poisson(past / model.value("segment_years_mean")), PAST_SEGMENTS), past)
    used = np.arange(PAST_SEGMENTS)[None, :] < count[:, None]
    lengths = used + _compositions(rng, past - count, count)
    # schemes: the last past segment is the current state; earlier ones drawn
    current = np.where(
        out["enrolled_employee_pension"],
        SegmentScheme.EMPLOYEE,
        np.where(out["enrolled_resident_pension"], SegmentScheme.RESIDENT, SegmentScheme.NONE),
    )
    earlier = model.value("earlier_segment_scheme")
    scheme = _categorical(rng, _by(SegmentScheme, earlier), n * PAST_SEGMENTS).reshape(n, PAST_SEGMENTS)
    is_last = np.arange(PAST_SEGMENTS)[None, :] == (count - 1)[:, None]
    scheme = np.where(is_last, current[:, None], scheme)
    # places: employee years where one worked, resident years at the hukou place
    work, hukou = out["work_region"].astype(np.int64), out["hukou_region"].astype(np.int64)
    at_work = rng.random((n, PAST_SEGMENTS)) < model.value("earlier_segment_at_work_place")
    elsewhere = model.places.draw_city(rng, model.places.draw_province(rng, n * PAST_SEGMENTS)).reshape(
        n, PAST_SEGMENTS
    )
    employee_place = np.where(is_last | at_work, work[:, None], elsewhere)
    region = np.choose(
        scheme,
        [np.full((n, PAST_SEGMENTS), NO_REGION), employee_place, np.broadcast_to(hukou[:, None], (n, PAST_SEGMENTS))],
    )
    index = model.value("base_index")
    base = np.where(is_last & ~out["has_labor_contract"][:, None], index["flexible"], index["employer"])
    # the planned segment, to the latest statutory retirement (the projection stops at each one's own date)
    retire = out["birth_year"].astype(np.int64) + out["original_retirement_age"].astype(np.int64) + 3
    ahead = np.clip(retire - year, 0, 70)
    planned_region = np.choose(current, [np.full(n, NO_REGION), work, hukou])
    planned_base = np.where(out["has_labor_contract"], index["employer"], index["flexible"])
    out["history_start_year"] = start_year.astype(np.int16)
    # one row per segment, grouped by person in order: past segments, then the planned one
    all_lengths = np.concatenate([lengths, ahead[:, None]], axis=1)
    keep = all_lengths > 0
    offsets = np.cumsum(all_lengths, axis=1) - all_lengths
    all_scheme = np.concatenate([scheme, current[:, None]], axis=1)
    all_base = np.concatenate([base, planned_base[:, None]], axis=1)
    employee = all_scheme == SegmentScheme.EMPLOYEE
    flat = {
        "row": np.broadcast_to(np.arange(n)[:, None], keep.shape)[keep],
        "start_year": (start_year[:, None] + offsets)[keep],
        "years": all_lengths[keep],
        "scheme": all_scheme[keep],
        "region": np.concatenate([region, planned_region[:, None]], axis=1)[keep],
        "base_index": np.where(employee, all_base, 0.0)[keep],
        "planned": np.broadcast_to(np.arange(PAST_SEGMENTS + 1)[None, :] == PAST_SEGMENTS, keep.shape)[keep],
    }
    flat = _resident_from(flat, RESIDENT_PENSION_FIRST_YEAR)
    resident = flat["scheme"] == SegmentScheme.RESIDENT
    return {
        "row": flat["row"],
        "start_year": flat["start_year"].astype(np.int16),
        "years": flat["years"].astype(np.int8),
        "scheme": flat["scheme"].astype(np.int8),
        "region": flat["region"].astype(INDEX_DTYPE),
        "base_index": flat["base_index"].astype(np.float32),
        "tier": np.where(resident, float(model.value("resident_tier")), 0.0).astype(np.float32),
        "planned": flat["planned"],
    }


def _compositions(rng: np.random.Generator, total: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """Each row's `total` split at random into its first `parts` of PAST_SEGMENTS columns (the rest 0): cut points
    drawn evenly in 0..total and sorted (unused cuts sit at the total), the pieces between them."""
    cuts = np.floor(rng.random((len(total), PAST_SEGMENTS - 1)) * (total[:, None] + 1)).astype(np.int64)
    cuts = np.sort(np.where(np.arange(PAST_SEGMENTS - 1)[None, :] < (parts - 1)[:, None], cuts, total[:, None]), axis=1)
    bounds = np.concatenate([np.zeros((len(total), 1), dtype=np.int64), cuts, total[:, None]], axis=1)
    pieces: np.ndarray = np.diff(bounds, axis=1)
    return pieces


def _resident_from(flat: dict[str, np.ndarray], first_year: int) -> dict[str, np.ndarray]:
    """No resident-pension years before the scheme existed: a resident segment wholly before `first_year` has no
    scheme; one that runs across it is split into years without a scheme, then resident years (rows stay in order)."""
    resident = flat["scheme"] == SegmentScheme.RESIDENT
    start, end = flat["start_year"], flat["start_year"] + flat["years"]
    before = resident & (end <= first_year)
    split = resident & (start < first_year) & (end > first_year)
    flat = {**flat, "scheme": np.where(before, SegmentScheme.NONE, flat["scheme"]),
            "region": np.where(before, NO_REGION, flat["region"])}  # fmt: skip
    if not split.any():
        return flat
    repeat = 1 + split.astype(np.int64)
    out = {k: np.repeat(v, repeat) for k, v in flat.items()}
    first = np.cumsum(repeat) - repeat  # where each original row's first copy lands
    head, tail = first[split], first[split] + 1
    out["years"][head] = first_year - start[split]
    out["scheme"][head] = SegmentScheme.NONE
    out["region"][head] = NO_REGION
    out["start_year"][tail] = first_year
    out["years"][tail] = end[split] - first_year
    return out
