"""Postings per batch and account group; the orders' batch index dropped.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Double entry was a posting per order and payer (~1.7 rows and 2 index entries an order). From here it is a posting per
batch, province, industry, month and account: each payer's share summed over the batch's covered orders in that group
and debited, the levy summed and credited to the fund. Each order's own amounts stay on its `orders` row (recorded
once), and `gigcover ledger check` holds each group's postings to the sum of its orders' amounts, to the fen; the levy
statement, summed from the orders, equals the fund's postings as before. The postings already recorded are summed into
these groups (each group keeps the smallest id of its rows), so every total is unchanged.

`postings` gains `platform_id` (the batch's), `industry` and, on SQLite, `province`; `cover_day` becomes `month` (the
first day of the orders' CST month: on PostgreSQL the monthly partition key, renamed in place); `order_ref` and the
postings' indexes go (nothing looks postings up by order or batch). Two more indexes no query needs go too:
`ix_orders_batch_id` (no query looks orders up by batch; the checks read whole tables) and `ix_covered_days_day`
(every query on covered days names the worker, whose primary key (worker, day, platform) serves it). The orders keep
`ix_orders_worker_id` (a worker's contributions, a claim's orders around the accident) and `ix_orders_platform_day`
(a platform's levy statement).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_GROUPS = """SELECT min(p.id) AS id, p.batch_id, o.platform_id, {province} AS province, o.industry,
    {month} AS month, p.account, sum(p.debit_fen) AS debit_fen, sum(p.credit_fen) AS credit_fen
FROM {postings} p JOIN orders o ON o.id = p.order_ref{same_day}
GROUP BY p.batch_id, o.platform_id, {province}, o.industry, {month}, p.account"""

_COLUMNS = "id, batch_id, platform_id, province, industry, month, account, debit_fen, credit_fen"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()
    op.drop_index("ix_orders_batch_id", table_name="orders")
    op.drop_index("ix_covered_days_day", table_name="covered_days")


def _refuse_postings_without_orders(postings: str, same_day: str) -> None:
    """A posting whose order is missing (`ledger check` names them) is not summed away silently."""
    orphans = (
        op.get_bind()
        .exec_driver_sql(
            f"SELECT count(*) FROM {postings} p WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = p.order_ref"
            f"{same_day})"
        )
        .scalar_one()
    )
    if orphans:
        raise RuntimeError(f"{orphans} postings have no order; run `gigcover ledger check` and repair first")


def _upgrade_postgresql() -> None:
    same_day = " AND o.cover_day = p.cover_day"
    _refuse_postings_without_orders("postings", same_day)
    groups = _GROUPS.format(
        province="p.province", month="date_trunc('month', p.cover_day)::date", postings="postings", same_day=same_day
    )
    op.execute(f"CREATE TEMPORARY TABLE postings_0005_groups ON COMMIT DROP AS {groups}")
    op.execute("DELETE FROM postings")
    op.execute("DROP INDEX ix_postings_batch_id")
    op.execute("ALTER TABLE postings DROP COLUMN order_ref")  # with its index
    op.execute("ALTER TABLE postings RENAME COLUMN cover_day TO month")
    op.execute("ALTER TABLE postings ADD COLUMN platform_id bigint NOT NULL, ADD COLUMN industry varchar(32) NOT NULL")
    op.execute(f"INSERT INTO postings ({_COLUMNS}) SELECT {_COLUMNS} FROM postings_0005_groups ORDER BY id")


def _upgrade_sqlite() -> None:
    _refuse_postings_without_orders("postings", "")
    op.execute("ALTER TABLE postings RENAME TO postings_0005")
    op.create_table(
        "postings",
        sa.Column("id", ID, primary_key=True),
        sa.Column("batch_id", ID, nullable=False),
        sa.Column("platform_id", ID, nullable=False),
        sa.Column("province", sa.String(2), nullable=False),
        sa.Column("industry", sa.String(32), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("account", sa.String(32), nullable=False),
        sa.Column("debit_fen", sa.BigInteger, nullable=False),
        sa.Column("credit_fen", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_postings"),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name="fk_postings_batch_id_batches"),
        sa.ForeignKeyConstraint(["platform_id"], ["platforms.id"], name="fk_postings_platform_id_platforms"),
        sa.CheckConstraint(
            "debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0 OR credit_fen = 0)",
            name="ck_postings_one_side_non_negative",
        ),
    )
    groups = _GROUPS.format(
        province="substr(o.region, 1, 2)",
        month="strftime('%Y-%m-01', o.cover_day)",
        postings="postings_0005",
        same_day="",
    )
    op.execute(f"INSERT INTO postings ({_COLUMNS}) SELECT {_COLUMNS} FROM ({groups}) ORDER BY id")
    op.execute("DROP TABLE postings_0005")  # with its indexes


def downgrade() -> None:
    raise NotImplementedError(
        "0006 is not undone: a posting per order cannot be recovered from the sums (restore from a backup made "
        "before it, or post each order's amounts from its `orders` row)"
    )
