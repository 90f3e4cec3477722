"""Covered days derived from the orders: a view, no longer a table written with every batch.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

A worker's covered days (按日参保: one row per worker, CST day and platform on which they accepted a covered order,
with the count of those orders) were a table upserted by each batch — the same facts as the orders' own
`worker_id`, `cover_day`, `platform_id` and `covered` columns, written a second time, and `ledger check` held the
two to each other. Measured on PostgreSQL (`pg_walinspect` over 50,000 orders in batches of 10,000): the upsert cost
~210 of the 886 bytes of WAL an order wrote (a speculative insertion and its confirmation per new day, a row lock and
an update per day seen before, an index entry each) and ~12 % of a batch's time (23 of ~185 ms); two concurrent
batches of one platform also waited on each other's rows. As a view over `orders` the covered days cost nothing to write and cannot
disagree with the orders they count; a worker's days are read through `ix_orders_worker_id` (on PostgreSQL, in the
months asked for: the day condition reaches the orders' month partitions).

Downgrade: the table again (partitioned by month on PostgreSQL, as 0004 made it), filled from the orders.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from gigcover.ledger.partitions import next_month

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_VIEW = """CREATE VIEW covered_days AS
SELECT worker_id, cover_day AS day, platform_id, count(*) AS orders
FROM orders WHERE covered = 1
GROUP BY worker_id, cover_day, platform_id"""

_FILL = """INSERT INTO covered_days (worker_id, day, platform_id, orders)
SELECT worker_id, cover_day, platform_id, count(*) FROM orders WHERE covered = 1
GROUP BY worker_id, cover_day, platform_id"""


def upgrade() -> None:
    op.execute("DROP TABLE covered_days")  # PostgreSQL: with its monthly partitions
    op.execute(_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW covered_days")
    if op.get_bind().dialect.name == "postgresql":
        _table_postgresql()
    else:
        op.create_table(
            "covered_days",
            sa.Column("worker_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
            sa.Column("day", sa.Date, nullable=False),
            sa.Column("platform_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
            sa.Column("orders", sa.Integer, nullable=False),
            sa.PrimaryKeyConstraint("worker_id", "day", "platform_id", name="pk_covered_days"),
            sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name="fk_covered_days_worker_id_workers"),
            sa.ForeignKeyConstraint(["platform_id"], ["platforms.id"], name="fk_covered_days_platform_id_platforms"),
        )
    op.execute(_FILL)


def _table_postgresql() -> None:
    """0004's monthly partitions (0006 dropped the day index), one for each month `orders` has."""
    bind = op.get_bind()
    op.execute(
        "CREATE TABLE covered_days (worker_id bigint NOT NULL, day date NOT NULL, platform_id bigint NOT NULL, "
        "orders integer NOT NULL) PARTITION BY RANGE (day)"
    )
    months = bind.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'orders'::regclass"
    )
    for (name,) in months.all():
        suffix = str(name).removeprefix("orders_")  # y2025m08
        start = dt.date(int(suffix[1:5]), int(suffix[6:8]), 1)
        end = next_month(start)
        op.execute(
            f"CREATE TABLE covered_days_{suffix} PARTITION OF covered_days "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
    op.execute("ALTER TABLE covered_days ADD CONSTRAINT pk_covered_days PRIMARY KEY (worker_id, day, platform_id)")
