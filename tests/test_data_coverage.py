"""The data-coverage view (issue 9): `gigcover params coverage` and the `/data` page count, per province (at its
capital) and 计划单列市, family and year, the values in force and their levels; every province and family has a value
for 2024 and 2025 or a recorded search in missing.yaml."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from gigcover import coverage_report
from gigcover.cli import app
from gigcover.coverage_report import FAMILIES, PLAN_CITIES, PROVINCE_CAPITALS, family_cell, parameter_cell, report
from gigcover.engine import build_model
from gigcover.engine.evaluate import Model
from gigcover.web import router

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

runner = CliRunner()
HEAD = "description: 玩具\nlabel_en: toy\nunit: yuan\nreference: {document: toy}\n"

# A small tree with the families' parameter names (the hand counts below are worked on it).
FIXTURE: dict[str, str] = {
    # 计发基数 by retirement year: Beijing 2024 (stated to 2024-12-31) and 2025; Guangdong only 2022 (stale by 2024);
    # Wuhan (Hubei's capital) 2025 with no province value; Shenzhen its own 2025.
    "pension/employee/benefit_base_monthly.yaml": HEAD
    + """period: year
by_region:
  "110000":
    values:
      2024-01-01: {value: 11883, verified: V2, valid_until: 2024-12-31}
      2025-01-01: {value: 12049, verified: V3}
  "440000": {values: {2022-01-01: {value: 8682, verified: V3}}}
  "420100": {values: {2025-01-01: {value: 9112, verified: V2}}}
  "440300": {values: {2025-01-01: {value: 11293, verified: V3}}}
""",
    # the band: Shanghai floor V2 and ceiling V3 from 2024-07 (a year each, so into mid-2025); Jiangsu floor only
    "pension/employee/base_floor_monthly.yaml": HEAD
    + """period: year
by_region:
  "310000": {values: {2024-07-01: {value: 7384, verified: V2}}}
  "320000": {values: {2025-01-01: {value: 4952, verified: V2}}}
""",
    "pension/employee/base_ceiling_monthly.yaml": HEAD
    + """period: year
by_region:
  "310000": {values: {2024-07-01: {value: 36921, verified: V3}}}
""",
    "wages/provincial_average_monthly.yaml": HEAD
    + """period: year
by_region:
  "310000": {values: {2025-07-01: {value: 12434, verified: UNVERIFIED}}}
""",
    # flexible medical: Hangzhou's standing rate from 2023; Beijing's fixed amount for the year from 2024-07;
    # Shenzhen (a 计划单列市) its own rate
    "medical/employee/flexible/rate.yaml": HEAD
    + """by_region:
  "330100": {values: {2023-01-01: {value: 0.095, verified: V2}}}
  "440300": {values: {2024-01-01: {value: 0.07, verified: V2}}}
""",
    "medical/employee/flexible/fixed_monthly.yaml": HEAD
    + """period: year
by_region:
  "110000": {values: {2024-07-01: {value: 553.56, verified: V3}}}
""",
    "medical/employee/flexible/tier_annual.yaml": HEAD
    + """period: year
by_region:
  "500000": {values: {2025-01-01: {value: {tier1: 3075}, verified: V2}}}
""",
    "pension/resident/local_top_up_monthly.yaml": HEAD + "values: {2014-07-01: {value: 0, verified: V3}}\n",
    "medical/resident/individual_premium_annual.yaml": HEAD
    + "values: {2025-01-01: {value: 400, verified: UNVERIFIED}}\n",
    "wages/minimum_wage_monthly.yaml": HEAD
    + """by_region:
  "310000": {values: {2025-07-01: {value: 2740, verified: V2}}}
""",
    # the private-sector wage of the occupational-injury items: national 2024; Chongqing its own for the
    # statistical year 2024 only (so not in 2025)
    "wages/private_sector_average_annual.yaml": HEAD
    + """values: {2024-01-01: {value: 69476, verified: V2}}
by_region:
  "500000": {values: {2024-01-01: {value: 65098, verified: V3, valid_until: 2024-12-31}}}
""",
    "pension/employee/missing.yaml": """\
verified: UNVERIFIED
reference: {document: toy notice}
benefit_base_monthly:
  - {regions: ["440000"], years: [2025], searched: q, where: w, when: 2026-12-01}
