"""The ledger's HTTP endpoints, on SQLite and PostgreSQL: batches (idempotent retry, 409, 422, 413), levies, a
worker's own days and contributions, bands, and the authorization matrix (every endpoint × every role)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from gigcover.api import create_app
from gigcover.api.ledger_routes import MAX_BODY_BYTES, LedgerContext
from gigcover.api.problems import Problem
from gigcover.ledger.access import issue_admin_token, issue_worker_token
from gigcover.ledger.check import check
from gigcover.ledger.contract import MAX_BATCH
from gigcover.ledger.contributions import Compute
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import audit_log, batches, covered_days, orders, platform_bands, postings, workers

from .ledger_cases import WORKER_A, WORKER_B, order

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

CONFIGURED_ADMIN = "configured-admin-token-for-tests"
PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Ledger:
    client: TestClient
    engine: Engine
    platform: int  # 美团
    other: int  # 滴滴
    keys: dict[str, str | None]  # role → credential

    def call(self, method: str, path: str, role: str, **options: Any) -> Any:
        credential = self.keys[role]
        headers = dict(options.pop("headers", {}))
        if credential is not None:
            headers["Authorization"] = f"Bearer {credential}"
        return self.client.request(method, path, headers=headers, **options)


@pytest.fixture
def ledger(engine: Engine, hasher: IdHasher, compute: Compute) -> Iterator[Ledger]:
    app = create_app(db_url="sqlite://")
    app.state.ledger = LedgerContext(engine, hasher, compute, admin_token=CONFIGURED_ADMIN)
    meituan = add_platform(engine, "美团", "meituan")
    didi = add_platform(engine, "滴滴", "didi")
    keys: dict[str, str | None] = {
        "none": None,
        "invalid": "not-a-key",
        "platform": meituan.key,
        "other platform": didi.key,
        "worker": issue_worker_token(engine, hasher, WORKER_A),
        "other worker": issue_worker_token(engine, hasher, WORKER_B),
        "admin": issue_admin_token(engine),
        "configured admin": CONFIGURED_ADMIN,
    }
    yield Ledger(TestClient(app), engine, meituan.id, didi.id, keys)


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    Problem.model_validate(body)
    assert body["status"] == status
    return body


def written(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (batches, orders, postings, covered_days, workers, platform_bands)
        }


def batch(*sent: dict[str, Any]) -> dict[str, Any]:
    return {"json": {"orders": list(sent)}}


# -- POST /v1/orders:batch -----------------------------------------------------------------------------------------
def test_a_batch_is_recorded_and_its_retry_is_all_duplicates(ledger: Ledger) -> None:
    sent = batch(order("A1"), order("A2", worker_id_number=WORKER_B), order("A1"))
    first = ledger.call("POST", "/v1/orders:batch", "platform", **sent)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["accepted"], body["duplicate"]) == (2, 1)
    assert [r["status"] for r in body["results"]] == ["accepted", "accepted", "duplicate"]
    before = written(ledger.engine)
    retry = ledger.call("POST", "/v1/orders:batch", "platform", **sent)
    assert retry.status_code == 200
    assert (retry.json()["accepted"], retry.json()["duplicate"], retry.json()["batch_id"]) == (0, 3, None)
    assert written(ledger.engine) == before
    assert check(ledger.engine) == []


def test_a_conflict_refuses_the_whole_batch_and_writes_nothing(ledger: Ledger) -> None:
    ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("A1"), order("A2")))
    before = written(ledger.engine)
    changed = order("A2", region="440300")
    response = ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("A3"), order("A1"), changed))
    body = problem_of(response, 409)
    assert body["conflicting_order_ids"] == ["A2"]
    assert body["kind"] == "order_conflict"
    assert written(ledger.engine) == before


def test_an_order_id_resent_in_another_month_is_409_across_partitions(ledger: Ledger) -> None:
    # on PostgreSQL August and October are different partitions of `orders`; the key (platform, order id) holds
    august = order("A1", accepted_at="2025-08-20T12:00:00+08:00", completed_at="2025-08-20T12:30:00+08:00")
    october = order("A1", accepted_at="2025-10-20T12:00:00+08:00", completed_at="2025-10-20T12:30:00+08:00")
    assert ledger.call("POST", "/v1/orders:batch", "platform", **batch(august)).status_code == 200
    before = written(ledger.engine)
    body = problem_of(ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("A9"), october)), 409)
    assert body["conflicting_order_ids"] == ["A1"]
    assert written(ledger.engine) == before
    retry = ledger.call("POST", "/v1/orders:batch", "platform", **batch(august))
    assert (retry.json()["accepted"], retry.json()["duplicate"]) == (0, 1)


def test_the_same_order_id_on_another_platform_is_another_order(ledger: Ledger) -> None:
    ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("A1")))
    response = ledger.call("POST", "/v1/orders:batch", "other platform", **batch(order("A1", industry="ride_hailing")))
    assert response.json()["accepted"] == 1


def test_a_malformed_batch_is_refused_naming_each_field_and_writes_nothing(ledger: Ledger) -> None:
    before = written(ledger.engine)
    bad_id = WORKER_A[:17] + ("0" if WORKER_A[17] != "0" else "1")
    sent = batch(
        order("ok"),
        order("b1", worker_id_number=bad_id),
        order("b2", industry="livestreaming"),
        order("b3", completed_at="2025-09-01T11:00:00+08:00"),
        {**order("b4"), "accepted_at": "yesterday"},
        {"order_id": "b5"},
    )
    body = problem_of(ledger.call("POST", "/v1/orders:batch", "platform", **sent), 422)
    fields = {error["field"] for error in body["errors"]}
    assert {
        "orders[1].worker_id_number",
        "orders[2].industry",
        "orders[3].completed_at",
        "orders[4].accepted_at",
        "orders[5].region",
    } <= fields
    assert WORKER_A[:17] not in json.dumps(body)  # an ID number is never echoed
    assert written(ledger.engine) == before


def test_a_number_for_a_time_is_not_taken_as_unix_time(ledger: Ledger) -> None:
    # 1756699200 is 2025-09-01T04:00:00Z: valid as Unix time, but the contract's times are ISO 8601 with an offset
    sent = batch(
        order("ok"),
        {**order("N1"), "accepted_at": 1756699200},
        {**order("N2"), "completed_at": 1756701000.5},
        {**order("N3"), "accepted_at": "1756699200"},
    )
    body = problem_of(ledger.call("POST", "/v1/orders:batch", "platform", **sent), 422)
    assert {e["field"] for e in body["errors"]} == {
        "orders[1].accepted_at",
        "orders[2].completed_at",
        "orders[3].accepted_at",
    }
    assert all("ISO 8601" in e["message"] and "not a number" in e["message"] for e in body["errors"])
    assert written(ledger.engine)["orders"] == 0


def test_a_timestamp_that_leaves_the_calendar_in_utc_is_422_naming_it(ledger: Ledger) -> None:
    ancient = order("T1", accepted_at="0001-01-01T00:00:00+08:00", completed_at="0001-01-01T00:30:00+08:00")
    body = problem_of(ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("ok"), ancient)), 422)
    assert {e["field"] for e in body["errors"]} == {"orders[1].accepted_at", "orders[1].completed_at"}
    assert written(ledger.engine)["orders"] == 0


@pytest.mark.parametrize(
    ("content", "field", "kind"),
    [
        (b'{"orders": [', "body", "malformed_json"),
        (b"[]", "body", "malformed_json"),
        (b'{"orders": {}}', "orders", "invalid_batch"),
        (b"{}", "orders", "invalid_batch"),
        (b'{"orders": [], "extra": 1}', "extra", "invalid_batch"),
        (b'{"orders": []}', "orders", "invalid_batch"),
        (b'{"orders": [1, "x"]}', "orders[0]", "invalid_batch"),
    ],
)
def test_a_body_that_is_no_batch_is_refused(ledger: Ledger, content: bytes, field: str, kind: str) -> None:
    response = ledger.call(
        "POST", "/v1/orders:batch", "platform", content=content, headers={"Content-Type": "application/json"}
    )
    body = problem_of(response, 422)
    assert body["field"] == field and body["kind"] == kind


def test_more_than_ten_thousand_orders_is_413_and_writes_nothing(ledger: Ledger) -> None:
    before = written(ledger.engine)
    response = ledger.call("POST", "/v1/orders:batch", "platform", **batch(*([order("X")] * (MAX_BATCH + 1))))
    body = problem_of(response, 413)
    assert body["max_orders"] == MAX_BATCH
    assert written(ledger.engine) == before


def test_an_oversized_body_is_413_before_it_is_parsed(ledger: Ledger) -> None:
    before = written(ledger.engine)
    response = ledger.call("POST", "/v1/orders:batch", "platform", content=b" " * (MAX_BODY_BYTES + 1))
    body = problem_of(response, 413)
    assert (body["kind"], body["limit"], body["unit"]) == ("too_large", MAX_BODY_BYTES, "bytes")
    assert written(ledger.engine) == before


def test_a_batch_over_the_services_default_limit_but_within_the_routes_is_taken(ledger: Ledger) -> None:
    """The service's default body limit (1 MiB) is raised for this route: 10,000 orders (~2.5 MB) must fit."""
    padded = json.dumps({"orders": [order("PAD")]}).encode() + b" " * (2 * 1024 * 1024)
    response = ledger.call(
        "POST", "/v1/orders:batch", "platform", content=padded, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text


# -- GET /v1/levies --------------------------------------------------------------------------------------------
def test_levies_reconcile_with_the_postings_and_a_platform_sees_only_its_own(ledger: Ledger) -> None:
    ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("M1"), order("M2", region="440300")))
    ledger.call("POST", "/v1/orders:batch", "other platform", **batch(order("D1", industry="ride_hailing")))
    own = ledger.call("GET", "/v1/levies?month=2025-09", "platform").json()
    assert {(r["platform"], r["province"], r["orders"], r["amount_fen"]) for r in own["rows"]} == {
        ("美团", "310000", 1, 7),
        ("美团", "440000", 1, 7),
    }
    everyone = ledger.call("GET", "/v1/levies?month=2025-09", "admin").json()
    with ledger.engine.connect() as connection:
        posted = connection.execute(select(func.sum(postings.c.credit_fen))).scalar_one()
    assert everyone["amount_fen"] == posted == 15
    assert {r["platform"] for r in everyone["rows"]} == {"美团", "滴滴"}
    assert "per order" in everyone["rounding"]
    one = ledger.call("GET", f"/v1/levies?month=2025-09&platform_id={ledger.other}", "admin").json()
    assert [r["platform"] for r in one["rows"]] == ["滴滴"]


