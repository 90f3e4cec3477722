"""The advisor form: what a worker types, checked, and turned into an advice request.

Answers travel as plain strings (form fields or query parameters) so a page can always be rendered again with them,
whether to show an error next to a field or to switch the language.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gigcover.advisor.request import WORKING_AGES, age_on
from gigcover.engine.errors import RegionError, clip
from gigcover.engine.regions import Region, region_table
from gigcover.labels import Lang
from gigcover.presentation.text import ENROLMENT_NAMES, INDUSTRY_NAMES, PLATFORM_NAMES, WORK_CITIES, t
from gigcover.rules.coverage.table2 import OUTSIDE_MAINLAND

TEXT_FIELDS = (
    "work_city",
    "work_code",
    "hukou_region",
    "hukou_type",
    "industry",
    "platform",
    "labor_contract",
    "managed",
    "weekly_hours",
    "monthly_income",
    "birth_year",
    "birth_month",
    "sex",
    "budget",
    "date",
    *(f"place_{scheme}" for scheme in ("employee_pension", "employee_medical", "resident_pension", "resident_medical")),
)
"""Single-valued fields; `enrolled` (checkboxes) is the one list. `place_<scheme>`: where a held scheme is held."""
PLACED_SCHEMES = ("employee_pension", "employee_medical", "resident_pension", "resident_medical")
PLACES = ("work_place", "hukou_place")

OTHER_CITY = "other"
MAX_AMOUNT = 10_000_000.0

# Where an error reported by the advisor (its `details["field"]`, e.g. "profile.monthly_income") is shown.
FIELD_OF_NAME = {
    "monthly_income": "monthly_income",
    "work_region": "work",
    "region": "work",
    "hukou_region": "hukou_region",
    "hukou_local": "hukou_region",
    "hukou_rural": "hukou_type",
    "industry": "industry",
    "platform": "platform",
    "has_labor_contract": "labor_contract",
    "contract_counterparty": "labor_contract",
    "platform_manages_work": "managed",
    "own_business": "managed",
    "weekly_hours_one_employer": "weekly_hours",
    "birth_date": "birth",
    "sex": "sex",
    "original_retirement_age": "sex",
    "current_enrolments": "enrolled",
    "enrolment_places": "enrolled",
    "budget_monthly": "budget",
    "date": "date",
}
GENERAL = "_form"
"""Errors that belong to no one field are shown above the form."""


@dataclass
class Answers:
    """The form's answers as typed (strings), plus the ticked schemes."""

    values: dict[str, str] = field(default_factory=dict)
    enrolled: list[str] = field(default_factory=list)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, Any]]) -> Answers:
        values: dict[str, str] = {}
        enrolled: list[str] = []
        for key, raw in pairs:
            if not isinstance(raw, str):
                continue  # an uploaded file has no place in this form
            if key == "enrolled":
                if raw in ENROLMENT_NAMES and raw not in enrolled:
                    enrolled.append(raw)
            elif key in TEXT_FIELDS:
                values[key] = raw.strip()[:200]
        return cls(values, enrolled)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def empty(self) -> bool:
        return not any(self.values.get(k) for k in TEXT_FIELDS if k != "date") and not self.enrolled

    def pairs(self) -> list[tuple[str, str]]:
        """The answers as (name, value) pairs, for hidden fields that post them back (never for a URL)."""
        pairs = [(k, self.values[k]) for k in TEXT_FIELDS if self.values.get(k)]
        return pairs + [("enrolled", s) for s in self.enrolled]


class FormErrors(Exception):
    """One or more answers cannot be used; `errors` maps a form field to the message shown next to it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Prepared:
    """The advice request built from the answers, and the places as understood (for the result page)."""

    request: dict[str, Any]
    work_place: Region
    hukou_place: Region


def form_field(engine_field: object) -> str:
    """The form field that shows an error the advisor raised about `engine_field` ("profile.monthly_income")."""
    parts = [p for p in str(engine_field or "").split(".") if p and not p.isdigit()]
    for part in reversed(parts):
        if part in FIELD_OF_NAME:
            return FIELD_OF_NAME[part]
    return GENERAL


def _normalise(text: str) -> str:
    """Full-width digits and letters to ASCII (７０００ → 7000), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def parse_amount(text: str, lang: Lang, *, maximum: float = MAX_AMOUNT) -> float:
    """A yuan amount as people type it: 7000, 7,000, 7000元, ７０００, ¥7000. Raises ValueError with the message."""
    cleaned = _normalise(text).replace(",", "").replace("，", "").removesuffix("元").removeprefix("¥")
    try:
        amount = float(cleaned)
    except ValueError:
        raise ValueError(t("err_number", lang)) from None
    if amount != amount or amount in (float("inf"), float("-inf")):
        raise ValueError(t("err_number", lang))
    if amount < 0:
        raise ValueError(t("err_negative", lang))
    if amount > maximum:
        raise ValueError(t("err_too_large", lang))
    return amount


