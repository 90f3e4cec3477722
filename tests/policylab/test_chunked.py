"""The policy lab in chunks and on a Dask cluster: the same aggregates as one pass over all rows."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import gigcover
from gigcover.cli import app
from gigcover.engine import InputValueError
from gigcover.policylab.chunked import check_backend, simulate_chunked
from gigcover.policylab.measures import LabPopulation
from gigcover.policylab.simulate import Summary, simulate
from gigcover.rules.model import default_model

from .conftest_lab import random_population

SCENARIOS = ["law-2026", "paper-package", "formalization"]
REPLICATIONS = 200
runner = CliRunner()


def _table(summary: Summary) -> dict[tuple[str, str, str], float]:
    return {(s, g, m): v for s, g, m, v in summary.records}


def _bit_equal(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.fixture(scope="module")
def population() -> Any:
    return random_population(180, seed=5)


@pytest.fixture(scope="module")
def single(population: Any) -> dict[tuple[str, str, str], float]:
    return _table(simulate(population, SCENARIOS, compute=gigcover.compute, replications=REPLICATIONS))


@pytest.fixture(scope="module")
def local_chunks(population: Any) -> dict[tuple[str, str, str], float]:
    summary = simulate_chunked(
        population, SCENARIOS, compute=gigcover.compute, replications=REPLICATIONS, chunk_rows=50
    )
    return _table(summary)


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0")
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_one_chunk_is_the_single_pass_bit_for_bit(population: Any, single: dict[Any, float]) -> None:
    one = _table(simulate_chunked(population, SCENARIOS, compute=gigcover.compute, replications=REPLICATIONS))
    assert list(one) == list(single)
    assert all(_bit_equal(one[k], single[k]) for k in single)


def test_chunks_add_up_to_the_single_pass(single: dict[Any, float], local_chunks: dict[Any, float]) -> None:
    """Four chunks of 50, 50, 50, 30 rows: the same groups and measures in the same order; counts, medians and
    the fund's draws equal; sums equal up to the order of the floating-point additions (relative 1e-12)."""
    assert list(local_chunks) == list(single)
    for key, value in single.items():
        if key[2].endswith("_change_vs_baseline"):  # a difference of two sums: compare against the sums' size
            name = key[2].removesuffix("_change_vs_baseline")
            scale = max(abs(single[(key[0], key[1], name)]), abs(single.get(("baseline-2021", key[1], name), 0.0)), 1.0)
            assert abs(local_chunks[key] - value) <= 1e-12 * scale or _bit_equal(local_chunks[key], value), key
        else:
            assert local_chunks[key] == pytest.approx(value, rel=1e-12, nan_ok=True), key
    workers = single[("law-2026", "all", "workers")]
    assert local_chunks[("law-2026", "all", "workers")] == workers == 180 * 1000.0


def _with_histories(n: int = 40) -> Any:
    """A mixed population whose workers carry contribution histories of one to three segments (moves between
    provinces and schemes), so the projection's replacement rates and portability losses are measured."""
    from gigcover.rules.projection.columns import HistoryColumns

    base = random_population(n, seed=17)
    rng = np.random.default_rng(17)
    counts = rng.integers(1, 4, n)
    person = np.repeat(np.arange(n), counts)
    places = np.array(["310000", "440300", "411600", "510100"])
    segments = {
        "person": person,
        "years": rng.integers(3, 15, len(person)),
        "scheme": np.where(rng.random(len(person)) < 0.7, "employee", "resident"),
        "region": places[rng.integers(0, len(places), len(person))],
        "base_index": np.full(len(person), 0.6),
        "tier": np.full(len(person), 500.0),
    }
    segments["base_index"] = np.where(segments["scheme"] == "employee", 0.6, 0.0)
    segments["tier"] = np.where(segments["scheme"] == "resident", 500.0, 0.0)
    people = {"start_year": rng.integers(2005, 2020, n), "hukou_region": np.asarray(base.inputs["hukou_region"])}
    inputs = dict(base.inputs)
    inputs["contribution_history"] = HistoryColumns.of(people, segments, default_model().regions)
    return LabPopulation(inputs=inputs, region=base.region, weight=base.weight, columns=base.columns)


