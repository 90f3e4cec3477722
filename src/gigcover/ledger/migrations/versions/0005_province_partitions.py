"""Province sub-partitions (PostgreSQL): each month of `orders` and `postings` list-partitioned by province.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

PostgreSQL: `orders` and `postings` gain `province` (the first two digits of the order's GB/T 2260 region; on an
order a CHECK holds it to its region, a posting takes its order's) and are rebuilt: each month partition
(`gigcover.ledger.partitions`) is itself partitioned by LIST (province), with a sub-partition for each (month,
province) already recorded; the rows are copied, the old tables dropped, then the keys (now containing the province)
and indexes built. `covered_days` and `order_keys` are left as 0004 made them (a covered day has no province; the
idempotency key is unpartitioned).

SQLite: nothing (its tables stay whole).
"""

from __future__ import annotations

import datetime as dt

from alembic import op

from gigcover.ledger.partitions import create_month, create_province

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ORDERS = """CREATE TABLE orders (
    id bigint NOT NULL DEFAULT nextval('orders_id_seq'),
    platform_id bigint NOT NULL, order_id varchar(64) NOT NULL, payload_hash varchar(64) NOT NULL,
    batch_id bigint NOT NULL, worker_id bigint NOT NULL, industry varchar(32) NOT NULL, region varchar(6) NOT NULL,
    accepted_at timestamptz NOT NULL, completed_at timestamptz NOT NULL, cover_day date NOT NULL,
    covered integer NOT NULL, levy_fen bigint NOT NULL, platform_fen bigint NOT NULL, worker_fen bigint NOT NULL,
    government_fen bigint NOT NULL, high_band integer NOT NULL DEFAULT 0, floating_ratio_bp integer NOT NULL DEFAULT 0,
    base_fen bigint NOT NULL DEFAULT 0, province varchar(2) NOT NULL,
    CONSTRAINT ck_orders_shares_sum CHECK (levy_fen = platform_fen + worker_fen + government_fen),
    CONSTRAINT ck_orders_shares_non_negative CHECK (platform_fen >= 0 AND worker_fen >= 0 AND government_fen >= 0),
    CONSTRAINT ck_orders_completed_after_accepted CHECK (completed_at >= accepted_at),
    CONSTRAINT ck_orders_province_of_region CHECK (province = left(region, 2))
) PARTITION BY RANGE (cover_day)"""

_POSTINGS = """CREATE TABLE postings (
    id bigint NOT NULL DEFAULT nextval('postings_id_seq'),
    batch_id bigint NOT NULL, order_ref bigint NOT NULL, account varchar(32) NOT NULL,
    debit_fen bigint NOT NULL, credit_fen bigint NOT NULL, cover_day date NOT NULL, province varchar(2) NOT NULL,
    CONSTRAINT ck_postings_one_side_non_negative
        CHECK (debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0 OR credit_fen = 0))
) PARTITION BY RANGE (cover_day)"""

_ORDER_COLUMNS = (
    "id, platform_id, order_id, payload_hash, batch_id, worker_id, industry, region, accepted_at, completed_at, "
    "cover_day, covered, levy_fen, platform_fen, worker_fen, government_fen, high_band, floating_ratio_bp, base_fen"
)

_KEYS_AND_INDEXES = (
    "ALTER TABLE orders ADD CONSTRAINT pk_orders PRIMARY KEY (id, cover_day, province)",
    "CREATE INDEX ix_orders_batch_id ON orders (batch_id)",
    "CREATE INDEX ix_orders_worker_id ON orders (worker_id)",
    "CREATE INDEX ix_orders_platform_day ON orders (platform_id, cover_day)",
    "ALTER TABLE postings ADD CONSTRAINT pk_postings PRIMARY KEY (id, cover_day, province)",
    "CREATE INDEX ix_postings_batch_id ON postings (batch_id)",
    "CREATE INDEX ix_postings_order_ref ON postings (order_ref)",
)


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in ("orders", "postings"):
        children = bind.exec_driver_sql(
            f"SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            f"WHERE i.inhparent = '{table}'::regclass"
        )
        for (child,) in children.all():
            op.execute(f"ALTER TABLE {child} RENAME TO {child}_0004")
        op.execute(f"ALTER TABLE {table} RENAME TO {table}_0004")
    for sequence in ("orders_id_seq", "postings_id_seq"):
        op.execute(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
    op.execute(_ORDERS)
    op.execute(_POSTINGS)
    months = bind.exec_driver_sql(  # every month 0004 had partitions for, with or without orders
        "SELECT regexp_replace(c.relname, '^orders_y(\\d{4})m(\\d{2})_0004$', '\\1-\\2-01') "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'orders_0004'::regclass"
    )
    for (month,) in months.all():
        create_month(bind, _date(month))
    pairs = bind.exec_driver_sql(
        "SELECT DISTINCT date_trunc('month', cover_day)::date, left(region, 2) FROM orders_0004"
    )
    for month, province in pairs.all():
        create_province(bind, _date(month), str(province))
    op.execute(
        f"INSERT INTO orders ({_ORDER_COLUMNS}, province) SELECT {_ORDER_COLUMNS}, left(region, 2) FROM orders_0004"
    )
    op.execute(
        "INSERT INTO postings (id, batch_id, order_ref, account, debit_fen, credit_fen, cover_day, province) "
        "SELECT p.id, p.batch_id, p.order_ref, p.account, p.debit_fen, p.credit_fen, p.cover_day, left(o.region, 2) "
        "FROM postings_0004 p JOIN orders_0004 o ON o.id = p.order_ref AND o.cover_day = p.cover_day"
    )
    moved = bind.exec_driver_sql(
        "SELECT (SELECT count(*) FROM postings_0004) - (SELECT count(*) FROM postings)"
    ).scalar_one()
    if moved != 0:  # a posting without its order (`ledger check` names them): not dropped silently
        raise RuntimeError(f"{moved} postings have no order in their day; run `gigcover ledger check` and repair first")
    op.execute("DROP TABLE postings_0004")
    op.execute("DROP TABLE orders_0004")
    for statement in _KEYS_AND_INDEXES:
        op.execute(statement)
    op.execute("ALTER SEQUENCE orders_id_seq OWNED BY orders.id")
    op.execute("ALTER SEQUENCE postings_id_seq OWNED BY postings.id")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        raise NotImplementedError("0005 is not undone on PostgreSQL: restore the ledger from a backup made before it")