""",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Model:
    root = tmp_path_factory.mktemp("coverage")
    for name, text in FIXTURE.items():
        path = root / "parameters" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "sources.yaml").write_text("toy.rule: {reference: {document: toy}, verified: V1}\n", encoding="utf-8")
    return build_model({}, root / "parameters", root / "sources.yaml")


def _cell(data: dict[str, Any], code: str, family: str, year: int) -> dict[str, Any]:
    (row,) = [r for r in data["rows"] if r["code"] == code]
    cell: dict[str, Any] = row["cells"][family][str(year)]
    return cell


# -- hand counts on the small tree --------------------------------------------------------------------------------
def test_counts_on_a_small_tree(small: Model) -> None:
    data = report(small, years=[2024, 2025])
    counts = data["counts"]
    # 计发基数 2024: Beijing only (Guangdong's 2022 figure is past its year); 2025: Beijing V3 and Hubei via Wuhan V2
    assert counts["benefit_base"]["2024"] == {"have": 1, "of": 31, "levels": {"V2": 1}, "searched": 0}
    assert counts["benefit_base"]["2025"] == {"have": 2, "of": 31, "levels": {"V2": 1, "V3": 1}, "searched": 1}
    # the band needs floor and ceiling: Shanghai (weakest V3) in 2024 and, its year running to 2025-06-30, in 2025
    assert counts["band"]["2024"]["have"] == counts["band"]["2025"]["have"] == 1
    assert counts["band"]["2025"]["levels"] == {"V3": 1}
    # flexible medical, any one form: Hangzhou's standing rate and Beijing's fixed amount (2024-07 to 2025-06) in
    # both years; Chongqing's tiers in 2025 only; Shenzhen is a 计划单列市, not counted among the provinces
    assert (counts["flexible_medical"]["2024"]["have"], counts["flexible_medical"]["2025"]["have"]) == (2, 3)
    # national values only: no province has its own
    assert counts["resident_pension"]["2025"]["have"] == counts["resident_medical"]["2025"]["have"] == 0
    assert counts["minimum_wage"]["2024"]["have"] == 0 and counts["minimum_wage"]["2025"]["have"] == 1
    # a statistical-year figure counts for its year only; the national series is not a province's
    assert counts["private_wage"]["2024"] == {"have": 1, "of": 31, "levels": {"V3": 1}, "searched": 0}
    assert counts["private_wage"]["2025"]["have"] == 0


def test_cells_say_whose_value_and_what_was_searched(small: Model) -> None:
    data = report(small, years=[2025])
    assert _cell(data, "420000", "benefit_base", 2025) == {"level": "V2", "region": "420100", "own": True}
    assert _cell(data, "440300", "benefit_base", 2025) == {"level": "V3", "region": "440300", "own": True}
    assert _cell(data, "440000", "benefit_base", 2025) == {"level": None, "searched": True, "expected": True}
    assert _cell(data, "430000", "benefit_base", 2025) == {"level": None, "searched": False, "expected": True}
    # a 计划单列市 falls back to its province for a provincial family (not expected of it), not for flexible medical
    assert _cell(data, "350200", "benefit_base", 2025) == {"level": None, "searched": False, "expected": False}
    assert _cell(data, "350200", "flexible_medical", 2025)["expected"] is True
    assert _cell(data, "440300", "flexible_medical", 2025) == {"level": "V2", "region": "440300", "own": True}


def test_targets_and_levels_on_a_small_tree(small: Model) -> None:
    data = report(small)
    # 18 dated values: V2 9 (11883, 9112, 7384, 4952, 0.095, 0.07, the tiers, 2740, 69476), V3 7 (12049, 8682,
    # 11293, 36921, 553.56, the top-up 0, 65098), UNVERIFIED 2 (12434, 400)
    assert data["levels"] == {"V1": 0, "V2": 9, "V3": 7, "UNVERIFIED": 2, "total": 18}
    targets = {t["key"]: t for t in data["targets"]}
    assert (targets["benefit_base_2025"]["have"], targets["benefit_base_2025"]["met"]) == (2, False)
    assert targets["unverified_share"]["have"] == round(2 / 18, 4) and targets["unverified_share"]["met"] is False


def test_family_and_year_filters(small: Model) -> None:
    data = report(small, families=["band"], years=[2025])
    assert [f["key"] for f in data["families"]] == ["band"] and data["years"] == [2025]
    assert set(data["rows"][0]["cells"]) == {"band"}
    assert [t["key"] for t in data["targets"]] == ["band_2025", "unverified_share"]


def test_an_unknown_family_is_named(small: Model) -> None:
    with pytest.raises(coverage_report.InputValueError) as raised:
        report(small, families=["bands"])
    assert "'bands' is not a family" in raised.value.message and raised.value.details["field"] == "family"


# -- the shipped tree: a value for 2024 and 2025, or a recorded search ------------------------------------------------
def test_every_province_and_family_has_a_value_or_a_recorded_search(model: Model) -> None:
    store, gaps = model.store, []
    for family in FAMILIES:
        places = [(p, c) for p, c in PROVINCE_CAPITALS.items()]
        if family.places == "capitals":
            places += [(c, c) for c in PLAN_CITIES]
        for province, capital in places:
            for year in (2024, 2025):
                if family.need_all:
                    lacking = [
                        name
                        for name in family.parameters
                        if parameter_cell(store, store.get(name), capital, year) is None
                    ]
                else:
                    lacking = [] if family_cell(store, family, capital, year) else list(family.parameters)
                searched = any(store.missing_for(name, code, year) for name in lacking for code in (province, capital))
                if lacking and not searched:
                    gaps.append(f"{family.key} {province} {year}: {', '.join(lacking)}")
    assert gaps == [], "no value and no entry in missing.yaml:\n" + "\n".join(gaps)


def test_a_search_is_recorded_only_where_no_value_is_known(model: Model) -> None:
    """A missing.yaml entry for a place and year that has a value is out of date: the value was found since."""
    store, stale = model.store, []
    for name, entries in store.missing.items():
        for entry in entries:
            for code in entry.regions:
                at = PROVINCE_CAPITALS.get(code, code)
                for year in entry.years:
                    if parameter_cell(store, store.get(name), at, year) is not None:
                        stale.append(f"{name} {code} {year}")
    assert stale == []


# -- the command ----------------------------------------------------------------------------------------------------
def test_the_command_prints_json_that_adds_up() -> None:
    result = runner.invoke(app, ["params", "coverage", "--family", "band", "--year", "2025", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    provinces = [r for r in data["rows"] if r["kind"] == "province"]
    assert len(provinces) == 31 and len(data["rows"]) == 31 + len(PLAN_CITIES)
    have = sum(1 for r in provinces if r["cells"]["band"]["2025"]["level"])
    assert data["counts"]["band"]["2025"]["have"] == have
    (band,) = [t for t in data["targets"] if t["key"] == "band_2025"]
    assert (band["need"], band["of"], band["have"], band["met"]) == (28, 31, have, have >= 28)


def test_the_command_prints_a_table_with_the_targets() -> None:
    result = runner.invoke(app, ["params", "coverage", "--family", "benefit_base"])
    assert result.exit_code == 0, result.output
    assert "计发基数" in result.stdout and "广东省（广州市）" in result.stdout
    assert "2025 年计发基数 ≥ 24/31 省" in result.stdout and "UNVERIFIED" in result.stdout
    english = runner.invoke(app, ["params", "coverage", "--family", "benefit_base", "--lang", "en"])
    assert "2025 计发基数 ≥ 24 of 31 provinces" in english.stdout


@pytest.mark.parametrize(
    ("args", "field"), [(["--family", "nope"], "family"), (["--year", "1800"], "year"), (["--lang", "fr"], "lang")]
)
def test_the_command_names_a_bad_option(args: list[str], field: str) -> None:
    result = runner.invoke(app, ["params", "coverage", *args])
    assert result.exit_code == 2
    error = json.loads(result.stderr)
    assert error["field"] == field and error["error"] == "invalid_value"


# -- the page -------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(small: Model) -> TestClient:
    site = FastAPI()
    site.state.model = small
    site.include_router(router)
    return TestClient(site)


def test_the_page_is_chinese_by_default_with_a_table_per_family(client: TestClient) -> None:
    page = client.get("/data")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="zh-CN">' in html and "各地数据覆盖" in html
    assert html.count('<table class="cov">') == len(FAMILIES)
    assert "2025 年计发基数 ≥ 24/31 省: 2/31" in re.sub(r"\s+", " ", html)
    row = re.search(r'<tr data-code="420000">(.*?)</tr>', html, re.S)
    assert row is not None and "湖北省" in row.group(1) and "武汉市" in row.group(1)
    assert 'href="/data?lang=en"' in html  # the language switch stays on the page
    assert all(f'href="#family-{family.key}"' in html for family in FAMILIES)  # a jump to each table


def test_the_page_in_english_keeps_the_filters(client: TestClient) -> None:
    html = client.get("/data", params=[("lang", "en"), ("family", "band"), ("year", "2025")]).text
    assert '<html lang="en">' in html and "Data coverage by place" in html
    assert html.count('<table class="cov">') == 1 and "Contribution base floor and ceiling" in html
    assert 'href="/data?lang=zh&amp;family=band&amp;year=2025"' in html


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("family=nope", "没有“nope”这一类数值"),
        ("year=20x5", "年份“20x5”不对"),
        ("lang=en&family=nope", "“nope” is not a family of figures"),
        ("lang=en&year=1800", "Year “1800” is not a year between 1990 and 2100"),
        ("family=band&family=" + "x" * 500, "没有“" + "x" * 20 + "”这一类数值"),
    ],
)
def test_the_page_names_a_bad_filter(client: TestClient, query: str, named: str) -> None:
    """In the page's language, the bad value named (a short prefix of it only), no table."""
    page = client.get(f"/data?{query}")
    assert page.status_code == 422
    assert named in page.text and '<table class="cov">' not in page.text
    assert "x" * 21 not in page.text
    if "lang=en" not in query:
        assert "is not a" not in page.text  # no English message on the Chinese page


def test_the_advisor_links_to_the_page(client: TestClient) -> None:
    assert 'id="data-link" href="/data?lang=zh"' in client.get("/").text
    assert 'id="data-link" href="/data?lang=en"' in client.get("/?lang=en").text


def test_the_shipped_page_renders(tmp_path: Path) -> None:
    site = FastAPI()
    site.include_router(router)
    html = TestClient(site).get("/data?year=2025").text
    assert html.count('<tr data-code="') == len(FAMILIES) * (31 + len(PLAN_CITIES))
