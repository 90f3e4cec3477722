"""GB/T 2260 administrative divisions (行政区划代码): codes, names, pinyin aliases and the fallback chain.

Parameters vary by region. A value is looked up for the region itself, then its prefecture (地级), then its
province (省级), then the national value. For the four municipalities (直辖市) the province is the city.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .errors import RegionError, closest

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
            raise RegionError(f"{field}: expected a GB/T 2260 code or a region name, got {code_or_name!r}", field=field)
        text = code_or_name.strip()
        if text in self.by_code:
            return self.by_code[text]
        code = self._aliases.get(text.lower())
        if code is not None:
            return self.by_code[code]
        if text.isdigit():
            raise RegionError(f"{field}: {text!r} is not a valid GB/T 2260 code", field=field)
        raise RegionError(
            f"{field}: unknown region {text!r} (give a GB/T 2260 code such as 310000, or a name such as 上海/shanghai)",
            field=field,
            suggestions=closest(text.lower(), self._aliases),
        )

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
    """The table shipped in gigcover/data/regions.csv (built by scripts/build_regions.py)."""
    text = resources.files("gigcover.data").joinpath("regions.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return RegionTable(
        [Region(r["code"], r["name"], r["level"], r["parent"] or None, r["pinyin"], r["short_name"]) for r in rows]
    )
