"""Statutory retirement age (reference/rules.md B.5): hypothesis properties, vector = scalar, and clear input errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcover.advisor.model import default_model
from gigcover.engine.errors import InputValueError, NotInForceError
from gigcover.engine.evaluate import calculate
from gigcover.rules.retirement import month_text

OUTPUTS = [
    "original_retirement_date",
    "retirement_delay_months",
    "statutory_retirement_age_months",
    "statutory_retirement_date",
    "minimum_contribution_years",
    "earliest_flexible_retirement_date",
    "latest_flexible_retirement_date",
]
STEP = {60: 4, 55: 4, 50: 2}
CAP = {60: 36, 55: 36, 50: 60}
REFORM_START = 2025 * 12  # 2025-01 as a month count

ages = st.sampled_from([60, 55, 50])
# Birth months from 1940-01 to 2000-12 as month counts (year × 12 + month − 1): before, during and after the reform.
months = st.integers(1940 * 12, 2000 * 12 + 11)


def text(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def count(month_text: str) -> int:
    year, month = (int(part) for part in month_text.split("-"))
    return year * 12 + month - 1


def run(inputs: dict[str, Any], outputs: list[str] | None = None, date: str = "2025-06-01") -> dict[str, Any]:
    answer = calculate(default_model(), {"date": date, "inputs": inputs, "outputs": outputs or OUTPUTS})
    return answer["outputs"]  # type: ignore[no-any-return]


def one(birth: int, age: int) -> dict[str, Any]:
    return run({"birth_date": text(birth), "original_retirement_age": age})


# -- properties ---------------------------------------------------------------------------------------------------
@given(age=ages, first=months, second=months)
def test_delay_is_non_decreasing_in_birth_month(age: int, first: int, second: int) -> None:
    early, late = sorted((first, second))
    delays = run(
        {"birth_date": [text(early), text(late)], "original_retirement_age": age}, ["retirement_delay_months"]
    )["retirement_delay_months"]
    assert delays[0] <= delays[1]


@given(age=ages, birth=months)
def test_delay_bounds_and_closed_form(age: int, birth: int) -> None:
    out = one(birth, age)
    delay = out["retirement_delay_months"]
    original = birth + age * 12
    assert isinstance(delay, int) and 0 <= delay <= CAP[age]
    m = original - REFORM_START
    assert delay == (0 if m < 0 else min(m // STEP[age] + 1, CAP[age]))
    if original < REFORM_START:
        assert delay == 0
    assert out["original_retirement_date"] == text(original)


@given(age=ages, birth=months)
def test_statutory_age_and_dates(age: int, birth: int) -> None:
    out = one(birth, age)
    months_of_age = out["statutory_retirement_age_months"]
    assert age * 12 <= months_of_age <= age * 12 + CAP[age]
    assert months_of_age == age * 12 + out["retirement_delay_months"]
    statutory = count(out["statutory_retirement_date"])
    assert statutory == birth + months_of_age
    earliest, latest = count(out["earliest_flexible_retirement_date"]), count(out["latest_flexible_retirement_date"])
    assert earliest == max(statutory - 36, birth + age * 12) and latest == statutory + 36
    assert birth + age * 12 <= earliest <= statutory < latest


@given(age=ages, birth=months)
def test_minimum_contribution_years_by_statutory_year(age: int, birth: int) -> None:
    out = one(birth, age)
    year = count(out["statutory_retirement_date"]) // 12
    expected = 15.0 if year < 2030 else min(15.0 + 0.5 * (year - 2029), 20.0)
    assert out["minimum_contribution_years"] == expected
    assert isinstance(out["minimum_contribution_years"], float)


@given(age=ages, birth=st.integers(2025 * 12 - 60 * 12, 2040 * 12 - 50 * 12))
def test_one_more_month_of_delay_per_step(age: int, birth: int) -> None:
    """Below the cap, being born `step` months later adds exactly one month of delay (the official tables' pace)."""
    a, b = run(
        {"birth_date": [text(birth), text(birth + STEP[age])], "original_retirement_age": age},
        ["retirement_delay_months"],
    )["retirement_delay_months"]
    if birth + age * 12 < REFORM_START:
        assert a == 0 and b in (0, 1)
    elif a < CAP[age]:
        assert b == a + 1
    else:
        assert a == b == CAP[age]


@given(people=st.lists(st.tuples(months, ages), min_size=1, max_size=12), with_day=st.booleans())
def test_vector_call_equals_scalar_calls(people: list[tuple[int, int]], with_day: bool) -> None:
    births = [text(b) + ("-15" if with_day else "") for b, _ in people]
    many = run({"birth_date": births, "original_retirement_age": [a for _, a in people]})
    for i, (birth, age) in enumerate(people):
        single = run({"birth_date": births[i], "original_retirement_age": age})
        for name in OUTPUTS:
            assert many[name][i] == single[name], (name, birth, age)
            assert type(many[name][i]) is type(single[name]), name


@given(birth=st.lists(months, min_size=1, max_size=8))
def test_one_age_for_many_birth_months(birth: list[int]) -> None:
    many = run({"birth_date": [text(b) for b in birth], "original_retirement_age": 55})
    assert many["retirement_delay_months"] == [one(b, 55)["retirement_delay_months"] for b in birth]


# -- hand-checked values from the official tables (rules.md B.5 examples and cap birth months) ------------------
@pytest.mark.parametrize(
    ("birth", "age", "delay", "statutory"),
    [
        ("1965-01", 60, 1, "2025-02"),
        ("1965-05", 60, 2, "2025-07"),
        ("1970-01", 60, 16, "2031-05"),
        ("1976-09", 60, 36, "2039-09"),
        ("1981-09", 55, 36, "2039-09"),
        ("1984-11", 50, 60, "2039-11"),
        ("1975-01", 50, 1, "2025-02"),
        ("1975-03", 50, 2, "2025-05"),
    ],
)
def test_official_examples(birth: str, age: int, delay: int, statutory: str) -> None:
    out = run({"birth_date": birth, "original_retirement_age": age})
    assert out["retirement_delay_months"] == delay and out["statutory_retirement_date"] == statutory


@pytest.mark.parametrize(("age", "first_capped"), [(60, "1976-09"), (55, "1981-09"), (50, "1984-11")])
def test_cap_is_first_reached_at_the_stated_birth_month(age: int, first_capped: str) -> None:
    before = text(count(first_capped) - 1)
    delays = run({"birth_date": [before, first_capped], "original_retirement_age": age}, ["retirement_delay_months"])[
        "retirement_delay_months"
    ]
    assert delays == [CAP[age] - 1, CAP[age]]


# -- errors name the field -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["1965-13", "abc", "1965", "1965-00", "1965-02-30", "65-01", "1965/01", ""])
def test_malformed_birth_date_names_the_field(bad: str) -> None:
    with pytest.raises(InputValueError) as caught:
        run({"birth_date": bad, "original_retirement_age": 60})
    assert caught.value.details["field"] == "inputs.birth_date"
    assert "inputs.birth_date" in caught.value.message and "YYYY-MM" in caught.value.message


def test_malformed_birth_date_in_a_list_names_the_person() -> None:
    with pytest.raises(InputValueError) as caught:
        run({"birth_date": ["1965-01", "1965-13", "1970-01"], "original_retirement_age": 60})
    assert caught.value.details["field"] == "inputs.birth_date[1]"


def test_malformed_birth_date_among_many_names_its_own_row() -> None:
    # More than 64 people go through the distinct-texts path: the error names the first row holding the bad text
    # (row 70 of 100; rows 0–69 and 71–99 are a valid month, some repeated).
    births = [text(1965 * 12 + i % 12) for i in range(100)]
    births[70] = births[90] = "1965-13"
    with pytest.raises(InputValueError) as caught:
        run({"birth_date": births, "original_retirement_age": 60}, ["original_retirement_date"])
    assert caught.value.details["field"] == "inputs.birth_date[70]"


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (2025 * 12 + 0, "2025-01"),  # month count = year × 12 + month − 1
        (2025 * 12 + 11, "2025-12"),
        (1999 * 12 + 5, "1999-06"),
        (12, "0001-01"),
    ],
)
def test_month_text_of_one_month_count(index: int, expected: str) -> None:
    # one person (a 0-d count) takes the plain-Python path, many take numpy's: the same text both ways
    assert month_text(np.int64(index)) == expected
    assert month_text(index) == expected
    assert month_text(np.asarray([index, index + 1])).tolist()[0] == expected


