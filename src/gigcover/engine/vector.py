"""Helpers for formulas that must work on one value and on arrays alike (no Python `if` on a value)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

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
    values = np.select(conditions, [v for _, v, _ in cases], default=default[0])
    picked = np.select(conditions, list(range(len(cases))), default=len(cases))
    keys = [k for _, _, k in cases] + [default[1]]
    used = np.flatnonzero(np.bincount(picked.ravel(), minlength=len(keys)))
    return Decision(scalar_if_0d(values), sorted({keys[i] for i in used}))


def scalar_if_0d(value: Any) -> Any:
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array


def names_where(flags: Mapping[str, Any]) -> Any:
    """The names whose flag is true, in the mapping's order: a list, or an array of lists for many people."""
    arrays = np.broadcast_arrays(*[np.asarray(f, dtype=bool) for f in flags.values()])
    names = list(flags)
    if arrays[0].ndim == 0:
        return [n for n, f in zip(names, arrays, strict=True) if bool(f)]
    # Encode each person's flags as a bit mask, then map the (few) distinct masks to their lists of names.
    masks = sum((a.astype(np.int64) << i) for i, a in enumerate(arrays))
    table = np.empty(1 << len(names), dtype=object)
    for mask in np.unique(masks):
        table[mask] = [n for i, n in enumerate(names) if mask >> i & 1]
    return table[masks]


def lookup(mapping: Mapping[str, Any], keys: Any) -> Any:
    """mapping[key] element-wise."""
    array = np.asarray(keys)
    if array.ndim == 0:
        return mapping[str(array.item())]
    if len(mapping) <= 64:  # few keys: one vectorised comparison per key beats sorting many strings
        keys_in_order = list(mapping)
        position = np.full(array.shape, -1, dtype=np.int64)
        for i, key in enumerate(keys_in_order):
            position[array == key] = i
        if (position < 0).any():
            raise KeyError(str(array[position < 0].ravel()[0]))
        table = np.empty(len(keys_in_order), dtype=object)
        for i, key in enumerate(keys_in_order):
            table[i] = mapping[key]
        return _narrow(table[position])
    distinct, inverse = np.unique(array, return_inverse=True)
    table = np.empty(len(distinct), dtype=object)
    for i, key in enumerate(distinct):
        table[i] = mapping[str(key)]
    return table[inverse.reshape(array.shape)]


def isin(values: Any, allowed: Sequence[str]) -> Any:
    array = np.asarray(values)
    if array.ndim == 0:
        return array.item() in allowed
    return np.isin(array, list(allowed))


def choose(conditions: Sequence[Any], choices: Sequence[Any], default: Any) -> Any:
    """np.select for one value or many: the first true condition picks its choice."""
    arrays = [np.asarray(c, dtype=bool) for c in conditions]
    if all(a.ndim == 0 for a in arrays):
        return next((scalar_if_0d(v) for a, v in zip(arrays, choices, strict=True) if a), scalar_if_0d(default))
    return np.select(arrays, list(choices), default=default)


def _narrow(values: np.ndarray) -> np.ndarray:
    """An object array of plain numbers or strings as a typed array (lists and mappings stay objects)."""
    sample = values.flat[0] if values.size else None
    if isinstance(sample, bool):
        return values.astype(bool)
    if isinstance(sample, int | float):
        return values.astype(float if any(isinstance(x, float) for x in values.flat[:1000]) else int)
    if isinstance(sample, str):
        return values.astype(str)
    return values