def test_with_histories_the_median_and_losses_add_up_exactly() -> None:
    """The replacement-rate median is gathered exactly: equal bit for bit across chunkings."""
    population = _with_histories()
    single = _table(simulate(population, ["law-2026"], compute=gigcover.compute, replications=50))
    chunked = _table(
        simulate_chunked(population, ["law-2026"], compute=gigcover.compute, replications=50, chunk_rows=13)
    )
    assert list(chunked) == list(single)
    medians = [k for k in single if k[2] == "replacement_rate_median"]
    assert len(medians) > 10 and not all(math.isnan(single[k]) for k in medians)
    assert all(_bit_equal(chunked[k], single[k]) for k in medians)
    losses = [k for k in single if k[2] == "portability_loss_monthly_mean"]
    assert losses and all(chunked[k] == pytest.approx(single[k], rel=1e-12, nan_ok=True) for k in losses)


def test_dask_on_two_processes_equals_the_local_run_exactly(
    population: Any, local_chunks: dict[Any, float], dask_client: Any
) -> None:
    # the two worker processes are there before the run (read after it, a loaded machine's heartbeats could have
    # dropped them from the scheduler's view though the run finished on them)
    dask_client.wait_for_workers(2, timeout=120)
    assert len(dask_client.scheduler_info()["workers"]) == 2
    summary = simulate_chunked(
        population, SCENARIOS, compute=gigcover.compute, replications=REPLICATIONS, chunk_rows=50,
        backend="dask", client=dask_client,
    )  # fmt: skip
    on_dask = _table(summary)
    assert list(on_dask) == list(local_chunks)
    unequal = [k for k in local_chunks if not _bit_equal(on_dask[k], local_chunks[k])]
    assert unequal == []


def test_the_dask_scheduler_address_reaches_the_cluster(population: Any, dask_client: Any) -> None:
    small = random_population(20, seed=9)
    address = dask_client.scheduler.address
    by_address = simulate_chunked(
        small, ["law-2026"], compute=gigcover.compute, replications=50, chunk_rows=7, backend="dask",
        scheduler=address,
    )  # fmt: skip
    local = simulate_chunked(small, ["law-2026"], compute=gigcover.compute, replications=50, chunk_rows=7)
    assert by_address.records == local.records or all(
        _bit_equal(a[3], b[3]) and a[:3] == b[:3] for a, b in zip(by_address.records, local.records, strict=True)
    )


@pytest.mark.parametrize(
    ("backend", "scheduler", "field", "words"),
    [
        ("spark", None, "backend", "expected one of local, dask"),
        ("local", "tcp://127.0.0.1:8786", "scheduler", "only with --backend dask"),
        ("dask", "not an address", "scheduler", "not a scheduler address"),
    ],
)
def test_bad_backend_or_scheduler_is_named(backend: str, scheduler: str | None, field: str, words: str) -> None:
    with pytest.raises(InputValueError, match=words) as caught:
        check_backend(backend, scheduler)
    assert caught.value.details["field"] == field


def test_a_scheduler_that_does_not_answer_is_a_clear_error() -> None:
    with pytest.raises(InputValueError, match=r"no Dask scheduler answered at tcp://127\.0\.0\.1:9") as caught:
        simulate_chunked(
            random_population(5), ["law-2026"], compute=gigcover.compute, backend="dask",
            scheduler="tcp://127.0.0.1:9", replications=10,
        )  # fmt: skip
    assert caught.value.details["field"] == "scheduler"


# -- the command line ----------------------------------------------------------------------------------------------
def _population_file(folder: Path, n: int = 60) -> Path:
    population = random_population(n, seed=21)
    columns: dict[str, Any] = {}
    for name, values in {**population.inputs, **population.columns}.items():
        array = np.asarray(values)
        columns[name] = pa.array(array.astype(str)).dictionary_encode() if array.dtype.kind in "OU" else array
    columns["region"] = pa.array(np.asarray(population.region).astype(str)).dictionary_encode()
    columns["weight"] = population.weight
    pq.write_table(pa.table(columns), folder / "pop.parquet")
    return folder / "pop.parquet"


def _simulate(*args: str) -> Any:
    return runner.invoke(app, ["simulate", "--scenario", "law-2026", "--replications", "100", *args])


