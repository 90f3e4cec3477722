"""GB/T 2260 administrative divisions (行政区划代码): codes, names, pinyin aliases and the fallback chain.

Parameters vary by region. A value is looked up for the region itself, then its prefecture (地级), then its
province (省级), then the national value. For the four municipalities (直辖市) the province is the city.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from .errors import RegionError, closest, shown

INDEX_DTYPE = np.int16
"""Regions inside a computation are indices into the table (3,219 divisions fit a 16-bit integer)."""

NATIONAL = "000000"
"""Pseudo-code for national values (全国); not a GB/T 2260 code."""

MUNICIPALITY_PROVINCES = frozenset({"110000", "120000", "310000", "500000"})


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # "province" | "prefecture" | "county" | "national"
    parent: str | None
    pinyin: str
    short_name: str

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000" if self.code != NATIONAL else NATIONAL

    @property
    def prefecture_code(self) -> str | None:
        if self.level in ("prefecture", "county"):
            return self.code[:4] + "00"
        return None


NATIONAL_REGION = Region(NATIONAL, "全国", "national", None, "quanguo", "全国")


class RegionTable:
    """All divisions shipped with the package, with lookups by code, Chinese name and pinyin."""

    def __init__(self, regions: list[Region]) -> None:
        self.by_code: dict[str, Region] = {r.code: r for r in regions}
        self.by_code[NATIONAL] = NATIONAL_REGION
        self._aliases = self._build_aliases(regions)
        self._chains: dict[str, list[Region]] = {}
        # regions as integer indices, with each one's pooling area and province precomputed (for whole columns)
        self.codes: tuple[str, ...] = tuple(self.by_code)
        self.position: dict[str, int] = {code: i for i, code in enumerate(self.codes)}
        self.pooling_index = np.asarray([self.position[self.pooling_unit(c)] for c in self.codes], dtype=INDEX_DTYPE)
        self.province_index = np.asarray(
            [self.position[self.by_code[c].province_code] for c in self.codes], dtype=INDEX_DTYPE
        )

    @staticmethod
    def _build_aliases(regions: list[Region]) -> dict[str, str]:
        """Alias → code. When an alias names several divisions, the highest level wins if it is unique there."""
        rank = {"province": 0, "prefecture": 1, "county": 2}
        candidates: dict[str, list[Region]] = {}
        for region in regions:
            for alias in {region.name, region.short_name, region.pinyin}:
                if alias:
                    candidates.setdefault(alias.lower(), []).append(region)
        aliases: dict[str, str] = {}
        for alias, found in candidates.items():
            best = min(rank[r.level] for r in found)
            top = [r for r in found if rank[r.level] == best]
            if len(top) == 1:
                aliases[alias] = top[0].code
        for alias in ("全国", "national", "china", "cn", "quanguo"):
            aliases[alias] = NATIONAL
        return aliases

    def resolve(self, code_or_name: str, field: str = "region") -> Region:
        """A region from a 6-digit code, a Chinese name (深圳, 深圳市) or pinyin (shenzhen)."""
        if not isinstance(code_or_name, str) or not code_or_name.strip():
            raise RegionError(
                f"{field}: expected a GB/T 2260 code or a region name, got {shown(code_or_name)}", field=field
            )
        text = code_or_name.strip()
        if text in self.by_code:
            return self.by_code[text]
        code = self._aliases.get(text.lower())
        if code is not None:
            return self.by_code[code]
        if text.isdigit():
            raise RegionError(f"{field}: {shown(text)} is not a valid GB/T 2260 code", field=field)
        raise RegionError(
            f"{field}: unknown region {shown(text)} (give a GB/T 2260 code such as 310000, or a name such as 上海/shanghai)",
            field=field,
            suggestions=closest(text.lower(), self._aliases),
        )

    def encode(self, raw: Any, field: str = "region") -> Any:
        """Codes or names (one, or a sequence/array for many people) → an index, or an int16 array of indices.

        Each distinct value is resolved once; a bad one is an error naming the field (and the position, for many)."""
        if isinstance(raw, str):
            return self.position[self.resolve(raw, field=field).code]
        array = np.asarray(raw)
        if array.ndim == 0 and array.dtype.kind not in "iu":
            return self.position[self.resolve(raw, field=field).code]
        if array.dtype.kind in "iu":  # indices already (a population's dictionary column)
            if array.ndim == 0:
                array = array.reshape(1)
                if not 0 <= int(array[0]) < len(self.codes):
                    raise RegionError(f"{field}: {int(array[0])} is not a region index", field=field)
                return int(array[0])
            bad = (array < 0) | (array >= len(self.codes))
            if bad.any():
                first = int(np.flatnonzero(bad.ravel())[0])
                raise RegionError(f"{field}[{first}]: {array.ravel()[first]} is not a region index", field=field)
            return array.astype(INDEX_DTYPE)
        distinct, inverse = np.unique(array.astype(str), return_inverse=True)
        table = np.empty(len(distinct), dtype=INDEX_DTYPE)
        for i, text in enumerate(distinct.tolist()):
            try:
                table[i] = self.position[self.resolve(text, field=field).code]
            except RegionError:
                first = int(np.flatnonzero(inverse.ravel() == i)[0])
                table[i] = self.position[self.resolve(text, field=f"{field}[{first}]").code]
        return table[inverse.reshape(array.shape)]

    def decode(self, index: Any) -> Any:
        """Indices → GB/T 2260 codes: one code, or a list of codes for an array. Codes given as text stay as they are."""
        if isinstance(index, str):
            return index
        array = np.asarray(index)
        if array.dtype.kind in "US":
            return array.tolist()
        if array.ndim == 0:
            return self.codes[int(array)]
        return np.asarray(self.codes, dtype=object)[array.astype(np.intp)].tolist()

    def fallback_chain(self, code: str) -> list[Region]:
        """The region, its prefecture, its province and the nation, most specific first, without repeats."""
        chain = self._chains.get(code)
        if chain is None:
            chain = self._chains[code] = self._chain(code)
        return chain

    def _chain(self, code: str) -> list[Region]:
        region = self.by_code[code]
        chain = [region]
        prefecture = region.prefecture_code if region.parent != region.province_code else None
        for parent_code in (prefecture, region.province_code, NATIONAL):
            if parent_code and parent_code in self.by_code and parent_code not in [r.code for r in chain]:
                chain.append(self.by_code[parent_code])
        return chain

    def pooling_unit(self, code: str) -> str:
        """The code of the insurance pooling area (统筹地区) a division belongs to, for local-hukou tests.

        Municipalities pool at city (= province) level; elsewhere the prefecture-level city is the unit.
        A province-level code alone gives only the province.
        """
        region = self.by_code[code]
        if region.province_code in MUNICIPALITY_PROVINCES or region.prefecture_code is None:
            return region.province_code
        if region.level == "county" and region.parent == region.province_code:
            return region.code  # county-level city administered by the province (省直辖, e.g. 仙桃 429004)
        return region.prefecture_code

    def label(self, code: str) -> str:
        region = self.by_code.get(code)
        return f"{region.name} ({code})" if region else code


@cache
def region_table() -> RegionTable:
    """The table shipped beside this module, regions.csv (built by scripts/build_regions.py)."""
    text = resources.files(__package__ or "").joinpath("regions.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return RegionTable(
        [Region(r["code"], r["name"], r["level"], r["parent"] or None, r["pinyin"], r["short_name"]) for r in rows]
    )
