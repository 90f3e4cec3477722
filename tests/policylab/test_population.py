"""The synthetic population: calibration margins, determinism, the Parquet layout on the engine's codes, reading it
back into `gigcover.compute`, `gigcover population generate | describe`, and bad arguments."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import gigcover
from gigcover.cli import app
from gigcover.engine import InputValueError
from gigcover.engine.regions import region_table
from gigcover.policylab.population import (
    Population,
    default_calibration,
    describe,
    generate,
    generate_chunks,
    read_population,
    write_population,
)
from gigcover.policylab.population.categories import SegmentScheme
from gigcover.policylab.population.generator import BLOCK_ROWS, PAST_SEGMENTS, _compositions
from gigcover.policylab.population.storage import CATEGORIES, codes, read, segments_path, write
from gigcover.rules.coverage import Platform, Table2Cell
from gigcover.rules.employment import Industry

runner = CliRunner()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200,000 workers (the size the tolerances are stated for), written in chunks of 60,000."""
    path = tmp_path_factory.mktemp("population") / "pop.parquet"
    write_population(path, 200_000, seed=2026, chunk_rows=60_000)
    return path


@pytest.fixture(scope="module")
def population(written: Path) -> Population:
    return read(written)


# -- calibration ----------------------------------------------------------------------------------------------------
def test_every_margin_is_within_its_tolerance_at_200000_workers(population: Population) -> None:
    results = describe(population)
    outside = [(r.margin, r.label, round(r.value, 4), r.target, r.tolerance) for r in results if r.ok is False]
    assert outside == []
    checked = [r for r in results if r.ok is not None]
    assert len(checked) >= 40  # every margin row with a published target is compared, none skipped
    assert all(r.rows > 500 for r in checked)  # and each is measured on enough workers to mean something


def test_every_margin_row_names_its_verification_and_sourced_rows_their_source() -> None:
    for margin in default_calibration().margins:
        for row in margin.rows:
            assert row.verification in ("V1", "V2", "V3", "UNVERIFIED", "ASSUMPTION")
            if row.verification != "ASSUMPTION":
                assert row.source or row.note, (margin.id, row)
            else:
                assert row.note, (margin.id, row)  # an assumption says why there is no figure
    for name, parameter in default_calibration().model.items():
        assert parameter.note or parameter.source, name


def test_the_weights_stand_for_the_84_million(population: Population) -> None:
    weight = population.people.column("weight").to_numpy()
    assert weight.sum() == pytest.approx(84_000_000)
    assert np.all(weight == 84_000_000 / 200_000)


def test_labour_contracts_go_to_workers_who_work_most_days(population: Population) -> None:
    """A labour contract is full-time work (a part-time one is paid by the hour, 劳动合同法 第六十八条): no occasional
    worker (1–30 days a year) holds one, full-time workers hold more than regular ones (calibration:
    contract_by_intensity), and the delivery contract margin (~10 %) is kept (checked with the others above)."""
    people = population.people
    contract = people.column("has_labor_contract").to_numpy()
    days = people.column("annual_days").to_numpy()
    assert not contract[days <= 30].any()
    regular, full_time = contract[(days > 30) & (days <= 260)].mean(), contract[days > 260].mean()
    assert 0 < regular < full_time


def test_a_margin_moved_in_the_calibration_moves_the_population() -> None:
    """The generator draws from the calibration file: raise a target and the population follows it."""
    base = default_calibration()
    margins = [m.model_copy(deep=True) for m in base.margins]
    rows = margins[[m.id for m in margins].index("rural_hukou")].rows
    rows[0] = rows[0].model_copy(update={"target": 0.3})
    model = {**base.model, "rural_share": base.model["rural_share"].model_copy(update={"value": {"default": 0.3}})}
    changed = base.model_copy(update={"margins": margins, "model": model})
    rural = generate(30_000, seed=1, calibration=changed).people.column("hukou_rural").to_numpy()
    assert rural.mean() == pytest.approx(0.3, abs=0.015)
    result = next(
        r for r in describe(generate(30_000, seed=1, calibration=changed), changed) if r.margin == "rural_hukou"
    )
    assert result.ok and result.target == 0.3


