"""Take-up behaviour (参保行为): how likely a worker is to be enrolled in each item — injury, medical, pension,
unemployment — given its cost as a share of income, awareness, bundling and compulsion.

Not law: the assumptions live in `behaviour.yaml` (each with its source, or marked ASSUMPTION) and a scenario
overlays them. The result is an expected take-up (a probability per worker and item) that the measures multiply by
the population's weights; nothing is drawn at random.

The model, for an item a worker can join:
- through an employer (labour relation) or the platform (per-order occupational injury): the contribution is
  withheld at source, so take-up is the employer's or the platform's compliance;
- as an individual (个人参保), by the item's compulsion: `automatic` and `withheld` → 1; `mandatory` → 1 −
  `refusal_if_mandatory` when the worker pays anything; `voluntary` → awareness × willingness(cost share), where
  willingness(s) is the share of workers who would pay at least s of their income (the PKU survey's curve). Bundled,
  the voluntary items are taken all together, weighed by their total cost; item by item, in priority order, item k
  weighed by the cost of items 1..k (a worker with a given willingness buys down the list while it fits).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gigcover.engine import InputValueError
from gigcover.engine.errors import closest

Item = Literal["injury", "medical", "pension", "unemployment"]
ITEMS: tuple[Item, ...] = ("injury", "medical", "pension", "unemployment")
Compulsion = Literal["voluntary", "mandatory", "withheld", "automatic"]
SchemeChoice = Literal["cheapest", "by_income", "employee", "resident"]
Verification = Literal["V1", "V2", "V3", "UNVERIFIED", "ASSUMPTION"]

ROUTE_NONE, ROUTE_INDIVIDUAL, ROUTE_EMPLOYER, ROUTE_PLATFORM = 0, 1, 2, 3
"""A worker's route to an item, as the measures hand it over (from the rules' `<scheme>_access`)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Knot(_Strict):
    share: float = Field(ge=0, le=10)
    willing: float = Field(ge=0, le=1)


class Subsidy(_Strict):
    """Part of the worker's cost on an item (individual route) paid by someone else, for rows matching `where`."""

    item: Item
    payer: Literal["platform", "government"]
    share: float = Field(gt=0, le=1)
    scheme: Literal["employee", "resident", "any"] = "any"
    where: dict[str, list[Any]] = Field(default_factory=dict)
    min_income_over_pension_base: float | None = Field(default=None, ge=0)
    source: str | None = None