def test_cli_dask_alone_starts_a_local_cluster_and_matches_the_local_run(tmp_path: Path) -> None:
    """One chunk (60 rows ≤ --chunk-rows): the Dask run's summary.csv is the local run's, byte for byte."""
    population = _population_file(tmp_path)
    local = _simulate("--population", str(population), "--out", str(tmp_path / "local"))
    assert local.exit_code == 0, local.output
    on_dask = _simulate("--population", str(population), "--out", str(tmp_path / "dask"), "--backend", "dask")
    assert on_dask.exit_code == 0, on_dask.output
    assert (tmp_path / "dask" / "summary.csv").read_bytes() == (tmp_path / "local" / "summary.csv").read_bytes()
    assert (tmp_path / "dask" / "report.html").is_file()
    # each chunk wrote its rows of detail.parquet where it ran; appended in chunk order, the local run's rows
    _same_detail(tmp_path / "dask" / "detail.parquet", tmp_path / "local" / "detail.parquet")
    assert not (tmp_path / "dask" / "detail.parquet.parts").exists()


def test_cli_local_above_chunk_rows_runs_in_chunks_with_the_one_pass_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A local run of more rows than --chunk-rows goes chunk by chunk in this process (a population of millions
    fits in memory): the same measures as the one pass (sums in another order: within 1e-11), the same detail."""
    from gigcover.policylab import chunked

    population = _population_file(tmp_path)  # 60 rows
    one_pass = _simulate("--population", str(population), "--out", str(tmp_path / "one"))
    assert one_pass.exit_code == 0, one_pass.output
    calls: list[int] = []
    real = chunked.simulate_chunked

    def watched(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["chunk_rows"])
        assert kwargs["backend"] == "local"
        return real(*args, **kwargs)

    monkeypatch.setattr(chunked, "simulate_chunked", watched)
    in_chunks = _simulate("--population", str(population), "--out", str(tmp_path / "chunks"), "--chunk-rows", "25")
    assert in_chunks.exit_code == 0, in_chunks.output
    assert calls == [25]
    with (tmp_path / "one" / "summary.csv").open(encoding="utf-8") as f:
        want = {(r["scenario"], r["group"], r["measure"]): r["value"] for r in csv.DictReader(f)}
    with (tmp_path / "chunks" / "summary.csv").open(encoding="utf-8") as f:
        got = {(r["scenario"], r["group"], r["measure"]): r["value"] for r in csv.DictReader(f)}
    assert got.keys() == want.keys()
    for key, value in want.items():
        if value == "":
            assert got[key] == "", key
        else:
            assert float(got[key]) == pytest.approx(float(value), rel=1e-11, abs=1e-12), key
    _same_detail(tmp_path / "chunks" / "detail.parquet", tmp_path / "one" / "detail.parquet")
    assert (tmp_path / "chunks" / "report.html").is_file()
    calls.clear()  # at or under --chunk-rows: the one pass
    assert (
        _simulate("--population", str(population), "--out", str(tmp_path / "o2"), "--chunk-rows", "60").exit_code == 0
    )
    assert calls == []


def _by_row(table: pa.Table) -> pa.Table:
    """The detail's rows by scenario (in the order run), then by `row` (a chunked run holds each chunk's rows by
    place, the single pass all rows by place)."""
    names = table.column("scenario").to_pylist()
    order = {name: i for i, name in enumerate(dict.fromkeys(names))}
    rank = np.asarray([order[name] for name in names])
    return table.take(np.lexsort((table.column("row").to_numpy(), rank)))


def _same_detail(path: Path, expected: Path) -> None:
    got, want = _by_row(pq.read_table(path)), _by_row(pq.read_table(expected))
    assert got.column_names == want.column_names and got.num_rows == want.num_rows > 0
    for name in want.column_names:
        a, b = got.column(name), want.column(name)
        if pa.types.is_floating(b.type):  # bit for bit, a NaN (no projection) equal to a NaN
            assert np.array_equal(a.to_numpy(), b.to_numpy(), equal_nan=True), name
        else:
            assert a.to_pylist() == b.to_pylist(), name


def test_cli_dask_scheduler_runs_chunks_on_the_cluster(tmp_path: Path, dask_client: Any) -> None:
    population = _population_file(tmp_path)
    result = _simulate(
        "--population", str(population), "--out", str(tmp_path / "run"), "--backend", "dask",
        "--scheduler", dask_client.scheduler.address, "--chunk-rows", "25",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with (tmp_path / "run" / "summary.csv").open(encoding="utf-8") as f:
        written = {(r["scenario"], r["group"], r["measure"]): r["value"] for r in csv.DictReader(f)}
    from gigcover.policylab.chunked import PopulationFile

    expected = simulate_chunked(  # the same chunks of the file, in this process
        PopulationFile(population), ["law-2026"], compute=gigcover.compute, replications=100, chunk_rows=25
    )
    assert written == {(s, g, m): "" if math.isnan(v) else repr(float(v)) for s, g, m, v in expected.records}


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        (["--backend", "ray"], "backend", "--backend: expected one of local, dask, got 'ray'"),
        (["--scheduler", "tcp://127.0.0.1:8786"], "scheduler", "--scheduler: only with --backend dask"),
        (["--backend", "dask", "--scheduler", "http://x"], "scheduler", "is not a scheduler address"),
        (["--backend", "dask", "--scheduler", "tcp://127.0.0.1:9"], "scheduler", "no Dask scheduler answered"),
        (["--backend", "dask", "--chunk-rows", "0"], "chunk_rows", "--chunk-rows: must be at least 1"),
    ],
)
def test_cli_bad_backend_or_scheduler_is_a_clear_error_and_writes_nothing(
    tmp_path: Path, args: list[str], field: str, words: str
) -> None:
    population = _population_file(tmp_path, 10)
    result = _simulate("--population", str(population), "--out", str(tmp_path / "run"), *args)
    assert result.exit_code == 2, result.output
    error = json.loads(result.stderr.strip().splitlines()[-1])
    assert error["field"] == field and words in error["message"]
    assert not (tmp_path / "run").exists()


# -- a population file: each chunk reads its own row groups -----------------------------------------------------------
@pytest.fixture(scope="module")
def generated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated population of 200 workers written in row groups of 70 (70, 70, 60), with its segments."""
    from gigcover.policylab.population import write_population

    path = tmp_path_factory.mktemp("file") / "pop.parquet"
    write_population(path, 200, seed=5, chunk_rows=70)
    assert pq.ParquetFile(path).num_row_groups == 3
    return path