# -- determinism ----------------------------------------------------------------------------------------------------
def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    write_population(first, 5_000, seed=11, chunk_rows=2_000)
    write_population(second, 5_000, seed=11, chunk_rows=2_000)
    assert first.read_bytes() == second.read_bytes()
    assert segments_path(first).read_bytes() == segments_path(second).read_bytes()


def test_another_seed_gives_another_population() -> None:
    a, b = generate(2_000, seed=1), generate(2_000, seed=2)
    assert not a.people.equals(b.people)
    assert not np.array_equal(a.people.column("age").to_numpy(), b.people.column("age").to_numpy())


def test_chunking_changes_nothing_across_blocks() -> None:
    size = BLOCK_ROWS + 4_500  # two blocks of draws
    whole = generate(size, seed=5)
    for chunk_rows in (9_999, BLOCK_ROWS, BLOCK_ROWS + 1, 50_000):
        chunks = list(generate_chunks(size, seed=5, chunk_rows=chunk_rows))
        assert [c.people.num_rows for c in chunks[:-1]] == [chunk_rows] * (len(chunks) - 1)
        assert pa.concat_tables([c.people for c in chunks]).equals(whole.people)
        assert pa.concat_tables([c.segments for c in chunks]).equals(whole.segments)


def _first_rows(population: Any, rows: int) -> tuple[pa.Table, pa.Table]:
    """The first `rows` workers (without the weight, which is the total over the size) and their segments."""
    people = population.people.slice(0, rows).drop_columns(["weight"]).combine_chunks()
    ids = people.column("person_id").to_numpy()
    person = population.segments.column("person").to_numpy()
    return people, population.segments.take(np.flatnonzero(np.isin(person, ids))).combine_chunks()


@settings(max_examples=8)
@given(small=st.integers(1, 3_000), more=st.integers(1, 3_000), seed=st.integers(0, 2**32))
def test_a_smaller_sample_is_the_first_rows_of_a_larger_one(small: int, more: int, seed: int) -> None:
    """Every column of a worker (and their segments) depends only on the seed and the row number, not on how many
    rows are drawn: the first N workers of a larger sample are the N-worker sample (before, every draw after the
    first took as many numbers as the block had rows, so `monthly_orders`, incomes, places … all moved with the
    size). Only the weight differs: the total over the size."""
    larger = generate(small + more, seed)
    people, segments = _first_rows(generate(small, seed), small)
    assert (people, segments) == _first_rows(larger, small)


def test_a_sample_within_one_block_is_the_start_of_one_across_blocks() -> None:
    small, large = generate(700, seed=2026), generate(BLOCK_ROWS + 300, seed=2026)
    assert _first_rows(small, 700) == _first_rows(large, 700)
    orders = small.people.column("monthly_orders").to_numpy()
    assert np.array_equal(orders, large.people.column("monthly_orders").to_numpy()[:700])
    weight = small.people.column("weight").to_numpy()
    assert weight[0] == pytest.approx(84_000_000 / 700) and np.ptp(weight) == 0


@settings(max_examples=15)
@given(size=st.integers(1, 3_000), chunk_rows=st.integers(1, 3_500), seed=st.integers(0, 2**32))
def test_chunks_of_any_size_concatenate_to_the_population(size: int, chunk_rows: int, seed: int) -> None:
    assume(size / chunk_rows <= 40)  # a few dozen chunks at most: each is an Arrow table
    chunks = list(generate_chunks(size, seed, chunk_rows=chunk_rows))
    whole = generate(size, seed)
    assert sum(c.people.num_rows for c in chunks) == size
    people = pa.concat_tables([c.people for c in chunks])
    assert people.equals(whole.people)
    assert pa.concat_tables([c.segments for c in chunks]).equals(whole.segments)
    # every chunk carries exactly its own workers' segments
    for chunk in chunks:
        ids = set(chunk.people.column("person_id").to_pylist())
        assert set(chunk.segments.column("person").to_pylist()) == ids