def test_levies_show_the_band_ratio_and_rounding(ledger: Ledger) -> None:
    set_band = ledger.call(
        "POST",
        f"/v1/platforms/{ledger.platform}/bands",
        "admin",
        json={"province": "440000", "effective_from": "2025-07-01", "band": "standard", "floating_ratio": 0.15},
    )
    assert set_band.status_code == 201, set_band.text
    ledger.call("POST", "/v1/orders:batch", "platform", **batch(*(order(f"M{i}", region="440300") for i in range(20))))
    (row,) = ledger.call("GET", "/v1/levies?month=2025-09", "platform").json()["rows"]
    # 0.07 × 1.15 = 0.0805 yuan per order → 8 fen each, 160 fen; the month's formula rounds 1.61 yuan once: 161
    assert row["base_amount_fen"] == 7 and row["floating_ratio"] == 0.15 and row["per_order_fen"] == 8.05
    assert (row["amount_fen"], row["month_formula_fen"], row["rounding_difference_fen"]) == (160, 161, -1)


@pytest.mark.parametrize("month", ["2025-13", "09-2025", "x"])
def test_a_bad_month_is_422_naming_it(ledger: Ledger, month: str) -> None:
    assert problem_of(ledger.call("GET", f"/v1/levies?month={month}", "admin"), 422)["field"] == "month"


