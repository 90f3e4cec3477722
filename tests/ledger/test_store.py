"""The rows the ingest path derives in memory before writing (`store.postings_of`), checked against a per-order
reading of the rules of double entry; and a batch sent in several COPY chunks, on both databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from gigcover.ledger import store
from gigcover.ledger.check import check
from gigcover.ledger.contract import OrderColumns
from gigcover.ledger.contributions import Compute, OrderAmounts
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import ingest_batch
from gigcover.ledger.platforms import add_platform

from .ledger_cases import WORKER_A, WORKER_B, id_number, order

NOW = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)

# an order: covered or not, and its payers' shares in fen (the levy is their sum, as the rules guarantee)
ORDER = st.tuples(st.booleans(), st.integers(0, 30), st.integers(0, 3), st.integers(0, 3))


def amounts_of(rows: list[tuple[bool, int, int, int]]) -> OrderAmounts:
    covered = np.array([row[0] for row in rows], dtype=bool)
    platform, worker, government = (np.array([row[i] for row in rows], dtype=np.int64) for i in (1, 2, 3))
    levy = np.where(covered, platform + worker + government, 0)
    zero = np.zeros(len(rows), np.int64)
    return OrderAmounts(
        covered,
        levy,
        levy,
        np.where(covered, platform, 0),
        np.where(covered, worker, 0),
        np.where(covered, government, 0),
        zero.astype(bool),
        zero,
    )


# where an order is: a region, an industry and a CST day (two months), each from a few
PLACE = st.tuples(
    st.sampled_from(["310000", "310104", "440300", "500000"]),
    st.sampled_from(["food_delivery", "ride_hailing"]),
    st.sampled_from(["2025-08-31", "2025-09-01", "2025-09-30"]),
)


def columns_of(places: list[tuple[str, str, str]]) -> OrderColumns:
    accepted = np.array([f"{day}T04:00:00" for _, _, day in places], dtype="datetime64[us]")  # noon CST
    return OrderColumns(
        order_id=[f"o{i}" for i in range(len(places))],
        worker_id_number=[WORKER_A] * len(places),
        industry=[industry for _, industry, _ in places],
        region=[region for region, _, _ in places],
        accepted_at=accepted,
        completed_at=accepted,
    )


@given(st.lists(st.tuples(ORDER, PLACE), max_size=40))
def test_postings_sum_each_groups_orders_legs_with_zero_legs_left_out(
    rows: list[tuple[tuple[bool, int, int, int], tuple[str, str, str]]],
) -> None:
    amounts = amounts_of([row for row, _ in rows])
    legs = store.postings_of(columns_of([place for _, place in rows]), amounts)
    sums: dict[tuple[str, str, str], list[int]] = {}
    for (covered, platform, worker, government), (region, industry, day) in rows:  # per order, as posted per order
        levy = platform + worker + government
        if covered and levy:
            group = sums.setdefault((region[:2], industry, day[:7] + "-01"), [0, 0, 0, 0])
            for leg, fen in enumerate((platform, worker, government, levy)):
                group[leg] += fen
    expected = [
        (*group, leg, 0 if leg == 3 else fen, fen if leg == 3 else 0)
        for group, legs_fen in sorted(sums.items())
        for leg, fen in enumerate(legs_fen)
        if fen
    ]
    months = [str(month) for month in legs.month.tolist()]
    found = list(
        zip(
            legs.province,
            legs.industry,
            months,
            legs.leg.tolist(),
            legs.debit_fen.tolist(),
            legs.credit_fen.tolist(),
            strict=True,
        )
    )
    assert found == expected
    assert int(legs.debit_fen.sum()) == int(legs.credit_fen.sum()) == int(amounts.levy[amounts.covered].sum())


def test_a_batch_sent_in_several_copy_chunks_is_recorded_whole(
    engine: Engine, compute: Compute, hasher: IdHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "COPY_CHUNK_ROWS", 3)  # PostgreSQL: 10 orders and their keys in chunks of 3 rows
    platform = add_platform(engine, "美团", "meituan").id
    other_worker = id_number("50010319950615789")
    batch: list[dict[str, Any]] = [
        order(f"C{i}", worker_id_number=(WORKER_A, WORKER_B, other_worker)[i % 3], region=("310000", "620000")[i % 2])
        for i in range(10)
    ]
    result = ingest_batch(engine, platform, batch, compute=compute, hasher=hasher, now=NOW)
    assert (result.accepted, result.duplicate) == (10, 0)
    with engine.connect() as connection:
        recorded = connection.execute(text("SELECT order_id, covered, levy_fen FROM orders ORDER BY id")).all()
        days = connection.execute(text("SELECT orders FROM covered_days ORDER BY orders")).scalars().all()
        fund = connection.execute(
            text("SELECT sum(credit_fen) FROM postings WHERE account = 'occupational_injury_fund'")
        ).scalar_one()
    # in the batch's order; Shanghai (31) covered at 7 fen, Gansu (62) outside the pilot in September 2025
    assert [(row[0], row[1], row[2]) for row in recorded] == [(f"C{i}", 1 - i % 2, 7 * (1 - i % 2)) for i in range(10)]
    assert int(fund) == 35 and sorted(days) == [1, 2, 2]  # C0, C6 (worker A); C2, C8 (other); C4 (B)
    assert check(engine) == []


def test_the_binary_copy_writes_every_value_as_sent(engine: Engine, compute: Compute, hasher: IdHasher) -> None:
    """PostgreSQL's COPY in binary format (`store.binary_copy_rows`): order ids of every length 1–64 with the
    characters the text format escaped (backslash) or quoted, three industries (rows of different layouts), times to
    the microsecond in several zones, two provinces; each value reads back as sent, a replay finds every order with
    its payload (all duplicates), `check` is clean. SQLite writes the same batch its own way: the same answers."""
    platform = add_platform(engine, "美团", "meituan").id
    industries = ("food_delivery", "ride_hailing", "intra_city_freight")
    zones = ("+08:00", "+00:00", "-05:30")
    batch = [
        order(
            (f"{i}" + "\\'\"x" * 16)[: max(len(f"{i}"), 1 + i % 64)],  # unique, 1–64 characters
            worker_id_number=(WORKER_A, WORKER_B)[i % 2],
            industry=industries[i % 3],
            region=("310000", "440300")[i % 2],
            accepted_at=f"2025-09-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:07.{i:06d}{zones[i % 3]}",
            completed_at=f"2025-09-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:59.999999{zones[i % 3]}",
        )
        for i in range(130)
    ]
    result = ingest_batch(engine, platform, batch, compute=compute, hasher=hasher, now=NOW)
    assert (result.accepted, result.duplicate) == (130, 0)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT order_id, industry, region, accepted_at, completed_at, cover_day, platform_id FROM orders")
        ).all()
    sent = {
        o["order_id"]: (
            o["industry"],
            o["region"],
            dt.datetime.fromisoformat(o["accepted_at"]),
            dt.datetime.fromisoformat(o["completed_at"]),
            dt.datetime.fromisoformat(o["accepted_at"]).astimezone(dt.timezone(dt.timedelta(hours=8))).date(),
            platform,
        )
        for o in batch
    }
    recorded = {row[0]: (row[1], row[2], _aware(row[3]), _aware(row[4]), _day(row[5]), row[6]) for row in rows}
    assert recorded == sent
    again = ingest_batch(engine, platform, batch, compute=compute, hasher=hasher, now=NOW)
    assert (again.accepted, again.duplicate) == (0, 130)
    assert check(engine) == []


def _aware(moment: Any) -> dt.datetime:
    """A time read back: SQLite's are naive UTC, PostgreSQL's aware."""
    found = dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def _day(day: Any) -> dt.date:
    return dt.date.fromisoformat(day) if isinstance(day, str) else day


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    strings=st.lists(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=64), max_size=40),
)
def test_the_text_arrays_built_by_numpy_read_back_as_sent(engine: Engine, strings: list[str]) -> None:
    """PostgreSQL: `store.text_array` (the elements grouped by length: the same multiset, any order), through
    `SELECT %b`, empty arrays and strings included."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's binary arrays only")
    with engine.connect() as connection:
        texts = connection.exec_driver_sql("SELECT %b::text[]", (store.text_array(strings),)).scalar_one()
    assert sorted(texts) == sorted(strings)
