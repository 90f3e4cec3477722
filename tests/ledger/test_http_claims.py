"""Claims over HTTP, on SQLite and PostgreSQL: report to payment, 409 on a transition the state does not allow, 422
naming the field, and the authorization matrix of the claims endpoints (every endpoint × every role)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import gigcover
from gigcover.ledger.check import check
from gigcover.ledger.claims import Outcome, confirm, record_outcome

from .ledger_cases import WORKER_A, order
from .test_http import ROLES, Ledger, batch, problem_of
from .test_http import ledger as ledger  # the fixture

GRADE_7_SHANGHAI_2025_FEN = 7_237_555  # derivation in test_claims.py
REPORT = {"accident_at": "2025-09-01T12:10:00+08:00", "region": "310000", "description": "送餐途中摔倒"}


def a_claim(ledger: Ledger) -> int:
    """Worker A's order A-1 (12:00–12:30 CST on 2025-09-01) and their claim of an accident at 12:10, reported."""
    ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("A-1")))
    response = ledger.call("POST", "/v1/claims", "worker", json={**REPORT, "order_id": "A-1"})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_from_report_to_payment(ledger: Ledger) -> None:
    claim = a_claim(ledger)
    shown = ledger.call("GET", f"/v1/claims/{claim}", "worker").json()
    assert (shown["state"], shown["in_order"], shown["covered_day"]) == ("reported", True, True)
    assert shown["allowed_actions"] == ["confirm", "reject"]
    assert shown["cover_rule"]["assumptions"]
    assert ledger.call("POST", f"/v1/claims/{claim}:confirm", "admin").json()["state"] == "cover_confirmed"
    assessed = ledger.call("POST", f"/v1/claims/{claim}:outcome", "admin", json={"disability_grade": 7, "days_off": 30})
    assert assessed.status_code == 200, assessed.text
    benefit = assessed.json()["benefit"]
    assert benefit["paid_now_fen"] == GRADE_7_SHANGHAI_2025_FEN
    assert "occupational_injury.disability_benefit_base_ratio" in benefit["verification"]["unverified_parameters"]
    assert any(step["variable"] == "disability_grade" for step in benefit["trace"])
    assert any("days off work" in warning for warning in benefit["warnings"])
    paid = ledger.call("POST", f"/v1/claims/{claim}:pay", "admin")
    assert (paid.json()["state"], paid.json()["benefit_fen"]) == ("paid", GRADE_7_SHANGHAI_2025_FEN)
    again = problem_of(ledger.call("POST", f"/v1/claims/{claim}:pay", "admin"), 409)
    assert again["detail"] == f"claim {claim} is paid: pay is not allowed; allowed actions: none (final state)"
    assert (again["state"], again["allowed_actions"]) == ("paid", [])
    queue = ledger.call("GET", "/v1/claims?state=paid", "admin").json()["claims"]
    assert [c["id"] for c in queue] == [claim]
    assert ledger.call("GET", "/v1/claims?state=reported", "admin").json()["claims"] == []
    assert check(ledger.engine) == []


def test_a_rejected_claim_keeps_its_reason_and_refuses_payment(ledger: Ledger) -> None:
    claim = a_claim(ledger)
    problem_of(ledger.call("POST", f"/v1/claims/{claim}:reject", "admin", json={"reason": ""}), 422)
    rejected = ledger.call("POST", f"/v1/claims/{claim}:reject", "admin", json={"reason": "非执行订单期间"})
    assert (rejected.json()["state"], rejected.json()["reason"]) == ("rejected", "非执行订单期间")
    refused = problem_of(ledger.call("POST", f"/v1/claims/{claim}:outcome", "admin", json={}), 409)
    assert refused["state"] == "rejected" and "outcome is not allowed" in refused["detail"]


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({**REPORT, "region": "999999"}, "region"),
        ({**REPORT, "accident_at": "2099-01-01T00:00:00+08:00"}, "accident_at"),
        ({**REPORT, "order_id": "NOPE"}, "order_id"),
        ({**REPORT, "description": ""}, "description"),
        ({**REPORT, "extra": 1}, "extra"),
    ],
)
def test_a_bad_report_is_422_naming_the_field(ledger: Ledger, sent: dict[str, Any], field: str) -> None:
    ledger.call("POST", "/v1/orders:batch", "platform", **batch(order("A-1")))
    body = problem_of(ledger.call("POST", "/v1/claims", "worker", json=sent), 422)
    assert field in {error["field"].split(".")[-1] for error in body["errors"]} or field in body["detail"]
    assert ledger.call("GET", "/v1/claims", "admin").json()["claims"] == []


