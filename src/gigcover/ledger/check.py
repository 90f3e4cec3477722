"""The ledger's invariants (`gigcover ledger check` later): each breach found, none when the books are right.

1. Double entry: debits = credits, in each batch and in all.
2. Postings = orders × per-order amounts: each account group's postings (batch, province, industry, month; migration
   0006) equal the sums of the amounts recorded from the rules on that group's covered orders (platform, worker,
   government shares debited; the levies credited to the fund), to the fen, so the totals agree too.
3. No postings without covered orders behind them: a group whose orders are all outside the pilot has none.
4. Levies = postings: each month's levy statement (from the orders' recorded amounts) equals, per platform, the
   fund's credits posted for that month's orders.
5. Claims: each paid claim's payment debits the fund and credits benefits paid by exactly its benefit; a claim not
   paid has no payment postings.
6. References: each order's platform, batch (of that platform) and worker exist; each posting's batch exists, of the
   posting's platform; on PostgreSQL each order has its idempotency key in `order_keys` (same day, and same payload
   where the order's row still has one: since 0009 it is written to the key only) and each key its order. The
   database enforces these with foreign keys on SQLite; on PostgreSQL the partitioned tables carry none (migration
   0004: the ingest path writes them from rows of its own transaction, and the checks cost half the database's
   time), so they are verified here.

Covered days (按日参保) need no invariant of their own since migration 0008: they are a view counting the covered
orders per worker, day and platform, so they cannot disagree with the orders (whose references are checked in 6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, case, func, literal, or_, select

from gigcover.ledger.levies import posted_levies, statement_rows
from gigcover.ledger.schema import Account, claim_postings, claims, orders, postings
from gigcover.ledger.store import LEG_ACCOUNTS


@dataclass(frozen=True)
class Breach:
    invariant: str  # "balanced", "order_postings", "levies", "claim_payments", "references"
    detail: str


def check(engine: Engine) -> list[Breach]:
    """Every breach of the invariants (empty: the books balance)."""
    with engine.connect() as connection:
        return [
            *_unbalanced(connection),
            *_order_postings(connection),
            *_levies(connection),
            *_claim_payments(connection),
            *_references(connection),
        ]


def _unbalanced(connection: Connection) -> list[Breach]:
    debit, credit = func.coalesce(func.sum(postings.c.debit_fen), 0), func.coalesce(func.sum(postings.c.credit_fen), 0)
    found = [
        Breach("balanced", f"batch {row.batch_id}: debits {row.debit} fen ≠ credits {row.credit} fen")
        for row in connection.execute(
            select(postings.c.batch_id, debit.label("debit"), credit.label("credit"))
            .group_by(postings.c.batch_id)
            .having(debit != credit)
            .order_by(postings.c.batch_id)
        )
    ]
    total = connection.execute(select(debit, credit)).one()
    if total[0] != total[1]:
        found.append(Breach("balanced", f"all postings: debits {total[0]} fen ≠ credits {total[1]} fen"))
    return found


GroupKey = tuple[int, int, str, str, dt.date]
"""An account group of postings: batch, platform, province, industry, first day of the month."""


def _order_postings(connection: Connection) -> list[Breach]:
    """Each account group whose postings differ from the sums of its covered orders' amounts (either side may be
    missing: postings without orders, orders without postings)."""
    posted, owed = _posted_by_group(connection), _owed_by_group(connection)
    nothing = (0, 0, 0, 0)
    return [
        Breach(
            "order_postings",
            f"batch {key[0]} platform {key[1]} province {key[2]} {key[3]} {key[4]:%Y-%m}: postings "
            f"{_legs_text(posted.get(key, nothing))}, its orders' amounts from the rules "
            f"{_legs_text(owed.get(key, nothing))}",
        )
        for key in sorted(set(posted) | set(owed))
        if posted.get(key, nothing) != owed.get(key, nothing)
    ]


def _legs_text(legs: tuple[int, ...]) -> str:
    return "platform {} / worker {} / government {} debited, fund {} credited (fen)".format(*legs)


def _posted_by_group(connection: Connection) -> dict[GroupKey, tuple[int, ...]]:
    """Each account group's postings: the payers' debits and the fund's credit."""

    def leg(account: Account) -> ColumnElement[Any]:
        side = postings.c.credit_fen if account is Account.FUND else postings.c.debit_fen
        return func.sum(case((postings.c.account == account.value, side), else_=literal(0)))

    keys = (postings.c.batch_id, postings.c.platform_id, postings.c.province, postings.c.industry, postings.c.month)
    rows = connection.execute(select(*keys, *(leg(account) for account in LEG_ACCOUNTS)).group_by(*keys))
    return {(int(r[0]), int(r[1]), str(r[2]), str(r[3]), r[4]): tuple(int(v) for v in r[5:]) for r in rows}


