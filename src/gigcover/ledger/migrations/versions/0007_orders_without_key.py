"""PostgreSQL: the orders' primary key dropped (no query reads it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

On PostgreSQL `orders` (partitioned by month and province since 0005) carried a primary key (id, cover_day,
province): one index entry an order, of the four an order costs there. No query finds an order by its row id —
the levy statements read `ix_orders_platform_day`, a worker's contributions and a claim's orders around the accident
`ix_orders_worker_id`, the recorded payloads `order_keys`, and `gigcover ledger check` whole tables — and no table
refers to an order's row id since 0006 took `order_ref` off the postings. An order's uniqueness is kept where it is
enforced: `order_keys`' primary key (platform, order id), written in the same transaction. The row ids still come
from the orders' sequence, one each.

SQLite keeps its `INTEGER PRIMARY KEY`: it is the rowid (the table's own storage key), not an extra index.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE orders DROP CONSTRAINT pk_orders")  # with each partition's index


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE orders ADD CONSTRAINT pk_orders PRIMARY KEY (id, cover_day, province)")
