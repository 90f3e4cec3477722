"""Property tests of the HTTP API against its own OpenAPI (schemathesis, in-process ASGI).

For every operation, generated requests (valid and invalid) never get a 5xx, every answer conforms to the
documented status codes, media types (`application/problem+json` for errors) and response schemas, and every request
the schema rules out is refused (negative data rejection: the schema states what the validators enforce).
"""

from __future__ import annotations

import warnings

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from gigcover.advisor.model import default_model
from gigcover.api import create_app
from gigcover.policylab.whatif import LabLimits

with warnings.catch_warnings():  # starlette's note on httpx vs httpx2 (the dev dependencies pin httpx)
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(default_model()))

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,  # what the schema rules out is refused: the schema states what is enforced
]


LEDGER = "^/v1/(orders:batch|levies|workers/me/|platforms/)"  # fuzzed with a ledger in tests/ledger/test_http_schema.py


@schema.exclude(path="/v1/advice").exclude(path_regex=LEDGER).exclude(path="/v1/lab/runs").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.include(path="/v1/advice").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_advice_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


# The policy lab's run: seconds of CPU each, so fuzzed against an app whose runs stop at once (413, before any
# scenario's rules) and whose sample is capped at the smallest size (larger ones are 422, without drawing a sample):
# every generated body is still validated, refused or accepted as the schema says; the 200 answer's schema is checked
# on real runs in test_lab_web.py (FastAPI validates it against the response model).
lab_app = create_app(default_model())
lab_app.state.lab_limits = LabLimits(max_rows=500, max_projection_rows=500, max_seconds=1e-6)
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    lab_schema = schemathesis.openapi.from_asgi("/openapi.json", lab_app)


@lab_schema.include(path="/v1/lab/runs").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_lab_runs_conform_to_the_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