# -- the layout: dictionary columns on the engine's codes, histories -------------------------------------------------
def test_dictionary_columns_decode_to_the_engine_enum_values(written: Path) -> None:
    table = pq.read_table(written)
    for name, enum in CATEGORIES.items():
        column = table.column(name)
        assert pa.types.is_dictionary(column.type) and column.type.index_type == pa.int8()
        for chunk in column.chunks:
            assert chunk.dictionary.to_pylist() == list(enum.ids())  # the stored index is the engine's code
    work = table.column("work_region")
    assert work.type.index_type == pa.int16()
    assert work.chunk(0).dictionary.to_pylist() == list(region_table().codes)
    pop = read_population(written)
    indices = np.concatenate([chunk.indices.to_numpy() for chunk in table.column("industry").chunks])
    assert np.array_equal(indices, pop.inputs["industry"])  # the stored indices are the codes read
    head = table.slice(0, 3_000)
    assert Industry.decode(pop.inputs["industry"][:3_000]) == head.column("industry").to_pylist()
    assert Platform.decode(pop.inputs["platform"][:3_000]) == head.column("platform").to_pylist()
    places = head.column("work_region").to_pylist()
    assert region_table().decode(pop.region[:3_000]) == places
    assert any(not code.endswith("0000") for code in places)  # prefecture-level cities, not only provinces
    provinces = region_table().province_index
    assert np.array_equal(pop.columns["work_province"], provinces[pop.region])
    assert np.array_equal(pop.columns["hukou_province"], provinces[pop.inputs["hukou_region"]])


def test_read_population_gives_codes_not_strings(written: Path) -> None:
    pop = read_population(written)
    assert len(pop) == 200_000
    for name, values in pop.inputs.items():
        if name != "birth_date":
            assert values.dtype.kind in "biuf", name
    assert pop.inputs["industry"].dtype == np.int8 and pop.inputs["hukou_region"].dtype == np.int16
    assert pop.date == np.datetime64("2025-07-01")
    assert pop.inputs["birth_date"][0][4] == "-" and len(pop.inputs["birth_date"][0]) == 7


def test_segments_are_grouped_by_person_and_cover_each_career(population: Population) -> None:
    people, segments = population.people, population.segments
    person = segments.column("person").to_numpy()
    assert np.all(np.diff(person) >= 0)
    counts = np.bincount(person, minlength=people.num_rows)
    assert counts.min() >= 1 and counts.max() <= 9  # four past segments (each split at 2010 at most once) and the plan
    planned = segments.column("planned").to_numpy()
    years = segments.column("years").to_numpy().astype(np.int64)
    past = np.bincount(person, weights=np.where(planned, 0, years), minlength=people.num_rows)
    start = people.column("history_start_year").to_numpy().astype(np.int64)
    assert np.array_equal(past, 2025 - start)  # past segments run from the start to the reference year
    start_years = segments.column("start_year").to_numpy().astype(np.int64)
    assert np.array_equal(start_years[planned], np.full(planned.sum(), 2025))  # the plan begins now
    scheme = codes(segments.column("scheme"), SegmentScheme)
    no_region = segments.column("region").is_null().to_numpy(zero_copy_only=False)
    assert np.array_equal(scheme == SegmentScheme.NONE, no_region)  # a place for every employee or resident year
    assert set(np.unique(scheme)) == {int(s) for s in SegmentScheme}
    resident = scheme == SegmentScheme.RESIDENT
    assert start_years[resident].min() >= 2010  # no resident-pension years before the scheme existed
    assert np.all(years >= 1)


def test_tenure_stays_within_the_career(population: Population) -> None:
    tenure = population.people.column("tenure_years").to_numpy()
    start = population.people.column("history_start_year").to_numpy().astype(np.int64)
    age = population.people.column("age").to_numpy()
    assert np.all(tenure >= 0) and np.all(tenure <= np.maximum(2025 - start, age - 17))


