"""No request of any size or shape makes the service fail or stall (issue 10, item 8; issue 9, item 6).

Body limits (413 before parsing), people per HTTP calc, short echoes of bad values everywhere, the rules on a bounded
pool (a concurrent `/healthz` during a large calc), 4xx — never 5xx — for huge integers, lone surrogates, NaN and deep
nesting, override domains, working ages, and Hong Kong, Macao and Taiwan as places of work or hukou.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Request
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import gigcover
from gigcover.api import ServiceLimits, create_app
from gigcover.api.limits import BODY_LIMIT_KEY, body_limit, count_people
from gigcover.api.problems import Problem
from gigcover.api.schemas import ADVICE_EXAMPLE, TABLE2_EXAMPLE
from gigcover.cli import app as cli_app
from gigcover.engine.errors import SHOWN_CHARS, GigcoverError, InputValueError, ParameterFileError, shown
from gigcover.engine.evaluate import Model
from gigcover.engine.parameters import ParameterStore
from gigcover.engine.regions import region_table

with warnings.catch_warnings():  # starlette's note on httpx vs httpx2 (the dev dependencies pin httpx)
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
KIB, MIB = 1024, 1024 * 1024
OUTSIDE_MAINLAND = ("810000", "820000", "710000")


@pytest.fixture(scope="module")
def client(model: Model) -> Iterator[TestClient]:
    with TestClient(create_app(model, limits=ServiceLimits()), raise_server_exceptions=False) as test_client:
        yield test_client


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    Problem.model_validate(body)
    assert body["status"] == status
    return body


def advice(**profile: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(json.dumps(ADVICE_EXAMPLE))
    body["profile"].update(profile)
    return body


def raw_post(client: TestClient, path: str, text: str) -> Any:
    """A body sent as written (lone surrogates and all, which json.dumps would refuse to encode)."""
    data = text.encode("utf-8", "surrogatepass")
    return client.post(path, content=data, headers={"content-type": "application/json"})


# -- 1. body limits ----------------------------------------------------------------------------------------
def test_a_body_over_the_limit_is_413_from_its_content_length(client: TestClient) -> None:
    body = problem_of(
        client.post("/v1/calculate", content=b" " * (MIB + 1), headers={"content-type": "application/json"}), 413
    )
    assert body["kind"] == "too_large" and body["limit"] == MIB and body["unit"] == "bytes"
    assert "1,048,577 bytes" in body["detail"]


def test_a_streamed_body_is_cut_off_at_the_limit_without_reaching_the_app(model: Model) -> None:
    app = create_app(model, limits=ServiceLimits(max_body_bytes=100 * KIB))
    read: list[int] = []

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is found on the bytes actually read
        for _ in range(1000):
            read.append(1)
            yield b" " * KIB

    with TestClient(app) as test_client:
        response = test_client.post("/v1/calculate", content=chunks(), headers={"content-type": "application/json"})
    assert problem_of(response, 413)["limit"] == 100 * KIB
    assert "bytes)" not in response.json()["detail"]  # no size claimed: it was not declared


def test_the_advice_takes_64_kib_the_calc_1_mib(client: TestClient) -> None:
    padding = " " * (100 * KIB)  # JSON whitespace: the same request, only larger
    too_big = json.dumps(ADVICE_EXAMPLE)[:-1] + padding + "}"
    assert problem_of(raw_post(client, "/v1/advice", too_big), 413)["limit"] == 64 * KIB
    calc = json.dumps(TABLE2_EXAMPLE)[:-1] + padding + "}"
    assert raw_post(client, "/v1/calculate", calc).status_code == 200


def test_a_route_declares_its_own_limit_and_the_openapi_says_it(model: Model) -> None:
    """How a batch upload (the ledger's 10,000 orders) gets a larger limit than the default."""
    app = create_app(model, limits=ServiceLimits(max_body_bytes=10 * KIB))

    @app.post("/v1/test-batch", openapi_extra=body_limit(4 * MIB))
    async def batch(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    with TestClient(app) as test_client:
        assert test_client.post("/v1/test-batch", content=b"x" * (3 * MIB)).json() == {"bytes": 3 * MIB}
        assert problem_of(test_client.post("/v1/test-batch", content=b"x" * (5 * MIB)), 413)["limit"] == 4 * MIB
        assert problem_of(test_client.post("/v1/calculate", content=b"x" * (11 * KIB)), 413)["limit"] == 10 * KIB
        schema = test_client.get("/openapi.json").json()
    assert schema["paths"]["/v1/test-batch"]["post"][BODY_LIMIT_KEY] == 4 * MIB
    assert schema["paths"]["/v1/advice"]["post"][BODY_LIMIT_KEY] == 64 * KIB
    assert "413" in schema["paths"]["/v1/calculate"]["post"]["responses"]


def test_limits_come_from_the_environment() -> None:
    limits = ServiceLimits.from_env(
        {
            "GIGCOVER_MAX_BODY_BYTES": "2048",
            "GIGCOVER_ROUTE_BODY_BYTES": "POST /v1/advice=512, /v1/orders:batch=8388608",
            "GIGCOVER_MAX_PEOPLE": "7",
            "GIGCOVER_THREADS": "2",
        }
    )
    assert limits.max_body_bytes == 2048 and limits.max_people == 7 and limits.threads == 2
    assert limits.route_body_bytes == {"POST /v1/advice": 512, "/v1/orders:batch": 8388608}
    assert ServiceLimits.from_env(limits.as_env()) == limits
    assert ServiceLimits.from_env({}) == ServiceLimits()
    for bad in ({"GIGCOVER_MAX_PEOPLE": "0"}, {"GIGCOVER_THREADS": "many"}, {"GIGCOVER_ROUTE_BODY_BYTES": "/v1/x"}):
        with pytest.raises(ValueError, match="GIGCOVER_"):
            ServiceLimits.from_env(bad)


def test_a_configured_route_limit_wins(model: Model) -> None:
    app = create_app(model, limits=ServiceLimits(route_body_bytes={"POST /v1/advice": 100}))
    with TestClient(app) as test_client:
        assert problem_of(test_client.post("/v1/advice", json=ADVICE_EXAMPLE), 413)["limit"] == 100


def test_serve_refuses_bad_limits_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGCOVER_MAX_BODY_BYTES", "lots")
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 2 and "GIGCOVER_MAX_BODY_BYTES" in result.output


# -- 2. people per calc ------------------------------------------------------------------------------------
def _people(n: int, trace: bool = False) -> dict[str, Any]:
    inputs = {"has_labor_contract": [False] * n, "hukou_local": False, "hukou_rural": True}
    return {**TABLE2_EXAMPLE, "inputs": inputs, "trace": trace}


def test_more_people_than_the_cap_is_413_pointing_to_the_python_api(model: Model) -> None:
    with TestClient(create_app(model, limits=ServiceLimits(max_people=50, max_traced_people=3))) as test_client:
        assert test_client.post("/v1/calculate", json=_people(50)).status_code == 200
        body = problem_of(test_client.post("/v1/calculate", json=_people(51)), 413)
        assert body["limit"] == 50 and body["unit"] == "people" and body["field"] == "inputs"
        assert "51 people" in body["detail"] and "gigcover.compute" in body["detail"]
        assert "gigcover calc" in body["detail"]
        assert test_client.post("/v1/calculate", json=_people(3, trace=True)).status_code == 200
        traced = problem_of(test_client.post("/v1/calculate", json=_people(4, trace=True)), 413)
        assert traced["limit"] == 3 and "with a trace" in traced["detail"]


def test_the_default_cap_is_ten_thousand(client: TestClient) -> None:
    assert client.post("/v1/calculate", json=_people(10_000)).status_code == 200
    assert problem_of(client.post("/v1/calculate", json=_people(10_001)), 413)["limit"] == 10_000


def test_people_are_counted_as_the_engine_counts_rows() -> None:
    assert count_people({}) == 1
    assert count_people({"a": True, "b": [1, 2, 3]}) == 3
    assert count_people({"a": [[1, 2], [3, 4], [5, 6]]}) == 6  # a list of lists: each element a row
    assert count_people({"history": [{"segments": [1, 2, 3]}, {"segments": []}]}) == 2  # records: one a person


# -- 3. errors quote a short prefix of a bad value ---------------------------------------------------------
LONG = "蛋" * 20 + "x" * 300_000  # 300 KB: under the calc's body limit, far over any message


def assert_short_echo(text: str) -> None:
    assert LONG[: SHOWN_CHARS + 1] not in text, "more than the prefix was echoed"
    assert len(text) < 2_000


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/calculate", {**TABLE2_EXAMPLE, "region": LONG[:64]}),  # the schema caps a region at 64 characters
        ("/v1/calculate", {**TABLE2_EXAMPLE, "inputs": {"industry": LONG}, "outputs": ["employment_form"]}),
        ("/v1/calculate", {**TABLE2_EXAMPLE, "inputs": {"hukou_region": LONG}}),
        ("/v1/calculate", {**TABLE2_EXAMPLE, "inputs": {"has_labor_contract": LONG}}),
        ("/v1/calculate", {**TABLE2_EXAMPLE, "date": LONG}),
        ("/v1/calculate", {**TABLE2_EXAMPLE, "inputs": {"birth_date": LONG}, "outputs": ["age"]}),
        ("/v1/calculate", {**TABLE2_EXAMPLE, "overrides": {"pension.employee.flexible.rate": LONG}}),
        ("/v1/calculate", {**TABLE2_EXAMPLE, "overrides": {"pension.employee.flexible.rate": {LONG: 0.2}}}),
    ],
)
def test_api_errors_quote_at_most_a_prefix(client: TestClient, path: str, body: dict[str, Any]) -> None:
    response = client.post(path, json=body)
    assert 400 <= response.status_code < 500
    assert_short_echo(response.text)


