"""A city's own rule that gives way to its province's (`ends: true`, issue 9): Qingdao's flexible-worker medical
rate (5 %, 2025) and fixed amount end when Shandong's province-wide rule (9 % or 7 %) takes over on 2026-01-01
(青岛 致灵活就业人员的一封信, 2025, citing 鲁人社字〔2025〕91号). From that day the city reads the province's value; where
the province has none, nothing is in force and the error names the period the city's value covered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gigcover.coverage_report import parameter_cell
from gigcover.engine.errors import NotInForceError, ParameterFileError
from gigcover.engine.parameters import ParameterStore
from gigcover.engine.regions import region_table

RATE = """\
description: 玩具费率
label_en: toy rate
unit: ratio
reference: {document: toy}
by_region:
  "370200":
    values:
      2025-01-01: {value: 0.05, verified: V3}
      2026-01-01: {ends: true, verified: V3, reference: {document: 鲁人社字〔2025〕91号}}
  "370000":
    values:
      2026-01-01: {value: 0.09, verified: V3}
"""
FIXED = """\
description: 玩具定额
label_en: toy fixed amount
unit: yuan/month
reference: {document: toy}
by_region:
  "370200":
    values:
      2025-01-01: {value: 220.8, verified: V3}
      2025-10-01: {value: 225.2, verified: V3}
      2026-01-01: {ends: true, verified: V3}
"""


def _store(root: Path, rate: str = RATE, fixed: str = FIXED) -> ParameterStore:
    folder = root / "parameters" / "toy"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rate.yaml").write_text(rate, encoding="utf-8")
    (folder / "fixed.yaml").write_text(fixed, encoding="utf-8")
    return ParameterStore.load(root / "parameters", region_table())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ParameterStore:
    return _store(tmp_path_factory.mktemp("ends"))


def test_the_city_value_holds_until_its_end(store: ParameterStore) -> None:
    hit = store.lookup("toy.rate", dt.date(2025, 12, 31), "370200")
    assert (hit.value, hit.region, hit.fallback) == (0.05, "370200", False)


def test_after_the_end_the_city_reads_its_province(store: ParameterStore) -> None:
    hit = store.lookup("toy.rate", dt.date(2026, 1, 1), "370200")
    assert (hit.value, hit.region, hit.fallback) == (0.09, "370000", True)
    assert store.value_set_at("toy.rate", dt.date(2026, 1, 1), "370200") == ("370000", dt.date(2026, 1, 1))
    # a city of the province with no rule of its own reads the same value (and, before 2026, none)
    assert store.lookup("toy.rate", dt.date(2026, 3, 1), "370100").value == 0.09
    with pytest.raises(NotInForceError):
        store.lookup("toy.rate", dt.date(2025, 6, 1), "370100")


def test_after_the_end_with_nothing_above_nothing_is_in_force(store: ParameterStore) -> None:
    assert store.lookup("toy.fixed", dt.date(2025, 12, 1), "370200").value == 225.2
    with pytest.raises(NotInForceError) as raised:
        store.lookup("toy.fixed", dt.date(2026, 2, 1), "370200")
    assert "values are known for 2025-01-01 to 2025-12-31" in raised.value.message
    assert "the own rule of 青岛市 (370200) ended on 2026-01-01 (toy)" in raised.value.message
    assert "本地规定自 2026-01-01 起不再适用" in raised.value.message
    assert raised.value.details["known_until"] == "2025-12-31"
    assert store.value_set_at("toy.fixed", dt.date(2026, 2, 1), "370200") is None


def test_the_end_is_not_a_first_value(store: ParameterStore) -> None:
    assert store.first_date("toy.fixed", "370200") == dt.date(2025, 1, 1)
    assert store.first_date("toy.rate", "370100") == dt.date(2026, 1, 1)


def test_the_end_is_a_change_date(store: ParameterStore) -> None:
    days = store.change_dates(["toy.fixed"]).tolist()
    assert dt.date(2026, 1, 1) in days


def test_the_coverage_view_reads_the_province_after_the_end(store: ParameterStore) -> None:
    rate = store.get("toy.rate")
    assert parameter_cell(store, rate, "370200", 2025) is not None
    cell = parameter_cell(store, rate, "370200", 2026)
    assert cell is not None and cell.region == "370000"
    assert parameter_cell(store, store.get("toy.fixed"), "370200", 2026) is None


def test_an_end_is_not_counted_as_a_value(store: ParameterStore) -> None:
    assert store.get("toy.fixed").kind() == "number"
    assert all(row["value"] is not None for row in store.values_at_level("V3"))
    assert len(store.values_at_level("V3")) == 4  # two rates and two amounts; the two ends are not values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            RATE.replace("{ends: true, verified: V3,", "{ends: true, value: 0.07, verified: V3,"),
            "carries no value",
        ),
        (
            RATE.replace("{ends: true, verified: V3,", "{ends: true, valid_until: 2026-12-31, verified: V3,"),
            "has no valid_until",
        ),
        (RATE.replace("{ends: true, verified: V3,", "{verified: V3,"), "value is missing (null)"),
        (
            RATE.replace("      2025-01-01: {value: 0.05, verified: V3}\n", ""),
            "by_region.370200.values.2026-01-01: `ends: true` ends nothing",
        ),
        (
            RATE.replace(
                "reference: {document: toy}\n",
                "reference: {document: toy}\nvalues:\n  2027-01-01: {ends: true, verified: V3}\n",
            ),
            "the national value cannot end",
        ),
    ],
)
def test_a_malformed_end_is_named(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ParameterFileError) as raised:
        _store(tmp_path, rate=text)
    assert expected in raised.value.message and "toy/rate.yaml" in raised.value.message


def test_own_values_at_lists_each_place_that_sets_the_rule_itself(store: ParameterStore) -> None:
    """The places whose own value is in force on a date (what the advisor's estimated range is drawn from): 青岛's
    5 % until its rule ended on 2026-01-01, Shandong's 9 % from then on; never a place that only falls back."""
    assert store.own_values_at("toy.rate", dt.date(2024, 12, 31)) == {}
    assert store.own_values_at("toy.rate", dt.date(2025, 6, 1)) == {"370200": 0.05}
    assert store.own_values_at("toy.rate", dt.date(2026, 6, 1)) == {"370000": 0.09}