def test_a_bad_outcome_is_422_and_an_unknown_claim_404(ledger: Ledger) -> None:
    claim = a_claim(ledger)
    ledger.call("POST", f"/v1/claims/{claim}:confirm", "admin")
    body = problem_of(ledger.call("POST", f"/v1/claims/{claim}:outcome", "admin", json={"disability_grade": 11}), 422)
    assert "disability_grade" in body["detail"]
    problem_of(ledger.call("POST", "/v1/claims/999999:confirm", "admin"), 404)
    problem_of(ledger.call("GET", "/v1/claims/999999", "admin"), 404)


# -- the authorization matrix of the claims endpoints -----------------------------------------------------------------
def reported(ledger: Ledger) -> int:
    return a_claim(ledger)


def confirmed(ledger: Ledger) -> int:
    claim = a_claim(ledger)
    confirm(ledger.engine, claim)
    return claim


def assessed(ledger: Ledger) -> int:
    claim = confirmed(ledger)
    record_outcome(ledger.engine, claim, Outcome(disability_grade=9), gigcover.calculate)
    return claim


ADMINS = {"admin": 200, "configured admin": 200}
NOT_THEIRS = {"platform": 404, "other platform": 404, "other worker": 404}  # a claim they may not read: not disclosed
CLAIM_ENDPOINTS: dict[str, tuple[str, str, dict[str, Any], Callable[[Ledger], int], dict[str, int]]] = {
    # name: (method, path ({claim}), request, the claim's state before, role → status; roles not named → 403)
    "report (a worker's body)": (
        "POST",
        "/v1/claims",
        {"json": REPORT},
        reported,
        {"worker": 201, "other worker": 201, "platform": 422, "other platform": 422},  # a platform names the worker
    ),
    "report (a platform's body)": (
        "POST",
        "/v1/claims",
        {"json": {**REPORT, "worker_id_number": WORKER_A}},
        reported,
        {"platform": 201, "other platform": 201, "worker": 422, "other worker": 422},
    ),
    "list claims": (
        "GET",
        "/v1/claims",
        {},
        reported,
        {**ADMINS, "worker": 200, "other worker": 200, "platform": 200, "other platform": 200},
    ),
    "show a claim": ("GET", "/v1/claims/{claim}", {}, reported, {**ADMINS, "worker": 200, **NOT_THEIRS}),
    "confirm": ("POST", "/v1/claims/{claim}:confirm", {}, reported, ADMINS),
    "reject": ("POST", "/v1/claims/{claim}:reject", {"json": {"reason": "理由"}}, reported, ADMINS),
    "outcome": ("POST", "/v1/claims/{claim}:outcome", {"json": {"disability_grade": 9}}, confirmed, ADMINS),
    "pay": ("POST", "/v1/claims/{claim}:pay", {}, assessed, ADMINS),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(CLAIM_ENDPOINTS))
def test_every_claims_endpoint_answers_each_role_as_it_should(ledger: Ledger, endpoint: str, role: str) -> None:
    method, path, request, before, allowed = CLAIM_ENDPOINTS[endpoint]
    claim = before(ledger)
    expected = 401 if role in ("none", "invalid") else allowed.get(role, 403)
    response = ledger.call(method, path.format(claim=claim), role, **request)
    assert response.status_code == expected, response.text
    if expected >= 400:
        problem_of(response, expected)
    if endpoint == "list claims" and expected == 200:
        seen = [c["id"] for c in response.json()["claims"]]
        assert seen == ([claim] if role in ("worker", "admin", "configured admin") else [])
    assert check(ledger.engine) == []
