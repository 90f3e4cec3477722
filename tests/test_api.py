"""The HTTP API: the same answers as the CLI and the engine, RFC 9457 problems for every error, a complete OpenAPI."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gigcover import __version__
from gigcover.api import create_app
from gigcover.api.problems import Problem
from gigcover.api.schemas import (
    ADVICE_EXAMPLE,
    AdviceResponse,
    CalculateResponse,
    Health,
    ParameterList,
    ParameterValue,
    VariableDetail,
    VariableList,
)
from gigcover.engine.evaluate import Model, calculate

with warnings.catch_warnings():  # starlette's note on httpx vs httpx2 (the dev dependencies pin httpx)
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"

TABLE2 = {
    "date": "2021-06-01",
    "region": "310000",
    "inputs": {"has_labor_contract": False, "hukou_local": False, "hukou_rural": True},
    "outputs": ["table2_cell", "table2_severity", "table2_options"],
    "trace": False,
}

RIDER = {**ADVICE_EXAMPLE, "lang": "en"}  # the rider of the OpenAPI example: the documented request must work


@pytest.fixture(scope="module")
def client(model: Model) -> Iterator[TestClient]:
    with TestClient(create_app(model)) as test_client:
        yield test_client


def problem_of(response: Any, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status; its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    Problem.model_validate(body)
    assert body["status"] == status
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert "Traceback" not in response.text
    return body


# -- /v1/calculate -------------------------------------------------------------------------------------------
def test_calculate_returns_what_calculate_returns_for_table2(client: TestClient, model: Model) -> None:
    response = client.post("/v1/calculate", json=TABLE2)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == calculate(model, copy.deepcopy(TABLE2))
    assert body["outputs"] == {
        "table2_cell": "nonlocal_rural_no_labor",
        "table2_severity": 4,
        "table2_options": ["hukou_place_resident"],
    }
    assert "trace" not in body
    CalculateResponse.model_validate(body)


def test_calculate_accepts_a_region_name_and_omitted_optional_fields(client: TestClient) -> None:
    request = {key: value for key, value in TABLE2.items() if key != "trace"} | {"region": "上海"}
    response = client.post("/v1/calculate", json=request)
    assert response.status_code == 200, response.text
    assert response.json()["region"] == "310000"


def test_calculate_trace_carries_parameters_with_reference_and_verification(client: TestClient) -> None:
    response = client.post("/v1/calculate", json={**TABLE2, "trace": True})
    assert response.status_code == 200, response.text
    trace = response.json()["trace"]
    severity = next(entry for entry in trace if entry["variable"] == "table2_severity")
    parameter = severity["parameters"][0]
    assert parameter["name"] == "coverage.table2.severity"
    assert parameter["reference"]["document"]
    assert parameter["verified"] in ("V1", "V2", "V3", "UNVERIFIED")
    assert {"effective_from", "region", "value"} <= set(parameter)


def test_calculate_scenario_applies_under_the_requests_own_overrides(client: TestClient, model: Model) -> None:
    request = {
        "date": "2021-06-01",
        "region": "110000",
        "inputs": {"has_labor_contract": False, "hukou_local": False, "hukou_rural": False},
        "outputs": ["employee_pension_place"],
    }
    baseline = client.post("/v1/calculate", json=request).json()["outputs"]["employee_pension_place"]
    reformed = client.post("/v1/calculate", json={**request, "scenario": "place_of_work_enrolment"})
    assert reformed.status_code == 200, reformed.text
    assert baseline == "hukou_place"  # Beijing 2021: flexible enrolment at the place of work needed a local hukou
    assert reformed.json()["outputs"]["employee_pension_place"] == "work_place"
    # the request's own override wins over the scenario's
    own = {"coverage.hukou.pension_work_place_requires_local_hukou": True}
    both = client.post("/v1/calculate", json={**request, "scenario": "place_of_work_enrolment", "overrides": own})
    assert both.json()["outputs"]["employee_pension_place"] == "hukou_place"


def test_calculate_unknown_scenario_is_422_with_suggestions(client: TestClient) -> None:
    body = problem_of(client.post("/v1/calculate", json={**TABLE2, "scenario": "place_of_work"}), 422)
    assert body["kind"] == "unknown_name"
    assert "place_of_work_enrolment" in body["suggestions"]


def test_calculate_unknown_output_is_422_with_suggestions(client: TestClient) -> None:
    body = problem_of(client.post("/v1/calculate", json={**TABLE2, "outputs": ["table2_cel"]}), 422)
    assert body["type"] == "urn:gigcover:problem:unknown_name"
    assert body["title"] == "Unknown name"
    assert body["instance"] == "/v1/calculate"
    assert body["name"] == "table2_cel"
    assert body["suggestions"][0] == "table2_cell"


def test_calculate_unknown_override_parameter_is_422(client: TestClient) -> None:
    body = problem_of(client.post("/v1/calculate", json={**TABLE2, "overrides": {"no.such.parameter": 1}}), 422)
    assert body["kind"] == "unknown_name"


def test_calculate_missing_input_lists_missing(client: TestClient) -> None:
    request = {**TABLE2, "inputs": {"hukou_local": False}}
    body = problem_of(client.post("/v1/calculate", json=request), 422)
    assert body["kind"] == "missing_input"
    assert {"has_labor_contract", "hukou_rural"} <= set(body["missing"])
    assert "has_labor_contract" in body["detail"]


def test_calculate_bad_value_names_the_input_and_what_is_allowed(client: TestClient) -> None:
    request = {**TABLE2, "inputs": {**TABLE2["inputs"], "industry": "pilot"}}
    body = problem_of(client.post("/v1/calculate", json=request), 422)
    assert body["kind"] == "invalid_value"
    assert body["field"] == "inputs.industry"
    assert "food_delivery" in body["allowed"]


def test_calculate_bad_region_is_422(client: TestClient) -> None:
    body = problem_of(client.post("/v1/calculate", json={**TABLE2, "region": "999999"}), 422)
    assert body["kind"] == "invalid_region"
    assert body["field"] == "region"


def test_calculate_date_before_any_value_is_422_not_in_force(client: TestClient) -> None:
    body = problem_of(client.post("/v1/calculate", json={**TABLE2, "date": "1900-01-01"}), 422)
    assert body["kind"] == "not_in_force"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": 123}, "body.date"),
        ({"date": "1 June 2021"}, "body.date"),
        ({"outputs": "table2_cell"}, "body.outputs"),
        ({"outputs": []}, "body.outputs"),
        ({"inputs": ["has_labor_contract"]}, "body.inputs"),
        ({"trace": "yes"}, "body.trace"),
        ({"colour": "red"}, "body.colour"),
    ],
)
def test_calculate_wrong_types_are_422_naming_the_field(client: TestClient, change: dict[str, Any], field: str) -> None:
    body = problem_of(client.post("/v1/calculate", json={**TABLE2, **change}), 422)
    assert body["kind"] == "request_validation"
    assert body["field"] == field
    assert body["errors"][0]["field"] == field
    assert field in body["detail"]


def test_calculate_missing_date_is_422_naming_it(client: TestClient) -> None:
    request = {key: value for key, value in TABLE2.items() if key != "date"}
    assert problem_of(client.post("/v1/calculate", json=request), 422)["field"] == "body.date"


@pytest.mark.parametrize("payload", [b"{bad json", b'{"date": "2021-06-01",', b"\xff\xfe\x00"])
def test_malformed_json_is_a_4xx_problem(client: TestClient, payload: bytes) -> None:
    response = client.post("/v1/calculate", content=payload, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    body = problem_of(response, response.status_code)
    assert body["instance"] == "/v1/calculate"


def test_body_that_is_not_an_object_is_422(client: TestClient) -> None:
    assert problem_of(client.post("/v1/calculate", json=[1, 2]), 422)["field"] == "body"


def test_non_finite_numbers_are_refused(client: TestClient) -> None:
    payload = b'{"date": "2021-06-01", "inputs": {"monthly_income": Infinity}, "outputs": ["table2_cell"]}'
    response = client.post("/v1/calculate", content=payload, headers={"content-type": "application/json"})
    assert problem_of(response, 422)["field"] == "body.inputs.monthly_income"


def test_unexpected_errors_are_500_problems_without_internals(model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    import gigcover.api.routes as routes

    def broken(*_: Any) -> dict[str, Any]:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(routes, "calculate", broken)
    with TestClient(create_app(model)) as test_client:
        response = test_client.post("/v1/calculate", json=TABLE2)
    body = problem_of(response, 500)
    assert "secret" not in response.text
    assert body["kind"] == "server_error"


def test_unknown_path_and_wrong_method_are_problems(client: TestClient) -> None:
    problem_of(client.get("/v1/nothing-here"), 404)
    response = client.get("/v1/calculate")
    problem_of(response, 405)
    assert "POST" in response.headers["allow"]


# -- /v1/parameters ------------------------------------------------------------------------------------------
def test_parameter_list_and_prefix(client: TestClient, model: Model) -> None:
    everything = client.get("/v1/parameters").json()
    ParameterList.model_validate(everything)
    assert everything["count"] == len(model.store.parameters) == len(everything["parameters"])
    some = client.get("/v1/parameters", params={"prefix": "occupational_injury."}).json()
    assert some["count"] > 0
    assert all(p["name"].startswith("occupational_injury.") for p in some["parameters"])
    first = some["parameters"][0]
    assert set(first) == {"name", "description", "label_en", "unit"}
    assert client.get("/v1/parameters", params={"prefix": "zzz"}).json() == {"count": 0, "parameters": []}


def test_parameter_by_name_date_region(client: TestClient) -> None:
    response = client.get(
        "/v1/parameters/pension.employee.flexible.rate", params={"date": "2024-06-01", "region": "上海"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    ParameterValue.model_validate(body)
    assert body["name"] == "pension.employee.flexible.rate"
    assert body["date"] == "2024-06-01"
    assert body["requested_region"] == "310000"
    assert body["value"] == pytest.approx(0.2)
    assert body["reference"]["document"]
    assert body["verified"] in ("V1", "V2", "V3", "UNVERIFIED")
    assert body["file"] == "parameters/pension/employee/flexible/rate.yaml"
    assert {"description", "label_en", "unit", "effective_from", "region"} <= set(body)


def test_parameter_falls_back_from_shenzhen_to_guangdong(client: TestClient) -> None:
    response = client.get(
        "/v1/parameters/pension.employee.base_floor_monthly", params={"date": "2025-09-01", "region": "深圳"}
    )
    body = response.json()
    assert body["requested_region"] == "440300"
    assert body["region"] == "440000"
    assert body["fallback"] is True
    assert body["value"] == 4775
    assert body["effective_from"] == "2025-07-01"


def test_parameter_without_date_or_region_is_todays_national_value(client: TestClient) -> None:
    body = client.get("/v1/parameters/pension.employee.flexible.rate").json()
    assert body["requested_region"] == "000000"
    assert body["region"] == "000000"
    assert body["fallback"] is False


def test_parameter_unknown_name_is_404_with_suggestions(client: TestClient) -> None:
    body = problem_of(client.get("/v1/parameters/pension.employee.flexible.rat"), 404)
    assert body["kind"] == "unknown_name"
    assert body["suggestions"][0] == "pension.employee.flexible.rate"
    assert body["instance"] == "/v1/parameters/pension.employee.flexible.rat"


def test_parameter_bad_query_values(client: TestClient) -> None:
    url = "/v1/parameters/pension.employee.flexible.rate"
    assert problem_of(client.get(url, params={"date": "2024-13-01"}), 422)["field"] == "query.date"
    assert problem_of(client.get(url, params={"date": "123"}), 422)["field"] == "query.date"
    assert problem_of(client.get(url, params={"region": "nowhere"}), 422)["kind"] == "invalid_region"
    assert problem_of(client.get(url, params={"date": "1990-01-01"}), 422)["kind"] == "not_in_force"


# -- /v1/variables -------------------------------------------------------------------------------------------
def test_variables_list(client: TestClient, model: Model) -> None:
    body = client.get("/v1/variables").json()
    VariableList.model_validate(body)
    assert body["count"] == len(model.variables)
    names = {v["name"] for v in body["variables"]}
    assert {"table2_cell", "hukou_rural", "industry"} <= names
    hukou = next(v for v in body["variables"] if v["name"] == "hukou_rural")
    assert hukou["is_input"] is True and hukou["type"] == "bool"
    only = client.get("/v1/variables", params={"prefix": "table2_"}).json()
    assert {v["name"] for v in only["variables"]} == {"table2_cell", "table2_severity", "table2_options"}


def test_variable_detail_expands_references_to_citations(client: TestClient, model: Model) -> None:
    body = client.get("/v1/variables/table2_cell").json()
    VariableDetail.model_validate(body)
    var = model.variable("table2_cell")
    assert body["label_zh"] == var.label_zh and body["label_en"] == var.label_en
    assert body["type"] == "str"
    assert body["inputs"] == list(var.inputs)
    assert body["references"] == [model.citation(k) for k in var.references]
    assert body["references"][0]["key"] == "seed_paper.table2"
    assert body["references"][0]["document"]


def test_variable_unknown_name_is_404_with_suggestions(client: TestClient) -> None:
    body = problem_of(client.get("/v1/variables/table2_cel"), 404)
    assert "table2_cell" in body["suggestions"]


# -- /healthz and /openapi.json ------------------------------------------------------------------------------
def test_healthz(client: TestClient, model: Model) -> None:
    body = client.get("/healthz").json()
    Health.model_validate(body)
    assert body == {"status": "ok", "variables": len(model.variables), "parameters": len(model.store.parameters)}


def test_openapi_lists_every_path_and_problem_responses(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "gigcover"
    assert schema["info"]["version"] == __version__
    assert schema["info"]["description"]
    assert {
        "/v1/calculate",
        "/v1/advice",
        "/v1/parameters",
        "/v1/parameters/{name}",
        "/v1/variables",
        "/v1/variables/{name}",
        "/healthz",
    } <= set(schema["paths"])
    calc = schema["paths"]["/v1/calculate"]["post"]
    assert calc["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/CalculateRequest")
    assert set(calc["responses"]["422"]["content"]) == {PROBLEM}
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    lookup = schema["paths"]["/v1/parameters/{name}"]["get"]["responses"]
    assert set(lookup["404"]["content"]) == {PROBLEM}
    profile = schema["components"]["schemas"]["AdviceProfile"]
    assert "industry" in profile["properties"]


def test_app_keeps_the_database_url(model: Model) -> None:
    assert create_app(model, db_url="sqlite:///tmp/x.db").state.db_url == "sqlite:///tmp/x.db"
    assert create_app(model).state.db_url.startswith("sqlite:///")


# -- /v1/advice ----------------------------------------------------------------------------------------------
def test_advice_for_a_rider(client: TestClient, model: Model) -> None:
    from gigcover.advisor import advise

    response = client.post("/v1/advice", json=RIDER)
    assert response.status_code == 200, response.text
    body = response.json()
    AdviceResponse.model_validate(body)
    assert {"diagnosis", "plan", "affordability", "what_ifs"} <= set(body)
    assert body["diagnosis"]["table2_cell"] == "nonlocal_rural_no_labor"
    assert body["plan"] and body["what_ifs"]
    assert body == advise(model, copy.deepcopy(RIDER))


def test_advice_bad_profile_field_names_it(client: TestClient) -> None:
    request = {**RIDER, "profile": {**RIDER["profile"], "industry": "pilot"}}
    body = problem_of(client.post("/v1/advice", json=request), 422)
    assert body["field"] == "profile.industry"
    missing = {key: value for key, value in RIDER["profile"].items() if key != "monthly_income"}
    body = problem_of(client.post("/v1/advice", json={**RIDER, "profile": missing}), 422)
    assert body["field"] == "profile.monthly_income"


def test_advice_bad_region_names_the_profile_field(client: TestClient) -> None:
    request = {**RIDER, "profile": {**RIDER["profile"], "work_region": "nowhere"}}
    body = problem_of(client.post("/v1/advice", json=request), 422)
    assert body["field"] == "profile.work_region"


def test_advice_wrong_body_types_are_422(client: TestClient) -> None:
    assert problem_of(client.post("/v1/advice", json={**RIDER, "date": 5}), 422)["field"] == "body.date"
    assert problem_of(client.post("/v1/advice", json={**RIDER, "profile": "rider"}), 422)["field"] == "body.profile"
    assert problem_of(client.post("/v1/advice", json={**RIDER, "lang": "fr"}), 422)["field"] == "body.lang"


# -- gigcover serve ------------------------------------------------------------------------------------------
def test_serve_runs_uvicorn_on_the_app_with_the_database_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from gigcover.cli import app as cli

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append((target, kw)))
    monkeypatch.delenv("GIGCOVER_ID_HASH_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'test.db'}"
    result = CliRunner().invoke(cli, ["serve", "--port", "8765", "--db", url])
    assert result.exit_code == 0, result.output
    assert "gigcover: http://127.0.0.1:8765/" in result.stdout
    # the ledger is migrated at start and, for the embedded SQLite file, its ID-hashing key generated beside it
    assert (tmp_path / "id_hash.key").exists()
    assert f"generated the ID-hashing key {tmp_path / 'id_hash.key'}" in result.stderr
    target, options = calls[0]
    assert options == {"host": "127.0.0.1", "port": 8765}
    assert target.state.db_url == url
    assert "/v1/calculate" in target.openapi()["paths"]


def test_the_web_advisor_is_served_by_the_same_app(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert client.get("/static/style.css").status_code == 200
    assert "/" not in client.get("/openapi.json").json()["paths"]  # the JSON API's schema only


def test_calculate_with_a_stand_in_prices_only_where_the_place_has_none(client: TestClient) -> None:
    """郑州 has no flexible-worker medical rule: with a stand-in of 8 %, 4,000 × 8 % = 320.00 and the answer says it rests
    on a supplied value; 上海's own 10 % (400.00) is not touched by it. A bad stand-in is a 422 naming it."""
    request = {
        "date": "2026-06-01", "inputs": {"pension_base_monthly": 4000}, "outputs": ["employee_medical_flexible_monthly"],
        "stand_ins": {"medical.employee.flexible.rate": 0.08},
    }  # fmt: skip
    zhengzhou = client.post("/v1/calculate", json={**request, "region": "410100"})
    assert zhengzhou.status_code == 200, zhengzhou.text
    assert zhengzhou.json()["outputs"]["employee_medical_flexible_monthly"] == 320.0
    assert zhengzhou.json()["verification"]["weakest"] == "OVERLAY"
    shanghai = client.post("/v1/calculate", json={**request, "region": "310000"}).json()
    assert shanghai["outputs"]["employee_medical_flexible_monthly"] == 400.0
    bad = {**request, "region": "410100", "stand_ins": {"medical.employee.flexible.rate": 2}}
    body = problem_of(client.post("/v1/calculate", json=bad), 422)
    assert "stand_ins.medical.employee.flexible.rate" in body["detail"]
