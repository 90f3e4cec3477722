"""`gigcover ledger …` on SQLite and PostgreSQL: every command with `--db`, credentials printed once, bad input
refused with a JSON line naming the field and nothing written, `check` failing on a breach, the demo loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

from gigcover.cli import app as cli
from gigcover.ledger import demo
from gigcover.ledger.access import Role, authenticate
from gigcover.ledger.db import connect
from gigcover.ledger.schema import orders, platform_bands, platforms, worker_tokens, workers

from .ledger_cases import WORKER_A

KEY = "cli-test-only-key-not-a-secret-0123456789"


@pytest.fixture(autouse=True)
def _configured_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGCOVER_ID_HASH_KEY", KEY)
    monkeypatch.delenv("GIGCOVER_DATABASE_URL", raising=False)
    monkeypatch.delenv("GIGCOVER_ADMIN_TOKEN", raising=False)


def run(url: str, *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, ["ledger", *args, "--db", url], input=stdin)


def refused(result: Any, field: str) -> dict[str, Any]:
    """Exit code 2 and one JSON line on stderr naming the field."""
    assert result.exit_code == 2, result.output
    error: dict[str, Any] = json.loads(result.stderr.strip().splitlines()[-1])
    assert error["field"] == field, error
    return error


def count(url: str, table: Any) -> int:
    engine = connect(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        engine.dispose()


def with_engine(url: str) -> Engine:
    return connect(url)


def test_migrate_creates_the_tables_and_is_idempotent(ledger_url: str) -> None:
    for _ in range(2):
        result = run(ledger_url, "migrate")
        assert result.exit_code == 0, result.output
        assert "up to date" in result.stdout
    assert count(ledger_url, platforms) == 0


def test_add_platform_prints_its_id_and_key_once_and_refuses_a_second_of_the_same_name(ledger_url: str) -> None:
    result = run(ledger_url, "add-platform", "美团", "--rules-platform", "meituan", "--json")
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    engine = with_engine(ledger_url)
    try:
        principal = authenticate(engine, created["api_key"], admin_token="")
        assert principal is not None and principal.role is Role.PLATFORM
        assert principal.platform_id == created["platform_id"]
        with engine.connect() as connection:
            assert created["api_key"] not in str(connection.execute(select(platforms)).all())
    finally:
        engine.dispose()
    refused(run(ledger_url, "add-platform", "美团"), "name")
    refused(run(ledger_url, "add-platform", "饿了么", "--rules-platform", "nobody"), "rules_platform")
    assert count(ledger_url, platforms) == 1


def test_worker_token_for_a_valid_number_and_refused_for_a_bad_one(ledger_url: str) -> None:
    result = run(ledger_url, "worker-token", "-", "--json", stdin=WORKER_A + "\n")
    assert result.exit_code == 0, result.output
    token = json.loads(result.stdout)["worker_token"]
    assert WORKER_A not in result.output
    engine = with_engine(ledger_url)
    try:
        principal = authenticate(engine, token, admin_token="")
        assert principal is not None and principal.role is Role.WORKER
    finally:
        engine.dispose()
    bad = WORKER_A[:17] + ("0" if WORKER_A[17] != "0" else "1")
    error = refused(run(ledger_url, "worker-token", bad), "id_number")
    assert "check digit" in error["message"] and bad not in json.dumps(error)
    assert count(ledger_url, worker_tokens) == 1 and count(ledger_url, workers) == 1


def test_without_a_key_postgresql_is_refused_and_sqlite_generates_one(
    ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GIGCOVER_ID_HASH_KEY")
    result = run(ledger_url, "worker-token", WORKER_A)
    if ledger_url.startswith("sqlite"):
        assert result.exit_code == 0, result.output
        key_file = Path(ledger_url.removeprefix("sqlite:///")).parent / "id_hash.key"
        assert key_file.exists() and f"generated the ID-hashing key {key_file}" in result.stderr
        assert "generated" not in run(ledger_url, "worker-token", WORKER_A).stderr  # the second time it is there
    else:
        assert refused(result, "GIGCOVER_ID_HASH_KEY")["error"] == "configuration"
        assert count(ledger_url, worker_tokens) == 0


def test_set_band_then_levies_and_check(ledger_url: str) -> None:
    platform = json.loads(run(ledger_url, "add-platform", "美团", "--json").stdout)["platform_id"]
    result = run(
        ledger_url, "set-band", str(platform), "--province", "310000", "--from", "2025-07-01", "--band", "high"
    )
    assert result.exit_code == 0, result.output
    assert "high band" in result.stdout
    error = refused(
        run(ledger_url, "set-band", str(platform), "--province", "3100", "--from", "2025-7-1", "--ratio", "5"),
        "province",
    )
    assert "effective_from" in error["message"] and "floating_ratio" in error["message"]
    refused(run(ledger_url, "set-band", "99", "--province", "310000", "--from", "2025-07-01"), "platform_id")
    assert count(ledger_url, platform_bands) == 1
    levies = run(ledger_url, "levies", "--month", "2025-09", "--json")
    assert levies.exit_code == 0 and json.loads(levies.stdout)["rows"] == []
    refused(run(ledger_url, "levies", "--month", "September"), "month")
    checked = run(ledger_url, "check")
    assert checked.exit_code == 0 and "every invariant holds" in checked.stdout


def test_the_demo_loads_once_balances_and_check_fails_on_a_breach(
    ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "ORDERS_PER_PLATFORM", 150)  # 450 orders here; `make run` loads 3 × 1,200
    first = run(ledger_url, "demo", "--json")
    assert first.exit_code == 0, first.output
    loaded = json.loads(first.stdout)
    assert loaded["accepted"] == 450 and len(loaded["new_platforms"]) == 3 and loaded["new_claims"] == 4
    again = json.loads(run(ledger_url, "demo", "--json").stdout)
    assert (again["accepted"], again["duplicate"], again["new_platforms"], again["new_claims"]) == (0, 450, {}, 0)
    queue = json.loads(run(ledger_url, "claims", "list", "--json").stdout)
    assert sorted(c["state"] for c in queue) == ["assessed", "cover_confirmed", "paid", "reported"]
    assert all(c["in_order"] and c["covered_day"] for c in queue)
    statement = json.loads(run(ledger_url, "levies", "--month", "2025-09", "--json").stdout)
    assert statement["orders"] + statement["orders_outside_pilot"] == 450
    assert any("below 1 fen" in warning for warning in statement["warnings"])
    text_statement = run(ledger_url, "levies", "--month", "2025-09")
    assert text_statement.exit_code == 0 and "美团（演示）" in text_statement.stdout
    assert run(ledger_url, "check").exit_code == 0
    engine = with_engine(ledger_url)
    try:
        with engine.begin() as connection:  # a breach: an order's credit to the fund is lost
            connection.execute(
                text(
                    "DELETE FROM postings WHERE id = "
                    "(SELECT min(id) FROM postings WHERE account = 'occupational_injury_fund')"
                )
            )
    finally:
        engine.dispose()
    broken = run(ledger_url, "check", "--json")
    assert broken.exit_code == 1
    invariants = {b["invariant"] for b in json.loads(broken.stdout)["breaches"]}
    assert {"balanced", "order_postings", "levies"} <= invariants
    assert count(ledger_url, orders) == 450


def test_a_database_that_cannot_be_opened_is_a_clear_error(tmp_path: Path) -> None:
    error = refused(run(f"sqlite:///{tmp_path / 'missing' / 'ledger.db'}", "migrate"), "db")
    assert "cannot open the ledger" in error["message"]
    refused(run("nosuchdb://x", "check"), "db")


def test_revoke_token_refuses_the_token_from_then_on_and_is_audited(ledger_url: str) -> None:
    issued = json.loads(run(ledger_url, "worker-token", WORKER_A, "--json").stdout)["worker_token"]
    admin = json.loads(run(ledger_url, "admin-token", "--json").stdout)["admin_token"]
    engine = with_engine(ledger_url)
    try:
        assert authenticate(engine, issued, "") is not None
        result = run(ledger_url, "revoke-token", "-", "--json", stdin=issued + "\n")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"role": "worker", "revoked": 1}
        assert authenticate(engine, issued, "") is None
        assert authenticate(engine, admin, "") is not None  # only that token
        with engine.connect() as connection:
            entry = connection.execute(text("SELECT actor, detail FROM audit_log WHERE action = 'token.revoke'")).one()
        assert entry.actor == "admin" and json.loads(entry.detail)["role"] == "worker"
        assert issued not in entry.detail
    finally:
        engine.dispose()
    again = run(ledger_url, "revoke-token", issued)
    assert again.exit_code == 1 and json.loads(again.stderr.strip())["error"] == "unknown_token"
    refused(run(ledger_url, "revoke-token"), "token")  # neither a token nor --worker
    refused(run(ledger_url, "revoke-token", admin, "--worker", WORKER_A), "token")  # both
    refused(run(ledger_url, "revoke-token", "--worker", WORKER_A[:17] + "0"), "worker")


def test_revoke_token_for_a_worker_revokes_all_their_tokens(ledger_url: str) -> None:
    tokens = [json.loads(run(ledger_url, "worker-token", WORKER_A, "--json").stdout)["worker_token"] for _ in range(2)]
    result = run(ledger_url, "revoke-token", "--worker", WORKER_A, "--json")
    assert json.loads(result.stdout) == {"role": "worker", "revoked": 2}
    engine = with_engine(ledger_url)
    try:
        assert [authenticate(engine, token, "") for token in tokens] == [None, None]
    finally:
        engine.dispose()
    assert count(ledger_url, worker_tokens) == 0
