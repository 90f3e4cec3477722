"""Ingesting batches, on SQLite and PostgreSQL: validation, idempotency, atomicity, fen amounts, covered days,
and the invariants (`check`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.exc import DatabaseError, IntegrityError

from gigcover.ledger import ingest as ingest_module
from gigcover.ledger.check import check
from gigcover.ledger.contract import BatchInvalid, BatchTooLarge
from gigcover.ledger.contributions import Compute
from gigcover.ledger.cover import worker_days
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import BatchResult, OrderConflict, UnknownPlatform, ingest_batch
from gigcover.ledger.platforms import add_platform, platform_by_key
from gigcover.ledger.schema import audit_log, batches, covered_days, orders, postings, workers

from .ledger_cases import WORKER_A, WORKER_B, id_number, order

NOW = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)


@pytest.fixture
def meituan(engine: Engine) -> int:
    return add_platform(engine, "美团", "meituan").id


def ingest(
    engine: Engine, platform: int, batch: list[dict[str, Any]], compute: Compute, hasher: IdHasher, **options: Any
) -> BatchResult:
    return ingest_batch(engine, platform, batch, compute=compute, hasher=hasher, now=NOW, **options)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (batches, orders, postings, covered_days, workers, audit_log)
        }


def legs(engine: Engine, order_id: str) -> set[tuple[str, int, int]]:
    """The postings of the order's account group: its batch, province, industry and month (0006)."""
    with engine.connect() as connection:
        recorded = connection.execute(select(orders).where(orders.c.order_id == order_id)).one()
        rows = connection.execute(
            select(postings.c.account, postings.c.debit_fen, postings.c.credit_fen).where(
                postings.c.batch_id == recorded.batch_id,
                postings.c.province == recorded.region[:2],
                postings.c.industry == recorded.industry,
                postings.c.month == recorded.cover_day.replace(day=1),
            )
        )
        return {(row.account, row.debit_fen, row.credit_fen) for row in rows}


