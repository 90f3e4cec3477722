"""PostgreSQL: each order's payload fingerprint written once, in `order_keys`, no longer also on its `orders` row.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

Since 0004 PostgreSQL records an order's idempotency key — platform, order id, payload fingerprint (SHA-256, 64 hex
characters), CST day — in the unpartitioned `order_keys`, in the batch's transaction, and looks recorded orders up
there; the fingerprint was also written on the order's `orders` row, where nothing reads it. That copy is 65 bytes of
every order's row and of its WAL (~9 % of the 694 bytes an order wrote): measured with two writer processes,
batches of 10,000, 96,400–96,800 → 101,500–105,600 orders/s in the same rounds.

The column stays, nullable, and new orders leave it NULL (a bit in the row's null bitmap): a query for an order's
whole row still works on both databases, and orders recorded before keep theirs (`ledger check` holds any that is
there to the key's). Dropping it would have made the shared table definition name a column PostgreSQL lacks.

SQLite keeps writing it: there `orders` itself carries the (platform, order id) key and the fingerprint beside it.
Downgrade: the fingerprints filled from `order_keys`, the column NOT NULL again.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE orders ALTER COLUMN payload_hash DROP NOT NULL")  # in every partition; no rewrite


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "UPDATE orders o SET payload_hash = k.payload_hash FROM order_keys k "
        "WHERE o.payload_hash IS NULL AND k.platform_id = o.platform_id AND k.order_id = o.order_id"
    )
    op.execute("ALTER TABLE orders ALTER COLUMN payload_hash SET NOT NULL")
