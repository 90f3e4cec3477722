"""Parameter data (dated, cited, verified values) and model-definition checks fail early and say where."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from gigcover.advisor.model import load_model
from gigcover.engine.errors import ModelDefinitionError, ParameterFileError
from gigcover.engine.graph import check_graph, find_cycle
from gigcover.engine.parameters import ParameterStore
from gigcover.engine.regions import NATIONAL, region_table
from gigcover.engine.variables import Variable

LEVELS = {"V1", "V2", "V3", "UNVERIFIED"}
SHIPPED = Path(str(resources.files("gigcover"))) / "parameters"
DAILY_FILE = "employment/part_time_max_daily_hours.yaml"
MAY_JOIN_FILE = "unemployment/flexible/may_join.yaml"


# -- the shipped tree ----------------------------------------------------------------------------------------------
def test_every_parameter_file_loads(model: Any) -> None:
    files = sorted(f for f in SHIPPED.rglob("*.yaml") if f.name != "missing.yaml")  # searches, not parameters
    assert len(files) >= 15
    names = {".".join(f.relative_to(SHIPPED).with_suffix("").parts) for f in files}
    assert names == set(model.store.parameters)
    assert "pension.employee.flexible.rate" in names


def _walk(model: Any) -> list[tuple[str, str, dt.date, Any, Any]]:
    """(parameter, region, date, dated value, the reference that covers it)."""
    rows = []
    for name, parameter in model.store.parameters.items():
        spec = parameter.spec
        for date, item in spec.values.items():
            rows.append((name, "national", date, item, item.reference or spec.reference))
        for code, series in spec.by_region.items():
            for date, item in series.values.items():
                rows.append((name, code, date, item, item.reference or series.reference or spec.reference))
    return rows


def test_every_value_has_a_date_reference_and_verification(model: Any) -> None:
    rows = _walk(model)
    assert len(rows) >= 40
    for name, region, date, item, reference in rows:
        where = f"{name} {region} {date}"
        assert isinstance(date, dt.date), where
        assert item.verified in LEVELS, where
        assert reference is not None and reference.document.strip(), where
        assert (item.value is None) == item.ends, where  # a value, or the end of the place's own rule


def test_every_region_key_is_a_shipped_code(model: Any) -> None:
    table = region_table()
    for parameter in model.store.parameters.values():
        for code in parameter.spec.by_region:
            assert code in table.by_code and len(code) == 6, (parameter.name, code)


def test_every_parameter_has_descriptions(model: Any) -> None:
    for parameter in model.store.parameters.values():
        assert parameter.spec.description.strip() and parameter.spec.label_en.strip() and parameter.spec.unit


def test_lookups_carry_their_citation(model: Any) -> None:
    for name, region, date, item, reference in _walk(model):
        code = "000000" if region == "national" else region
        if item.ends:  # the place's own rule ends: from then on a lookup answers with its province's value, or none
            found = model.store.value_set_at(name, date, code)
            assert found is None or found[0] != code, (name, region, date)
            continue
        hit = model.store.lookup(name, date, code)
        assert hit.effective_from == date and hit.value == item.value, (name, region, date)
        assert hit.verified == item.verified and hit.reference == reference


def test_sources_are_cited_and_verified(model: Any) -> None:
    assert model.sources
    for key, source in model.sources.items():
        assert source.verified in LEVELS, key
        assert source.reference.document.strip(), key
    for variable in model.variables.values():
        for key in variable.references:
            assert key in model.sources, (variable.name, key)
    # The articles the employment rules decide by are in the catalogue.
    assert {"labor_contract_law.art58", "labor_contract_law.art68", "labor_contract_law.art69"} <= set(model.sources)


def test_parameters_the_brief_relies_on(model: Any) -> None:
    lookup = model.store.lookup
    assert lookup("employment.part_time_max_daily_hours", dt.date(2021, 6, 1), "310000").value == 4
    assert lookup("employment.part_time_max_weekly_hours", dt.date(2021, 6, 1), "310000").value == 24
    stars = lookup("coverage.table2.severity", dt.date(2021, 6, 1), "310000").value
    assert stars == {
        "local_urban_labor": 0,
        "local_rural_labor": 0,
        "nonlocal_urban_labor": 0,
        "nonlocal_rural_labor": 0,
        "local_urban_no_labor": 1,
        "local_rural_no_labor": 2,
        "nonlocal_urban_no_labor": 3,
        "nonlocal_rural_no_labor": 4,
    }


def test_published_account_interest_rates_by_year(model: Any) -> None:
    # 职工基本养老保险个人账户记账利率 as the local social-insurance offices restate the national figure (V3; the
    # 人社部/财政部 notices themselves were not read): 2021 6.69 % (开平), 2022 6.12 % (鹤山), 2023 3.97 % (丰城),
    # 2024 2.62 % (揭阳), 2025 1.5 % (丰城's 2025 disclosure, corroborated by the 2025 annual disclosures a calculator
    # cites). 2026 has no published figure: the projection assumption is used instead, and is said to be one.
    rate = "pension.employee.account_interest_rate"
    published = {2021: 0.0669, 2022: 0.0612, 2023: 0.0397, 2024: 0.0262, 2025: 0.015}
    for year, value in published.items():
        hit = model.store.lookup(rate, dt.date(year, 6, 30), NATIONAL)
        assert (hit.effective_from, hit.value, hit.verified) == (dt.date(year, 1, 1), value, "V3")
    assert model.store.lookup(rate, dt.date(2026, 6, 30), NATIONAL).effective_from == dt.date(2025, 1, 1)
    assumed = model.store.lookup("pension.employee.account_interest_assumption", dt.date(2026, 6, 30), NATIONAL)
    assert (assumed.effective_from, assumed.verified) == (dt.date(2026, 1, 1), "UNVERIFIED")


def test_loading_twice_gives_equal_stores(model: Any) -> None:
    again = ParameterStore.load(SHIPPED, region_table())
    assert set(again.parameters) == set(model.store.parameters)
    for name, parameter in again.parameters.items():
        assert parameter.spec == model.store.parameters[name].spec


# -- broken parameter trees --------------------------------------------------------------------------------------------
@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "parameters"
    shutil.copytree(SHIPPED, root)
    return root


def edit(root: Path, relative: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def expect_file_error(root: Path, *fragments: str) -> ParameterFileError:
    with pytest.raises(ParameterFileError) as info:
        load_model(root)
    for fragment in fragments:
        assert fragment in info.value.message, (fragment, info.value.message)
    return info.value


def test_copied_tree_loads(tree: Path) -> None:
    assert set(load_model(tree).store.parameters) == set(load_model().store.parameters)


def test_missing_verified(tree: Path) -> None:
    edit(tree, DAILY_FILE, lambda d: d["values"][dt.date(2008, 1, 1)].pop("verified"))
    error = expect_file_error(tree, "part_time_max_daily_hours.yaml", "values.", "2008", "verified")
    assert error.details["file"].endswith("part_time_max_daily_hours.yaml")


def test_unknown_verification_level(tree: Path) -> None:
    edit(tree, DAILY_FILE, lambda d: d["values"][dt.date(2008, 1, 1)].update(verified="V9"))
    expect_file_error(tree, "part_time_max_daily_hours.yaml", "values.", "2008", "verified", "V1")


def test_missing_reference(tree: Path) -> None:
    edit(tree, DAILY_FILE, lambda d: d.pop("reference"))
    expect_file_error(tree, "part_time_max_daily_hours.yaml", "values.2008-01-01", "reference")


def test_missing_reference_in_a_regional_series(tree: Path) -> None:
    edit(tree, MAY_JOIN_FILE, lambda d: d["by_region"]["110000"].pop("reference"))
    expect_file_error(tree, "may_join.yaml", "by_region.110000.values.2021-07-05", "reference")


def test_reference_without_document(tree: Path) -> None:
    edit(tree, DAILY_FILE, lambda d: d["reference"].pop("document"))
    expect_file_error(tree, "part_time_max_daily_hours.yaml", "reference", "document")


def test_non_date_key(tree: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["values"] = {"someday": data["values"][dt.date(2008, 1, 1)]}

    edit(tree, DAILY_FILE, change)
    expect_file_error(tree, "part_time_max_daily_hours.yaml", "someday")


def test_non_date_key_in_a_regional_series(tree: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        series = data["by_region"]["110000"]
        series["values"] = {"2021-07-5x": series["values"][dt.date(2021, 7, 5)]}

    edit(tree, MAY_JOIN_FILE, change)
    expect_file_error(tree, "may_join.yaml", "2021-07-5x")


def test_unknown_region_code(tree: Path) -> None:
    edit(tree, MAY_JOIN_FILE, lambda d: d["by_region"].update({"990000": d["by_region"]["110000"]}))
    error = expect_file_error(tree, "may_join.yaml", "990000")
    assert error.details["key"] == "990000"


def test_national_pseudo_code_is_not_a_region_key(tree: Path) -> None:
    edit(tree, MAY_JOIN_FILE, lambda d: d["by_region"].update({"000000": d["by_region"]["110000"]}))
    expect_file_error(tree, "may_join.yaml", "000000")


def test_invalid_yaml(tree: Path) -> None:
    (tree / DAILY_FILE).write_text("description: [unclosed\nvalues: {2008-01-01: {value: 4\n", encoding="utf-8")
    expect_file_error(tree, "part_time_max_daily_hours.yaml", "YAML")


def test_null_value(tree: Path) -> None:
    edit(tree, DAILY_FILE, lambda d: d["values"][dt.date(2008, 1, 1)].update(value=None))
    expect_file_error(tree, "part_time_max_daily_hours.yaml", "values.", "2008", "value is missing")


@pytest.mark.parametrize(
    ("relative", "change", "key"),
    [
        (DAILY_FILE, lambda d: d["values"][dt.date(2008, 1, 1)].pop("verified"), "values.2008-01-01.verified"),
        (
            MAY_JOIN_FILE,
            lambda d: d["by_region"]["110000"]["values"][dt.date(2021, 7, 5)].pop("verified"),
            "by_region.110000.values.2021-07-05.verified",
        ),
    ],
)
def test_error_names_the_key_as_written(
    tree: Path, relative: str, change: Callable[[dict[str, Any]], None], key: str
) -> None:
    edit(tree, relative, change)
    expect_file_error(tree, key)


def test_unknown_field(tree: Path) -> None:
    edit(tree, DAILY_FILE, lambda d: d["values"][dt.date(2008, 1, 1)].update(verfied="V1"))
    expect_file_error(tree, "part_time_max_daily_hours.yaml", "verfied")


def test_file_without_values(tree: Path) -> None:
    edit(tree, DAILY_FILE, lambda d: d.pop("values"))
    expect_file_error(tree, "part_time_max_daily_hours.yaml", "no values")


def test_top_level_not_a_mapping(tree: Path) -> None:
    (tree / DAILY_FILE).write_text("- 4\n", encoding="utf-8")
    expect_file_error(tree, "part_time_max_daily_hours.yaml")


def test_missing_parameter_file_is_a_model_error(tree: Path) -> None:
    (tree / "employment" / "part_time_max_weekly_hours.yaml").unlink()
    with pytest.raises(ModelDefinitionError) as info:
        load_model(tree)
    assert "employment.part_time_max_weekly_hours" in info.value.message
    assert "part_time_hours_test" in info.value.message


# -- model definition: the variable graph ---------------------------------------------------------------------------
def var(name: str, *inputs: str, parameters: tuple[str, ...] = (), references: tuple[str, ...] = ()) -> Variable:
    return Variable(
        name=name,
        label_zh=name,
        label_en=name,
        value_type="bool",
        inputs=inputs,
        parameters=parameters,
        references=references,
        formula=(lambda v, p: True) if inputs else None,
    )


def graph(*variables: Variable) -> dict[str, Variable]:
    return {v.name: v for v in variables}


def test_find_cycle_names_the_cycle() -> None:
    variables = graph(var("x"), var("a", "b", "x"), var("b", "c"), var("c", "a"), var("d", "a"))
    cycle = find_cycle(variables)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"} and len(cycle) == 4
    with pytest.raises(ModelDefinitionError) as info:
        check_graph(variables, [], [])
    assert info.value.details["cycle"] == cycle
    assert " → ".join(cycle) in info.value.message


def test_self_loop_is_a_cycle() -> None:
    with pytest.raises(ModelDefinitionError) as info:
        check_graph(graph(var("a", "a")), [], [])
    assert info.value.details["cycle"] == ["a", "a"]


def test_acyclic_graph_passes() -> None:
    variables = graph(var("x"), var("y"), var("a", "x", "y"), var("b", "a", "x"))
    assert find_cycle(variables) is None
    check_graph(variables, [], [])


def test_unknown_input() -> None:
    with pytest.raises(ModelDefinitionError) as info:
        check_graph(graph(var("a", "ghost")), [], [])
    assert "'a'" in info.value.message and "'ghost'" in info.value.message


def test_unknown_parameter() -> None:
    variables = graph(var("x"), var("a", "x", parameters=("no.such.parameter",)))
    with pytest.raises(ModelDefinitionError) as info:
        check_graph(variables, ["some.parameter"], [])
    assert "no.such.parameter" in info.value.message
    check_graph(variables, ["no.such.parameter"], [])


def test_unknown_source() -> None:
    variables = graph(var("x", references=("law.art1",)))
    with pytest.raises(ModelDefinitionError) as info:
        check_graph(variables, [], ["law.art2"])
    assert "law.art1" in info.value.message
    check_graph(variables, [], ["law.art1"])


def test_shipped_graph_is_valid(model: Any) -> None:
    assert find_cycle(model.variables) is None
    check_graph(model.variables, model.store.parameters, model.sources)


def test_which_value_a_lookup_finds_is_said_without_the_hit(model: Any) -> None:
    """`value_set_at` (how places are compared, evaluate._place_signature) names the value `lookup` returns —
    its region and effective date — and None exactly where `lookup` says nothing is in force."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from gigcover.engine.errors import NotInForceError

    store = model.store
    places = [r for r in store.regions.codes if r.endswith("00")][:400]

    @settings(max_examples=300, deadline=None)
    @given(
        name=st.sampled_from(sorted(store.parameters)),
        day=st.dates(dt.date(2015, 1, 1), dt.date(2027, 12, 31)),
        place=st.sampled_from(places),
    )
    def agree(name: str, day: dt.date, place: str) -> None:
        try:
            hit = store.lookup(name, day, place)
        except NotInForceError:
            assert store.value_set_at(name, day, place) is None
            return
        assert store.value_set_at(name, day, place) == (hit.region, hit.effective_from)

    agree()
