"""Monthly partitions (PostgreSQL): orders, postings and covered days range-partitioned by month; the idempotency key
in an unpartitioned `order_keys`; postings carry their order's day.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

PostgreSQL: the three tables are rebuilt as partitioned tables (`gigcover.ledger.partitions`), a partition for each
month already recorded, the rows copied, then the keys and indexes built. The foreign keys of these three tables
(to platforms, batches, workers and orders) are not kept: the ingest path writes their rows from the platform, batch,
workers and orders of its own transaction, and checking each row against them was half of PostgreSQL's time per batch
(BENCHMARKS.md); `gigcover ledger check` verifies every such reference instead. `postings.cover_day` is the order's
day (the month key of the posting's partition, and what a posting's order is found by).

SQLite: only `postings.cover_day` is added (filled from the orders); its tables stay whole, with their foreign keys.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from gigcover.ledger.partitions import next_month

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ORDERS = """CREATE TABLE orders (
    id bigint NOT NULL DEFAULT nextval('orders_id_seq'),
    platform_id bigint NOT NULL, order_id varchar(64) NOT NULL, payload_hash varchar(64) NOT NULL,
    batch_id bigint NOT NULL, worker_id bigint NOT NULL, industry varchar(32) NOT NULL, region varchar(6) NOT NULL,
    accepted_at timestamptz NOT NULL, completed_at timestamptz NOT NULL, cover_day date NOT NULL,
    covered integer NOT NULL, levy_fen bigint NOT NULL, platform_fen bigint NOT NULL, worker_fen bigint NOT NULL,
    government_fen bigint NOT NULL, high_band integer NOT NULL DEFAULT 0, floating_ratio_bp integer NOT NULL DEFAULT 0,
    base_fen bigint NOT NULL DEFAULT 0,
    CONSTRAINT ck_orders_shares_sum CHECK (levy_fen = platform_fen + worker_fen + government_fen),
    CONSTRAINT ck_orders_shares_non_negative CHECK (platform_fen >= 0 AND worker_fen >= 0 AND government_fen >= 0),
    CONSTRAINT ck_orders_completed_after_accepted CHECK (completed_at >= accepted_at)
) PARTITION BY RANGE (cover_day)"""

_POSTINGS = """CREATE TABLE postings (
    id bigint NOT NULL DEFAULT nextval('postings_id_seq'),
    batch_id bigint NOT NULL, order_ref bigint NOT NULL, account varchar(32) NOT NULL,
    debit_fen bigint NOT NULL, credit_fen bigint NOT NULL, cover_day date NOT NULL,
    CONSTRAINT ck_postings_one_side_non_negative
        CHECK (debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0 OR credit_fen = 0))
) PARTITION BY RANGE (cover_day)"""

_COVERED_DAYS = """CREATE TABLE covered_days (
    worker_id bigint NOT NULL, day date NOT NULL, platform_id bigint NOT NULL, orders integer NOT NULL
) PARTITION BY RANGE (day)"""

_ORDER_KEYS = """CREATE TABLE order_keys (
    platform_id bigint NOT NULL, order_id varchar(64) NOT NULL, payload_hash varchar(64) NOT NULL,
    cover_day date NOT NULL,
    CONSTRAINT pk_order_keys PRIMARY KEY (platform_id, order_id)
)"""

_ORDER_COLUMNS = (
    "id, platform_id, order_id, payload_hash, batch_id, worker_id, industry, region, accepted_at, completed_at, "
    "cover_day, covered, levy_fen, platform_fen, worker_fen, government_fen, high_band, floating_ratio_bp, base_fen"
)

_KEYS_AND_INDEXES = (
    "ALTER TABLE orders ADD CONSTRAINT pk_orders PRIMARY KEY (id, cover_day)",
    "CREATE INDEX ix_orders_batch_id ON orders (batch_id)",
    "CREATE INDEX ix_orders_worker_id ON orders (worker_id)",
    "CREATE INDEX ix_orders_platform_day ON orders (platform_id, cover_day)",
    "ALTER TABLE postings ADD CONSTRAINT pk_postings PRIMARY KEY (id, cover_day)",
    "CREATE INDEX ix_postings_batch_id ON postings (batch_id)",
    "CREATE INDEX ix_postings_order_ref ON postings (order_ref)",
    "ALTER TABLE covered_days ADD CONSTRAINT pk_covered_days PRIMARY KEY (worker_id, day, platform_id)",
    "CREATE INDEX ix_covered_days_day ON covered_days (day)",
)


def partition_name(table: str, month: dt.date) -> str:
    """0004's names (`orders_y2025m08`), spelled here: `covered_days` is no longer partitioned after 0008."""
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def create_month(connection: sa.Connection, month: dt.date) -> None:
    """0004's months: one partition of each table a month, not sub-partitioned (0005 adds the provinces)."""
    end = next_month(month)
    for table in ("orders", "postings", "covered_days"):
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {partition_name(table, month)} PARTITION OF {table} "
            f"FOR VALUES FROM ('{month.isoformat()}') TO ('{end.isoformat()}')"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _partition_postgresql()
        return
    with op.batch_alter_table("postings") as postings:
        postings.add_column(sa.Column("cover_day", sa.Date, nullable=True))
    op.execute("UPDATE postings SET cover_day = (SELECT o.cover_day FROM orders o WHERE o.id = postings.order_ref)")
    with op.batch_alter_table("postings") as postings:
        postings.alter_column("cover_day", existing_type=sa.Date, nullable=False)


def _partition_postgresql() -> None:
    bind = op.get_bind()
    for table in ("orders", "postings", "covered_days"):
        op.execute(f"ALTER TABLE {table} RENAME TO {table}_0003")
    for sequence in ("orders_id_seq", "postings_id_seq"):
        op.execute(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
    for statement in (_ORDERS, _POSTINGS, _COVERED_DAYS, _ORDER_KEYS):
        op.execute(statement)
    months = bind.exec_driver_sql(
        "SELECT DISTINCT date_trunc('month', cover_day)::date FROM orders_0003 "
        "UNION SELECT DISTINCT date_trunc('month', day)::date FROM covered_days_0003"
    )
    for (month,) in months.all():
        create_month(bind, month if isinstance(month, dt.date) else dt.date.fromisoformat(str(month)))
    op.execute(f"INSERT INTO orders ({_ORDER_COLUMNS}) SELECT {_ORDER_COLUMNS} FROM orders_0003")
    op.execute(
        "INSERT INTO order_keys (platform_id, order_id, payload_hash, cover_day) "
        "SELECT platform_id, order_id, payload_hash, cover_day FROM orders_0003"
    )
    op.execute(
        "INSERT INTO postings (id, batch_id, order_ref, account, debit_fen, credit_fen, cover_day) "
        "SELECT p.id, p.batch_id, p.order_ref, p.account, p.debit_fen, p.credit_fen, o.cover_day "
        "FROM postings_0003 p JOIN orders_0003 o ON o.id = p.order_ref"
    )
    op.execute("INSERT INTO covered_days SELECT worker_id, day, platform_id, orders FROM covered_days_0003")
    for table in ("postings", "covered_days", "orders"):
        op.execute(f"DROP TABLE {table}_0003")
    for statement in _KEYS_AND_INDEXES:
        op.execute(statement)
    op.execute("ALTER SEQUENCE orders_id_seq OWNED BY orders.id")
    op.execute("ALTER SEQUENCE postings_id_seq OWNED BY postings.id")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        raise NotImplementedError("0004 is not undone on PostgreSQL: restore the ledger from a backup made before it")
    with op.batch_alter_table("postings") as postings:
        postings.drop_column("cover_day")