@pytest.mark.parametrize("bad", [58, 45, 65, 59.5])
def test_invalid_original_age_names_the_field(bad: Any) -> None:
    with pytest.raises(InputValueError) as caught:
        run({"birth_date": "1970-01", "original_retirement_age": bad})
    assert caught.value.details["field"] == "inputs.original_retirement_age"
    assert "inputs.original_retirement_age" in caught.value.message


def test_invalid_original_age_in_a_list_names_the_person() -> None:
    with pytest.raises(InputValueError) as caught:
        run({"birth_date": ["1970-01", "1971-01"], "original_retirement_age": [60, 58]})
    assert caught.value.details["field"] == "inputs.original_retirement_age[1]"
    assert "58" in caught.value.message


def test_question_before_the_decision_uses_the_old_ages() -> None:
    """Asked before 2025-01-01 (the decision's effective date) the 1978 ages apply: no delay, no flexible retirement."""
    person = {"birth_date": "1970-01", "original_retirement_age": 60}
    before = run(
        person,
        ["retirement_delay_months", "statutory_retirement_date", "latest_flexible_retirement_date"],
        date="2024-12-31",
    )
    assert before == {
        "retirement_delay_months": 0,
        "statutory_retirement_date": "2030-01",
        "latest_flexible_retirement_date": "2030-01",
    }
    after = run(person, ["retirement_delay_months"], date="2025-01-01")
    assert after["retirement_delay_months"] == 16