# -- a worker's own records ----------------------------------------------------------------------------------------
def test_a_worker_sees_their_own_days_and_contributions_only(ledger: Ledger) -> None:
    ledger.call(
        "POST",
        "/v1/orders:batch",
        "platform",
        **batch(order("A1"), order("A2"), order("B1", worker_id_number=WORKER_B)),
    )
    ledger.call("POST", "/v1/orders:batch", "other platform", **batch(order("A3", industry="ride_hailing")))
    days = ledger.call("GET", "/v1/workers/me/days?from=2025-09-01&to=2025-09-30", "worker").json()
    assert days["from"] == "2025-09-01" and days["covered_days"] == 1
    (day,) = days["days"]
    assert day["orders"] == 3
    assert {(p["platform"], p["orders"]) for p in day["orders_by_platform"]} == {("美团", 2), ("滴滴", 1)}
    mine = ledger.call("GET", "/v1/workers/me/contributions", "worker").json()
    assert mine["total"] == {"orders": 3, "levy_fen": 15, "platform_fen": 15, "worker_fen": 0, "government_fen": 0}
    theirs = ledger.call("GET", "/v1/workers/me/contributions", "other worker").json()
    assert theirs["total"]["orders"] == 1 and theirs["total"]["levy_fen"] == 7


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2025-09-30&to=2025-09-01", "to"),
        ("from=2024-01-01&to=2025-09-01", "to"),
        ("from=2025-02-30&to=2025-03-01", "query.from"),
        ("to=2025-03-01", "query.from"),
    ],
)
def test_bad_day_ranges_are_422(ledger: Ledger, query: str, field: str) -> None:
    body = problem_of(ledger.call("GET", f"/v1/workers/me/days?{query}", "worker"), 422)
    assert body["field"] == field