def test_a_chunk_reads_its_rows_and_their_segments_from_the_row_groups_holding_them(generated_file: Path) -> None:
    from gigcover.policylab.population import storage

    whole = storage.read(generated_file)
    for start, stop in ((0, 50), (50, 100), (65, 75), (140, 200), (199, 200)):
        part = storage.read_rows(generated_file, start, stop)
        assert part.people.equals(whole.people.slice(start, stop - start).combine_chunks()), (start, stop)
        person = whole.segments.column("person").to_numpy()
        ids = whole.people.column("person_id").to_numpy()[start:stop]
        mine = np.flatnonzero(np.isin(person, ids))
        assert part.segments.num_rows == len(mine)
        assert part.segments.equals(whole.segments.take(mine).combine_chunks())


def test_a_file_run_adds_up_to_the_single_pass_with_its_detail(generated_file: Path, tmp_path: Path) -> None:
    """Chunks of 50 across row groups of 70, each read from the file, projection on: the single pass's summary
    (counts and medians equal, sums to 1e-12 relative: another order of additions), and detail.parquet the single
    pass's rows, each equal bit for bit (in chunk order: compared by scenario and row)."""
    from gigcover.policylab.chunked import PopulationFile
    from gigcover.policylab.simulate import read_population

    population = read_population(generated_file)
    single = simulate(population, SCENARIOS, compute=gigcover.compute, replications=50)
    detail = tmp_path / "out" / "detail.parquet"
    from_file = simulate_chunked(
        PopulationFile(generated_file), SCENARIOS, compute=gigcover.compute, replications=50, chunk_rows=50,
        detail=detail,
    )  # fmt: skip
    assert [r[:3] for r in from_file.records] == [r[:3] for r in single.records]
    for got, want in zip(from_file.records, single.records, strict=True):
        if got[2].endswith("_change_vs_baseline") or got[2].startswith("injury_fund"):
            assert got[3] == pytest.approx(want[3], rel=1e-9, abs=1e-9, nan_ok=True), got[:3]
        elif got[2] in ("workers", "replacement_rate_median"):
            assert _bit_equal(got[3], want[3]), got[:3]
        else:
            assert got[3] == pytest.approx(want[3], rel=1e-12, nan_ok=True), got[:3]
    assert from_file.notes == single.notes  # the same data-gap notes, said once per scenario and item
    assert not any("not computed" in note for note in single.notes)  # the histories were read: adequacy measured
    assert not math.isnan(from_file.value("formalization", "all", "replacement_rate_median"))
    single.write_detail(tmp_path / "single.parquet")
    _same_detail(detail, tmp_path / "single.parquet")
    assert not (tmp_path / "out" / "detail.parquet.parts").exists()


