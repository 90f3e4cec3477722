"""Chinese and English names for the values the rules produce (shown by the CLI and, later, the web)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

VALUE_LABELS: dict[str, tuple[str, str]] = {
    # legal relation, employment form (Table 1), 56号 category
    "labor": ("劳动关系（劳动法调整）", "labour relation (labour law)"),
    "civil": ("劳务/民事关系（民法调整）", "civil relation (civil law)"),
    "full_time": ("全日制用工", "full-time employment"),
    "labor_dispatch": ("劳务派遣", "labour dispatch"),
    "part_time": ("非全日制用工", "part-time employment"),
    "platform_flexible": ("互联网平台灵活用工", "platform flexible work"),
    "labor_relation": ("劳动关系", "labour relation"),
    "incomplete_labor_relation": ("不完全符合确立劳动关系情形", "incomplete labour relation"),
    "civil_relation": ("民事关系（自主经营）", "civil relation (own business)"),
    # Table 2 routes
    "local_employee": ("本地职工保险", "local employee insurance"),
    "local_employee_individual": ("本地职工保险（个体身份）", "local employee insurance as an individual"),
    "local_resident": ("本地居民保险", "local resident insurance"),
    "hukou_place_employee_individual": (
        "户籍地职工保险（个体身份）",
        "employee insurance at the hukou place, as an individual",
    ),
    "hukou_place_resident": ("户籍地居民保险", "resident insurance at the hukou place"),
    # access, place, payers
    "employer": ("单位参保", "through the employer"),
    "platform": ("平台参保", "through the platform"),
    "individual": ("个人参保", "as an individual"),
    "none": ("无参保途径", "no route"),
    "work_place": ("就业地", "place of work"),
    "hukou_place": ("户籍地", "hukou place"),
    "worker": ("个人", "worker"),
    "government": ("政府补贴", "government"),
}

PAYER_LABELS: dict[str, tuple[str, str]] = {
    "employer": ("单位", "employer"),
    "worker": ("个人", "worker"),
    "government": ("政府补贴", "government"),
    "platform": ("平台", "platform"),
}

CELL_PARTS: dict[str, tuple[str, str]] = {
    "local": ("本地户籍", "local hukou"),
    "nonlocal": ("外地户籍", "non-local hukou"),
    "urban": ("城镇", "urban"),
    "rural": ("农村", "rural"),
    "labor": ("有劳动关系", "labour relation"),
    "no_labor": ("无劳动关系", "no labour relation"),
}


def value_label(value: object, lang: Lang) -> str:
    names = VALUE_LABELS.get(str(value))
    return names[0 if lang == "zh" else 1] if names else str(value)


def payer_label(payer: str, lang: Lang) -> str:
    names = PAYER_LABELS.get(payer)
    return names[0 if lang == "zh" else 1] if names else payer


def cell_label(cell: str, lang: Lang) -> str:
    hukou, area, labor = cell.split("_", 2)
    sep = "·" if lang == "zh" else ", "
    return sep.join(CELL_PARTS[p][0 if lang == "zh" else 1] for p in (hukou, area, labor))


def stars(severity: int) -> str:
    return "★" * int(severity) if severity else "—"
