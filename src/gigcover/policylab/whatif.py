"""What-if runs of the policy lab (政策实验室在线测算): the analyst page (`/lab`) and `POST /v1/lab/runs`.

An analyst picks built-in scenarios and edits a few key figures; the run is the CLI's: the same `simulate` and
measures, on a calibrated sample of the synthetic population, and the report's own charts (`report.charts`).

The edits are applied to each picked scenario as a scenario overlay, the way a user-written scenario file would
give them (`parse_scenario` checks the result like any file):

- `per_order_amount` (元/单): `occupational_injury.base_amount_per_order` for every pilot sector and band (the
  rules' 2025 figures are 0.01–0.25 元/单 by sector); industries outside the pilot's sectors keep a levy of 0;
- `worker_share`: `occupational_injury.worker_share` (the platform pays what the worker and the government do not);
  with the scenario's government share it must not pass 1;
- `take_up_elasticity`: k in willingness(k × cost share) — the responsiveness of take-up to the cost share of
  income, as a multiple of the PKU survey's curve (behaviour.yaml `willingness`; 1 = the survey, 2 = every level
  of willingness reached at half the cost share);
- `awareness`: the probability of knowing an item exists (behaviour.yaml `awareness`), one value for all four items;
- `medical_rate_stand_in`: a stand-in for `medical.employee.flexible.rate`, used only where a city's flexible-worker
  medical rule is not in the parameters (engine/overlay.py), so that employee medical can be priced there — an
  assumption the run's notes state; places with their own rule keep it.

Edits apply to every picked scenario, baseline-2021 included when picked; when it is not picked, baseline-2021 is
still run, unedited, as the reference of the `*_change_vs_baseline` rows (as `gigcover simulate` does).

The sample: `gigcover population generate`'s population of `size` rows for seed 2026 (each row stands for 84 million
÷ size workers), generated once per process and size (the last four sizes kept), held read-only.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gigcover.engine import GigcoverError, InputValueError, Model
from gigcover.engine.regions import NATIONAL
from gigcover.policylab.measures import Compute, LabPopulation
from gigcover.policylab.report import Chart, charts
from gigcover.policylab.scenarios import BASELINE, LabScenario, builtin_scenarios, parse_scenario
from gigcover.policylab.simulate import Summary, generated_lab_population, simulate

__all__ = [
    "BUILTIN",
    "LAB_LIMIT_SETTINGS",
    "LabEdits",
    "LabInputError",
    "LabLimits",
    "LabResult",
    "LabRunRequest",
    "LabTooLong",
    "edited",
    "prepare",
    "run",
    "sample",
]

BUILTIN = ("baseline-2021", "law-2026", "paper-package", "formalization", "universal")
ScenarioName = Literal["baseline-2021", "law-2026", "paper-package", "formalization", "universal"]

SEED = 2026
"""The sample's seed: one fixed sample, so two runs differ only by what was edited."""
MIN_SIZE = 500
SIZE_CAP = 20_000
"""The largest sample the service runs (a bigger population is a job for `gigcover simulate`)."""
DEFAULT_SIZE = 20_000
MAX_PER_ORDER = 2.0
"""元/单: an input limit, not law — eight times the highest amount in the rules (0.25 元/单, instant delivery's high
band since 2025-07-01; the others 0.01–0.18). More is refused as absurd rather than run."""
ELASTICITY_RANGE = (0.1, 10.0)
MAX_MEDICAL_RATE = 0.2
"""An input limit, not law: twice the highest flexible-worker medical rate in the rules (10 %)."""
MEDICAL_RATE = "medical.employee.flexible.rate"
REPLICATIONS = 1000
AMOUNT_PARAMETER = "occupational_injury.base_amount_per_order"
SECTORS = ("ride_hailing", "instant_delivery", "instant_delivery_high_band", "intra_city_freight")


