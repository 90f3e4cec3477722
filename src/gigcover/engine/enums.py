"""Categoricals (分类变量) as coded enums: small integer codes inside the engine, names only at the edge.

A categorical variable declares a `Categorical` subclass. Each member carries its code (its position), its name in
the JSON contract (`id`, e.g. "platform_flexible") and its labels in Chinese and English. Inputs are encoded once when
they are validated; formulas compare codes with members (`form == EmploymentForm.PART_TIME`) and gather parameters
keyed by a categorical from dense arrays (`Categorical.dense`); answers are decoded to the same names at the edge.

A set of members (e.g. the payers of a scheme) is a bit set: an integer with bit `code` set for each member present.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, Self

import numpy as np

from .errors import InputValueError, shown

CODE_DTYPE = np.int8
"""Codes fit a signed byte: no categorical here has more than 127 members (checked when a class is made)."""


def set_dtype(members: int) -> type[np.signedinteger[Any]]:
    """The smallest signed integer holding a bit per member (a set of 4 payers is one byte a row)."""
    for dtype in (np.int8, np.int16, np.int32):
        if members < np.iinfo(dtype).bits:
            return dtype
    return np.int64


class Categorical(enum.IntEnum):
    """Base class. Members are declared as `NAME = "id", "中文", "English"`; the code is the member's position."""

    id: str
    zh: str
    en: str

    def __new__(cls, ident: str, zh: str, en: str) -> Self:
        code = len(cls.__members__)
        if code > np.iinfo(CODE_DTYPE).max:
            raise TypeError(f"{cls.__name__}: more than {np.iinfo(CODE_DTYPE).max} members")
        member = int.__new__(cls, code)
        member._value_ = code
        member.id, member.zh, member.en = ident, zh, en
        return member

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    # -- names ↔ codes -----------------------------------------------------------------------------------------
    @classmethod
    def ids(cls) -> tuple[str, ...]:
        return _ids(cls)

    @classmethod
    def of(cls, ident: str) -> Self:
        """The member named `ident` in the JSON contract; KeyError when there is none."""
        return _by_id(cls)[ident]  # type: ignore[return-value]

    @classmethod
    def encode(cls, raw: Any, field: str) -> Any:
        """Names (one, or a sequence/array for many people) → a member, or an int8 array of codes.

        An unknown name is an error naming the field (and the position, for many) and the names allowed."""
        if isinstance(raw, str):
            member = _by_id(cls).get(raw)
            if member is None:
                raise cls._unknown(raw, field)
            return member
        if isinstance(raw, cls):
            return raw
        array = np.asarray(raw)
        if array.dtype.kind in "iu" and not isinstance(raw, bool):  # codes already (e.g. a population's column)
            if array.ndim == 0:
                if not 0 <= int(array) < len(cls):
                    raise cls._unknown(raw, field)
                return int(array)
            bad = (array < 0) | (array >= len(cls))
            if bad.any():
                first = int(np.flatnonzero(bad.ravel())[0])
                raise InputValueError(
                    f"{field}[{first}]: code {array.ravel()[first]} is not a {cls.__name__} code (0–{len(cls) - 1})",
                    field=f"{field}[{first}]",
                    allowed=list(cls.ids()),
                )
            return array.astype(CODE_DTYPE)
        if array.dtype.kind not in "UO" or array.ndim == 0:
            raise cls._unknown(raw, field)
        if array.dtype.kind == "O":
            array = array.astype(str)
        # one comparison of the whole column per member: faster than sorting strings for a few dozen names
        codes = np.full(array.shape, -1, dtype=CODE_DTYPE)
        for member in cls:
            codes[array == member.id] = member
        unknown = codes < 0
        if unknown.any():
            first = int(np.flatnonzero(unknown.ravel())[0])
            raise cls._unknown(array.ravel()[first].item(), f"{field}[{first}]")
        return codes

    @classmethod
    def _unknown(cls, raw: Any, field: str) -> InputValueError:
        return InputValueError(
            f"{field}: {shown(raw)} is not allowed; expected one of: {', '.join(cls.ids())}",
            field=field,
            allowed=list(cls.ids()),
        )

    @classmethod
    def decode(cls, codes: Any) -> Any:
        """Codes → names: one name for one code, a list of names for an array."""
        names = _ids(cls)
        if np.ndim(codes) == 0:
            return names[int(codes)]
        return np.asarray(names, dtype=object)[np.asarray(codes, dtype=np.intp)].tolist()

    # -- parameters keyed by a categorical ----------------------------------------------------------------------
    @classmethod
    def dense(cls, mapping: Mapping[str, Any], fill: Any = None, dtype: Any = None) -> np.ndarray:
        """A parameter keyed by member names as an array indexed by code, so a lookup is one gather.

        Members the mapping does not name get `fill`; without a fill every member must be named."""
        missing = [m.id for m in cls if m.id not in mapping]
        if missing and fill is None:
            raise KeyError(f"{cls.__name__}: no value for {', '.join(missing)}")
        unknown = sorted(set(mapping) - set(cls.ids()))
        if unknown:
            raise KeyError(f"{cls.__name__}: unknown member name(s) {', '.join(map(str, unknown))}")
        return np.asarray([mapping.get(m.id, fill) for m in cls], dtype=dtype)

    @classmethod
    def mask(cls, names: Iterable[str | Categorical]) -> np.ndarray:
        """A boolean array indexed by code: True for the members named (a set membership test is one gather)."""
        out = np.zeros(len(cls), dtype=bool)
        for name in names:
            out[cls.of(name) if isinstance(name, str) else int(name)] = True
        return out

    # -- sets of members (bit sets) -----------------------------------------------------------------------------
    @classmethod
    def bits(cls, members: Iterable[Categorical]) -> int:
        return sum(1 << int(m) for m in members)

    @classmethod
    def decode_set(cls, masks: Any) -> Any:
        """Bit sets → lists of names in member order: one list, or a list of lists for an array (rows with the same set
        share one list: answers are read, not edited)."""
        if np.ndim(masks) == 0:
            mask = int(masks)
            return [m.id for m in cls if mask >> int(m) & 1]
        array = np.asarray(masks).astype(np.int64)
        distinct, inverse = np.unique(array, return_inverse=True)
        lists = [cls.decode_set(int(mask)) for mask in distinct.tolist()]
        return [lists[i] for i in inverse.ravel().tolist()]

    @classmethod
    def set_names(cls, masks: Any) -> np.ndarray:
        """Bit sets → an object array of tuples of names; rows with the same set share one tuple."""
        array = np.asarray(masks).astype(np.int64)
        if len(cls) <= 12:  # every possible set in one table: a gather, no sort
            table = np.empty(1 << len(cls), dtype=object)
            for mask in range(1 << len(cls)):
                table[mask] = tuple(m.id for m in cls if mask >> int(m) & 1)
            return table[array]
        distinct, inverse = np.unique(array, return_inverse=True)
        table = np.empty(len(distinct), dtype=object)
        for i, mask in enumerate(distinct.tolist()):
            table[i] = tuple(cls.decode_set(int(mask)))
        return table[inverse.reshape(array.shape)]

    @classmethod
    def encode_set(cls, raw: Any, field: str) -> Any:
        """A list of names (one person) or a list of lists (many) → a bit set, or an int64 array of bit sets."""
        if isinstance(raw, list | tuple) and all(isinstance(x, str) for x in raw):
            mask = 0
            for i, name in enumerate(raw):
                mask |= 1 << int(cls.encode(name, f"{field}[{i}]"))
            return mask
        if isinstance(raw, np.ndarray) and raw.dtype.kind in "iu":
            return raw.astype(set_dtype(len(cls)))
        if isinstance(raw, list | tuple | np.ndarray):
            masks = [cls.encode_set(list(item), f"{field}[{i}]") for i, item in enumerate(raw)]
            return np.asarray(masks, dtype=set_dtype(len(cls)))
        raise InputValueError(
            f"{field}: expected a list of names, got {shown(raw)}", field=field, allowed=list(cls.ids())
        )


@cache
def _ids(cls: type[Categorical]) -> tuple[str, ...]:
    return tuple(m.id for m in cls)


@cache
def _by_id(cls: type[Categorical]) -> dict[str, Categorical]:
    found: dict[str, Categorical] = {}
    for member in cls:
        if member.id in found:
            raise TypeError(f"{cls.__name__}: name {member.id!r} used twice")
        found[member.id] = member
    return found


def bitset(flags: Sequence[tuple[Categorical, Any]]) -> Any:
    """The bit set of the members whose flag is true: an int for one person, an int64 array for many."""
    arrays = [np.asarray(flag, dtype=bool) for _, flag in flags]
    if all(a.ndim == 0 for a in arrays):
        return sum(1 << int(m) for (m, _), a in zip(flags, arrays, strict=True) if a)
    dtype = set_dtype(len(type(flags[0][0])))
    out = np.zeros(np.broadcast_shapes(*(a.shape for a in arrays)), dtype=dtype)
    for (member, _), flag in zip(flags, arrays, strict=True):
        out |= flag.astype(dtype) << dtype(int(member))
    return out
