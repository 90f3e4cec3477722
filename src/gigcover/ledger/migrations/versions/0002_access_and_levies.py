"""Access and levies: worker and admin tokens, platforms' dated bands and floating ratios, each order's band.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Orders recorded under 0001 were priced in the standard band with no floating ratio, so their base amount is their
levy where the pilot covered them (0 where it did not; such orders appear in no levy statement).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("orders") as orders:
        orders.add_column(sa.Column("high_band", sa.Integer, nullable=False, server_default="0"))
        orders.add_column(sa.Column("floating_ratio_bp", sa.Integer, nullable=False, server_default="0"))
        orders.add_column(sa.Column("base_fen", sa.BigInteger, nullable=False, server_default="0"))
    op.execute("UPDATE orders SET base_fen = levy_fen WHERE covered = 1")
    op.create_index("ix_orders_platform_day", "orders", ["platform_id", "cover_day"])
    op.create_table(
        "platform_bands",
        sa.Column("id", ID, primary_key=True),
        sa.Column("platform_id", ID, nullable=False),
        sa.Column("province", sa.String(6), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("high_band", sa.Integer, nullable=False),
        sa.Column("floating_ratio_bp", sa.Integer, nullable=False),
        sa.Column("set_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_platform_bands"),
        sa.ForeignKeyConstraint(["platform_id"], ["platforms.id"], name="fk_platform_bands_platform_id_platforms"),
        sa.UniqueConstraint("platform_id", "province", "effective_from", name="uq_platform_bands_dated"),
        sa.CheckConstraint("high_band IN (0, 1)", name="ck_platform_bands_band_flag"),
    )
    op.create_table(
        "worker_tokens",
        sa.Column("id", ID, primary_key=True),
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_worker_tokens"),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name="fk_worker_tokens_worker_id_workers"),
        sa.UniqueConstraint("token_hash", name="uq_worker_tokens_token_hash"),
    )
    op.create_index("ix_worker_tokens_worker_id", "worker_tokens", ["worker_id"])
    op.create_table(
        "admin_tokens",
        sa.Column("id", ID, primary_key=True),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_admin_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_admin_tokens_token_hash"),
    )


def downgrade() -> None:
    for table in ("admin_tokens", "worker_tokens", "platform_bands"):
        op.drop_table(table)
    op.drop_index("ix_orders_platform_day", "orders")
    with op.batch_alter_table("orders") as orders:
        for column in ("base_fen", "floating_ratio_bp", "high_band"):
            orders.drop_column(column)