# -- through the engine ---------------------------------------------------------------------------------------------
OUTPUTS = ["table2_cell", "hukou_local", "occupational_injury_monthly_levy", "employee_pension_access"]


def test_compute_on_a_population_with_a_place_per_row_agrees_with_one_question_per_worker(written: Path) -> None:
    pop = read_population(written)
    found = gigcover.compute(pop.inputs, OUTPUTS, date=pop.date, region=pop.region, decode=False, missing="nan")
    assert len(np.unique(pop.region)) > 100  # workers in many cities at once
    cells = np.bincount(found["table2_cell"], minlength=len(Table2Cell))
    assert cells.sum() == 200_000 and np.count_nonzero(cells) == len(Table2Cell)
    # the engine's local hukou is the population's (same pooling area), row by row
    pooling = region_table().pooling_index
    assert np.array_equal(found["hukou_local"], pooling[pop.inputs["hukou_region"]] == pooling[pop.region])
    # a sample of rows asked one by one, by name, gives the same answers
    table = pq.read_table(written)
    for row in range(0, 200_000, 19_999):
        derived = ("birth_date", "daily_hours_one_employer", "weekly_hours_one_employer")  # not file columns
        inputs = {name: table.column(name)[row].as_py() for name in pop.inputs if name not in derived}
        inputs |= {name: pop.inputs[name][row].item() for name in derived[1:]}
        inputs["birth_date"] = str(pop.inputs["birth_date"][row])
        one = gigcover.calculate({"date": "2025-07-01", "region": inputs["work_region"], "inputs": inputs,
                                  "outputs": ["table2_cell", "employee_pension_access"]})  # fmt: skip
        assert one["outputs"]["table2_cell"] == Table2Cell.decode(found["table2_cell"][row])
        assert (
            one["outputs"]["employee_pension_access"]
            == (gigcover.compute(inputs, ["employee_pension_access"], date="2025-07-01", region=inputs["work_region"]))[
                "employee_pension_access"
            ][0]
        )


def test_the_injury_levy_follows_the_pilot_places_and_orders(written: Path) -> None:
    pop = read_population(written)
    found = gigcover.compute(pop.inputs, ["occupational_injury_monthly_levy"], date=pop.date, region=pop.region,
                             missing="nan")  # fmt: skip
    levy = found["occupational_injury_monthly_levy"]
    outside = ~np.isin(pop.inputs["industry"], [int(i) for i in (Industry.FOOD_DELIVERY, Industry.INSTANT_DELIVERY,
                                                                Industry.RIDE_HAILING, Industry.INTRA_CITY_FREIGHT)])  # fmt: skip
    assert np.all(levy[outside] == 0)  # no levy outside the pilot's industries
    assert (levy[~outside] > 0).any()
    assert np.all(levy[pop.inputs["monthly_orders"] == 0] == 0)


def test_histories_go_through_the_lifetime_projection(written: Path) -> None:
    pop = read_population(written, histories=True)
    rows = slice(0, 400)
    sample = {k: (v.take_rows(rows) if k == "contribution_history" else v[rows]) for k, v in pop.inputs.items()}
    found = gigcover.compute(sample, ["projected_pension_monthly", "projected_pension_place"], date=pop.date,
                             region=pop.region[rows], missing="nan")  # fmt: skip
    assert len(pop.inputs["contribution_history"]) == 200_000
    pension = found["projected_pension_monthly"]
    assert np.all(np.isfinite(pension)) and np.all(pension >= 0)
    assert 0.3 < (pension > 0).mean() < 1  # some careers reach neither scheme's minimum years, most reach one
    assert len(set(found["projected_pension_place"])) > 10


