"""The ledger's first tables: platforms, workers, batches, orders, postings, covered days, the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-30

Spelled out (not `metadata.create_all`) so this revision stays what it was when later ones change the schema; a test
checks that the migrated database matches `gigcover.ledger.schema`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "platforms",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("rules_platform", sa.String(32), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_platforms"),
        sa.UniqueConstraint("name", name="uq_platforms_name"),
        sa.UniqueConstraint("key_hash", name="uq_platforms_key_hash"),
    )
    op.create_table(
        "workers",
        sa.Column("id", ID, primary_key=True),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_workers"),
        sa.UniqueConstraint("id_hash", name="uq_workers_id_hash"),
    )
    op.create_table(
        "batches",
        sa.Column("id", ID, primary_key=True),
        sa.Column("platform_id", ID, nullable=False),
        sa.Column("received_at", WHEN, nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("duplicate", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_batches"),
        sa.ForeignKeyConstraint(["platform_id"], ["platforms.id"], name="fk_batches_platform_id_platforms"),
    )
    op.create_index("ix_batches_platform_id", "batches", ["platform_id"])
    _create_orders()
    _create_postings()
    op.create_table(
        "covered_days",
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("platform_id", ID, nullable=False),
        sa.Column("orders", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("worker_id", "day", "platform_id", name="pk_covered_days"),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name="fk_covered_days_worker_id_workers"),
        sa.ForeignKeyConstraint(["platform_id"], ["platforms.id"], name="fk_covered_days_platform_id_platforms"),
    )
    op.create_index("ix_covered_days_day", "covered_days", ["day"])
    op.create_table(
        "audit_log",
        sa.Column("id", ID, primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    _make_audit_log_append_only()


def _create_orders() -> None:
    op.create_table(
        "orders",
        sa.Column("id", ID, primary_key=True),
        sa.Column("platform_id", ID, nullable=False),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("payload_hash", sa.String(64), nullable=False),
        sa.Column("batch_id", ID, nullable=False),
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("industry", sa.String(32), nullable=False),
        sa.Column("region", sa.String(6), nullable=False),
        sa.Column("accepted_at", WHEN, nullable=False),
        sa.Column("completed_at", WHEN, nullable=False),
        sa.Column("cover_day", sa.Date, nullable=False),
        sa.Column("covered", sa.Integer, nullable=False),
        sa.Column("levy_fen", sa.BigInteger, nullable=False),
        sa.Column("platform_fen", sa.BigInteger, nullable=False),
        sa.Column("worker_fen", sa.BigInteger, nullable=False),
        sa.Column("government_fen", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.UniqueConstraint("platform_id", "order_id", name="uq_orders_platform_order"),
        sa.ForeignKeyConstraint(["platform_id"], ["platforms.id"], name="fk_orders_platform_id_platforms"),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name="fk_orders_batch_id_batches"),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name="fk_orders_worker_id_workers"),
        sa.CheckConstraint("levy_fen = platform_fen + worker_fen + government_fen", name="ck_orders_shares_sum"),
        sa.CheckConstraint(
            "platform_fen >= 0 AND worker_fen >= 0 AND government_fen >= 0", name="ck_orders_shares_non_negative"
        ),
        sa.CheckConstraint("completed_at >= accepted_at", name="ck_orders_completed_after_accepted"),
    )
    op.create_index("ix_orders_batch_id", "orders", ["batch_id"])
    op.create_index("ix_orders_worker_id", "orders", ["worker_id"])


def _create_postings() -> None:
    op.create_table(
        "postings",
        sa.Column("id", ID, primary_key=True),
        sa.Column("batch_id", ID, nullable=False),
        sa.Column("order_ref", ID, nullable=False),
        sa.Column("account", sa.String(32), nullable=False),
        sa.Column("debit_fen", sa.BigInteger, nullable=False),
        sa.Column("credit_fen", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_postings"),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name="fk_postings_batch_id_batches"),
        sa.ForeignKeyConstraint(["order_ref"], ["orders.id"], name="fk_postings_order_ref_orders"),
        sa.CheckConstraint(
            "debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0 OR credit_fen = 0)",
            name="ck_postings_one_side_non_negative",
        ),
    )
    op.create_index("ix_postings_batch_id", "postings", ["batch_id"])
    op.create_index("ix_postings_order_ref", "postings", ["order_ref"])


def _make_audit_log_append_only() -> None:
    """Rows of the audit log can be added, never changed or removed: a trigger refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("audit_log", "covered_days", "postings", "orders", "batches", "workers", "platforms"):
        op.drop_table(table)
