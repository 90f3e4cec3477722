"""The ledger's tables (SQLAlchemy 2 Core), the same on SQLite and PostgreSQL.

Money is INTEGER fen everywhere (分; never floats): a per-order amount of 0.07 yuan is 7. Times are stored in UTC;
`cover_day` is the order's day in China Standard Time (UTC+8), the day it covers (按日参保).
The migrations (`gigcover/ledger/migrations`) create exactly these tables; a test compares the two.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

ID = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit surrogate key; on SQLite an INTEGER PRIMARY KEY (the rowid), which is what autoincrements there."""

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Account(StrEnum):
    """The double-entry accounts of a per-order contribution (每单必保): who owes it and where it goes."""

    PLATFORM_PAYABLE = "platform_payable"  # 平台应缴
    WORKER_SHARE = "worker_share"  # 个人应缴 (zero under current law)
    GOVERNMENT_SHARE = "government_share"  # 财政补贴 (zero under current law)
    FUND = "occupational_injury_fund"  # 职业伤害保障基金（工伤保险基金单独列账）
    BENEFITS_PAID = "benefits_paid"  # 待遇支付: claims paid from the fund


platforms = Table(
    "platforms",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False, unique=True),  # SHA-256 of the platform's API key
    Column("rules_platform", String(32), nullable=False),  # the rules' platform name (meituan, …; other)
    Column("created_at", DateTime(timezone=True), nullable=False),
)

workers = Table(
    "workers",
    metadata,
    Column("id", ID, primary_key=True),
    Column("id_hash", String(64), nullable=False, unique=True),  # HMAC-SHA256 of the ID number (ids.py)
)

