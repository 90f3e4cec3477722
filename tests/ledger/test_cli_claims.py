"""`gigcover ledger claims …` on SQLite and PostgreSQL: the queue, show, each transition, refusals (exit 2, one JSON
line naming the field or the state) with nothing changed, and `ledger check` passing after a payment."""

from __future__ import annotations

import datetime as dt
import json

import gigcover
from gigcover.ledger.access import Principal, Role
from gigcover.ledger.claims import Report, get_claim, report_claim
from gigcover.ledger.db import connect, migrate
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import ingest_batch
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import workers

from .ledger_cases import WORKER_A, order
from .test_cli_ledger import KEY, refused, run
from .test_cli_ledger import _configured_key as _configured_key  # the autouse fixture

GRADE_7_SHANGHAI_2025_FEN = 7_237_555  # derivation in test_claims.py
ACCIDENT = dt.datetime(2025, 9, 1, 12, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def reported_claims(url: str, how_many: int = 1) -> list[int]:
    engine = connect(url)
    migrate(engine)
    hasher = IdHasher(KEY.encode("utf-8"))
    platform = add_platform(engine, "美团", "meituan").id
    now = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
    ingest_batch(engine, platform, [order("A-1")], compute=gigcover.compute, hasher=hasher, now=now)
    with engine.connect() as connection:
        worker_id = connection.execute(workers.select()).first().id  # type: ignore[union-attr]
    worker = Principal(Role.WORKER, worker_id=worker_id, worker_id_hash=hasher.hash(WORKER_A))
    made = [report_claim(engine, worker, Report(ACCIDENT, "310000", "摔倒"), hasher, now=now) for _ in range(how_many)]
    engine.dispose()
    return made


def state_of(url: str, claim: int) -> str:
    engine = connect(url)
    try:
        return get_claim(engine, claim, Principal(Role.ADMIN)).state.value
    finally:
        engine.dispose()


def test_a_claim_from_the_queue_to_payment(ledger_url: str) -> None:
    claim, other = reported_claims(ledger_url, 2)
    listed = run(ledger_url, "claims", "list", "--state", "reported", "--json")
    assert listed.exit_code == 0, listed.output
    assert [c["id"] for c in json.loads(listed.stdout)] == [other, claim]
    assert run(ledger_url, "claims", "confirm", str(claim)).exit_code == 0
    outcome = run(ledger_url, "claims", "outcome", str(claim), "--grade", "7", "--medical-fen", "100")
    assert outcome.exit_code == 0, outcome.output
    assert f"{GRADE_7_SHANGHAI_2025_FEN + 100} fen" in outcome.stdout
    shown = json.loads(run(ledger_url, "claims", "show", str(claim)).stdout)
    assert shown["state"] == "assessed" and shown["benefit"]["trace"]
    assert run(ledger_url, "claims", "pay", str(claim)).exit_code == 0
    assert state_of(ledger_url, claim) == "paid"
    assert run(ledger_url, "claims", "reject", str(other), "--reason", "非执行订单期间").exit_code == 0
    assert state_of(ledger_url, other) == "rejected"
    checked = run(ledger_url, "check")
    assert checked.exit_code == 0, checked.output


def test_refusals_name_the_field_or_state_and_change_nothing(ledger_url: str) -> None:
    (claim,) = reported_claims(ledger_url)
    error = refused(run(ledger_url, "claims", "pay", str(claim)), "state")
    assert error["error"] == "invalid_transition"
    assert error["message"] == f"claim {claim} is reported: pay is not allowed; allowed actions: confirm, reject"
    refused(run(ledger_url, "claims", "confirm", "999999"), "id")
    refused(run(ledger_url, "claims", "show", "999999"), "id")
    refused(run(ledger_url, "claims", "list", "--state", "open"), "state")
    refused(run(ledger_url, "claims", "reject", str(claim), "--reason", " "), "reason")
    run(ledger_url, "claims", "confirm", str(claim))
    refused(run(ledger_url, "claims", "outcome", str(claim), "--grade", "11"), "disability_grade")
    assert state_of(ledger_url, claim) == "cover_confirmed"
