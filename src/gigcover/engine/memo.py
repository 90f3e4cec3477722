"""Memoised results (结果缓存): a formula's value is a pure function of the date, the region, the overlay and the values of
the input variables it depends on, so a value computed once can answer every later call that agrees on those.

Kept with each value are its *effects* — the parameters read, the legal basis of decisions, the warnings and the defaults
assumed while computing it — and a cache hit replays them, so warnings, verification levels and citations are the same
as on a fresh run. Traced calls never use the cache (a trace shows every formula run).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from pydantic import BaseModel

from .parameters import ParameterHit

HitKey = tuple[str, str, dt.date]
# Arrays larger than this make a call a population run (policy lab): keys would cost more than they save.
MAX_KEY_ELEMENTS = 64


class Unkeyable(Exception):
    """A value that cannot (or should not) be part of a cache key: the call is computed without the cache."""


@dataclass(slots=True)
class Effects:
    """What computing one variable added to the answer besides its value."""

    hits: dict[HitKey, ParameterHit] = field(default_factory=dict)
    basis: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    defaults: dict[str, Any] = field(default_factory=dict)

    def absorb(self, other: Effects) -> None:
        self.hits.update(other.hits)
        self.basis |= other.basis
        self.warnings.extend(w for w in other.warnings if w not in self.warnings)
        self.defaults.update(other.defaults)


class EffectsTable:
    """Effects shared by many cached values, kept once and named by a number.

    Why: a cache entry of plain values — (key of strings, numbers and dates; a float result; an int) — is untracked by
    Python's cyclic garbage collector, while one holding an Effects object is tracked. With hundreds of thousands of
    entries, tracked ones made full collections take ~200 ms (the service's worst latencies)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.ids: dict[Hashable, int] = {}
        self.rows: list[Effects] = []
        self._lock = threading.Lock()  # numbers are handed out once, even to callers on several threads

    def intern(self, effects: Effects) -> int | Effects:
        """The number of an equal Effects kept before (or now); the object itself when it holds overlay values (their
        values are not in the content key) or the table is full."""
        if any(hit.verified == "OVERLAY" for hit in effects.hits.values()):
            return effects
        key = (
            tuple((k, h.requested_region, h.fallback, h.requested_date) for k, h in effects.hits.items()),
            tuple(sorted(effects.basis)),
            tuple(effects.warnings),
            tuple(sorted((name, freeze(value)) for name, value in effects.defaults.items())),
        )
        found = self.ids.get(key)
        if found is None:
            with self._lock:
                found = self.ids.get(key)
                if found is None:
                    if len(self.rows) >= self.size:
                        return effects
                    self.rows.append(effects)
                    found = self.ids[key] = len(self.rows) - 1
        return found

    def get(self, ref: int | Effects) -> Effects:
        return self.rows[ref] if isinstance(ref, int) else ref

    def clear(self) -> None:
        with self._lock:
            self.ids.clear()
            self.rows.clear()


class BoundedCache:
    """A dict that forgets its oldest entries beyond `size` (first in, first out: cheap, and enough for a server whose
    askers repeat the same few situations)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: dict[Hashable, Any] = {}
        self.hits = self.misses = 0
        self._lock = threading.Lock()  # eviction reads then deletes the oldest key

    def get(self, key: Hashable) -> Any:
        found = self.entries.get(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            if len(self.entries) >= self.size:
                del self.entries[next(iter(self.entries))]
            self.entries[key] = value

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self.entries)


PLAIN = (bool, int, float, str)


def freeze(value: Any) -> Hashable:
    """A hashable stand-in for a validated input value; raises Unkeyable for a population-sized array.

    Plain scalars stand for themselves: a variable's validated values all have its one type, and keys built from
    different sets of variables are told apart by their shape number (evaluate.Shape)."""
    if type(value) in PLAIN or value is None:
        return cast(Hashable, value)
    if isinstance(value, np.ndarray):
        if value.size > MAX_KEY_ELEMENTS:
            raise Unkeyable
        if value.dtype == object:
            return ("array", value.shape, tuple(freeze(item) for item in value.ravel().tolist()))
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, BaseModel):  # a validated mapping input (e.g. a contribution history)
        return (type(value).__name__, value.model_dump_json())
    if isinstance(value, np.generic | dt.date):
        return (type(value).__name__, value.item() if isinstance(value, np.generic) else value)
    if isinstance(value, list | tuple):
        if len(value) > MAX_KEY_ELEMENTS:
            raise Unkeyable
        return ("list", tuple(freeze(item) for item in value))
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((str(k), freeze(v)) for k, v in value.items())))
    raise Unkeyable


def shareable(value: Any) -> Any:
    """A copy of a computed value to keep in the cache, its arrays read-only: a later formula or caller that modified a
    shared array in place would otherwise corrupt every answer that reuses it."""
    if isinstance(value, np.ndarray):
        copy = value.copy()
        copy.flags.writeable = False
        return copy
    if isinstance(value, dict):
        return {key: shareable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shareable(item) for item in value]
    return value