def test_question_before_any_retirement_rule_is_not_in_force() -> None:
    with pytest.raises(NotInForceError) as caught:
        run({"birth_date": "1940-01", "original_retirement_age": 60}, ["retirement_delay_months"], date="1970-01-01")
    assert "1978-06-02" in caught.value.message


def test_trace_cites_the_decision() -> None:
    answer = calculate(
        default_model(),
        {
            "date": dt.date(2025, 6, 1).isoformat(),
            "inputs": {"birth_date": "1970-01", "original_retirement_age": 60},
            "outputs": ["statutory_retirement_date"],
            "trace": True,
        },
    )
    entry = next(e for e in answer["trace"] if e["variable"] == "retirement_delay_months")
    assert {p["name"] for p in entry["parameters"]} == {
        "retirement.reform_start_month",
        "retirement.delay_step_months",
        "retirement.delay_cap_months",
    }
    assert entry["references"][0]["key"] == "retirement_2024_decision.delay"
    assert answer["verification"]["weakest"] == "V2"
    assert not [w for w in answer["warnings"] if "UNVERIFIED" in w]


# -- months of many people: arithmetic on the characters equals parsing each text ------------------------------------
_MONTH_LIKE = st.one_of(
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(lambda d: d.isoformat()[:7]),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2023-02-29", "2023-13", "2023-00", "0000-05", "2024-02-30", "2023-1", "2023/01", "２０２３-01",
                     "2023-01-32", "2023-04-31", "abcd-ef", "2023-01-00"]),
)  # fmt: skip


@given(texts=st.lists(_MONTH_LIKE, min_size=65, max_size=120), width=st.sampled_from([None, "U7", "U10", "U12"]))
def test_months_of_many_people_equal_one_parse_each(texts: list[str], width: str | None) -> None:
    from gigcover.rules.retirement.age import _parse_month, month_index

    array = np.asarray(texts) if width is None else np.asarray(texts, dtype=width)
    expected = [_parse_month(str(text)) for text in array.tolist()]
    if None in expected:  # a bad one is named by its position, whichever path computed the rest
        with pytest.raises(InputValueError, match=r"birth_date\[\d+\]") as refused:
            month_index(array, "birth_date")
        position = int(str(refused.value.details["field"]).removeprefix("birth_date[").removesuffix("]"))
        assert expected[position] is None
        return
    assert month_index(array, "birth_date").tolist() == expected