def test_advice_errors_quote_at_most_a_prefix(client: TestClient) -> None:
    for field in ("work_region", "hukou_region", "birth_date", "industry"):
        response = client.post("/v1/advice", json=advice(**{field: LONG[:30_000]}))
        assert response.status_code == 422, field
        assert_short_echo(response.text)


def test_the_cli_quotes_at_most_a_prefix() -> None:
    request = {**TABLE2_EXAMPLE, "region": LONG}
    result = CliRunner().invoke(cli_app, ["calc"], input=json.dumps(request))
    assert result.exit_code != 0
    assert_short_echo(result.output)


def test_the_web_form_quotes_at_most_a_prefix(client: TestClient) -> None:
    form = {
        "date": "2025-09-01",
        "work_city": "other",
        "work_code": "火星" + "x" * 5000,
        "hukou_region": "河南周口",
        "hukou_type": "rural",
        "industry": "food_delivery",
        "labor_contract": "no",
        "managed": "yes",
        "monthly_income": "7000",
        "birth_year": "1995",
        "birth_month": "3",
        "sex": "male",
    }
    page = client.post("/advice", data=form)
    assert page.status_code == 422
    assert "找不到“火星" + "x" * (SHOWN_CHARS - 2) + "…”" in page.text


@given(st.text(min_size=SHOWN_CHARS + 1, max_size=200))
def test_shown_never_quotes_more_than_the_limit(value: str) -> None:
    text = shown(value)
    assert value not in text and text.endswith("…")
    assert text == repr(value[:SHOWN_CHARS]) + "…"  # the first 40 characters, escaped as Python would