# -- bands ------------------------------------------------------------------------------------------------------------
def test_bands_are_set_by_an_admin_and_read_by_the_platform(ledger: Ledger) -> None:
    sent = {"province": "310000", "effective_from": "2025-07-01", "band": "high", "floating_ratio": "-0.1"}
    created = ledger.call("POST", f"/v1/platforms/{ledger.platform}/bands", "configured admin", json=sent)
    assert created.status_code == 201
    assert created.json() == {**sent, "platform_id": ledger.platform, "floating_ratio": -0.1}
    listed = ledger.call("GET", f"/v1/platforms/{ledger.platform}/bands", "platform").json()
    assert listed["bands"] == [created.json()]


def test_a_band_that_would_reprice_posted_orders_is_409_and_changes_nothing(ledger: Ledger) -> None:
    ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("A1")))
    before = written(ledger.engine)
    sent = {"province": "310000", "effective_from": "2025-07-01", "band": "high"}
    body = problem_of(ledger.call("POST", f"/v1/platforms/{ledger.platform}/bands", "admin", json=sent), 409)
    assert body["posted_orders"] == 1
    assert written(ledger.engine) == before


@pytest.mark.parametrize(
    ("sent", "fields"),
    [
        ({"province": "310100", "effective_from": "2025-07-01", "band": "high"}, {"province"}),
        ({"province": "310000", "effective_from": "2025-07-01", "band": "top"}, {"body.band"}),
        (
            {"province": "310000", "effective_from": "2025-07-01", "band": "high", "floating_ratio": 9},
            {"floating_ratio"},
        ),
        ({"province": "310000", "band": "high"}, {"body.effective_from"}),
    ],
)
def test_a_bad_band_is_422_naming_the_field(ledger: Ledger, sent: dict[str, Any], fields: set[str]) -> None:
    body = problem_of(ledger.call("POST", f"/v1/platforms/{ledger.platform}/bands", "admin", json=sent), 422)
    assert {e["field"] for e in body["errors"]} == fields
    assert written(ledger.engine)["platform_bands"] == 0


def test_a_band_for_an_unknown_platform_is_404(ledger: Ledger) -> None:
    sent = {"province": "310000", "effective_from": "2025-07-01", "band": "high"}
    problem_of(ledger.call("POST", "/v1/platforms/999/bands", "admin", json=sent), 404)


# -- revoking tokens -------------------------------------------------------------------------------------------------
def test_a_revoked_token_is_401_from_the_next_request_and_the_revocation_is_audited(ledger: Ledger) -> None:
    days = "/v1/workers/me/days?from=2025-09-01&to=2025-09-30"
    assert ledger.call("GET", days, "worker").status_code == 200
    response = ledger.call("POST", "/v1/tokens:revoke", "admin", json={"token": ledger.keys["worker"]})
    assert response.status_code == 200, response.text
    assert response.json() == {"role": "worker", "revoked": 1}
    problem_of(ledger.call("GET", days, "worker"), 401)
    assert ledger.call("GET", days, "other worker").status_code == 200  # only that token
    with ledger.engine.connect() as connection:
        row = connection.execute(select(audit_log).where(audit_log.c.action == "token.revoke")).one()
    assert row.actor == "admin" and json.loads(row.detail)["role"] == "worker"
    # the same token again: unknown; an admin token can be revoked (by itself, too); the configured one cannot
    problem_of(ledger.call("POST", "/v1/tokens:revoke", "admin", json={"token": ledger.keys["worker"]}), 404)
    body = problem_of(
        ledger.call("POST", "/v1/tokens:revoke", "admin", json={"token": ledger.keys["configured admin"]}), 409
    )
    assert "GIGCOVER_ADMIN_TOKEN" in body["detail"]
    own = ledger.call("POST", "/v1/tokens:revoke", "admin", json={"token": ledger.keys["admin"]})
    assert own.json() == {"role": "admin", "revoked": 1}
    problem_of(ledger.call("GET", "/v1/platforms/1/bands", "admin"), 401)
    # a platform's key is not a token: 404, and the platform keeps working
    problem_of(
        ledger.call("POST", "/v1/tokens:revoke", "configured admin", json={"token": ledger.keys["platform"]}), 404
    )
    assert ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("R1"))).status_code == 200


