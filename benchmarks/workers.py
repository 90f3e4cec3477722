"""A stream of distinct advice requests for the latency benchmarks: every worker differs (income to the fen, birth month,
places, industry, platform, enrolments), so a benchmark over it measures the advisor on workers it has not seen, not a
cache serving one repeated question. The mix leans on the paper's subjects: riders and drivers in the big cities, many
with a rural hukou elsewhere."""

from __future__ import annotations

import random
from typing import Any

WORK_PLACES = ("310000", "110000", "440300", "440100", "330100", "510100", "500000", "320500", "420100", "610100")
HUKOU_PLACES = (
    "411600", "411300", "341200", "511300", "500000", "430500", "360700", "450900", "130600", "370800",
    "410100", "421100", "520500", "532600", "620100", "320300", "350500", "440500", "230100", "150200",
)  # fmt: skip
INDUSTRY_PLATFORMS = {
    "food_delivery": ("meituan", "eleme"),
    "instant_delivery": ("dada", "shansong", "sf_intra_city"),
    "ride_hailing": ("didi", "caocao"),
    "intra_city_freight": ("huolala", "kuaigou", "didi_freight"),
    "courier": ("other",),
    "livestreaming": ("other",),
    "domestic_service": ("other",),
}
SCHEMES = ("resident_medical", "resident_pension", "employee_pension", "employee_medical")


def advice_requests(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """`count` requests, no two alike."""
    rng = random.Random(seed)
    return [_request(rng, i) for i in range(count)]


def _request(rng: random.Random, i: int) -> dict[str, Any]:
    industry = rng.choice(list(INDUSTRY_PLATFORMS))
    work = rng.choice(WORK_PLACES)
    local = rng.random() < 0.25
    profile: dict[str, Any] = {
        "monthly_income": round(rng.lognormvariate(8.7, 0.45), 2) + i / 1e6,  # median ≈ 6,000 yuan; unique
        "work_region": work,
        "hukou_region": work if local else rng.choice(HUKOU_PLACES),
        "hukou_rural": rng.random() < 0.6,
        "industry": industry,
        "platform": rng.choice(INDUSTRY_PLATFORMS[industry]),
        "has_labor_contract": rng.random() < 0.1,
        "platform_manages_work": industry != "livestreaming",
        "own_business": industry == "livestreaming" and rng.random() < 0.5,
        "birth_date": f"{rng.randint(1966, 2004)}-{rng.randint(1, 12):02d}",
        "sex": "male" if rng.random() < 0.8 else "female",
        "monthly_orders": float(rng.randint(0, 1500)),
        "current_enrolments": rng.sample(SCHEMES, rng.randint(0, 2)),
        "contribution_years_so_far": float(rng.choice((0, 0, 0, 1, 3, 5, 8))),
    }
    request: dict[str, Any] = {"date": rng.choice(("2025-09-01", "2026-03-01", "2026-11-01")), "profile": profile}
    if rng.random() < 0.3:
        request["budget_monthly"] = float(rng.randint(50, 800))
    return request
