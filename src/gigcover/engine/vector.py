"""Helpers for formulas that must work on one value and on arrays alike (no Python `if` on a value)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .enums import CODE_DTYPE, Categorical
from .variables import Decision


def select(cases: Sequence[tuple[Any, Any, str]], default: tuple[Any, str]) -> Decision:
    """First matching case wins: [(condition, value, source key), ...], then the default (value, source key).

    The legal basis travels with the value, element by element, so the trace can name the article that decided.
    """
    conditions = [np.asarray(c, dtype=bool) for c, _, _ in cases]
    if all(c.ndim == 0 for c in conditions):  # one person: same semantics, without array machinery
        for condition, (_, value, key) in zip(conditions, cases, strict=True):
            if condition:
                return Decision(scalar_if_0d(value), key)
        return Decision(scalar_if_0d(default[0]), default[1])
    picked = _first_true(conditions)
    choices = [v for _, v, _ in cases] + [default[0]]
    keys = [k for _, _, k in cases] + [default[1]]
    used = np.flatnonzero(np.bincount(picked.ravel(), minlength=len(keys)))
    return Decision(_pick(choices, picked, conditions), sorted({keys[i] for i in used}))


def _first_true(conditions: Sequence[np.ndarray]) -> np.ndarray:
    """The index of the first true condition, element-wise (len(conditions) where none holds).

    Arithmetic on bytes, from the last condition to the first: picked −= (picked − i) × condition. About 30× faster
    than masked assignment or np.where on a million rows."""
    shape = np.broadcast_shapes(*(c.shape for c in conditions))
    dtype = np.int8 if len(conditions) < 127 else np.int64
    picked = np.full(shape, len(conditions), dtype=dtype)
    step = np.empty(shape, dtype=dtype)
    for i in range(len(conditions) - 1, -1, -1):
        np.subtract(picked, dtype(i), out=step)
        np.multiply(step, np.broadcast_to(conditions[i], shape).view(np.int8), out=step)
        np.subtract(picked, step, out=picked)
    return picked


def _pick(choices: Sequence[Any], picked: np.ndarray, conditions: Sequence[np.ndarray]) -> np.ndarray:
    """choices[picked] element-wise: one gather when every choice is one value (members become int8 codes)."""
    if all(np.ndim(c) == 0 for c in choices):
        dtype = CODE_DTYPE if all(isinstance(c, Categorical) for c in choices) else None
        return np.take(np.asarray(choices, dtype=dtype), picked)
    return np.select(conditions, list(choices[:-1]), default=choices[-1])


def scalar_if_0d(value: Any) -> Any:
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array


def choose(conditions: Sequence[Any], choices: Sequence[Any], default: Any) -> Any:
    """np.select for one value or many: the first true condition picks its choice."""
    arrays = [np.asarray(c, dtype=bool) for c in conditions]
    if all(a.ndim == 0 for a in arrays):
        return next((scalar_if_0d(v) for a, v in zip(arrays, choices, strict=True) if a), scalar_if_0d(default))
    return _pick([*choices, default], _first_true(arrays), arrays)


def gather(table: np.ndarray, codes: Any) -> Any:
    """table[code] element-wise: a parameter keyed by a categorical (see Categorical.dense) read for each person."""
    if np.ndim(codes) == 0:
        return table[int(codes)].item()
    return table[codes]
