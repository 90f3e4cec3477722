"""The policy lab in the service (issue 12 item 7): `POST /v1/lab/runs` and the analyst page `/lab`.

Two real runs (law-2026 and paper-package, baseline-2021 added as the reference, on 2,000 rows of the calibrated
sample) differ only in the per-order amount; what that must change is worked from the definitions: the levy is
orders × amount per worker-month (to the fen), the platform pays all of it under law-2026 (worker and government
shares 0 in the parameters) and 70 % under paper-package (its overlay's worker share 0.3), everyone on the
platform route is in the fund (platform_compliance 1 in behaviour.yaml), and the fund's claims do not depend on the
premium, so its break-even levy does not move while its deficit probability cannot rise.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest

import gigcover
from gigcover.api import create_app
from gigcover.policylab import whatif
from gigcover.policylab.whatif import LabLimits, LabRunRequest, sample

with warnings.catch_warnings():  # starlette's note on httpx vs httpx2 (the dev dependencies pin httpx)
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

SIZE = 2_000
LOW, HIGH = 0.1, 0.3  # yuan per order: both well above the rules' 0.07 for instant delivery, and different
PICKED = ["law-2026", "paper-package"]
PILOT_INDUSTRIES = ("food_delivery", "instant_delivery", "ride_hailing", "intra_city_freight")
PAPER_WORKER_SHARE = 0.3  # scenarios/occupational_injury_worker_and_platform.yaml
CHARTS = ("coverage-by-risk", "coverage-by-cell", "cost-by-payer", "worker-cost-share", "injury-fund")


def _fingerprint(size: int) -> str:
    """Every array of the cached sample, hashed: a run or a refused request must leave it as it was."""
    population = sample(size)
    digest = hashlib.sha256()
    arrays = [population.region, population.weight, *population.inputs.values(), *population.columns.values()]
    for array in arrays:
        if isinstance(array, np.ndarray):
            digest.update(np.ascontiguousarray(array).tobytes() if array.dtype.kind != "O" else repr(array).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app()


@pytest.fixture(scope="module")
def runs(app: Any) -> dict[str, Any]:
    """The two runs, through the HTTP API in-process; `/healthz` is asked again and again during the first."""
    body = {"scenarios": PICKED, "size": SIZE}
    computing = threading.Event()
    real = whatif.simulate

    def watched(*args: Any, **kwargs: Any) -> Any:
        computing.set()
        try:
            return real(*args, **kwargs)
        finally:
            computing.clear()

    async def scenario() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gigcover.test") as http:
            first = asyncio.create_task(http.post("/v1/lab/runs", json={**body, "per_order_amount": LOW}, timeout=600))
            answered = 0
            while not first.done():
                if computing.is_set():
                    health = await http.get("/healthz")
                    assert health.status_code == 200 and health.json()["status"] == "ok"
                    answered += computing.is_set()  # counted only when the run was still computing after it
                await asyncio.sleep(0.05)
            low = await first
            high = await http.post("/v1/lab/runs", json={**body, "per_order_amount": HIGH}, timeout=600)
            return {"low": low, "high": high, "health_answers": answered}

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(whatif, "simulate", watched)
        found = asyncio.run(scenario())
    for key in ("low", "high"):
        assert found[key].status_code == 200, found[key].text
        found[key] = found[key].json()
    return found


def _value(answer: dict[str, Any], scenario: str, measure: str) -> float:
    hits = [
        r["value"] for r in answer["rows"] if (r["scenario"], r["group"], r["measure"]) == (scenario, "all", measure)
    ]
    assert len(hits) == 1, (scenario, measure, hits)
    return float("nan") if hits[0] is None else float(hits[0])


# -- a valid run ---------------------------------------------------------------------------------------------------
def test_a_run_gives_summary_rows_for_each_picked_scenario_and_the_baseline(runs: dict[str, Any]) -> None:
    answer = runs["low"]
    assert answer["scenarios"] == ["baseline-2021", *PICKED]
    assert answer["compared_to"] == "baseline-2021"
    assert answer["edits"] == {"per_order_amount": LOW}
    assert answer["size"] == SIZE and answer["workers"] == pytest.approx(84_000_000)
    assert set(answer["charts"]) == set(CHARTS)  # no adequacy chart without the projection
    assert {r["group"] for r in answer["rows"]} == {"all"}  # all_groups not asked
    for scenario in answer["scenarios"]:
        for measure in ("coverage_occupational_injury", "coverage_medical", "coverage_pension", "coverage_unemployment",
                        "worker_cost_share_of_income", "injury_fund_deficit_probability"):  # fmt: skip
            assert 0 <= _value(answer, scenario, measure) <= 1 or scenario == "baseline-2021"
        for payer in ("worker", "platform", "government"):
            assert _value(answer, scenario, f"contributions_{payer}") >= 0
    for scenario in PICKED:  # the changes against the baseline are there too
        change = _value(answer, scenario, "coverage_occupational_injury_change_vs_baseline")
        base = _value(answer, "baseline-2021", "coverage_occupational_injury")
        assert change == pytest.approx(_value(answer, scenario, "coverage_occupational_injury") - base)


def test_the_medical_stand_in_prices_the_workers_the_rules_could_not(runs: dict[str, Any], app: Any) -> None:
    """paper-package chooses employee medical from the band floor up; in the cities whose flexible-worker medical
    rule is not in the parameters those workers cannot be priced (a share above 0 in the plain run). With a stand-in
    rate of 8 % they are priced (share 0), and the notes say the figures rest on it."""
    assert _value(runs["low"], "paper-package", "unpriced_employee_medical_share") > 0
    with TestClient(app) as client:
        answer = client.post(
            "/v1/lab/runs",
            json={"scenarios": ["paper-package"], "size": SIZE, "per_order_amount": LOW, "medical_rate_stand_in": 0.08},
        )
    assert answer.status_code == 200, answer.text
    priced = answer.json()
    assert _value(priced, "paper-package", "unpriced_employee_medical_share") == 0.0
    assert any("stand-ins" in note and "medical.employee.flexible.rate = 0.08" in note for note in priced["notes"])


def test_the_healthz_is_answered_while_a_run_computes(runs: dict[str, Any]) -> None:
    assert runs["health_answers"] >= 3  # a run is seconds of CPU; the event loop stays free meanwhile


def _covered_orders_a_year() -> tuple[float, float]:
    """Σ weight × 12 × monthly orders over the rows on the platform route of the injury scheme under law-2026 (and
    paper-package: the same date, and hukou rules do not touch this route) in the pilot's levied industries; and
    Σ weight × 12 over them (each worker-month's levy is rounded to the fen: at most half a fen off)."""
    population = sample(SIZE)
    found = gigcover.compute(
        population.inputs, ["occupational_injury_access", "work_injury_access", "industry"], date="2026-12-01",
        region=population.region,
    )  # fmt: skip
    platform = (np.asarray(found["occupational_injury_access"]) == "platform") & (
        np.asarray(found["work_injury_access"]) != "employer"
    )
    in_fund = platform & np.isin(np.asarray(found["industry"]), PILOT_INDUSTRIES)
    orders = np.asarray(population.inputs["monthly_orders"], dtype=float)
    weight = np.asarray(population.weight)
    return float(np.sum(weight * 12 * orders * in_fund)), float(np.sum(weight * 12 * in_fund))


def test_the_per_order_amount_moves_the_premium_and_the_platforms_contributions(runs: dict[str, Any]) -> None:
    low, high = runs["low"], runs["high"]
    orders, worker_months = _covered_orders_a_year()
    assert orders > 0
    half_fen = 0.005 * worker_months  # the levy of a worker-month is orders × amount rounded to the fen
    for scenario in PICKED:  # premium income is the amount × the covered orders
        assert _value(low, scenario, "injury_fund_premium_income") == pytest.approx(LOW * orders, abs=half_fen)
        assert _value(high, scenario, "injury_fund_premium_income") == pytest.approx(HIGH * orders, abs=half_fen)
    assert HIGH * orders - LOW * orders > 100 * half_fen  # the change is far larger than the rounding

    def change(scenario: str, measure: str) -> float:
        return _value(high, scenario, measure) - _value(low, scenario, measure)

    # law-2026: the platform pays the whole levy (平台全额缴费), the worker and the government nothing
    more = change("law-2026", "injury_fund_premium_income")
    assert change("law-2026", "contributions_platform") == pytest.approx(more, rel=1e-9)
    assert change("law-2026", "contributions_worker") == 0 and change("law-2026", "contributions_government") == 0
    # paper-package: the worker 30 % (rounded to the fen per worker-month), the platform the rest
    more = change("paper-package", "injury_fund_premium_income")
    worker, platform = (
        change("paper-package", "contributions_worker"),
        change("paper-package", "contributions_platform"),
    )
    assert worker + platform == pytest.approx(more, rel=1e-9)
    assert worker == pytest.approx(PAPER_WORKER_SHARE * more, abs=2 * half_fen)
    assert change("paper-package", "contributions_government") == 0
    for scenario in PICKED:  # claims do not depend on the premium: the break-even levy stays, the deficit cannot grow
        assert change(scenario, "injury_fund_break_even_per_order") == 0
        assert change(scenario, "injury_fund_expected_claims") == 0
        assert change(scenario, "injury_fund_deficit_probability") <= 0
    # the baseline is not picked: run unedited (no injury scheme in 2021), it is the same in both runs
    assert change("baseline-2021", "contributions_platform") == 0


# -- bad inputs: 422 naming the field, nothing computed or cached ---------------------------------------------------
BAD: list[tuple[dict[str, Any], str]] = [
    ({"scenarios": ["law-2026", "my-reform"]}, "scenarios"),
    ({"scenarios": []}, "scenarios"),
    ({"scenarios": ["law-2026", "law-2026"]}, "scenarios"),
    ({"scenarios": ["law-2026"], "per_order_amount": -0.01}, "per_order_amount"),
    ({"scenarios": ["law-2026"], "per_order_amount": 1e6}, "per_order_amount"),
    ({"scenarios": ["law-2026"], "worker_share": 1.5}, "worker_share"),
    ({"scenarios": ["law-2026"], "worker_share": -0.2}, "worker_share"),
    ({"scenarios": ["universal"], "worker_share": 0.3}, "worker_share"),  # with the government's 1.0: over 1
    ({"scenarios": ["law-2026"], "take_up_elasticity": 0}, "take_up_elasticity"),
    ({"scenarios": ["law-2026"], "awareness": 2}, "awareness"),
    ({"scenarios": ["law-2026"], "medical_rate_stand_in": 0.5}, "medical_rate_stand_in"),
    ({"scenarios": ["law-2026"], "medical_rate_stand_in": -0.01}, "medical_rate_stand_in"),
    ({"scenarios": ["law-2026"], "size": 1_000_000}, "size"),
    ({"scenarios": ["law-2026"], "size": 6_000}, "size"),  # over this app's cap of 5,000 (LabLimits below)
    ({"scenarios": ["law-2026"], "size": 3_000, "projection": True}, "size"),  # over 2,000 with the projection
]


@pytest.fixture(scope="module")
def capped() -> Iterator[tuple[Any, Any]]:
    app = create_app()
    app.state.lab_limits = LabLimits(max_rows=5_000, max_projection_rows=2_000)
    with TestClient(app) as client:
        yield app, client


@pytest.mark.parametrize(("body", "field"), BAD, ids=[f"{f}-{i}" for i, (_, f) in enumerate(BAD)])
def test_a_bad_input_is_422_naming_the_field_and_changes_nothing(
    capped: tuple[Any, Any], body: dict[str, Any], field: str
) -> None:
    app, client = capped
    before = _fingerprint(SIZE)
    samples = sample.cache_info().currsize
    answer = client.post("/v1/lab/runs", json=body)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert problem["field"].split(".")[-1] == field or problem["field"] == f"body.{field}[1]", problem
    assert not getattr(app.state, "lab_results", None)  # nothing run, nothing cached
    assert sample.cache_info().currsize == samples and _fingerprint(SIZE) == before


def test_a_run_over_the_time_limit_is_413_and_not_cached() -> None:
    app = create_app()
    app.state.lab_limits = LabLimits(max_seconds=1e-6)  # passed before the first scenario's rules
    with TestClient(app) as client:
        answer = client.post("/v1/lab/runs", json={"scenarios": ["law-2026"], "size": SIZE})
        page = client.post("/lab", data={"scenario": "law-2026", "size": str(SIZE), "lang": "en"})
    assert answer.status_code == 413, answer.text
    assert answer.json()["unit"] == "seconds" and answer.json()["field"] == "size"
    assert page.status_code == 413 and "gigcover simulate" in page.text
    assert not getattr(app.state, "lab_results", None)


def test_the_sample_is_the_generator_s_and_read_only() -> None:
    population = sample(SIZE)
    assert len(population.weight) == SIZE and population.weight.sum() == pytest.approx(84_000_000)
    assert "contribution_history" in population.inputs  # the projection can run on it
    with pytest.raises(ValueError, match="read-only"):
        population.weight[0] = 1.0
    from gigcover.policylab.population import generate
    from gigcover.policylab.population.storage import engine_inputs

    fresh = engine_inputs(generate(SIZE, whatif.SEED))  # the generator's population for the seed, not another
    for name in ("monthly_orders", "industry", "platform", "hukou_region"):
        assert np.array_equal(fresh.inputs[name], population.inputs[name])
    assert np.array_equal(fresh.region, population.region)


def test_the_edits_are_a_scenario_overlay_on_the_picked_scenario() -> None:
    from gigcover.policylab.scenarios import builtin_scenarios
    from gigcover.rules.model import default_model

    model = default_model()
    request = LabRunRequest(
        scenarios=["paper-package"], per_order_amount=0.2, worker_share=0.5, take_up_elasticity=2.0, awareness=0.7,
        medical_rate_stand_in=0.08,
    )  # fmt: skip
    (edited,) = whatif.prepare(request, LabLimits(), model)
    original = builtin_scenarios(model)["paper-package"]
    overrides = edited.parameter_overrides()
    assert overrides["occupational_injury.base_amount_per_order"] == {
        "ride_hailing": 0.2, "instant_delivery": 0.2, "instant_delivery_high_band": 0.2, "intra_city_freight": 0.2,
    }  # fmt: skip
    assert overrides["occupational_injury.worker_share"] == 0.5  # over the overlay's dated 0.3
    assert edited.stand_ins == {"medical.employee.flexible.rate": 0.08} and original.stand_ins == {}
    assert "medical.employee.flexible.rate" not in overrides  # a stand-in, never an override of the cities' own
    behaviour = edited.assumptions()
    assert behaviour.awareness == dict.fromkeys(("injury", "medical", "pension", "unemployment"), 0.7)
    base = original.assumptions()
    # willingness(2 × s) under the edit is the survey's curve at 2 × s
    for share in (0.0, 0.01, 0.03, 0.1, 0.2):
        assert edited.assumptions().willing(np.array([share]))[0] == pytest.approx(
            base.willing(np.array([2 * share]))[0]
        )
    # everything else the scenario says is kept
    assert behaviour.bundling == base.bundling and behaviour.subsidies == base.subsidies
    assert edited.overlays == original.overlays and edited.date == original.date
    assert whatif.prepare(LabRunRequest(scenarios=["paper-package"]), LabLimits(), model) == [original]


# -- the page ------------------------------------------------------------------------------------------------------
def test_the_page_is_chinese_by_default_with_an_english_switch(app: Any) -> None:
    with TestClient(app) as client:
        zh = client.get("/lab")
        en = client.get("/lab?lang=en")
    assert zh.status_code == 200 and "<h1>政策实验室</h1>" in zh.text and 'lang="zh-CN"' in zh.text
    assert en.status_code == 200 and "<h1>Policy lab</h1>" in en.text
    for name in whatif.BUILTIN:
        assert f'value="{name}"' in zh.text
    assert 'form="lab-form"' in zh.text and 'name="switch_lang"' in zh.text  # the switch posts the form
    assert 'id="lab-link"' in zh.text  # and every page's footer links here
    assert 'id="lab-link"' in client_get(app, "/") and 'id="lab-link"' in client_get(app, "/data")


def client_get(app: Any, path: str) -> str:
    with TestClient(app) as client:
        return str(client.get(path).text)


def _form(amount: float, **more: Any) -> dict[str, Any]:
    return {"scenario": PICKED, "per_order_amount": str(amount), "size": str(SIZE), **more}


def test_the_page_runs_shows_every_chart_and_switches_language_without_running_again(
    app: Any, runs: dict[str, Any]
) -> None:
    with TestClient(app) as client:
        cached = dict(app.state.lab_results)
        page = client.post("/lab", data=_form(LOW))  # the API's run, from the cache
        assert dict(app.state.lab_results) == cached
        switched = client.post("/lab", data=_form(LOW, switch_lang="en", ran="1"))
    assert page.status_code == 200 and switched.status_code == 200
    for chart in CHARTS:
        assert len(re.findall(rf'<figure class="card lab-chart" id="chart-{chart}">\s*<figcaption>', page.text)) == 1
        assert re.search(rf'id="chart-{chart}">.*?<svg', page.text, re.S)
    assert 'id="lab-headline"' in page.text and "覆盖率：工伤/职业伤害" in page.text
    assert 'value="0.1"' in page.text  # the form keeps its values
    assert "per_order_amount = 0.1" in page.text
    assert "Coverage: injury" in switched.text and 'id="chart-injury-fund"' in switched.text
    figure = f"{_value(runs['low'], 'law-2026', 'injury_fund_break_even_per_order'):.4f}"
    assert figure in page.text  # the headline table shows the run's numbers


@pytest.mark.parametrize(
    ("data", "field", "zh", "en"),
    [
        ({"per_order_amount": "-1"}, "per_order_amount", "0 到 2 之间的金额", "between 0 and 2 yuan"),
        ({"per_order_amount": "abc"}, "per_order_amount", "不是数字", "not a number"),
        ({"worker_share": "1.5"}, "worker_share", "0 到 1 之间的比例", "a share between 0 and 1"),
        ({"size": "999999"}, "size", "500 到 5,000 之间的整数", "from 500 to 5,000"),
        ({"scenario": ["law-2026", "nope"]}, "scenarios", "未知情景：nope", "unknown scenario nope"),
        ({"scenario": []}, "scenarios", "请至少选择一个情景", "pick at least one scenario"),
        ({"scenario": ["law-2026", "law-2026"]}, "scenarios", "情景重复：law-2026", "given twice: law-2026"),
        ({"take_up_elasticity": "0.05"}, "take_up_elasticity", "0.1 到 10 之间的倍数", "between 0.1 and 10"),
        ({"awareness": "１.５"}, "awareness", "0 到 1 之间的概率", "a probability between 0 and 1"),  # full-width
        ({"size": "3000", "projection": "1"}, "size", "含终身测算时样本量最多 2,000 行", "at most 2,000 with it"),
        ({"scenario": ["universal"], "worker_share": "0.4"}, "worker_share", "超过 1", "more than 1"),
    ],
)
def test_a_bad_value_on_the_page_is_said_in_its_language_and_keeps_the_form(
    capped: tuple[Any, Any], data: dict[str, Any], field: str, zh: str, en: str
) -> None:
    app, client = capped
    form = {"scenario": ["law-2026"], "size": "2000", **data}
    for lang, words in (("zh", zh), ("en", en)):
        page = client.post("/lab", data={**form, "lang": lang})
        assert page.status_code == 422
        error = re.search(rf'id="err-{field}" role="alert">([^<]*)<', page.text)
        assert error and words in error.group(1), (lang, error and error.group(1))
        for name, value in form.items():  # every value kept as typed (a known scenario still ticked)
            if name == "scenario":
                for one in [value] if isinstance(value, str) else value:
                    assert f'id="scenario-{one}" checked' in page.text or one not in whatif.BUILTIN
            elif name != "lang":
                assert f'value="{value}"' in page.text
        assert 'id="lab-results"' not in page.text
    assert not getattr(app.state, "lab_results", None)


def test_with_the_projection_the_page_draws_the_adequacy_chart(app: Any) -> None:
    with TestClient(app) as client:
        page = client.post("/lab", data={"scenario": "baseline-2021", "size": "500", "projection": "1", "lang": "en"})
    assert page.status_code == 200, page.text[-2000:]
    assert re.search(r'id="chart-adequacy">.*?<svg', page.text, re.S)
    assert 'id="adequacy-missing"' not in page.text
    assert 'data-measure="replacement_rate_median"' in page.text


def test_a_run_is_never_read_from_a_url(app: Any) -> None:
    with TestClient(app) as client:
        page = client.get("/lab?scenario=universal&per_order_amount=1&lang=en")
    assert page.status_code == 200 and 'id="lab-results"' not in page.text
    assert 'id="scenario-universal" checked' not in page.text.replace("\n", "")


def test_the_run_is_in_the_openapi(app: Any) -> None:
    schema = app.openapi()
    operation = schema["paths"]["/v1/lab/runs"]["post"]
    assert set(operation["responses"]) >= {"200", "413", "422"}
    body = schema["components"]["schemas"]["LabRunRequest"]["properties"]
    assert body["per_order_amount"]["anyOf"][0]["maximum"] == whatif.MAX_PER_ORDER
    assert body["size"]["anyOf"][0]["maximum"] == whatif.SIZE_CAP
    assert "/lab" not in schema["paths"]  # the page is not part of the JSON API


# -- the lab's limits from `gigcover serve` and the environment ------------------------------------------------------
LAB_ENV = ("GIGCOVER_LAB_MAX_ROWS", "GIGCOVER_LAB_MAX_PROJECTION_ROWS", "GIGCOVER_LAB_MAX_SECONDS")


def test_the_lab_limits_come_from_the_options_else_the_environment_else_the_defaults() -> None:
    assert LabLimits.configured({}, env={}) == LabLimits()
    env = {"GIGCOVER_LAB_MAX_ROWS": "8000", "GIGCOVER_LAB_MAX_SECONDS": " 45.5 "}
    assert LabLimits.configured({}, env=env) == LabLimits(max_rows=8_000, max_projection_rows=2_000, max_seconds=45.5)
    options = {"max_rows": 6_000, "max_projection_rows": None, "max_seconds": 30.0}
    assert LabLimits.configured(options, env=env) == LabLimits(max_rows=6_000, max_seconds=30.0)  # the option wins
    # a row cap below the default projection cap takes the projection cap down with it (unless given)
    assert LabLimits.configured({"max_rows": 1_000}, env={}).max_projection_rows == 1_000
    assert LabLimits.configured({"max_rows": 1_000, "max_projection_rows": 600}, env={}).max_projection_rows == 600
    limits = LabLimits(max_rows=4_000, max_projection_rows=900, max_seconds=12.5)
    assert LabLimits.configured({}, env=limits.as_env()) == limits  # what serve hands its worker processes


@pytest.mark.parametrize(
    ("options", "env", "named"),
    [
        ({"max_rows": 100}, {}, "--lab-max-rows: 100 is out of range (500–20,000 rows)"),
        ({"max_rows": 30_000}, {}, "--lab-max-rows: 30,000 is out of range"),
        ({"max_projection_rows": 5_000, "max_rows": 3_000}, {}, "--lab-max-projection-rows: 5,000 is out of range"),
        ({"max_seconds": 0.0}, {}, "--lab-max-seconds: must be more than 0"),
        ({"max_seconds": float("nan")}, {}, "--lab-max-seconds: expected a number of seconds"),
        ({}, {"GIGCOVER_LAB_MAX_ROWS": "lots"}, "GIGCOVER_LAB_MAX_ROWS: expected a whole number, got 'lots'"),
        ({}, {"GIGCOVER_LAB_MAX_SECONDS": "soon"}, "GIGCOVER_LAB_MAX_SECONDS: expected a number of seconds"),
        ({}, {"GIGCOVER_LAB_MAX_SECONDS": "inf"}, "GIGCOVER_LAB_MAX_SECONDS: expected a number of seconds"),
        ({}, {"GIGCOVER_LAB_MAX_ROWS": "400"}, "GIGCOVER_LAB_MAX_ROWS: 400 is out of range"),
    ],
)
def test_a_bad_lab_limit_is_named_by_where_it_came_from(
    options: dict[str, Any], env: dict[str, str], named: str
) -> None:
    with pytest.raises(ValueError) as caught:
        LabLimits.configured(options, env=env)
    assert str(caught.value).startswith(named)


def _serve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, *args: str, env: dict[str, str] | None = None
) -> tuple[Any, list[tuple[Any, dict[str, Any]]]]:
    """`gigcover serve ARGS` with uvicorn.run recorded, not run; the service's variables blank but for `env` (serve
    sets some for its worker processes: all are put back after the test)."""
    import uvicorn
    from typer.testing import CliRunner

    from gigcover.cli import app as cli

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append((target, kw)))
    monkeypatch.delenv("GIGCOVER_ID_HASH_KEY", raising=False)
    for name in (*LAB_ENV, "GIGCOVER_DATABASE_URL", "GIGCOVER_MAX_BODY_BYTES", "GIGCOVER_ROUTE_BODY_BYTES",
                 "GIGCOVER_MAX_PEOPLE", "GIGCOVER_MAX_TRACED_PEOPLE", "GIGCOVER_THREADS"):  # fmt: skip
        monkeypatch.setenv(name, (env or {}).get(name, ""))
    result = CliRunner().invoke(cli, ["serve", "--db", f"sqlite:///{tmp_path / 'lab.db'}", *args])
    return result, calls


