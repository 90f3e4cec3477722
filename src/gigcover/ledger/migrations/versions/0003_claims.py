"""Claims: occupational-injury claims from report to payment, and their payments' postings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", ID, primary_key=True),
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("reported_by", sa.String(100), nullable=False),
        sa.Column("reporter_platform_id", ID, nullable=True),
        sa.Column("reported_at", WHEN, nullable=False),
        sa.Column("accident_at", WHEN, nullable=False),
        sa.Column("region", sa.String(6), nullable=False),
        sa.Column("order_platform_id", ID, nullable=True),
        sa.Column("order_id", sa.String(64), nullable=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("in_order", sa.Integer, nullable=False),
        sa.Column("near_order", sa.Integer, nullable=False),
        sa.Column("window_minutes", sa.Integer, nullable=False),
        sa.Column("covered_day", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("outcome", sa.Text, nullable=True),
        sa.Column("benefit", sa.Text, nullable=True),
        sa.Column("benefit_fen", sa.BigInteger, nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name="fk_claims_worker_id_workers"),
        sa.ForeignKeyConstraint(
            ["reporter_platform_id"], ["platforms.id"], name="fk_claims_reporter_platform_id_platforms"
        ),
        sa.ForeignKeyConstraint(["order_platform_id"], ["platforms.id"], name="fk_claims_order_platform_id_platforms"),
        sa.CheckConstraint("benefit_fen IS NULL OR benefit_fen >= 0", name="ck_claims_benefit_non_negative"),
    )
    op.create_index("ix_claims_worker_id", "claims", ["worker_id"])
    op.create_index("ix_claims_reporter_platform_id", "claims", ["reporter_platform_id"])
    op.create_index("ix_claims_state", "claims", ["state"])
    op.create_table(
        "claim_postings",
        sa.Column("id", ID, primary_key=True),
        sa.Column("claim_id", ID, nullable=False),
        sa.Column("account", sa.String(32), nullable=False),
        sa.Column("debit_fen", sa.BigInteger, nullable=False),
        sa.Column("credit_fen", sa.BigInteger, nullable=False),
        sa.Column("posted_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claim_postings"),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name="fk_claim_postings_claim_id_claims"),
        sa.CheckConstraint(
            "debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0 OR credit_fen = 0)",
            name="ck_claim_postings_one_side_non_negative",
        ),
    )
    op.create_index("ix_claim_postings_claim_id", "claim_postings", ["claim_id"])


def downgrade() -> None:
    op.drop_table("claim_postings")
    op.drop_table("claims")