# -- the command line -----------------------------------------------------------------------------------------------
def test_generate_then_describe_on_the_command_line(tmp_path: Path, written: Path) -> None:
    out = tmp_path / "pop.parquet"
    made = runner.invoke(app, ["population", "generate", "--size", "3000", "--seed", "4", "--out", str(out)])
    assert made.exit_code == 0, made.output
    assert out.is_file() and segments_path(out).is_file()
    assert "3,000 workers" in made.stdout
    assert pq.read_table(out).equals(generate(3_000, seed=4).people)  # what the command wrote is the population
    shown = runner.invoke(app, ["population", "describe", str(out)])
    assert shown.exit_code == 0, shown.output  # without --check, margins outside tolerance (3,000 rows) do not fail
    assert "Order-taking days a year" in shown.stdout and "✓" in shown.stdout
    summary = re.search(
        r"(\d+) of (\d+) margins within tolerance", runner.invoke(app, ["population", "describe", str(written)]).stdout
    )
    assert summary is not None and summary[1] == summary[2] and int(summary[2]) >= 40  # all, at 200,000 workers
    as_json = json.loads(runner.invoke(app, ["population", "describe", str(out), "--json"]).stdout)
    industry = {r["label"]: r for r in as_json if r["margin"] == "industry"}
    assert set(industry) == set(Industry.ids())
    assert industry["food_delivery"]["target"] == 0.1363 and industry["food_delivery"]["verification"] == "V3"
    assert {"value", "tolerance", "ok", "source", "url", "rows"} <= set(industry["courier"])


def test_describe_check_fails_when_a_margin_is_off(written: Path, tmp_path: Path) -> None:
    out = written
    calibration = tmp_path / "calibration.yaml"
    text = (Path(gigcover.__file__).parent / "policylab/population/calibration.yaml").read_text(encoding="utf-8")
    calibration.write_text(text.replace("target: 0.689,", "target: 0.5,"), encoding="utf-8")
    assert runner.invoke(app, ["population", "describe", str(out), "--check"]).exit_code == 0
    off = runner.invoke(app, ["population", "describe", str(out), "--check", "--calibration", str(calibration)])
    assert off.exit_code == 1
    assert "outside: rural_hukou (true)" in " ".join(off.stdout.split())


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--size", "0"], "size"),
        (["--size", "100000001"], "size"),
        (["--size", "10", "--seed", "-1"], "seed"),
        (["--size", "10", "--chunk-rows", "0"], "chunk_rows"),
    ],
)
def test_bad_generate_arguments_are_named_and_write_nothing(tmp_path: Path, args: list[str], field: str) -> None:
    out = tmp_path / "pop.parquet"
    result = runner.invoke(app, ["population", "generate", *args, "--out", str(out)])
    assert result.exit_code == 2
    assert json.loads(result.stderr)["field"] == field
    assert list(tmp_path.iterdir()) == []


def test_a_bad_output_path_is_named(tmp_path: Path) -> None:
    for out, needle in (
        (tmp_path / "pop.csv", "must end in .parquet"),
        (tmp_path / "no" / "pop.parquet", "does not exist"),
    ):
        result = runner.invoke(app, ["population", "generate", "--size", "10", "--out", str(out)])
        assert result.exit_code == 2 and needle in json.loads(result.stderr)["message"]
    assert list(tmp_path.iterdir()) == []


def test_describe_names_a_missing_or_foreign_file(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["population", "describe", str(tmp_path / "none.parquet")])
    assert missing.exit_code == 2 and "no such population file" in json.loads(missing.stderr)["message"]
    foreign = tmp_path / "other.parquet"
    pq.write_table(pa.table({"x": [1, 2]}), foreign)
    result = runner.invoke(app, ["population", "describe", str(foreign)])
    assert result.exit_code == 2 and "not a population file" in json.loads(result.stderr)["message"]
    text = tmp_path / "text.parquet"
    text.write_text("not parquet", encoding="utf-8")
    assert (
        "not a population file"
        in json.loads(runner.invoke(app, ["population", "describe", str(text)]).stderr)["message"]
    )