def test_a_file_run_on_dask_equals_the_local_one_exactly(
    generated_file: Path, tmp_path: Path, dask_client: Any
) -> None:
    from gigcover.policylab.chunked import PopulationFile

    def run(backend: str) -> Summary:
        return simulate_chunked(
            PopulationFile(generated_file), SCENARIOS, compute=gigcover.compute, replications=50, chunk_rows=50,
            backend=backend, client=dask_client if backend == "dask" else None, detail=tmp_path / backend / "d.parquet",
        )  # fmt: skip

    local, on_dask = run("local"), run("dask")
    assert [r[:3] for r in on_dask.records] == [r[:3] for r in local.records]
    assert all(_bit_equal(a[3], b[3]) for a, b in zip(on_dask.records, local.records, strict=True))
    _same_detail(tmp_path / "dask" / "d.parquet", tmp_path / "local" / "d.parquet")


@pytest.mark.parametrize("backend", ["local", "dask"])
def test_a_file_run_that_fails_in_a_chunk_leaves_no_folder_it_made(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """A value the rules refuse is found where the chunk reads it: the error names it (on Dask too: the chunk's
    own error, not a missing part), and the output folder the run made (for detail.parquet) is gone."""
    from gigcover.policylab.chunked import PopulationFile

    client = request.getfixturevalue("dask_client") if backend == "dask" else None

    population = random_population(20, seed=3)
    columns: dict[str, Any] = {name: np.asarray(v).astype(str) if np.asarray(v).dtype.kind in "OU" else np.asarray(v)
                               for name, v in {**population.inputs, **population.columns}.items()}  # fmt: skip
    columns["industry"] = np.where(np.arange(20) == 17, "space_travel", columns["industry"])
    columns |= {"region": np.asarray(population.region).astype(str), "weight": population.weight}
    pq.write_table(pa.table(columns), tmp_path / "bad.parquet", row_group_size=10)
    with pytest.raises(InputValueError, match="space_travel"):
        simulate_chunked(
            PopulationFile(tmp_path / "bad.parquet"), ["law-2026"], compute=gigcover.compute, replications=10,
            chunk_rows=10, detail=tmp_path / "out" / "detail.parquet", backend=backend, client=client,
        )  # fmt: skip
    assert not (tmp_path / "out").exists()
    # a folder that was there stays, without a half-written detail.parquet (the first chunk's rows were written)
    (tmp_path / "kept").mkdir()
    with pytest.raises(InputValueError, match="space_travel"):
        simulate_chunked(
            PopulationFile(tmp_path / "bad.parquet"), ["law-2026"], compute=gigcover.compute, replications=10,
            chunk_rows=10, detail=tmp_path / "kept" / "detail.parquet", backend=backend, client=client,
        )  # fmt: skip
    assert list((tmp_path / "kept").iterdir()) == []


def test_income_ties_fall_in_the_same_deciles_in_one_pass_and_in_chunks() -> None:
    """Incomes rounded to the thousand tie across places: the single pass (which orders its rows by place) ranks
    ties in the rows' given order, as the chunked run does, so each decile holds the same workers."""
    people = random_population(180, seed=11)
    people.columns["monthly_income"] = np.round(people.columns["monthly_income"], -3)
    one = _table(simulate(people, ["law-2026"], compute=gigcover.compute, replications=REPLICATIONS))
    chunks = _table(
        simulate_chunked(people, ["law-2026"], compute=gigcover.compute, replications=REPLICATIONS, chunk_rows=50)
    )
    deciles = [key for key in one if key[1].startswith("income_decile=") and key[2] == "contributions_worker"]
    assert len(deciles) >= 8
    for key in deciles:  # who is in a decile, not only how many: their contributions
        assert chunks[key] == pytest.approx(one[key], rel=1e-12), key