def test_an_error_never_carries_a_long_message_or_detail() -> None:
    error = InputValueError("x" * 5000, field="y" * 5000, suggestions=["z" * 5000] * 100)
    assert len(error.message) <= 1001 and len(str(error.details["field"])) <= 201
    assert len(error.details["suggestions"]) <= 50  # type: ignore[arg-type]


# -- 4. the rules run off the event loop -------------------------------------------------------------------
def test_healthz_answers_within_100_ms_while_a_large_calc_runs(model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 200,000-person calc (~3 MB in, ~20 MB out, a second or more of work) runs while `/healthz` is asked again and
    again. Only the answers that came while the calc was still being computed count, and their median must be under
    100 ms. With the rules on the event loop (the old code) no health check is answered during the calc at all."""
    import gigcover.api.routes as routes

    started: list[float] = []
    finished: list[float] = []
    real = routes._calculate

    def timed(*args: Any) -> Any:
        started.append(time.perf_counter())
        try:
            return real(*args)  # the rules and the answer's JSON: all the work done off the loop
        finally:
            finished.append(time.perf_counter())

    monkeypatch.setattr(routes, "_calculate", timed)
    n = 200_000
    large = {
        "date": "2025-09-01",
        "region": "310000",
        "inputs": {
            "has_labor_contract": [False, True] * (n // 2),
            "hukou_region": ["411600", "310000"] * (n // 2),
            "hukou_rural": True,
            "industry": "food_delivery",
            "platform": "meituan",
        },
        "outputs": ["table2_cell", "table2_options", "employee_pension_access", "occupational_injury_access"],
    }
    app = create_app(model, limits=ServiceLimits(max_body_bytes=16 * MIB, max_people=n))

    async def scenario() -> tuple[list[tuple[float, float]], int]:
        transport = httpx.ASGITransport(app=app)
        probes: list[tuple[float, float]] = []
        async with httpx.AsyncClient(transport=transport, base_url="http://gigcover.test") as http:
            calc = asyncio.create_task(http.post("/v1/calculate", json=large, timeout=300))
            while not started and not calc.done():
                await asyncio.sleep(0.001)
            while not finished and not calc.done():
                asked = time.perf_counter()
                health = await http.get("/healthz")
                probes.append((asked, time.perf_counter()))
                assert health.status_code == 200 and health.json()["status"] == "ok"
                await asyncio.sleep(0.01)
            result = await calc
            return probes, result.status_code

    probes, status = asyncio.run(scenario())
    assert status == 200
    assert started and finished, "the calc never ran"
    during = sorted(answered - asked for asked, answered in probes if answered < finished[0])
    assert len(during) >= 3, (
        f"only {len(during)} health checks were answered during a {finished[0] - started[0]:.2f} s calc"
    )
    median = during[len(during) // 2]
    assert median < 0.1, f"/healthz took {median * 1000:.0f} ms (median of {len(during)}) during the calc"


def test_the_pool_is_bounded(model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(model, limits=ServiceLimits(threads=2))
    assert app.state.pool._max_workers == 2
    seen: set[str] = set()
    lock = threading.Lock()

    import gigcover.api.routes as routes

    real = routes.calculate

    def recording(*args: Any) -> dict[str, Any]:
        with lock:
            seen.add(threading.current_thread().name)
        answer: dict[str, Any] = real(*args)
        return answer

    async def many() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gigcover.test") as http:
            answers = await asyncio.gather(*(http.post("/v1/calculate", json=TABLE2_EXAMPLE) for _ in range(8)))
        return [a.status_code for a in answers]

    monkeypatch.setattr(routes, "calculate", recording)
    assert asyncio.run(many()) == [200] * 8
    assert seen and all(name.startswith("gigcover-rules") for name in seen) and len(seen) <= 2


# -- 5. 422 (never 500) for what JSON can carry ------------------------------------------------------------
BIG = "9" * 400
BAD_BODIES = [
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {"monthly_orders": ' + BIG + '}, "outputs": ["age"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {"monthly_orders": [1, ' + BIG + ']}, "outputs": ["age"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {}, "outputs": ["table2_cell", "\\ud800"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {"\\udfff": 1}, "outputs": ["table2_cell"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {"industry": "a\\ud800b"}, "outputs": ["table2_cell"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "region": "\\ud800", "outputs": ["table2_cell"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "overrides": {"\\ud800": 1}, "outputs": ["table2_cell"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "scenario": "\\ud800", "outputs": ["table2_cell"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {"monthly_orders": NaN}, "outputs": ["age"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {"monthly_orders": -Infinity}, "outputs": ["age"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {"monthly_orders": 1e999}, "outputs": ["age"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {"x": ' + "[" * 5000 + "]" * 5000 + '}, "outputs": ["age"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {"x": ' + "[" * 20 + "]" * 20 + '}, "outputs": ["age"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "inputs": {"monthly_orders": ' + "9" * 5000 + '}, "outputs": ["age"]}'),
    ("/v1/calculate", '{"date": "2025-09-01", "overrides": {"pension.employee.flexible.rate": ' + BIG + "}}"),
    (
        "/v1/advice",
        json.dumps(advice(monthly_orders=0))[:-1].replace('"monthly_orders": 0', f'"monthly_orders": {BIG}'),
    ),
    ("/v1/advice", json.dumps(advice(work_region="x")).replace('"x"', '"\\ud800"')),
    ("/v1/advice", json.dumps(advice(sex="x")).replace('"x"', '"\\udc80"')),
    ("/v1/advice", json.dumps(advice(monthly_income=0)).replace('"monthly_income": 0', '"monthly_income": NaN')),
    ("/v1/advice", json.dumps({**ADVICE_EXAMPLE, "budget_monthly": 0}).replace('"budget_monthly": 0', f'"b": {BIG}')),
]


@pytest.mark.parametrize(("path", "text"), BAD_BODIES)
def test_what_json_can_carry_is_a_4xx_never_a_500(client: TestClient, path: str, text: str) -> None:
    response = raw_post(client, path, text)
    assert 400 <= response.status_code < 500, response.text[:300]
    assert response.headers["content-type"].startswith(PROBLEM)
    response.json()  # valid JSON even when the request held a lone surrogate


def test_huge_integer_names_its_field(client: TestClient) -> None:
    body = problem_of(raw_post(client, "/v1/calculate", BAD_BODIES[1][1]), 422)
    assert body["field"] == "body.inputs.monthly_orders[1]"
    assert "too large" in body["detail"] and "400 digits" in body["detail"]


def test_lone_surrogate_names_its_field(client: TestClient) -> None:
    body = problem_of(raw_post(client, "/v1/calculate", BAD_BODIES[2][1]), 422)
    assert body["field"] == "body.outputs[1]" and "lone surrogate" in body["detail"]


def test_huge_integers_are_refused_by_the_engine_too(model: Model) -> None:
    """The Python API and the CLI get the same answer as the HTTP API: a clear error, not an overflow."""
    request = {"date": "2025-09-01", "inputs": {"monthly_orders": int(BIG)}, "outputs": ["occupational_injury_access"]}
    with pytest.raises(InputValueError, match=r"inputs\.monthly_orders: an integer of 400 digits is too large"):
        gigcover.calculate(request, model)
    result = CliRunner().invoke(cli_app, ["calc"], input=json.dumps(request))
    assert result.exit_code != 0 and "too large" in result.output


# -- 6. overrides within the parameter's domain ------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("pension.employee.flexible.rate", -1),
        ("pension.employee.flexible.rate", 1.2),
        ("pension.employee.flexible.rate", {"2020-01-01": 0.2, "2024-01-01": -0.1}),
        ("wages.minimum_wage_monthly", -5),
        ("injury.work.dependant_ratios", {"spouse": 2, "other": 0.3, "lone_extra": 0.1}),
        ("pension.resident.contribution_tiers_annual", [100, -200]),
        ("pension.employee.base_ceiling_ratio", -3),
    ],
)
def test_overrides_outside_the_domain_are_refused(client: TestClient, name: str, value: Any) -> None:
    body = problem_of(client.post("/v1/calculate", json={**TABLE2_EXAMPLE, "overrides": {name: value}}), 422)
    assert body["field"] == f"overrides.{name}" and "domain" in body["detail"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("pension.employee.flexible.rate", 0),
        ("pension.employee.flexible.rate", 1),
        ("pension.employee.base_ceiling_ratio", 4),  # a multiple of the average wage, not a share
        ("injury.work.float_bands", {"1": [1.0, 1.5, 2.0]}),
        ("wages.minimum_wage_monthly", 0),
    ],
)
def test_overrides_inside_the_domain_are_taken(client: TestClient, name: str, value: Any) -> None:
    assert client.post("/v1/calculate", json={**TABLE2_EXAMPLE, "overrides": {name: value}}).status_code == 200


def test_the_domain_comes_from_the_unit_and_is_shown(client: TestClient, model: Model) -> None:
    assert model.store.get("pension.employee.flexible.rate").domain() is not None
    shown_rate = client.get("/v1/parameters/pension.employee.flexible.rate").json()["domain"]
    assert shown_rate == {"minimum": 0.0, "maximum": 1.0}
    amount = client.get("/v1/parameters/wages.minimum_wage_monthly?region=310000").json()["domain"]
    assert amount == {"minimum": 0.0, "maximum": None}
    assert client.get("/v1/parameters/coverage.hukou.hukou_place_employee_individual_open").json()["domain"] is None


def test_a_stored_value_outside_its_domain_stops_the_load(tmp_path: Path) -> None:
    (tmp_path / "rate.yaml").write_text(
        "description: a rate\nlabel_en: A rate\nunit: ratio\nreference: {document: test}\n"
        "values:\n  2020-01-01: {value: 1.5, verified: V1}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterFileError, match=r"1\.5 is outside rate's domain \[0, 1\]"):
        ParameterStore.load(tmp_path, region_table())
    (tmp_path / "rate.yaml").write_text(
        "description: a multiple\nlabel_en: A multiple\nunit: ratio\ndomain: {minimum: 0, maximum: 2}\n"
        "reference: {document: test}\nvalues:\n  2020-01-01: {value: 1.5, verified: V1}\n",
        encoding="utf-8",
    )
    assert ParameterStore.load(tmp_path, region_table()).get("rate").domain() is not None


def test_every_scenario_keeps_to_the_domains(model: Model) -> None:
    from gigcover import scenarios
    from gigcover.engine.overlay import Overlay

    for name in scenarios.scenarios():
        Overlay.parse(scenarios.scenario(name).overrides, model.store)


# -- 7. working ages ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        ("2009-09-01", True),  # 16 on 2025-09-01, to the day
        ("2009-09-02", False),  # 15 for one more day
        ("2009-10", False),  # a month: the 1st of it
        ("1945-09-01", True),  # 80
        ("1944-09-01", False),  # 81
        ("2030-01-01", False),  # not yet born
        ("1900-01", False),
    ],
)
def test_the_advisor_is_for_ages_16_to_80(client: TestClient, birth: str, ok: bool) -> None:
    response = client.post("/v1/advice", json=advice(birth_date=birth))
    if ok:
        assert response.status_code == 200, response.text[:300]
        return
    body = problem_of(response, 422)
    assert body["field"] == "profile.birth_date"
    assert "16" in body["detail"] or "晚于" in body["detail"]


def test_the_age_error_speaks_the_requests_language(client: TestClient) -> None:
    zh = problem_of(client.post("/v1/advice", json=advice(birth_date="1900-01")), 422)["detail"]
    assert "125 岁" in zh and "16 至 80 岁" in zh and "劳动法第十五条" in zh
    body = {**advice(birth_date="1900-01"), "lang": "en"}
    en = problem_of(client.post("/v1/advice", json=body), 422)["detail"]
    assert "is 125 on 2025-09-01" in en and "aged 16 to 80" in en


def test_the_web_form_checks_the_age_in_the_pages_language(client: TestClient) -> None:
    form = {
        "date": "2025-09-01",
        "work_city": "310000",
        "hukou_region": "河南周口",
        "hukou_type": "rural",
        "industry": "food_delivery",
        "labor_contract": "no",
        "managed": "yes",
        "monthly_income": "7000",
        "birth_year": "1930",
        "birth_month": "3",
        "sex": "male",
    }
    page = client.post("/advice", data=form)
    assert page.status_code == 422 and "您 95 岁" in page.text
    page = client.post("/advice", data={**form, "lang": "en"})
    assert page.status_code == 422 and "you are 95 on 2025-09-01" in page.text


# -- 8. Hong Kong, Macao and Taiwan ------------------------------------------------------------------------
@pytest.mark.parametrize("place", [*OUTSIDE_MAINLAND, "香港", "澳门", "台湾", "taiwan", "810100", "710200"])
def test_outside_the_mainland_is_not_a_place_of_work(client: TestClient, place: str) -> None:
    body = problem_of(client.post("/v1/calculate", json={**TABLE2_EXAMPLE, "region": place}), 422)
    assert body["kind"] == "invalid_region" and body["field"] == "region"
    assert "不适用内地（大陆）的社会保险制度" in body["detail"] and "outside the mainland" in body["detail"]


def test_outside_the_mainland_is_refused_as_work_region_input_advice_and_python_api(
    client: TestClient, model: Model
) -> None:
    request = {**TABLE2_EXAMPLE, "region": None, "inputs": {**TABLE2_EXAMPLE["inputs"], "work_region": "820000"}}
    request.pop("region")
    assert problem_of(client.post("/v1/calculate", json=request), 422)["field"] == "inputs.work_region"
    body = problem_of(client.post("/v1/advice", json=advice(work_region="香港")), 422)
    assert body["field"] == "profile.work_region" and "Hong Kong" in body["detail"]
    with pytest.raises(GigcoverError, match="outside the mainland"):
        gigcover.compute({"hukou_local": [True, False]}, ["table2_cell"], date="2025-09-01", region=["上海", "710000"])


def test_a_hukou_there_is_refused_with_the_rule_that_applies(client: TestClient, model: Model) -> None:
    body = problem_of(client.post("/v1/advice", json=advice(hukou_region="810000")), 422)
    assert body["field"] == "profile.hukou_region"
    assert "令第41号" in body["detail"] and "第二条" in body["detail"] and "residence permit" in body["detail"]
    inputs = {**TABLE2_EXAMPLE["inputs"], "hukou_region": "台湾"}
    inputs.pop("hukou_local")
    response = client.post("/v1/calculate", json={**TABLE2_EXAMPLE, "inputs": inputs})
    assert problem_of(response, 422)["field"] == "inputs.hukou_region"
    cited = client.get("/v1/variables/hukou_region").json()["references"]
    assert [c["key"] for c in cited] == ["hmt_residents_2019_41.art2"]


@pytest.mark.parametrize(
    ("field", "typed", "lang", "expected"),
    [
        ("work_code", "香港", "zh", "请填写您在内地（大陆）的工作城市"),
        ("work_code", "澳门", "en", "give the mainland city where you work"),
        ("hukou_region", "台湾", "zh", "人社部、国家医保局令第41号"),
        ("hukou_region", "香港", "en", "Order No. 41 (2019), article 2"),
    ],
)
def test_the_web_form_says_so_in_the_pages_language(
    client: TestClient, field: str, typed: str, lang: str, expected: str
) -> None:
    form = {
        "date": "2025-09-01",
        "work_city": "other",
        "work_code": "上海",
        "hukou_region": "河南周口",
        "hukou_type": "rural",
        "industry": "food_delivery",
        "labor_contract": "no",
        "managed": "yes",
        "monthly_income": "7000",
        "birth_year": "1995",
        "birth_month": "3",
        "sex": "male",
        "lang": lang,
        field: typed,
    }
    page = client.post("/advice", data=form)
    assert page.status_code == 422 and expected in page.text


# -- 9. the schema says what the validator enforces --------------------------------------------------------
def test_the_schema_states_the_hukou_requirement_and_the_bounds(client: TestClient) -> None:
    components = client.get("/openapi.json").json()["components"]["schemas"]
    profile = components["AdviceProfile"]
    assert {"required": ["hukou_region"], "properties": {"hukou_region": {"type": "string"}}} in profile["anyOf"]
    assert {"required": ["hukou_local"], "properties": {"hukou_local": {"type": "boolean"}}} in profile["anyOf"]
    assert "pattern" in profile["properties"]["birth_date"]["anyOf"][0]
    calc = components["CalculateRequest"]["properties"]
    assert calc["outputs"]["maxItems"] == 200 and "pattern" in calc["outputs"]["items"]
    assert calc["region"]["anyOf"][0]["maxLength"] == 64


def test_profile_numbers_and_flags_are_strict(client: TestClient) -> None:
    for field, value in [("monthly_income", "6000"), ("hukou_rural", "true"), ("monthly_orders", True)]:
        assert problem_of(client.post("/v1/advice", json=advice(**{field: value})), 422)["field"] == f"profile.{field}"
    assert problem_of(client.post("/v1/advice", json={**ADVICE_EXAMPLE, "budget_monthly": False}), 422)