def _owed_by_group(connection: Connection) -> dict[GroupKey, tuple[int, ...]]:
    """Each account group's sums of its covered orders' recorded amounts (grouped by day in SQL, by month here)."""
    province = func.substr(orders.c.region, 1, 2)
    keys = (orders.c.batch_id, orders.c.platform_id, province, orders.c.industry, orders.c.cover_day)
    shares = (orders.c.platform_fen, orders.c.worker_fen, orders.c.government_fen, orders.c.levy_fen)
    rows = connection.execute(
        select(*keys, *(func.sum(share) for share in shares)).where(orders.c.covered == 1).group_by(*keys)
    )
    owed: dict[GroupKey, tuple[int, ...]] = {}
    for row in rows:
        key = (int(row[0]), int(row[1]), str(row[2]), str(row[3]), row[4].replace(day=1))
        before = owed.get(key, (0, 0, 0, 0))
        owed[key] = tuple(a + int(b) for a, b in zip(before, row[5:], strict=True))
    return {key: legs for key, legs in owed.items() if any(legs)}


def _levies(connection: Connection) -> list[Breach]:
    first, last = connection.execute(select(func.min(orders.c.cover_day), func.max(orders.c.cover_day))).one()
    if first is None:
        return []
    found = []
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        stated: dict[int, int] = {}
        for row in statement_rows(connection, month, end, None):
            stated[row.platform_id] = stated.get(row.platform_id, 0) + row.amount_fen
        posted = posted_levies(connection, month, end)
        for platform_id in sorted(set(stated) | set(posted)):
            if stated.get(platform_id, 0) != posted.get(platform_id, 0):
                found.append(
                    Breach(
                        "levies",
                        f"{month:%Y-%m} platform {platform_id}: statement {stated.get(platform_id, 0)} fen ≠ "
                        f"postings {posted.get(platform_id, 0)} fen",
                    )
                )
        month = following
    return found


def _claim_payments(connection: Connection) -> list[Breach]:
    def leg(account: Account, side: Any) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((claim_postings.c.account == account.value, side), else_=literal(0))), 0)

    paid = (
        select(
            claim_postings.c.claim_id,
            leg(Account.FUND, claim_postings.c.debit_fen).label("fund"),
            leg(Account.BENEFITS_PAID, claim_postings.c.credit_fen).label("benefits"),
            func.sum(claim_postings.c.debit_fen).label("debit"),
            func.sum(claim_postings.c.credit_fen).label("credit"),
        )
        .group_by(claim_postings.c.claim_id)
        .subquery()
    )
    owed = case((claims.c.state == "paid", claims.c.benefit_fen), else_=literal(0))
    rows = connection.execute(
        select(
            claims.c.id, claims.c.state, owed.label("owed"), paid.c.fund, paid.c.benefits, paid.c.debit, paid.c.credit
        )
        .select_from(claims.outerjoin(paid, paid.c.claim_id == claims.c.id))
        .where(
            or_(
                func.coalesce(paid.c.fund, 0) != owed,
                func.coalesce(paid.c.benefits, 0) != owed,
                func.coalesce(paid.c.debit, 0) != func.coalesce(paid.c.credit, 0),
            )
        )
        .order_by(claims.c.id)
    )
    return [
        Breach(
            "claim_payments",
            f"claim {row.id} ({row.state}): owes {row.owed} fen, postings debit the fund {row.fund or 0} and credit "
            f"benefits paid {row.benefits or 0} fen",
        )
        for row in rows
    ]


SHOWN = 20
"""Rows named per broken reference (the count says how many in all)."""

_REFERENCES = (
    (
        "order without its platform",
        "SELECT o.platform_id, o.order_id FROM orders o WHERE NOT EXISTS "
        "(SELECT 1 FROM platforms p WHERE p.id = o.platform_id)",
    ),
    (
        "order without its batch (of its platform)",
        "SELECT o.platform_id, o.order_id FROM orders o WHERE NOT EXISTS "
        "(SELECT 1 FROM batches b WHERE b.id = o.batch_id AND b.platform_id = o.platform_id)",
    ),
    (
        "order without its worker",
        "SELECT o.platform_id, o.order_id FROM orders o WHERE NOT EXISTS "
        "(SELECT 1 FROM workers w WHERE w.id = o.worker_id)",
    ),
    (
        "posting without its batch (of its platform)",
        "SELECT p.id, p.batch_id FROM postings p WHERE NOT EXISTS "
        "(SELECT 1 FROM batches b WHERE b.id = p.batch_id AND b.platform_id = p.platform_id)",
    ),
)

_KEY_REFERENCES = (
    (
        "order without its idempotency key",
        "SELECT o.platform_id, o.order_id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_keys k "
        "WHERE k.platform_id = o.platform_id AND k.order_id = o.order_id AND k.cover_day = o.cover_day "
        "AND (o.payload_hash IS NULL OR o.payload_hash = k.payload_hash))",
    ),
    (
        "idempotency key without its order",
        "SELECT k.platform_id, k.order_id FROM order_keys k WHERE NOT EXISTS (SELECT 1 FROM orders o "
        "WHERE o.platform_id = k.platform_id AND o.order_id = k.order_id AND o.cover_day = k.cover_day)",
    ),
)


def _references(connection: Connection) -> list[Breach]:
    queries = _REFERENCES + (_KEY_REFERENCES if connection.dialect.name == "postgresql" else ())
    found = []
    for what, query in queries:
        rows = connection.exec_driver_sql(query).all()
        found += [Breach("references", f"{what}: {row[0]} {row[1]}") for row in rows[:SHOWN]]
        if len(rows) > SHOWN:
            found.append(Breach("references", f"{what}: {len(rows) - SHOWN} more"))
    return found