def resolve_place(text: str) -> Region:
    """A region from what people type: a code, a name, pinyin, or province + city run together (河南周口, 河南省周口市).

    Raises the engine's RegionError (with suggestions) when nothing fits.
    """
    table = region_table()
    cleaned = _normalise(text)
    try:
        return table.resolve(cleaned)
    except RegionError:
        found = _province_then_place(cleaned)
        if found is not None:
            return found
        raise


def _province_then_place(text: str) -> Region | None:
    """'河南周口' → 周口市: a province's name or short name, then a place inside it (then optionally a county)."""
    regions = region_table().by_code.values()
    provinces = [r for r in regions if r.level == "province"]
    for province in provinces:
        for prefix in sorted({province.name, province.short_name}, key=len, reverse=True):
            if prefix and text.startswith(prefix) and len(text) > len(prefix):
                found = _inside(province.code[:2], text[len(prefix) :])
                if found is not None:
                    return found
    return None


def _inside(code_prefix: str, rest: str) -> Region | None:
    """A unique place named `rest` inside the area whose codes start with `code_prefix` (prefecture before county)."""
    table = region_table()
    within = [
        r for r in table.by_code.values() if r.code.startswith(code_prefix) and r.level in ("prefecture", "county")
    ]
    for level in ("prefecture", "county"):
        named = [r for r in within if r.level == level and rest in (r.name, r.short_name)]
        if len(named) == 1:
            return named[0]
    if len(code_prefix) == 2:  # a prefecture then a county: 河南周口沈丘
        for prefecture in (r for r in within if r.level == "prefecture"):
            for prefix in sorted({prefecture.name, prefecture.short_name}, key=len, reverse=True):
                if prefix and rest.startswith(prefix) and len(rest) > len(prefix):
                    found = _inside(prefecture.code[:4], rest[len(prefix) :])
                    if found is not None:
                        return found
    return None


def _place_error(value: str, exc: RegionError, lang: Lang) -> str:
    message = t("err_place", lang, value=clip(value))
    found = exc.details.get("suggestions")
    suggestions = [str(s) for s in found][:4] if isinstance(found, list) else []
    if suggestions:
        message += " " + t("did_you_mean", lang) + ("、" if lang == "zh" else ", ").join(suggestions)
    return message


def _yes_no(answers: Answers, name: str, yes: str, no: str, errors: dict[str, str], lang: Lang) -> bool:
    value = answers.get(name)
    if value not in (yes, no):
        errors[name] = t("err_required", lang)
    return value == yes


def _choice(answers: Answers, name: str, allowed: Mapping[str, object], errors: dict[str, str], lang: Lang) -> str:
    value = answers.get(name)
    if not value:
        errors[name] = t("err_required", lang)
    elif value not in allowed:
        errors[name] = t("err_choice", lang)
    return value


def birth_years(today: dt.date) -> list[int]:
    """Years offered in the birth-year list: from 16 to 75 years old, youngest first."""
    return list(range(today.year - 16, today.year - 76, -1))


def _place(
    text: str | None, field: str, missing: str, errors: dict[str, str], lang: Lang, outside_mainland: str
) -> Region | None:
    """A place answer resolved to a region, or the error recorded under `field` (`outside_mainland`: the message
    for Hong Kong, Macao or Taiwan, which the mainland's schemes do not cover)."""
    if not text:
        errors[field] = t(missing, lang)
        return None
    try:
        place = resolve_place(text)
    except RegionError as exc:
        errors[field] = _place_error(text, exc, lang)
        return None
    if place.province_code in OUTSIDE_MAINLAND:
        errors[field] = t(outside_mainland, lang)
        return None
    return place