batches = Table(
    "batches",
    metadata,
    Column("id", ID, primary_key=True),
    Column("platform_id", ID, ForeignKey("platforms.id"), nullable=False, index=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("duplicate", Integer, nullable=False),
)

orders = Table(
    "orders",
    metadata,
    Column("id", ID, primary_key=True),
    Column("platform_id", ID, ForeignKey("platforms.id"), nullable=False),
    Column("order_id", String(64), nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("batch_id", ID, ForeignKey("batches.id"), nullable=False),  # no index: no query looks orders up by batch
    Column("worker_id", ID, ForeignKey("workers.id"), nullable=False, index=True),
    Column("industry", String(32), nullable=False),
    Column("region", String(6), nullable=False),
    Column("accepted_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=False),
    Column("cover_day", Date, nullable=False),
    Column("covered", Integer, nullable=False),  # 1: in the pilot at the order's place and day (the rules' payers)
    Column("levy_fen", BigInteger, nullable=False),
    Column("platform_fen", BigInteger, nullable=False),
    Column("worker_fen", BigInteger, nullable=False),
    Column("government_fen", BigInteger, nullable=False),
    # the platform's band in the order's province on its day (0002): 1 = the high band (高档), the floating ratio in
    # ten-thousandths (1500 = +15 %, exact), and the rules' base amount per order in fen before the ratio
    Column("high_band", Integer, nullable=False, server_default="0"),
    Column("floating_ratio_bp", Integer, nullable=False, server_default="0"),
    Column("base_fen", BigInteger, nullable=False, server_default="0"),
    UniqueConstraint("platform_id", "order_id", name="uq_orders_platform_order"),
    CheckConstraint("levy_fen = platform_fen + worker_fen + government_fen", name="shares_sum"),
    CheckConstraint("platform_fen >= 0 AND worker_fen >= 0 AND government_fen >= 0", name="shares_non_negative"),
    CheckConstraint("completed_at >= accepted_at", name="completed_after_accepted"),
)

postings = Table(
    "postings",
    metadata,
    Column("id", ID, primary_key=True),
    Column("batch_id", ID, ForeignKey("batches.id"), nullable=False),
    Column("platform_id", ID, ForeignKey("platforms.id"), nullable=False),  # the batch's platform (0006)
    Column("province", String(2), nullable=False),  # the orders' province: two digits of their GB/T 2260 region
    Column("industry", String(32), nullable=False),
    Column("month", Date, nullable=False),  # the first day of the orders' CST month (0006; PostgreSQL: the partition)
    Column("account", String(32), nullable=False),
    Column("debit_fen", BigInteger, nullable=False),
    Column("credit_fen", BigInteger, nullable=False),
    CheckConstraint(
        "debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0 OR credit_fen = 0)", name="one_side_non_negative"
    ),
)
"""Double entry per batch and account group (0006): for each (batch, province, industry, month) of a batch's
covered orders, each payer's share summed and debited to its account, the levy summed and credited to the fund.
Each order's own amounts are on its `orders` row (recorded once); `ledger check` holds the sums to them, to the fen."""

views = MetaData()
"""Views: read like tables, built by the migrations (not by `metadata`: nothing writes them)."""

covered_days = Table(
    "covered_days",
    views,
    Column("worker_id", ID, nullable=False),
    Column("day", Date, nullable=False),
    Column("platform_id", ID, nullable=False),
    Column("orders", Integer, nullable=False),
)
"""A worker's covered days (按日参保): one row per worker, CST day and platform on which they accepted a covered
order, with the count of those orders. A view over `orders` since migration 0008: the orders' own worker, day,
platform and `covered` columns, counted, so the days can never disagree with the orders they count."""


audit_log = Table(
    "audit_log",
    metadata,
    Column("id", ID, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(100), nullable=False),
    Column("detail", Text, nullable=False),  # JSON; never an ID number or a key
)

Index("ix_orders_platform_day", orders.c.platform_id, orders.c.cover_day)  # levy statements by platform and month

platform_bands = Table(
    "platform_bands",
    metadata,
    Column("id", ID, primary_key=True),
    Column("platform_id", ID, ForeignKey("platforms.id"), nullable=False),
    Column("province", String(6), nullable=False),  # GB/T 2260 province code (310000)
    Column("effective_from", Date, nullable=False),  # in force from this CST day until the next one
    Column("high_band", Integer, nullable=False),  # 1: the high band (即时配送 0.25 元/单); 0: the standard band
    Column("floating_ratio_bp", Integer, nullable=False),  # 浮动比例 in ten-thousandths of the base amount
    Column("set_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("platform_id", "province", "effective_from", name="uq_platform_bands_dated"),
    CheckConstraint("high_band IN (0, 1)", name="band_flag"),
)
"""Each platform's band and floating ratio per province, dated (the admin sets them; 以支定收 by province)."""

worker_tokens = Table(
    "worker_tokens",
    metadata,
    Column("id", ID, primary_key=True),
    Column("worker_id", ID, ForeignKey("workers.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the token (shown once)
    Column("created_at", DateTime(timezone=True), nullable=False),
)
"""Tokens issued for one worker: they read that worker's days and contributions, nothing else."""

admin_tokens = Table(
    "admin_tokens",
    metadata,
    Column("id", ID, primary_key=True),
    Column("label", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the token (shown once)
    Column("created_at", DateTime(timezone=True), nullable=False),
)
"""Tokens of the agency's administrators (bands, all platforms' levies); `GIGCOVER_ADMIN_TOKEN` is another."""

claims = Table(
    "claims",
    metadata,
    Column("id", ID, primary_key=True),
    Column("worker_id", ID, ForeignKey("workers.id"), nullable=False, index=True),
    Column("reported_by", String(100), nullable=False),  # the audit log's actor: worker:N or platform:N
    Column("reporter_platform_id", ID, ForeignKey("platforms.id"), nullable=True, index=True),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("accident_at", DateTime(timezone=True), nullable=False),
    Column("region", String(6), nullable=False),  # GB/T 2260 code of the accident's place
    Column("order_platform_id", ID, ForeignKey("platforms.id"), nullable=True),
    Column("order_id", String(64), nullable=True),  # the order named in the report, if any
    Column("description", Text, nullable=False),
    # what the ledger found at the report (1/0): within an active order, within the window around one, a covered day
    Column("in_order", Integer, nullable=False),
    Column("near_order", Integer, nullable=False),
    Column("window_minutes", Integer, nullable=False),
    Column("covered_day", Integer, nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("reason", Text, nullable=True),  # why it was rejected
    Column("outcome", Text, nullable=True),  # JSON: medical_fen, days_off, disability_grade, death, dependants
    Column("benefit", Text, nullable=True),  # JSON: the rules' items in fen, their trace and verification
    Column("benefit_fen", BigInteger, nullable=True),  # the amount paid now: the one-time items and medical costs
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("benefit_fen IS NULL OR benefit_fen >= 0", name="benefit_non_negative"),
)
"""Occupational-injury claims (职业伤害保障待遇申请), from the report to the payment (`gigcover.ledger.claims`)."""

claim_postings = Table(
    "claim_postings",
    metadata,
    Column("id", ID, primary_key=True),
    Column("claim_id", ID, ForeignKey("claims.id"), nullable=False, index=True),
    Column("account", String(32), nullable=False),
    Column("debit_fen", BigInteger, nullable=False),
    Column("credit_fen", BigInteger, nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(
        "debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0 OR credit_fen = 0)", name="one_side_non_negative"
    ),
)
"""A claim's payment, double entry: the fund debited, benefits paid (待遇支付) credited, in fen."""


# -- PostgreSQL: monthly partitions (0004), by province (0005; gigcover.ledger.partitions) ---------------------------
PARTITIONED_SHAPES: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    # table: (primary key, {index: columns}) on PostgreSQL; no other unique constraint, no foreign keys
    "orders": (
        (),  # no primary key since 0007: no query finds an order by row id; (platform, order id) is `order_keys`' key
        {"ix_orders_worker_id": ("worker_id",), "ix_orders_platform_day": ("platform_id", "cover_day")},
    ),
    "postings": (("id", "month", "province"), {}),
}

NULL_ON_POSTGRESQL: dict[str, tuple[str, ...]] = {"orders": ("payload_hash",)}
"""Columns the partitioned tables leave NULL on PostgreSQL: an order's payload fingerprint is written once there, in
`order_keys` (0009; orders recorded before keep theirs)."""

PROVINCE_COLUMN = ("orders",)
"""PostgreSQL: the tables given a stored `province` (two digits of the order's region) there, each month's
sub-partition key; `postings` has one on both databases (0006)."""


def postgresql_metadata() -> MetaData:
    """The tables as the migrations leave them on PostgreSQL: `orders` and `postings` partitioned by month, each
    month by province (`postings`' primary key contains the month and the province; `orders` has none since 0007, no
    query reading one; no foreign keys — `ledger check` verifies those references; the payload fingerprint NULL for new
    orders since 0009), and `order_keys` holding the idempotency key (platform, order id) and the fingerprint:
    unpartitioned, because a unique constraint on a partitioned table must contain its month and an order id is
    unique whatever its month. Every other table as `metadata` declares it."""
    shaped = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        if table.name not in PARTITIONED_SHAPES:
            table.to_metadata(shaped)
    for name, (key, indexes) in PARTITIONED_SHAPES.items():
        source = metadata.tables[name]
        nullable = NULL_ON_POSTGRESQL.get(name, ())
        columns = [
            Column(
                c.name,
                c.type,
                nullable=c.nullable or c.name in nullable,
                primary_key=c.name in key,
                server_default=c.server_default,
            )
            for c in source.columns
        ]
        if name in PROVINCE_COLUMN:  # 0005: the province each month is sub-partitioned by
            columns.append(Column("province", String(2), nullable=False, primary_key="province" in key))
        checks = [
            CheckConstraint(str(c.sqltext), name=c.name) for c in source.constraints if isinstance(c, CheckConstraint)
        ]
        if name == "orders":
            checks.append(CheckConstraint("province = left(region, 2)", name="province_of_region"))
        table = Table(name, shaped, *columns, *checks)
        for index_name, index_columns in indexes.items():
            Index(index_name, *(table.c[c] for c in index_columns))
    Table(
        "order_keys",
        shaped,
        Column("platform_id", ID, primary_key=True),
        Column("order_id", String(64), primary_key=True),
        Column("payload_hash", String(64), nullable=False),
        Column("cover_day", Date, nullable=False),
    )
    return shaped