def test_a_bad_calibration_file_is_named(tmp_path: Path) -> None:
    out = tmp_path / "pop.parquet"
    write_population(out, 1_000, seed=1)
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nreference_date: 2025-07-01\n", encoding="utf-8")
    result = runner.invoke(app, ["population", "describe", str(out), "--calibration", str(bad)])
    assert result.exit_code == 2 and json.loads(result.stderr)["field"] == "calibration.total"
    gone = runner.invoke(app, ["population", "describe", str(out), "--calibration", str(tmp_path / "none.yaml")])
    assert gone.exit_code == 2 and json.loads(gone.stderr)["field"] == "calibration"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (None, "no model parameter 'contract_by_intensity'"),  # a file written before the parameter existed
        ({"occasional": -1.0, "regular": 1.0, "full_time": 2.0}, "weights must be numbers ≥ 0"),
        ({"occasional": 0.0, "regular": 0.0, "full_time": 0.0}, "every intensity a weight of 0"),
    ],
)
def test_a_calibration_model_parameter_missing_or_unusable_is_named(
    tmp_path: Path, change: dict[str, float] | None, words: str
) -> None:
    import yaml

    raw = yaml.safe_load(
        (Path(gigcover.__file__).parent / "policylab" / "population" / "calibration.yaml").read_text(encoding="utf-8")
    )
    if change is None:
        del raw["model"]["contract_by_intensity"]
    else:
        raw["model"]["contract_by_intensity"]["value"] = change
    file = tmp_path / "calibration.yaml"
    file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "pop.parquet"
    args = ["population", "generate", "--size", "100", "--seed", "1", "--out", str(out), "--calibration", str(file)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    error = json.loads(result.stderr)
    assert error["field"] == "calibration.model" and words in error["message"]
    assert not out.exists()


@pytest.mark.parametrize(("size", "seed"), [(0, 1), (10, -1), (10.5, 1), (True, 1), (10, "a")])
def test_bad_api_arguments_raise_a_named_error(size: object, seed: object) -> None:
    with pytest.raises(InputValueError) as caught:
        generate(size, seed)  # type: ignore[arg-type]
    assert caught.value.to_dict()["field"] in ("size", "seed")


def test_a_write_that_fails_midway_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "pop.parquet"
    chunks = generate_chunks(3_000, seed=1, chunk_rows=1_000)

    def failing() -> Iterator[Population]:
        yield next(chunks)
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write(failing(), out, {})
    assert list(tmp_path.iterdir()) == []


@given(
    st.lists(st.tuples(st.integers(0, 70), st.integers(1, PAST_SEGMENTS)), min_size=1, max_size=50), st.integers(0, 99)
)
def test_a_career_is_split_into_its_segments_exactly(rows: list[tuple[int, int]], seed: int) -> None:
    total, parts = (np.asarray(column, dtype=np.int64) for column in zip(*rows, strict=True))
    pieces = _compositions(np.random.default_rng(seed), total, parts)
    assert np.array_equal(pieces.sum(axis=1), total) and (pieces >= 0).all()
    assert all(not pieces[i, parts[i] :].any() for i in range(len(rows)))  # nothing past a row's own segments


def test_describe_reads_a_file_by_row_group_with_the_same_answers(written: Path, population: Population) -> None:
    assert pq.ParquetFile(written).num_row_groups == 4  # 200,000 workers written in chunks of 60,000
    from_file, in_memory = describe(written), describe(population)
    assert [(r.margin, r.label, r.rows, r.ok) for r in from_file] == [
        (r.margin, r.label, r.rows, r.ok) for r in in_memory
    ]
    assert [r.value for r in from_file] == pytest.approx([r.value for r in in_memory], rel=1e-9)


def test_histories_need_the_segments_file(tmp_path: Path) -> None:
    out = tmp_path / "pop.parquet"
    write_population(out, 500, seed=1)
    segments_path(out).unlink()
    assert len(read_population(out)) == 500  # the engine's inputs without histories need only the workers
    with pytest.raises(InputValueError, match="no segments file"):
        read_population(out, histories=True)
