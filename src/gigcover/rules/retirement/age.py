"""Statutory retirement age (法定退休年龄): the 2024 decision's gradual delay, flexible early and late retirement."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from gigcover.engine import Array, Inputs, InputValueError, Params, shown
from gigcover.rules import registry

ORIGINAL_AGES = (60, 55, 50)  # 男职工 60; 女职工 55 (干部/管理岗) and 50 (工人岗): the three ages the decision delays
_MONTH_TEXT = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")

registry.input(
    "birth_date",
    "出生年月",
    "Birth month",
    "str",
    period="eternity",
    description='"YYYY-MM" or "YYYY-MM-DD" (the day is not used: an age is reached in the birth month).',
)
registry.input(
    "original_retirement_age",
    "原法定退休年龄（周岁）",
    "Original statutory retirement age",
    "int",
    period="eternity",
    unit="years",
    minimum=min(ORIGINAL_AGES),
    maximum=max(ORIGINAL_AGES),
    references=("retirement_2024_decision",),
    description="60 for men; 55 for women in cadre/staff posts; 50 for women in worker posts. The original age, "
    "not the sex, decides the pace. Which age applies to female flexible workers varies by province (Shanghai's "
    "沪人社规〔2023〕5号 implies 55; elsewhere UNVERIFIED), so it is an input without a default.",
)


# -- months as integers -----------------------------------------------------------------------------------------
def _parse_month(text: str) -> int | None:
    """ "YYYY-MM" or "YYYY-MM-DD" → year × 12 + month − 1, or None when it is not a real month (or date)."""
    match = _MONTH_TEXT.fullmatch(text)
    if match is None:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return year * 12 + month - 1


def _at(field: str, position: int, size: int) -> str:
    """The field of a bad value: with its position among many people, bare for one."""
    return f"{field}[{position}]" if size > 1 else field


def _bad_month(field: str, raw: object) -> InputValueError:
    return InputValueError(f"{field}: expected a month YYYY-MM or a date YYYY-MM-DD, got {shown(raw)}", field=field)


def month_index(raw: Any, field: str) -> Any:
    """Month texts (one, or an array for many people) → integer month counts; a clear error names a bad value."""
    array = np.asarray(raw)
    if array.ndim == 0:
        item = array.item()
        index = _parse_month(item) if isinstance(item, str) else None
        if index is None:
            raise _bad_month(field, item)
        return index
    if array.size <= 64:  # a few people (e.g. the advisor's variants): plain Python
        indexes = [_parse_month(str(text)) for text in array.ravel().tolist()]
        for position, index in enumerate(indexes):
            if index is None:
                raise _bad_month(_at(field, position, array.size), array.ravel()[position].item())
        return np.asarray(indexes, dtype=np.int64).reshape(array.shape)
    fast = _ascii_months(array)
    if fast is not None:
        return fast
    texts = array.astype(str)
    distinct, inverse = np.unique(texts, return_inverse=True)
    table = np.empty(len(distinct), dtype=np.int64)
    for i, text in enumerate(distinct.tolist()):
        index = _parse_month(text)
        if index is None:
            first = int(np.flatnonzero(texts.ravel() == text)[0])
            raise _bad_month(_at(field, first, array.size), text)
        table[i] = index
    return table[inverse.reshape(array.shape)]


def _ascii_months(array: np.ndarray) -> np.ndarray | None:
    """Month counts of fixed-width "YYYY-MM" or "YYYY-MM-DD" texts in ASCII digits (a population's birth dates) by
    arithmetic on their characters, where sorting a million texts to parse each distinct one costs ~10×; None when
    any value is not such a text or not a real month or day (the general path then names it)."""
    width = array.dtype.itemsize // 4
    if array.dtype.kind != "U" or width not in (7, 10) or array.size == 0:
        return None
    chars = np.ascontiguousarray(array).reshape(-1).view(np.uint32).reshape(-1, width)
    dashes = chars[:, [4, 7]] if width == 10 else chars[:, [4]]
    digits = chars[:, [0, 1, 2, 3, 5, 6, 8, 9] if width == 10 else [0, 1, 2, 3, 5, 6]].astype(np.int64) - ord("0")
    if (dashes != ord("-")).any() or ((digits < 0) | (digits > 9)).any():
        return None
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    if ((year < 1) | (month < 1) | (month > 12)).any():
        return None
    index = year * 12 + month - 1
    if width == 10:
        day = digits[:, 6] * 10 + digits[:, 7]
        first = (index - 1970 * 12).astype("datetime64[M]")
        length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
        if ((day < 1) | (day > length)).any():
            return None
    return index.reshape(array.shape)


def month_text(index: Any) -> Any:
    """Integer month counts → "YYYY-MM" (one string, or an array of strings)."""
    if np.ndim(index) == 0:  # one person: plain Python
        whole_years, month_of_year = divmod(int(index), 12)
        return f"{whole_years:04d}-{month_of_year + 1:02d}"
    year, month = np.divmod(np.asarray(index, dtype=np.int64), 12)
    text = np.char.add(np.char.add(np.char.zfill(year.astype(str), 4), "-"), np.char.zfill((month + 1).astype(str), 2))
    return text


# -- original ages -----------------------------------------------------------------------------------------------
def _original_ages(raw: Any) -> Any:
    """The original ages as integers; an age the decision does not know (e.g. 58) is an error naming the field."""
    if np.ndim(raw) == 0 and raw in ORIGINAL_AGES:  # one person, a known age: no array machinery
        return int(raw)
    ages = np.asarray(raw)
    bad = ~np.isin(ages, ORIGINAL_AGES)
    if bad.any():
        where = "inputs.original_retirement_age"
        if ages.ndim:
            first = int(np.flatnonzero(bad.ravel())[0])
            where, value = _at(where, first, ages.size), ages.ravel()[first].item()
        else:
            value = ages.item()
        allowed = ", ".join(str(a) for a in ORIGINAL_AGES)
        raise InputValueError(
            f"{where}: {shown(value)} is not an original statutory retirement age; expected one of: {allowed}",
            field=where,
            allowed=list(ORIGINAL_AGES),
        )
    return ages.astype(np.int64)


def _by_age(mapping: Mapping[str, Any], ages: Any, name: str) -> Any:
    """mapping[str(age)] element-wise (step or cap by original age), as integers."""
    missing = [a for a in ORIGINAL_AGES if str(a) not in mapping]
    if missing:
        raise InputValueError(f"{name}: no value for original age(s) {missing}", field=name)
    if np.ndim(ages) == 0:
        return int(mapping[str(int(ages))])
    return np.select([ages == a for a in ORIGINAL_AGES], [int(mapping[str(a)]) for a in ORIGINAL_AGES], default=0)


# -- formulas ----------------------------------------------------------------------------------------------------
@registry.formula(
    "原法定退休时间（年月）",
    "Original statutory retirement month",
    "str",
    period="eternity",
    inputs=("birth_date", "original_retirement_age"),
    references=("retirement_2024_decision.delay",),
)
def original_retirement_date(v: Inputs, p: Params) -> Array:
    """ "YYYY-MM": the month the person reaches the original age (birth month + original age × 12 months)."""
    birth = month_index(v.birth_date, "inputs.birth_date")
    ages = _original_ages(v.original_retirement_age)
    return month_text(birth + ages * 12)


@registry.formula(
    "延迟法定退休月数",
    "Retirement-age delay (months)",
    "int",
    unit="months",
    minimum=0,
    inputs=("original_retirement_date", "original_retirement_age"),
    parameters=("retirement.reform_start_month", "retirement.delay_step_months", "retirement.delay_cap_months"),
    references=("retirement_2024_decision.delay",),
)
def retirement_delay_months(v: Inputs, p: Params) -> Array:
    """delay = min(floor(m / step) + 1, cap), m = months from 2025-01 to the original retirement month; 0 if m < 0.

    Step 4 and cap 36 for original age 60 (men) and 55 (women); step 2 and cap 60 for women of original age 50
    (办法 art. 1). E.g. a man born 1965-05: original retirement 2025-05, m = 4, delay = 4 // 4 + 1 = 2.
    """
    start = month_index(p("retirement.reform_start_month"), "retirement.reform_start_month")
    original = month_index(v.original_retirement_date, "inputs.original_retirement_date")
    ages = _original_ages(v.original_retirement_age)
    step = _by_age(p("retirement.delay_step_months"), ages, "retirement.delay_step_months")
    cap = _by_age(p("retirement.delay_cap_months"), ages, "retirement.delay_cap_months")
    m = original - start
    return np.where(m < 0, 0, np.minimum(np.maximum(m, 0) // np.maximum(step, 1) + 1, cap))


@registry.formula(
    "改革后法定退休年龄（月）",
    "Statutory retirement age (months)",
    "int",
    unit="months",
    inputs=("original_retirement_age", "retirement_delay_months"),
    references=("retirement_2024_decision.delay",),
)
def statutory_retirement_age_months(v: Inputs, p: Params) -> Array:
    """Original age × 12 + the delay: e.g. 60 × 12 + 16 = 736 months (61 years 4 months) for a man born 1970-01."""
    ages = _original_ages(v.original_retirement_age)
    return ages * 12 + v.retirement_delay_months


@registry.formula(
    "改革后法定退休时间（年月）",
    "Statutory retirement month",
    "str",
    inputs=("birth_date", "statutory_retirement_age_months"),
    references=("retirement_2024_decision.delay",),
)
def statutory_retirement_date(v: Inputs, p: Params) -> Array:
    """ "YYYY-MM": the month the statutory age is reached (birth month + statutory age in months)."""
    birth = month_index(v.birth_date, "inputs.birth_date")
    return month_text(birth + v.statutory_retirement_age_months)


@registry.formula(
    "按月领取基本养老金最低缴费年限（年）",
    "Minimum contribution years for a monthly pension",
    "float",
    unit="years",
    inputs=("statutory_retirement_date",),
    parameters=("retirement.minimum_contribution_years",),
    references=("retirement_2024_decision.minimum_years",),
)
def minimum_contribution_years(v: Inputs, p: Params) -> Array:
    """By the year the statutory age is reached: 15 through 2029, then +0.5 a year from 2030 to 20 from 2039 (办法 art. 2).

    The parameter maps a year to the minimum from that year on; years before its first key take the first value.
    """
    table = p("retirement.minimum_contribution_years")
    years = np.array(sorted(int(k) for k in table), dtype=np.int64)
    values = np.array([float(table[str(y)]) for y in years])
    year = month_index(v.statutory_retirement_date, "inputs.statutory_retirement_date") // 12
    position = np.maximum(np.searchsorted(years, year, side="right") - 1, 0)
    return values[position]


@registry.formula(
    "弹性提前退休最早时间（年月）",
    "Earliest flexible (early) retirement month",
    "str",
    inputs=("statutory_retirement_date", "original_retirement_date"),
    parameters=("retirement.flexible_early_max_years",),
    references=("retirement_2024_decision.flexible", "flexible_retirement_2025"),
)
def earliest_flexible_retirement_date(v: Inputs, p: Params) -> Array:
    """ "YYYY-MM": up to 3 years before the statutory month, never before the original age (办法 art. 3).

    Early retirement also needs the minimum contribution years to be met, which this month does not check.
    """
    statutory = month_index(v.statutory_retirement_date, "inputs.statutory_retirement_date")
    original = month_index(v.original_retirement_date, "inputs.original_retirement_date")
    early = round(float(p("retirement.flexible_early_max_years")) * 12)
    return month_text(np.maximum(statutory - early, original))


@registry.formula(
    "弹性延迟退休最晚时间（年月）",
    "Latest flexible (late) retirement month",
    "str",
    inputs=("statutory_retirement_date",),
    parameters=("retirement.flexible_late_max_years",),
    references=("retirement_2024_decision.flexible", "flexible_retirement_2025"),
)
def latest_flexible_retirement_date(v: Inputs, p: Params) -> Array:
    """ "YYYY-MM": up to 3 years after the statutory month, by agreement between employer and worker (办法 art. 3)."""
    statutory = month_index(v.statutory_retirement_date, "inputs.statutory_retirement_date")
    late = round(float(p("retirement.flexible_late_max_years")) * 12)
    return month_text(statutory + late)