def prepare(answers: Answers, lang: Lang, today: dt.date) -> Prepared:
    """Check every answer and build the advisor's request; raises FormErrors naming each field that is wrong."""
    errors: dict[str, str] = {}

    # place of work: the typed city wins over the list
    work_text = answers.get("work_code") or (answers.get("work_city") if answers.get("work_city") != OTHER_CITY else "")
    work_place = _place(work_text, "work", "err_work_place", errors, lang, "err_place_outside_mainland")
    hukou_text = answers.get("hukou_region")
    hukou_place = _place(hukou_text, "hukou_region", "err_required", errors, lang, "err_hukou_outside_mainland")

    rural = _yes_no(answers, "hukou_type", "rural", "urban", errors, lang)
    industry = _choice(answers, "industry", INDUSTRY_NAMES, errors, lang)
    platform = answers.get("platform") or "other"
    if platform not in PLATFORM_NAMES:
        errors["platform"] = t("err_choice", lang)
    contract = _yes_no(answers, "labor_contract", "yes", "no", errors, lang)
    managed = _yes_no(answers, "managed", "yes", "no", errors, lang)
    sex = answers.get("sex")
    if sex not in ("male", "female"):
        errors["sex"] = t("err_required", lang)

    income: float | None = None
    if not answers.get("monthly_income"):
        errors["monthly_income"] = t("err_required", lang)
    else:
        try:
            income = parse_amount(answers.get("monthly_income"), lang)
        except ValueError as exc:
            errors["monthly_income"] = str(exc)

    hours: float | None = None
    if answers.get("weekly_hours"):
        try:
            hours = parse_amount(answers.get("weekly_hours"), lang, maximum=168)
        except ValueError:
            errors["weekly_hours"] = t("err_hours", lang)

    budget: float | None = None
    if answers.get("budget"):
        try:
            budget = parse_amount(answers.get("budget"), lang)
        except ValueError as exc:
            errors["budget"] = str(exc)

    birth = ""
    year, month = answers.get("birth_year"), answers.get("birth_month")
    if not (year.isdigit() and month.isdigit() and 1900 < int(year) <= today.year and 1 <= int(month) <= 12):
        errors["birth"] = t("err_birth", lang)
    else:
        birth = f"{int(year):04d}-{int(month):02d}"

    date = today.isoformat()
    if answers.get("date"):
        try:
            date = dt.date.fromisoformat(answers.get("date")).isoformat()
        except ValueError:
            errors["date"] = t("err_date", lang)
    age = age_on(birth, dt.date.fromisoformat(date)) if birth and "date" not in errors else None
    if age is not None and not WORKING_AGES[0] <= age <= WORKING_AGES[1]:
        errors["birth"] = t("err_birth_age", lang, age=age, date=date)

    if errors or work_place is None or hukou_place is None or income is None:
        raise FormErrors(errors)

    places = {
        scheme: answers.get(f"place_{scheme}")
        for scheme in PLACED_SCHEMES
        if scheme in answers.enrolled and answers.get(f"place_{scheme}") in PLACES
    }
    for scheme in PLACED_SCHEMES:
        if answers.get(f"place_{scheme}") not in ("", *PLACES):
            errors[f"place_{scheme}"] = t("err_choice", lang)
    if errors:
        raise FormErrors(errors)

    profile: dict[str, Any] = {
        "birth_date": birth,
        "sex": sex,
        "monthly_income": income,
        "work_region": work_place.code,
        "hukou_region": hukou_place.code,
        "hukou_rural": rural,
        "industry": industry,
        "platform": platform,
        "has_labor_contract": contract,
        "platform_manages_work": managed,
        "own_business": not managed,
        "current_enrolments": list(answers.enrolled),
        "enrolment_places": places,
    }
    if hours is not None:
        profile["weekly_hours_one_employer"] = hours
    request: dict[str, Any] = {"date": date, "profile": profile, "lang": lang}
    if budget is not None:
        request["budget_monthly"] = budget
    return Prepared(request, work_place, hukou_place)


__all__ = [
    "GENERAL",
    "OTHER_CITY",
    "WORK_CITIES",
    "Answers",
    "FormErrors",
    "Prepared",
    "birth_years",
    "form_field",
    "parse_amount",
    "prepare",
    "resolve_place",
]
