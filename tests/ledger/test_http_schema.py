"""The ledger's endpoints fuzzed against their own OpenAPI (schemathesis, in-process ASGI): generated requests, valid
and invalid, each sent with the credential of the role the endpoint serves (and without one), never get a 5xx, and
every answer conforms to the documented status codes, media types and schemas. On SQLite (a temporary file)."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

import gigcover
from gigcover.api import create_app
from gigcover.api.ledger_routes import LedgerContext
from gigcover.ledger.access import issue_admin_token, issue_worker_token
from gigcover.ledger.db import connect, migrate
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.platforms import add_platform

from .ledger_cases import WORKER_A

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
LEDGER = "^/v1/(orders:batch|levies|workers/me/|platforms/)"


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