def test_a_revocation_names_exactly_one_target(ledger: Ledger) -> None:
    for sent in ({}, {"token": "x", "worker_id_number": WORKER_A}):
        body = problem_of(ledger.call("POST", "/v1/tokens:revoke", "admin", json=sent), 422)
        assert body["field"] == "body"
    body = problem_of(
        ledger.call("POST", "/v1/tokens:revoke", "admin", json={"worker_id_number": WORKER_A[:17] + "0"}), 422
    )
    assert body["field"] == "worker_id_number" and WORKER_A[:17] not in json.dumps(body)


# -- the authorization matrix -----------------------------------------------------------------------------------------
ROLES = ("none", "invalid", "platform", "other platform", "worker", "admin", "configured admin")
ENDPOINTS: dict[str, tuple[str, str, dict[str, Any], dict[str, int]]] = {
    # name: (method, path ({platform} = 美团's id), request, role → status; roles not named → 403)
    "report orders": (
        "POST",
        "/v1/orders:batch",
        batch(order("Z1")),
        {"platform": 200, "other platform": 200},  # each reports its own orders
    ),
    "levies of a platform": (
        "GET",
        "/v1/levies?month=2025-09&platform_id={platform}",
        {},
        {"platform": 200, "admin": 200, "configured admin": 200},
    ),
    "my days": (
        "GET",
        "/v1/workers/me/days?from=2025-09-01&to=2025-09-30",
        {},
        {"worker": 200},
    ),
    "my contributions": ("GET", "/v1/workers/me/contributions", {}, {"worker": 200}),
    "set a band": (
        "POST",
        "/v1/platforms/{platform}/bands",
        {"json": {"province": "440000", "effective_from": "2026-01-01", "band": "high"}},
        {"admin": 201, "configured admin": 201},
    ),
    "read bands": (
        "GET",
        "/v1/platforms/{platform}/bands",
        {},
        {"platform": 200, "admin": 200, "configured admin": 200},
    ),
    "revoke a worker's tokens": (
        "POST",
        "/v1/tokens:revoke",
        {"json": {"worker_id_number": WORKER_B}},
        {"admin": 200, "configured admin": 200},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_every_endpoint_answers_each_role_as_it_should(ledger: Ledger, endpoint: str, role: str) -> None:
    method, path, request, allowed = ENDPOINTS[endpoint]
    expected = 401 if role in ("none", "invalid") else allowed.get(role, 403)
    response = ledger.call(method, path.format(platform=ledger.platform), role, **request)
    assert response.status_code == expected, response.text
    if expected == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    if expected >= 400:
        problem_of(response, expected)


def test_the_openapi_describes_the_ledger(ledger: Ledger) -> None:
    spec = ledger.client.get("/openapi.json").json()
    for path in ("/v1/orders:batch", "/v1/levies", "/v1/workers/me/days", "/v1/workers/me/contributions"):
        assert path in spec["paths"]
    batch_op = spec["paths"]["/v1/orders:batch"]["post"]
    assert {"200", "401", "403", "409", "413", "422"} <= set(batch_op["responses"])
    items = batch_op["requestBody"]["content"]["application/json"]["schema"]["properties"]["orders"]
    assert items["maxItems"] == MAX_BATCH
    assert set(items["items"]["required"]) >= {"order_id", "worker_id_number", "industry", "region"}
    assert batch_op["security"]