def test_serve_gives_the_app_the_lab_limits_of_its_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    env = {"GIGCOVER_LAB_MAX_ROWS": "9000"}  # the option wins
    result, calls = _serve(monkeypatch, tmp_path, "--lab-max-rows", "5000", "--lab-max-seconds", "30", env=env)
    assert result.exit_code == 0, result.output
    ((app, _),) = calls
    assert app.state.lab_limits == LabLimits(max_rows=5_000, max_projection_rows=2_000, max_seconds=30.0)


def test_serve_hands_the_lab_limits_to_its_worker_processes(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    result, calls = _serve(monkeypatch, tmp_path, "--workers", "2", "--lab-max-projection-rows", "700")
    assert result.exit_code == 0, result.output
    assert calls and calls[0][0] == "gigcover.api:create_app"  # each process builds its app from the environment
    assert LabLimits.configured() == LabLimits(max_projection_rows=700)


def test_serve_refuses_bad_lab_limits_and_starts_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    result, calls = _serve(monkeypatch, tmp_path, "--lab-max-rows", "100")
    assert result.exit_code == 2 and "--lab-max-rows: 100 is out of range" in result.output and not calls
    result, calls = _serve(monkeypatch, tmp_path, env={"GIGCOVER_LAB_MAX_SECONDS": "soon"})
    assert result.exit_code == 2 and "GIGCOVER_LAB_MAX_SECONDS: expected a number" in result.output and not calls


def test_an_app_without_lab_limits_reads_them_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server process started by uvicorn with `--workers N` builds its app with `create_app()`: the lab's caps are
    the environment's (here 1,000 rows), read once."""
    monkeypatch.setenv("GIGCOVER_LAB_MAX_ROWS", "1000")
    app = create_app()
    with TestClient(app) as client:
        problem = client.post("/v1/lab/runs", json={"scenarios": ["law-2026"], "size": 1_500}).json()
    assert problem["field"] == "size" and problem["limit"] == 1_000
    assert app.state.lab_limits == LabLimits(max_rows=1_000, max_projection_rows=1_000)