def amounts(engine: Engine, order_id: str) -> tuple[int, int, int, int]:
    """The order's own amounts as recorded on it: levy, platform, worker and government shares (fen)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(orders.c.levy_fen, orders.c.platform_fen, orders.c.worker_fen, orders.c.government_fen).where(
                orders.c.order_id == order_id
            )
        ).one()
    return (int(row[0]), int(row[1]), int(row[2]), int(row[3]))


# -- amounts, worked by hand from the parameters ----------------------------------------------------------------
def test_a_food_delivery_order_posts_the_published_amount(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    # parameters/occupational_injury/base_amount_per_order.yaml, from 2025-07-01: instant delivery (food delivery is
    # instant delivery) 0.07 yuan = 7 fen per order, all paid by the platform (worker_share 0, government_share 0)
    result = ingest(engine, meituan, [order("A1")], compute, hasher)
    assert (result.accepted, result.duplicate) == (1, 0)
    assert legs(engine, "A1") == {("platform_payable", 7, 0), ("occupational_injury_fund", 0, 7)}
    assert check(engine) == []


@pytest.mark.parametrize(
    ("industry", "accepted_at", "fen"),
    [
        ("ride_hailing", "2025-09-01T12:00:00+08:00", 1),  # 出行 0.01
        ("intra_city_freight", "2025-09-01T12:00:00+08:00", 18),  # 同城货运 0.18
        ("instant_delivery", "2025-09-01T12:00:00+08:00", 7),  # 即时配送 0.07 (low band)
        ("food_delivery", "2025-06-30T12:00:00+08:00", 6),  # before 2025-07-01: 0.06 placeholder (UNVERIFIED)
        ("food_delivery", "2025-06-30T16:30:00+00:00", 7),  # 2025-07-01 00:30 in CST: the new amount
    ],
)
def test_amounts_by_industry_and_by_the_cst_day(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher, industry: str, accepted_at: str, fen: int
) -> None:
    accepted = dt.datetime.fromisoformat(accepted_at)
    done = (accepted + dt.timedelta(minutes=20)).isoformat()
    ingest(
        engine, meituan, [order("X", industry=industry, accepted_at=accepted_at, completed_at=done)], compute, hasher
    )
    assert legs(engine, "X") == {("platform_payable", fen, 0), ("occupational_injury_fund", 0, fen)}


def test_a_worker_share_overlay_is_rounded_to_the_fen_per_order(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    # the 'individual + platform' scenario's 30 %: 0.07 × 0.3 = 0.021 → 0.02 (2 fen, half-up); the platform the rest
    ingest(engine, meituan, [order("S1")], compute, hasher, overrides={"occupational_injury.worker_share": 0.3})
    assert legs(engine, "S1") == {
        ("platform_payable", 5, 0),
        ("worker_share", 2, 0),
        ("occupational_injury_fund", 0, 7),
    }
    assert check(engine) == []


def test_an_order_outside_the_pilot_is_recorded_without_a_levy_or_cover(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    # Gansu (620000) had not joined the pilot on 2025-09-01 (parameters/occupational_injury/pilot/in_force.yaml)
    ingest(engine, meituan, [order("G1", region="620000")], compute, hasher)
    assert legs(engine, "G1") == set()
    assert counts(engine)["orders"] == 1
    assert worker_days(engine, hasher.hash(WORKER_A), dt.date(2025, 9, 1), dt.date(2025, 9, 1)) == []
    assert check(engine) == []


# -- validation: the whole batch refused, every bad field named --------------------------------------------------
def test_a_malformed_batch_is_refused_whole_naming_each_field(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    bad_id = WORKER_A[:17] + ("0" if WORKER_A[17] != "0" else "1")
    batch = [
        order("ok"),
        order("b1", worker_id_number=bad_id),
        order("b2", industry="livestreaming"),
        order("b3", region="999999"),
        order("b4", completed_at="2025-09-01T11:00:00+08:00"),
        order("b5", accepted_at="2025-10-02T12:00:00+08:00", completed_at="2025-10-02T12:30:00+08:00"),
        order("b6", accepted_at="2025-09-01T12:00:00"),  # no offset
        {"order_id": "b7"},
    ]
    with pytest.raises(BatchInvalid) as raised:
        ingest(engine, meituan, batch, compute, hasher)
    fields = {error.field for error in raised.value.errors}
    assert {
        "orders[1].worker_id_number",
        "orders[2].industry",
        "orders[3].region",
        "orders[4].completed_at",
        "orders[5].accepted_at",
        "orders[5].completed_at",
        "orders[6].accepted_at",
        "orders[7].worker_id_number",
        "orders[7].region",
    } <= fields
    assert "orders[0]" not in str(raised.value)
    assert bad_id not in str(raised.value)
    assert counts(engine)["orders"] == 0


def test_an_oversize_batch_is_refused(engine: Engine, meituan: int, compute: Compute, hasher: IdHasher) -> None:
    with pytest.raises(BatchTooLarge):
        ingest(engine, meituan, [order(f"o{i}") for i in range(10_001)], compute, hasher)


def test_an_unknown_platform_is_refused(engine: Engine, compute: Compute, hasher: IdHasher) -> None:
    with pytest.raises(UnknownPlatform):
        ingest(engine, 999, [order("A1")], compute, hasher)


# -- idempotency -------------------------------------------------------------------------------------------------
def test_the_same_order_again_is_a_duplicate(engine: Engine, meituan: int, compute: Compute, hasher: IdHasher) -> None:
    ingest(engine, meituan, [order("A1"), order("A2")], compute, hasher)
    before = counts(engine)
    # the same instant in another offset, and a lower-case check character, are the same payload
    again = order("A1", accepted_at="2025-09-01T04:00:00+00:00", worker_id_number=WORKER_A.lower())
    result = ingest(engine, meituan, [again, order("A3")], compute, hasher)
    assert (result.accepted, result.duplicate) == (1, 1)
    assert [(r.order_id, r.status) for r in result.results] == [("A1", "duplicate"), ("A3", "accepted")]
    after = counts(engine)
    assert (after["orders"], after["postings"]) == (before["orders"] + 1, before["postings"] + 2)
    replay = ingest(engine, meituan, [order("A1"), order("A2"), order("A3")], compute, hasher)
    assert (replay.batch_id, replay.accepted, replay.duplicate) == (None, 0, 3)
    assert counts(engine) == after
    assert check(engine) == []


def test_a_repeat_inside_one_batch_is_a_duplicate(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    result = ingest(engine, meituan, [order("A1"), order("A1")], compute, hasher)
    assert [r.status for r in result.results] == ["accepted", "duplicate"]
    assert counts(engine)["orders"] == 1


def test_a_different_payload_under_a_recorded_id_refuses_the_batch(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    ingest(engine, meituan, [order("A1"), order("A2")], compute, hasher)
    before = counts(engine)
    batch = [order("A3"), order("A1", region="440300"), order("A2", worker_id_number=WORKER_B)]
    with pytest.raises(OrderConflict) as raised:
        ingest(engine, meituan, batch, compute, hasher)
    assert raised.value.order_ids == ["A1", "A2"]
    assert counts(engine) == before  # A3 not written either
    with pytest.raises(OrderConflict):
        ingest(engine, meituan, [order("A4"), order("A4", industry="ride_hailing")], compute, hasher)
    assert counts(engine) == before


def test_order_ids_are_per_platform(engine: Engine, meituan: int, compute: Compute, hasher: IdHasher) -> None:
    eleme = add_platform(engine, "饿了么", "eleme").id
    ingest(engine, meituan, [order("A1")], compute, hasher)
    result = ingest(engine, eleme, [order("A1", region="440300")], compute, hasher)
    assert result.accepted == 1


# -- atomicity ---------------------------------------------------------------------------------------------------
def test_a_failure_mid_batch_leaves_nothing_written(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(engine, meituan, [order("A1")], compute, hasher)
    before = counts(engine)

    def crash(*args: Any) -> None:  # after the batch, workers and orders are inserted, before the postings
        raise RuntimeError("injected failure")

    monkeypatch.setattr(ingest_module.store, "insert_postings", crash)
    with pytest.raises(RuntimeError, match="injected"):
        ingest(engine, meituan, [order("A2", worker_id_number=WORKER_B), order("A3")], compute, hasher)
    assert counts(engine) == before
    monkeypatch.undo()
    result = ingest(engine, meituan, [order("A2", worker_id_number=WORKER_B), order("A3")], compute, hasher)
    assert result.accepted == 2
    assert check(engine) == []


# -- covered days (按日参保) --------------------------------------------------------------------------------------
def test_two_platforms_on_the_same_day_cover_one_day(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    eleme = add_platform(engine, "饿了么", "eleme").id
    ingest(
        engine,
        meituan,
        [order("M1"), order("M2", accepted_at="2025-09-01T23:59:00+08:00", completed_at="2025-09-02T00:20:00+08:00")],
        compute,
        hasher,
    )
    ingest(engine, eleme, [order("E1", accepted_at="2025-09-01T08:00:00+08:00")], compute, hasher)
    ingest(
        engine,
        eleme,
        [
            order(
                "E2",
                accepted_at="2025-09-01T16:00:00+00:00",  # 2025-09-02 00:00 CST
                completed_at="2025-09-01T16:30:00+00:00",
            )
        ],
        compute,
        hasher,
    )
    days = worker_days(engine, hasher.hash(WORKER_A), dt.date(2025, 8, 1), dt.date(2025, 9, 30))
    assert [(d.day, d.orders_by_platform) for d in days] == [
        (dt.date(2025, 9, 1), {meituan: 2, eleme: 1}),
        (dt.date(2025, 9, 2), {eleme: 1}),
    ]
    assert worker_days(engine, hasher.hash(WORKER_B), dt.date(2025, 8, 1), dt.date(2025, 9, 30)) == []
    assert check(engine) == []


def test_covered_days_are_the_covered_orders_counted_and_cannot_be_written_apart(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    """Migration 0008: `covered_days` is a view over `orders` — an order outside the pilot (Gansu, 620000, in
    September 2025) covers no day, and the days cannot be changed except by the orders they count."""
    ingest(engine, meituan, [order("SH1"), order("SH2"), order("GS1", region="620000")], compute, hasher)
    with engine.connect() as connection:
        assert connection.execute(select(covered_days.c.day, covered_days.c.orders)).all() == [(dt.date(2025, 9, 1), 2)]
        with pytest.raises(DatabaseError):
            connection.execute(update(covered_days).values(orders=5))
        connection.rollback()
        with pytest.raises(DatabaseError):
            connection.execute(covered_days.delete())
        connection.rollback()
        connection.execute(update(orders).where(orders.c.order_id == "SH2").values(covered=0))
        assert connection.execute(select(covered_days.c.orders)).scalar_one() == 1


# -- invariants --------------------------------------------------------------------------------------------------
def test_a_mixed_batch_keeps_every_invariant(engine: Engine, meituan: int, compute: Compute, hasher: IdHasher) -> None:
    workers_ = [id_number(f"31011519900307{i:03d}") for i in range(20)]
    batch = [
        order(
            f"o{i}",
            worker_id_number=workers_[i % 20],
            industry=("food_delivery", "ride_hailing", "intra_city_freight")[i % 3],
            region=("310000", "440300", "500000", "620000")[i % 4],
            accepted_at=f"2025-{7 + i % 3:02d}-{1 + i % 28:02d}T10:00:00+08:00",
            completed_at=f"2025-{7 + i % 3:02d}-{1 + i % 28:02d}T11:00:00+08:00",
        )
        for i in range(300)
    ]
    result = ingest(engine, meituan, batch, compute, hasher)
    assert result.accepted == 300
    assert check(engine) == []
    with engine.connect() as connection:
        fund = connection.execute(select(func.sum(postings.c.credit_fen))).scalar_one()
        owed = connection.execute(select(func.sum(orders.c.levy_fen)).where(orders.c.covered == 1)).scalar_one()
    assert fund == owed > 0


def test_check_finds_planted_breaches(engine: Engine, meituan: int, compute: Compute, hasher: IdHasher) -> None:
    first = ingest(engine, meituan, [order("A1"), order("A2"), order("A3")], compute, hasher)
    second = ingest(engine, meituan, [order("B1")], compute, hasher)
    with engine.begin() as connection:
        connection.execute(
            update(postings)
            .where(postings.c.batch_id == first.batch_id, postings.c.credit_fen > 0)
            .values(credit_fen=postings.c.credit_fen + 1)
        )  # unbalanced, and not the sum of the orders' amounts
        connection.execute(postings.delete().where(postings.c.batch_id == second.batch_id))  # orders without postings
        connection.execute(  # postings without orders: no ride-hailing order in the first batch
            insert(postings).values(
                batch_id=first.batch_id,
                platform_id=meituan,
                province="31",
                industry="ride_hailing",
                month=dt.date(2025, 9, 1),
                account="worker_share",
                debit_fen=2,
                credit_fen=0,
            )
        )
    breaches = check(engine)
    found = {(b.invariant, b.detail.split(":")[0]) for b in breaches}
    assert ("balanced", f"batch {first.batch_id}") in found
    assert ("balanced", "all postings") in found
    group = f"platform {meituan} province 31"
    assert ("order_postings", f"batch {first.batch_id} {group} food_delivery 2025-09") in found
    assert ("order_postings", f"batch {second.batch_id} {group} food_delivery 2025-09") in found
    assert ("order_postings", f"batch {first.batch_id} {group} ride_hailing 2025-09") in found
    assert any("fund 0 credited (fen), its orders' amounts from the rules" in b.detail for b in breaches)


# -- platforms and the audit log -----------------------------------------------------------------------------------
def test_a_platform_key_is_shown_once_and_stored_hashed(engine: Engine) -> None:
    new = add_platform(engine, "滴滴出行", "didi")
    assert platform_by_key(engine, new.key) == new.id
    assert platform_by_key(engine, new.key + "x") is None
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT key_hash FROM platforms")).scalar_one()
    assert new.key not in stored


def test_the_audit_log_is_append_only_and_holds_no_id_number(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    ingest(engine, meituan, [order("A1")], compute, hasher)
    with engine.connect() as connection:
        details = [row.detail for row in connection.execute(select(audit_log.c.detail))]
    assert len(details) == 2 and all(WORKER_A not in d for d in details)
    for statement in (update(audit_log).values(actor="someone else"), audit_log.delete()):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(statement)
    assert counts(engine)["audit_log"] == 2


def test_one_rules_call_per_batch_with_each_day_and_place(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    calls: list[dict[str, Any]] = []

    def counting(inputs: Any, outputs: Any, **options: Any) -> Any:
        calls.append(options)
        return compute(inputs, outputs, **options)

    batch = [
        order("A1"),
        order("A2", region="440300", accepted_at="2025-06-30T10:00:00+08:00", completed_at="2025-06-30T10:30:00+08:00"),
        order("A3", accepted_at="2025-09-01T18:00:00+08:00", completed_at="2025-09-01T18:30:00+08:00"),  # as A1
    ]
    ingest_batch(engine, meituan, batch, compute=counting, hasher=hasher, now=NOW)
    assert len(calls) == 1  # each distinct (industry, day, place) once, in the order they first occur
    assert [str(d) for d in calls[0]["date"]] == ["2025-09-01", "2025-06-30"]
    assert list(calls[0]["region"]) == ["310000", "440300"]
    assert amounts(engine, "A3") == amounts(engine, "A1") == (7, 7, 0, 0)
    # A1 and A3 share an account group (batch, Shanghai, food delivery, 2025-09): its postings carry their sum
    assert legs(engine, "A1") == {("platform_payable", 14, 0), ("occupational_injury_fund", 0, 14)}
    ingest_batch(engine, meituan, batch, compute=counting, hasher=hasher, now=NOW)
    assert len(calls) == 1  # a batch of duplicates asks the rules nothing


def test_order_ids_with_quotes_and_backslashes_are_stored_as_sent(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    # the bulk paths quote nothing by hand except COPY's backslash; every printable ASCII character must survive
    odd = ["back\\slash", 'quo"te', "apo'strophe", "tab\\tnot-a-tab", "~!@#$%^&*()_+{}|:<>?`-=[];,./"]
    result = ingest(engine, meituan, [order(o) for o in odd], compute, hasher)
    assert result.accepted == len(odd)
    with engine.connect() as connection:
        assert sorted(connection.execute(select(orders.c.order_id)).scalars()) == sorted(odd)
        stored = connection.execute(select(orders.c.accepted_at, orders.c.cover_day).limit(1)).one()
    assert stored.accepted_at.replace(tzinfo=None) == dt.datetime(2025, 9, 1, 4, 0)  # UTC, as SQLAlchemy writes it
    assert stored.cover_day == dt.date(2025, 9, 1)
    replay = ingest(engine, meituan, [order(o) for o in odd], compute, hasher)
    assert (replay.accepted, replay.duplicate) == (0, len(odd))
    assert check(engine) == []


class _Race(Exception):
    sqlstate = "23505"  # PostgreSQL's unique violation: a concurrent batch recorded the same order first


def test_a_batch_that_loses_a_race_is_tried_again_from_the_start(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_insert = ingest_module.store.insert_orders
    attempts: list[int] = []

    def first_attempt_loses(connection: Any, new: Any, workers: Any) -> Any:
        attempts.append(len(new.columns))
        if len(attempts) == 1:
            real_insert(connection, new, workers)  # written, then lost: the transaction must roll all of it back
            raise IntegrityError("INSERT INTO orders …", {}, _Race())
        return real_insert(connection, new, workers)

    monkeypatch.setattr(ingest_module.store, "insert_orders", first_attempt_loses)
    result = ingest(engine, meituan, [order("A1"), order("A2")], compute, hasher)
    assert (result.accepted, attempts) == (2, [2, 2])
    assert counts(engine)["orders"] == 2 and counts(engine)["batches"] == 1
    assert check(engine) == []


def test_a_batch_whose_keys_collide_in_the_database_is_tried_again_and_finds_them_recorded(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a concurrent batch recorded A1 between this batch's lookup and its writes: the lookup is made to miss it once,
    # so the keys' COPY (PostgreSQL) or the orders' INSERT (SQLite) meets the unique key
    ingest(engine, meituan, [order("A1")], compute, hasher)
    real_lookup = ingest_module.store.recorded_payloads
    lookups: list[int] = []

    def misses_once(connection: Any, platform: int, order_ids: list[str]) -> dict[str, str]:
        lookups.append(len(order_ids))
        return {} if len(lookups) == 1 else real_lookup(connection, platform, order_ids)

    monkeypatch.setattr(ingest_module.store, "recorded_payloads", misses_once)
    before = counts(engine)
    if engine.dialect.name == "sqlite":  # the write lock makes this impossible: the error is raised, not retried
        with pytest.raises(IntegrityError):
            ingest(engine, meituan, [order("A1"), order("A2")], compute, hasher)
        assert counts(engine) == before
        return
    result = ingest(engine, meituan, [order("A1"), order("A2")], compute, hasher)  # PostgreSQL: lost a race, retried
    assert (result.accepted, result.duplicate, lookups) == (1, 1, [2, 2])
    assert counts(engine)["orders"] == before["orders"] + 1
    assert check(engine) == []


def test_any_other_database_error_is_raised_at_once(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def broken(connection: Any, new: Any, workers: Any) -> None:
        calls.append(1)
        raise IntegrityError("INSERT INTO orders …", {}, Exception("NOT NULL constraint failed"))

    monkeypatch.setattr(ingest_module.store, "insert_orders", broken)
    with pytest.raises(IntegrityError):
        ingest(engine, meituan, [order("A1")], compute, hasher)
    assert calls == [1]
    assert counts(engine)["batches"] == 0
