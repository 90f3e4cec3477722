"""Helpers for formulas on arrays (one worker is an array of one row): decisions without a Python `if` on a value,
each carrying the legal basis that made it."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from .enums import CODE_DTYPE, Categorical
from .variables import Decision

Array: TypeAlias = NDArray[Any]
"""What a formula reads and returns: a numpy array (one row per person, or 0-d for one value for all)."""

SMALL = 4096  # rows up to which a few masked copies beat byte arithmetic (per-call cost over per-row cost)


def select(cases: Sequence[tuple[Any, Any, str]], default: tuple[Any, str]) -> Decision:
    """First matching case wins: [(condition, value, source key), ...], then the default (value, source key).

    The legal basis travels with the value, element by element, so the trace can name the article that decided.
    """
    conditions = [np.asarray(c, dtype=bool) for c, _, _ in cases]
    picked = _first_true(conditions)
    choices = [v for _, v, _ in cases] + [default[0]]
    keys = [k for _, _, k in cases] + [default[1]]
    used = np.flatnonzero(np.bincount(picked.ravel(), minlength=len(keys)))
    return Decision(_pick(choices, picked, conditions), sorted({keys[i] for i in used}), picked, tuple(keys))


def _first_true(conditions: Sequence[np.ndarray]) -> np.ndarray:
    """The index of the first true condition, element-wise (len(conditions) where none holds).

    From the last condition to the first. On many rows, arithmetic on bytes (picked −= (picked − i) × condition),
    about 30× faster than masked assignment or np.where on a million rows; on a few, masked copies, which cost less
    per call. Either way the same answer."""
    shape = np.broadcast_shapes(*(c.shape for c in conditions))
    dtype = np.int8 if len(conditions) < 127 else np.int64
    picked = np.full(shape, len(conditions), dtype=dtype)
    if picked.size <= SMALL:
        for i in range(len(conditions) - 1, -1, -1):
            np.copyto(picked, i, where=conditions[i])
        return picked
    step = np.empty(shape, dtype=dtype)
    for i in range(len(conditions) - 1, -1, -1):
        np.subtract(picked, dtype(i), out=step)
        np.multiply(step, np.broadcast_to(conditions[i], shape).view(np.int8), out=step)
        np.subtract(picked, step, out=picked)
    return picked


def _pick(choices: Sequence[Any], picked: np.ndarray, conditions: Sequence[np.ndarray]) -> np.ndarray:
    """choices[picked] element-wise: one gather when every choice is one value (members become int8 codes)."""
    if all(isinstance(c, Categorical) for c in choices):
        return np.take(_code_table(tuple(int(c) for c in choices)), picked)
    if all(np.ndim(c) == 0 for c in choices):
        return np.take(np.asarray(choices), picked)
    return np.select(conditions, list(choices[:-1]), default=choices[-1])


@functools.cache
def _code_table(codes: tuple[int, ...]) -> np.ndarray:
    return np.asarray(codes, dtype=CODE_DTYPE)


def choose(conditions: Sequence[Any], choices: Sequence[Any], default: Any) -> Any:
    """np.select for one value or many: the first true condition picks its choice."""
    arrays = [np.asarray(c, dtype=bool) for c in conditions]
    return _pick([*choices, default], _first_true(arrays), arrays)


def gather(table: np.ndarray, codes: Any) -> Any:
    """table[code] element-wise: a parameter keyed by a categorical (see Categorical.dense) read for each person."""
    return table[codes]
