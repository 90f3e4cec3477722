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
    values = _codes(
        np.select(conditions, [v for _, v, _ in cases], default=default[0]), [*(v for _, v, _ in cases), default[0]]
    )
    picked = np.select(conditions, list(range(len(cases))), default=len(cases))
    keys = [k for _, _, k in cases] + [default[1]]
    used = np.flatnonzero(np.bincount(picked.ravel(), minlength=len(keys)))
    return Decision(scalar_if_0d(values), sorted({keys[i] for i in used}))


def scalar_if_0d(value: Any) -> Any:
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array


def choose(conditions: Sequence[Any], choices: Sequence[Any], default: Any) -> Any:
    """np.select for one value or many: the first true condition picks its choice."""
    arrays = [np.asarray(c, dtype=bool) for c in conditions]
    if all(a.ndim == 0 for a in arrays):
        return next((scalar_if_0d(v) for a, v in zip(arrays, choices, strict=True) if a), scalar_if_0d(default))
    return _codes(np.select(arrays, list(choices), default=default), [*choices, default])


def _codes(values: np.ndarray, choices: Sequence[Any]) -> np.ndarray:
    """Members picked by np.select come back as int64: keep them as the engine's small codes."""
    return values.astype(CODE_DTYPE) if all(isinstance(c, Categorical) for c in choices) else values


def gather(table: np.ndarray, codes: Any) -> Any:
    """table[code] element-wise: a parameter keyed by a categorical (see Categorical.dense) read for each person."""
    if np.ndim(codes) == 0:
        return table[int(codes)].item()
    return table[codes]