class LabEdits(BaseModel):
    """The figures an analyst may edit; each left out (null) keeps every scenario's own."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    per_order_amount: float | None = Field(
        None,
        ge=0,
        le=MAX_PER_ORDER,
        description="occupational-injury levy per order, yuan (职业伤害保障缴费基准额, 元/单), for every pilot sector; "
        "the rules' 2025 amounts are 0.01–0.25",
    )
    worker_share: float | None = Field(
        None,
        ge=0,
        le=1,
        description="the worker's share of the per-order levy (the platform pays the rest after the government's "
        "share); worker + government share at most 1",
    )
    take_up_elasticity: float | None = Field(
        None,
        ge=ELASTICITY_RANGE[0],
        le=ELASTICITY_RANGE[1],
        description="k in willingness(k × cost share of income): take-up's responsiveness to cost as a multiple of "
        "the survey's curve (1 = the survey)",
    )
    awareness: float | None = Field(
        None, ge=0, le=1, description="probability of knowing an item exists (知晓率), for all four items"
    )
    medical_rate_stand_in: float | None = Field(
        None,
        ge=0,
        le=MAX_MEDICAL_RATE,
        description="flexible-worker employee-medical rate used only where the city's own rule is not in the "
        "parameters (a stand-in: places with their own rule keep it; theirs are in "
        "`GET /v1/parameters/medical.employee.flexible.rate`)",
    )

    def edits(self) -> dict[str, float]:
        return {name: float(v) for name, v in self.model_dump().items() if v is not None and name in EDIT_FIELDS}


EDIT_FIELDS = ("per_order_amount", "worker_share", "take_up_elasticity", "awareness", "medical_rate_stand_in")


class LabRunRequest(LabEdits):
    """A what-if run: built-in scenarios, the edits, and the sample."""

    scenarios: list[ScenarioName] = Field(
        min_length=1, max_length=len(BUILTIN), description="built-in scenarios to run (each at most once)"
    )
    size: int | None = Field(
        None,
        ge=MIN_SIZE,
        le=SIZE_CAP,
        description=f"rows of the calibrated sample (seed {SEED}); each stands for 84 million ÷ size workers "
        f"(default {DEFAULT_SIZE:,}, or the service's cap when lower)",
    )
    projection: bool = Field(
        False, description="also run the lifetime projection (replacement rates; slower, a smaller size cap)"
    )
    all_groups: bool = Field(False, description="every group's rows, not only group `all` (JSON answer only)")

    @field_validator("scenarios")
    @classmethod
    def _once(cls, value: list[str]) -> list[str]:
        twice = sorted({name for name in value if value.count(name) > 1})
        if twice:
            raise ValueError(f"given twice: {', '.join(twice)}")
        return value

    def sized(self, limits: LabLimits) -> LabRunRequest:
        """The request with its size given (the default, or the service's cap when that is lower)."""
        return self if self.size is not None else self.model_copy(update={"size": min(DEFAULT_SIZE, limits.max_rows)})

    def rows(self) -> int:
        return DEFAULT_SIZE if self.size is None else self.size

    def key(self) -> tuple[Any, ...]:
        """What makes a run: the same key, the same results."""
        return (tuple(self.scenarios), tuple(sorted(self.edits().items())), self.size, self.projection)


LAB_LIMIT_SETTINGS: dict[str, tuple[str, str]] = {
    "max_rows": ("--lab-max-rows", "GIGCOVER_LAB_MAX_ROWS"),
    "max_projection_rows": ("--lab-max-projection-rows", "GIGCOVER_LAB_MAX_PROJECTION_ROWS"),
    "max_seconds": ("--lab-max-seconds", "GIGCOVER_LAB_MAX_SECONDS"),
}
"""Each lab limit's `gigcover serve` option and environment variable (the option wins)."""


class LabLimitError(ValueError):
    """A lab limit out of range: `name` is the limit (a field of `LabLimits`)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


@dataclass(frozen=True)
class LabLimits:
    """What one run may take: sample rows (fewer with the projection) and seconds of computing.

    A service takes them from `gigcover serve --lab-max-rows / --lab-max-projection-rows / --lab-max-seconds`, or
    the environment (`LAB_LIMIT_SETTINGS`; `LabLimits.configured`), or in Python `app.state.lab_limits`."""

    max_rows: int = SIZE_CAP
    max_projection_rows: int = 2_000
    max_seconds: float = 180.0

    def __post_init__(self) -> None:
        for name in ("max_rows", "max_projection_rows"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise LabLimitError(name, f"expected a whole number, got {value!r}")
        if not MIN_SIZE <= self.max_rows <= SIZE_CAP:
            raise LabLimitError("max_rows", f"{self.max_rows:,} is out of range ({MIN_SIZE:,}–{SIZE_CAP:,} rows)")
        if not MIN_SIZE <= self.max_projection_rows <= self.max_rows:
            raise LabLimitError(
                "max_projection_rows",
                f"{self.max_projection_rows:,} is out of range ({MIN_SIZE:,} to the row cap, {self.max_rows:,})",
            )
        seconds = self.max_seconds
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
            raise LabLimitError("max_seconds", f"expected a number of seconds, got {seconds!r}")
        if seconds <= 0:
            raise LabLimitError("max_seconds", f"must be more than 0, got {seconds:g}")

    @classmethod
    def configured(
        cls, options: Mapping[str, int | float | None] | None = None, env: Mapping[str, str] | None = None
    ) -> LabLimits:
        """The limits from `options` (by field name; None: not given), else the environment (`LAB_LIMIT_SETTINGS`),
        else the defaults. A row cap below the default projection cap, with no projection cap given, lowers the
        projection cap with it. A bad value is a `ValueError` naming the option or variable it came from."""
        env = os.environ if env is None else env
        values: dict[str, int | float] = {}
        source: dict[str, str] = {}
        for name, (option, variable) in LAB_LIMIT_SETTINGS.items():
            given = (options or {}).get(name)
            raw = env.get(variable, "").strip()
            if given is not None:
                values[name], source[name] = given, option
            elif raw:
                values[name], source[name] = _parsed(raw, name, variable), variable
        if "max_rows" in values and "max_projection_rows" not in values:
            values["max_projection_rows"] = min(cls.max_projection_rows, int(values["max_rows"]))
            source["max_projection_rows"] = source["max_rows"]
        try:
            return cls(**values)  # type: ignore[arg-type]
        except LabLimitError as exc:
            raise ValueError(f"{source.get(exc.name, exc.name)}: {exc.message}") from None

    def as_env(self) -> dict[str, str]:
        """The environment that gives these limits to server processes started by uvicorn (`--workers N`)."""
        return {
            LAB_LIMIT_SETTINGS["max_rows"][1]: str(int(self.max_rows)),
            LAB_LIMIT_SETTINGS["max_projection_rows"][1]: str(int(self.max_projection_rows)),
            LAB_LIMIT_SETTINGS["max_seconds"][1]: repr(float(self.max_seconds)),
        }


def _parsed(raw: str, name: str, variable: str) -> int | float:
    try:
        return int(raw) if name != "max_seconds" else float(raw)
    except ValueError:
        kind = "a whole number" if name != "max_seconds" else "a number of seconds"
        raise ValueError(f"{variable}: expected {kind}, got {raw[:40]!r}") from None


class LabInputError(InputValueError):
    """A bad what-if (HTTP 422): `field` names it; `message_zh` says it in Chinese for the page."""

    def __init__(self, field: str, en: str, zh: str, **details: object) -> None:
        super().__init__(f"{field}: {en}", field=field, **details)
        self.message_en = en
        self.message_zh = zh


class LabTooLong(GigcoverError):
    """A run that passed its time limit (HTTP 413): a smaller sample or fewer scenarios, or `gigcover simulate`."""

    kind = "too_large"

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the run took longer than this service allows ({seconds:g} s); pick fewer scenarios or a smaller "
            "sample, or run `gigcover simulate` on a population file",
            field="size",
            limit=seconds,
            unit="seconds",
        )
        self.seconds = seconds


# -- the scenarios with the edits ----------------------------------------------------------------------------------
def edited(scenario: LabScenario, edits: LabEdits, model: Model) -> LabScenario:
    """`scenario` with the edits as an overlay (parameter overrides and behaviour), checked as a scenario file is.
    No edit: the scenario itself."""
    values = edits.edits()
    if not values:
        return scenario
    raw = scenario.model_dump(mode="json", exclude_defaults=True)
    overrides = dict(raw.get("overrides") or {})
    behaviour = dict(raw.get("behaviour") or {})
    if edits.per_order_amount is not None:
        overrides[AMOUNT_PARAMETER] = dict.fromkeys(SECTORS, float(edits.per_order_amount))
    if edits.worker_share is not None:
        _check_shares(scenario, float(edits.worker_share), model)
        overrides["occupational_injury.worker_share"] = float(edits.worker_share)
    if edits.take_up_elasticity is not None:
        k = float(edits.take_up_elasticity)
        curve = scenario.assumptions().willingness
        behaviour["willingness"] = [{"share": knot.share / k, "willing": knot.willing} for knot in curve]
    if edits.awareness is not None:
        behaviour["awareness"] = dict.fromkeys(("injury", "medical", "pension", "unemployment"), edits.awareness)
    stand_ins = dict(raw.get("stand_ins") or {})
    if edits.medical_rate_stand_in is not None:
        stand_ins[MEDICAL_RATE] = float(edits.medical_rate_stand_in)
    said = ", ".join(f"{name} = {value:g}" for name, value in values.items())
    raw.update(
        overrides=overrides,
        stand_ins=stand_ins,
        behaviour=behaviour,
        description=f"{scenario.description.strip()} Edited on the lab page: {said}.",
    )
    return parse_scenario(raw, f"{scenario.name} (edited: {said})", model)


def _check_shares(scenario: LabScenario, worker: float, model: Model) -> None:
    """The worker's share with the scenario's government share must leave the platform a share ≥ 0."""
    if scenario.date is None:
        return
    name = "occupational_injury.government_share"
    hit = scenario.overlay(model).lookup(name, scenario.date, NATIONAL)
    if hit is None:
        try:
            hit = model.store.lookup(name, scenario.date, NATIONAL)
        except GigcoverError:
            return  # no scheme at that date: no share to add up
    government = float(hit.value)
    if worker + government > 1 + 1e-9:
        raise LabInputError(
            "worker_share",
            f"{worker:g} with the government's share of {government:g} under {scenario.name} is more than 1 "
            f"(at most {max(1 - government, 0):g} there)",
            f"个人负担比例 {worker:g} 加上情景 {scenario.name} 中政府负担的 {government:g} 超过 1"
            f"（该情景下个人最多 {max(1 - government, 0):g}）",
        )


def prepare(request: LabRunRequest, limits: LabLimits, model: Model) -> list[LabScenario]:
    """The run's scenarios with the edits, after every check the schema cannot state (the service's size caps, the
    shares within a scenario). Nothing is computed or cached here."""
    request = request.sized(limits)
    size = request.rows()
    if size > limits.max_rows:
        raise LabInputError(
            "size",
            f"{size:,} rows is more than this service runs (at most {limits.max_rows:,})",
            f"样本量 {size:,} 超过本服务的上限（最多 {limits.max_rows:,} 行）",
            limit=limits.max_rows,
        )
    if request.projection and size > limits.max_projection_rows:
        raise LabInputError(
            "size",
            f"{size:,} rows with the lifetime projection is more than this service runs (at most "
            f"{limits.max_projection_rows:,} with it)",
            f"含终身测算时样本量最多 {limits.max_projection_rows:,} 行（现为 {size:,}）",
            limit=limits.max_projection_rows,
        )
    builtin = builtin_scenarios(model)
    return [edited(builtin[name], request, model) for name in request.scenarios]


# -- the sample ----------------------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def sample(size: int) -> LabPopulation:
    """The calibrated sample of `size` rows (seed 2026), with histories for the projection; its arrays are
    read-only (a run never changes it)."""
    from gigcover.policylab.population import generate
    from gigcover.policylab.population.storage import engine_inputs

    found = engine_inputs(generate(size, SEED), histories=True)
    population = generated_lab_population(found)
    for array in (population.region, population.weight, *population.inputs.values(), *population.columns.values()):
        if isinstance(array, np.ndarray):
            array.setflags(write=False)
    return population


# -- a run ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LabResult:
    """A run's summary (the rows behind it dropped), the scenarios as run, the report's charts and the time taken."""

    request: LabRunRequest
    summary: Summary
    scenarios: list[LabScenario]
    charts: list[Chart]
    seconds: float

    def rows(self, all_groups: bool = False) -> list[dict[str, Any]]:
        return [
            {"scenario": s, "group": g, "measure": m, "value": None if math.isnan(v) else float(v)}
            for s, g, m, v in self.summary.records
            if all_groups or g == "all"
        ]

    def to_json(self, all_groups: bool = False) -> dict[str, Any]:
        return {
            "scenarios": self.summary.scenarios,
            "compared_to": BASELINE,
            "size": self.request.rows(),
            "seed": SEED,
            "workers": float(np.sum(sample(self.request.rows()).weight)),
            "projection": self.request.projection,
            "edits": self.request.edits(),
            "rows": self.rows(all_groups),
            "charts": [c.key for c in self.charts],
            "notes": list(self.summary.notes),
            "seconds": round(self.seconds, 3),
        }


_RUNNING = threading.Lock()
"""One run at a time in a process: the report's charts draw with matplotlib's pyplot, which is not thread-safe, and
a run is seconds of CPU on a small machine."""


def run(
    request: LabRunRequest,
    scenarios: list[LabScenario],
    *,
    compute: Compute,
    limits: LabLimits | None = None,
    model: Model | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> LabResult:
    """The scenarios (from `prepare`) on the sample: `simulate` as the CLI runs it, then the report's charts. Past
    `limits.max_seconds` (checked between scenarios' steps) it stops with `LabTooLong`."""
    from gigcover.rules.model import default_model

    limits = limits or LabLimits()
    model = model or default_model()
    request = request.sized(limits)
    with _RUNNING:
        start = clock()

        def in_time(scenario: str, step: str) -> None:
            if clock() - start > limits.max_seconds:
                raise LabTooLong(limits.max_seconds)

        summary = simulate(
            sample(request.rows()), scenarios, compute=compute, model=model, replications=REPLICATIONS, seed=SEED,
            projection=request.projection, progress=in_time,
        )  # fmt: skip
        summary.details = []  # the rows behind it are not kept
        drawn = charts(summary)
        seconds = clock() - start
    known = {s.name: s for s in scenarios}
    builtin = builtin_scenarios(model)
    ran = [known.get(name) or builtin[name] for name in summary.scenarios]
    return LabResult(request, summary, ran, drawn, seconds)
