"""The ledger's endpoints fuzzed against their own OpenAPI (schemathesis, in-process ASGI): generated requests, valid
and invalid, each sent with the credential of the role the endpoint serves (and without one), never get a 5xx, and
every answer conforms to the documented status codes, media types and schemas. On SQLite (a temporary file)."""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

import gigcover
from gigcover.api import create_app
from gigcover.api.ledger_routes import LedgerContext
from gigcover.ledger.access import authenticate, issue_admin_token, issue_worker_token
from gigcover.ledger.check import check
from gigcover.ledger.claims import Outcome, Report, confirm, pay, record_outcome, report_claim
from gigcover.ledger.db import connect, migrate
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import ingest_batch
from gigcover.ledger.platforms import add_platform

from .ledger_cases import WORKER_A, order

FOLDER = Path(tempfile.mkdtemp(prefix="gigcover-ledger-fuzz-"))
ENGINE = connect(f"sqlite:///{FOLDER / 'ledger.db'}")
migrate(ENGINE)
HASHER = IdHasher(b"test-only-key-not-a-secret-0123456789")
APP = create_app(db_url="sqlite://")
APP.state.ledger = LedgerContext(ENGINE, HASHER, gigcover.compute, admin_token="")
CREDENTIALS = {
    "platform": add_platform(ENGINE, "美团", "meituan").key,
    "worker": issue_worker_token(ENGINE, HASHER, WORKER_A),
    "admin": issue_admin_token(ENGINE),
}
ROLE_OF_PATH = {
    "/v1/orders:batch": "platform",
    "/v1/levies": "admin",
    "/v1/workers/me/days": "worker",
    "/v1/workers/me/contributions": "worker",
    "/v1/platforms/{platform_id}/bands": "admin",
    "/v1/claims": "worker",  # reports (POST) and reads their own (GET)
    "/v1/claims/{claim_id}": "admin",
    "/v1/claims/{claim_id}:confirm": "admin",
    "/v1/claims/{claim_id}:reject": "admin",
    "/v1/claims/{claim_id}:outcome": "admin",
    "/v1/claims/{claim_id}:pay": "admin",
}

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    schema = schemathesis.openapi.from_asgi("/openapi.json", APP)

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
LEDGER = "^/v1/(orders:batch|levies|workers/me/|platforms/|claims)"


def _claims_in_every_state() -> None:
    """Claims 1–4 (reported, cover confirmed, assessed, paid), so generated small ids meet each state."""
    platform = add_platform(ENGINE, "饿了么", "eleme").id
    ingest_batch(ENGINE, platform, [order("F-1")], compute=gigcover.compute, hasher=HASHER)
    worker = authenticate(ENGINE, CREDENTIALS["worker"], "")
    assert worker is not None
    report = Report(dt.datetime(2025, 9, 1, 12, 10, tzinfo=dt.UTC), "310000", "摔倒")
    made = [report_claim(ENGINE, worker, report, HASHER) for _ in range(4)]
    for claim in made[1:]:
        confirm(ENGINE, claim)
    for claim in made[2:]:
        record_outcome(ENGINE, claim, Outcome(disability_grade=10), gigcover.calculate)
    pay(ENGINE, made[3])


_claims_in_every_state()


@schema.include(path_regex=LEDGER).parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_ledger_conforms_to_its_openapi_with_the_right_credential(case: schemathesis.Case) -> None:
    token = CREDENTIALS[ROLE_OF_PATH[case.operation.path]]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@schema.include(path_regex=LEDGER).parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_ledger_refuses_without_a_credential_as_documented(case: schemathesis.Case) -> None:
    response = case.call_and_validate(headers={"Authorization": ""}, checks=CHECKS)
    # never answered: 401, or refused before the credential is looked at (bad JSON, path or query; a method)
    assert response.status_code in (400, 401, 405, 422), response.text


def test_the_books_still_balance_after_the_fuzzing() -> None:
    assert check(ENGINE) == []