class Behaviour(_Strict):
    """The behaviour assumptions' values (their sources are in behaviour.yaml)."""

    willingness: tuple[Knot, ...] = Field(min_length=1)
    awareness: dict[Item, float]
    refusal_if_mandatory: float = Field(ge=0, le=1)
    compulsion: dict[Item, Compulsion]
    bundling: Literal["bundled", "item_by_item"]
    priority: tuple[Item, ...]
    scheme_choice: dict[Literal["medical", "pension"], SchemeChoice]
    employer_compliance: float = Field(ge=0, le=1)
    platform_compliance: float = Field(ge=0, le=1)
    resident_pension_tier: Literal["suggested", "lowest"] | float
    flexible_pension_base_index: float = Field(ge=0.6, le=3.0)
    work_injury_class: dict[str, int]
    subsidies: tuple[Subsidy, ...] = ()

    @field_validator("willingness")
    @classmethod
    def _curve(cls, knots: tuple[Knot, ...]) -> tuple[Knot, ...]:
        shares = [k.share for k in knots]
        if any(b <= a for a, b in itertools.pairwise(shares)):
            raise ValueError("knots' shares must increase")
        if any(k2.willing > k1.willing for k1, k2 in itertools.pairwise(knots)):
            raise ValueError("willingness must not increase with the cost share")
        return knots

    @field_validator("awareness")
    @classmethod
    def _shares(cls, value: dict[Item, float]) -> dict[Item, float]:
        bad = {k: v for k, v in value.items() if not 0 <= v <= 1}
        if bad:
            raise ValueError(f"awareness must be between 0 and 1: {bad}")
        return value

    @field_validator("work_injury_class")
    @classmethod
    def _classes(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {k: v for k, v in value.items() if not 1 <= v <= 8}
        if bad:
            raise ValueError(f"work-injury classes are 1 to 8 (人社部发〔2015〕71号): {bad}")
        return value

    @model_validator(mode="after")
    def _complete(self) -> Behaviour:
        for name in ("awareness", "compulsion"):
            missing = [item for item in ITEMS if item not in getattr(self, name)]
            if missing:
                raise ValueError(f"{name}: no value for {', '.join(missing)}")
        if sorted(self.priority) != sorted(ITEMS):
            raise ValueError(f"priority: must list each of {', '.join(ITEMS)} once")
        if isinstance(self.resident_pension_tier, float) and self.resident_pension_tier < 0:
            raise ValueError("resident_pension_tier: an amount must be ≥ 0")
        return self

    def overlay(self, changes: Mapping[str, Any] | None, where: str = "behaviour") -> Behaviour:
        """These assumptions with `changes` on top: a mapping field (awareness, compulsion, …) is merged key by key,
        any other field replaced. An unknown name or a bad value is an error naming the field."""
        if not changes:
            return self
        if not isinstance(changes, Mapping):
            raise InputValueError(f"{where}: expected a mapping of assumption names to values", field=where)
        merged = self.model_dump()
        for name, value in changes.items():
            if name not in merged:
                raise InputValueError(
                    f"{where}.{name}: unknown behaviour assumption; known: {', '.join(merged)}",
                    field=f"{where}.{name}",
                    suggestions=closest(str(name), merged),
                )
            if isinstance(merged[name], dict) and isinstance(value, Mapping):
                merged[name] = {**merged[name], **value}
            else:
                merged[name] = value
        return validated(merged, where)

    # -- the take-up model ------------------------------------------------------------------------------------
    def willing(self, share: np.ndarray) -> np.ndarray:
        """Share of workers willing to pay at least `share` of their income: 1 when the item is free, the survey's
        curve otherwise (linear between knots, the last knot's value past it — 0 in the shipped curve)."""
        share = np.asarray(share, dtype=float)
        xs = np.array([k.share for k in self.willingness])
        ys = np.array([k.willing for k in self.willingness])
        curve = np.interp(share, xs, ys, left=ys[0], right=ys[-1])
        return np.where(share <= 0, 1.0, curve)

    def take_up(
        self, routes: Mapping[Item, np.ndarray], worker_cost: Mapping[Item, np.ndarray], income: np.ndarray
    ) -> dict[Item, np.ndarray]:
        """Each item's take-up probability per worker.

        `routes`: per item the route code (ROUTE_*); `worker_cost`: per item what the worker would pay on that
        route, monthly (after any subsidy; NaN when the rules publish no figure, which leaves the item untaken);
        `income`: monthly income."""
        income = np.asarray(income, dtype=float)
        out: dict[Item, np.ndarray] = {}
        voluntary: dict[Item, np.ndarray] = {}
        for item in ITEMS:
            route, cost = np.asarray(routes[item]), np.asarray(worker_cost[item], dtype=float)
            compulsion = self.compulsion[item]
            individual = route == ROUTE_INDIVIDUAL
            if compulsion == "voluntary":
                voluntary[item] = individual & ~np.isnan(cost)
                alone = np.zeros(route.shape)  # filled below
            elif compulsion == "mandatory":
                alone = np.where(np.nan_to_num(cost) > 0, 1.0 - self.refusal_if_mandatory, 1.0)
            else:  # withheld or automatic
                alone = np.ones(route.shape)
            out[item] = np.select(
                [route == ROUTE_EMPLOYER, route == ROUTE_PLATFORM, individual & ~np.isnan(cost)],
                [self.employer_compliance, self.platform_compliance, alone],
                0.0,
            )
        if voluntary:
            self._voluntary(out, voluntary, worker_cost, income)
        return out

    def _voluntary(
        self,
        out: dict[Item, np.ndarray],
        voluntary: dict[Item, np.ndarray],
        worker_cost: Mapping[Item, np.ndarray],
        income: np.ndarray,
    ) -> None:
        """Voluntary items: all together (bundled) or down the priority list (item by item)."""
        order = [item for item in self.priority if item in voluntary]
        costs = {
            item: np.where(voluntary[item], np.nan_to_num(np.asarray(worker_cost[item], float)), 0.0) for item in order
        }
        divisor = np.where(income > 0, income, 0.0)
        if self.bundling == "bundled":  # every item weighed by the same total: one curve for all
            willing = self.willing(_share(sum(costs.values(), np.zeros(len(income))), divisor))
            for item in order:
                out[item] = np.where(voluntary[item], self.awareness[item] * willing, out[item])
            return
        running = np.zeros(len(income))
        for item in order:
            running = running + costs[item]
            p = self.awareness[item] * self.willing(_share(running, divisor))
            out[item] = np.where(voluntary[item], p, out[item])


def _share(cost: np.ndarray, income: np.ndarray) -> np.ndarray:
    """Cost over income; 0 when there is no cost, infinite when there is a cost and no income."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share: np.ndarray = np.where(cost > 0, cost / income, 0.0)
    share[np.isnan(share)] = np.inf
    return share


def validated(values: Mapping[str, Any], where: str) -> Behaviour:
    try:
        return Behaviour.model_validate(dict(values))
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        field = f"{where}.{location}" if location else where
        raise InputValueError(f"{field}: {first['msg']}", field=field) from None


class Documented(_Strict):
    """One assumption in behaviour.yaml: its value and where it comes from."""

    value: Any
    verified: Verification
    source: str = Field(min_length=1)
    note: str | None = None


class BehaviourFile(_Strict):
    description: str
    label_en: str
    parameters: dict[str, Documented]


def load_behaviour(path: Path | None = None) -> tuple[Behaviour, BehaviourFile]:
    """The assumptions of a behaviour file (the shipped one by default) and their documentation."""
    name = str(path) if path else "policylab/behaviour.yaml"
    try:
        if path is None:
            text = resources.files(__package__).joinpath("behaviour.yaml").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        documented = BehaviourFile.model_validate(yaml.safe_load(text))
    except (OSError, yaml.YAMLError) as exc:
        raise InputValueError(f"{name}: cannot read the behaviour file ({exc})", field="behaviour") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise InputValueError(f"{name}: {location}: {first['msg']}", field=location) from None
    values = {name: entry.value for name, entry in documented.parameters.items()}
    return validated(values, "behaviour"), documented


@cache
def default_behaviour() -> Behaviour:
    return load_behaviour()[0]
