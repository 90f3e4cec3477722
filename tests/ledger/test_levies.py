"""Bands, levy statements and their rounding, access tokens and migration 0002, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select, text

from gigcover.ledger import bands as bands_module
from gigcover.ledger import ids
from gigcover.ledger.access import Role, authenticate, issue_admin_token, issue_worker_token
from gigcover.ledger.bands import (
    Band,
    BandConflict,
    BandInvalid,
    BandSetting,
    parse_ratio,
    set_band,
    settings_of,
    validate_setting,
)
from gigcover.ledger.check import check
from gigcover.ledger.contributions import Compute
from gigcover.ledger.db import connect, migrate
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import ingest_batch
from gigcover.ledger.levies import MonthInvalid, levy_statement, month_span, posted_levies
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import orders, platform_bands
from gigcover.ledger.worker_records import contributions_of, covered_days_of

from .ledger_cases import WORKER_A, WORKER_B, order

NOW = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
JULY = dt.date(2025, 7, 1)


def ingest(engine: Engine, platform: int, batch: list[dict[str, Any]], compute: Compute, hasher: IdHasher) -> Any:
    return ingest_batch(engine, platform, batch, compute=compute, hasher=hasher, now=NOW)


def setting(platform: int, province: str, band: Band = Band.STANDARD, ratio_bp: int = 0) -> BandSetting:
    return BandSetting(platform, province, JULY, band, ratio_bp)


@pytest.fixture
def meituan(engine: Engine) -> int:
    return add_platform(engine, "美团", "meituan").id


@pytest.fixture
def didi(engine: Engine) -> int:
    return add_platform(engine, "滴滴", "didi").id


def fund_of(engine: Engine, order_id: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(orders.c.levy_fen).where(orders.c.order_id == order_id)).scalar_one())


# -- bands price the orders --------------------------------------------------------------------------------------
def test_the_high_band_and_a_ratio_price_the_orders_of_that_province_only(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    # 人社部发〔2025〕24号: instant delivery 0.07 (standard) or 0.25 (high band). Shanghai high band → 25 fen;
    # Guangdong standard +15 % → 0.0805 yuan → 8 fen (half-up); Chongqing has no setting → 7 fen.
    set_band(engine, setting(meituan, "310000", Band.HIGH))
    set_band(engine, setting(meituan, "440000", Band.STANDARD, 1500))
    ingest(engine, meituan, [order("SH"), order("SZ", region="440300"), order("CQ", region="500000")], compute, hasher)
    assert [fund_of(engine, o) for o in ("SH", "SZ", "CQ")] == [25, 8, 7]
    with engine.connect() as connection:
        row = connection.execute(
            select(orders.c.high_band, orders.c.floating_ratio_bp, orders.c.base_fen).where(orders.c.order_id == "SZ")
        ).one()
    assert tuple(row) == (0, 1500, 7)
    assert check(engine) == []


def test_a_band_applies_from_its_day_until_the_next(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    set_band(engine, BandSetting(meituan, "310000", dt.date(2025, 9, 2), Band.HIGH, 0))
    set_band(engine, BandSetting(meituan, "310000", dt.date(2025, 9, 4), Band.STANDARD, 1000))
    days = {"d1": "01", "d2": "02", "d3": "03", "d4": "04"}
    batch = [
        order(o, accepted_at=f"2025-09-{d}T12:00:00+08:00", completed_at=f"2025-09-{d}T12:30:00+08:00")
        for o, d in days.items()
    ]
    ingest(engine, meituan, batch, compute, hasher)
    # 7 before any setting; 25 in the high band (2nd, 3rd); 0.07 × 1.1 = 0.077 → 8 fen from the 4th
    assert [fund_of(engine, o) for o in days] == [7, 25, 25, 8]


def test_a_setting_that_would_reprice_posted_orders_is_refused_and_changes_nothing(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    ingest(engine, meituan, [order("A1")], compute, hasher)  # 2025-09-01, Shanghai, standard band
    with pytest.raises(BandConflict, match="1 orders from 2025-09-01"):
        set_band(engine, setting(meituan, "310000", Band.HIGH))
    assert settings_of(engine, meituan) == []
    # the same band as posted, or from a later day, or in another province, is fine
    set_band(engine, setting(meituan, "310000"))
    set_band(engine, BandSetting(meituan, "310000", dt.date(2025, 9, 2), Band.HIGH, 0))
    set_band(engine, setting(meituan, "440000", Band.HIGH))
    assert len(settings_of(engine, meituan)) == 3


def test_setting_the_same_day_again_replaces_it(engine: Engine, meituan: int) -> None:
    set_band(engine, setting(meituan, "310000", Band.HIGH))
    set_band(engine, setting(meituan, "310000", Band.STANDARD, -500))
    assert settings_of(engine, meituan) == [setting(meituan, "310000", Band.STANDARD, -500)]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(platform_bands)).scalar_one() == 1


def test_two_admins_setting_the_same_band_at_once_are_served_one_after_the_other(
    engine: Engine, meituan: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # both threads are held inside their transaction, after the repricing check and before the write, until the
    # other arrives (or 2 s pass): without serialization both find no row for the day and both insert it (a unique
    # violation, or on SQLite a stale snapshot); with it the second waits for the first and replaces its setting
    meeting = threading.Barrier(2, timeout=2)
    real_check = bands_module._refuse_repricing

    def held(connection: Any, wanted: BandSetting) -> None:
        real_check(connection, wanted)
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait()

    monkeypatch.setattr(bands_module, "_refuse_repricing", held)
    wanted = [setting(meituan, "310000", Band.HIGH, 1500), setting(meituan, "310000", Band.STANDARD, -500)]
    errors: list[BaseException] = []

    def admin(one: BandSetting) -> None:
        try:
            set_band(engine, one, actor="admin")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=admin, args=(one,)) for one in wanted]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    final = settings_of(engine, meituan)
    assert len(final) == 1 and final[0] in wanted  # one row for the day: the last one written
    with engine.connect() as connection:
        audited = connection.execute(text("SELECT count(*) FROM audit_log WHERE action = 'platform.band'")).scalar()
    assert audited == 2


def test_an_unknown_platform_is_refused(engine: Engine) -> None:
    with pytest.raises(LookupError, match="platform 99"):
        set_band(engine, setting(99, "310000"))


@pytest.mark.parametrize(
    ("value", "bp"), [(0.15, 1500), ("-0.1", -1000), ("0.0001", 1), (0, 0), ("3", 30000), ("-0.9", -9000)]
)
def test_ratios_are_kept_exactly_in_ten_thousandths(value: Any, bp: int) -> None:
    assert parse_ratio(value) == bp


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0.00001", "at most 4 decimal places"),
        (3.5, "between -0.9 and 3"),  # the rules' bounds of occupational_injury_float_ratio
        (-0.95, "between -0.9 and 3"),
        ("abc", "expected a number"),
        ("nan", "finite"),
        (True, "expected a number"),
        (None, "expected a number"),
    ],
)
def test_bad_ratios_are_named(value: Any, message: str) -> None:
    with pytest.raises(BandInvalid, match=message) as raised:
        parse_ratio(value)
    assert raised.value.errors[0].field == "floating_ratio"


def test_a_bad_setting_names_every_field() -> None:
    with pytest.raises(BandInvalid) as raised:
        validate_setting(1, "310100", "2025-13-01", "top", "x")
    assert [e.field for e in raised.value.errors] == ["province", "effective_from", "band", "floating_ratio"]


# -- the statement ------------------------------------------------------------------------------------------------
def test_the_statement_reconciles_to_the_fen_and_shows_the_rounding(
    engine: Engine, meituan: int, didi: int, compute: Compute, hasher: IdHasher
) -> None:
    set_band(engine, setting(meituan, "440000", Band.STANDARD, 1500))  # 0.0805 yuan per order
    set_band(engine, setting(didi, "500000", Band.STANDARD, -6000))  # ride-hailing 0.01 × 0.4 = 0.004 yuan
    ingest(engine, meituan, [order(f"M{i}", region="440300") for i in range(3)], compute, hasher)
    ingest(engine, meituan, [order("M-SH")], compute, hasher)
    ingest(engine, didi, [order(f"D{i}", industry="ride_hailing", region="500000") for i in range(2)], compute, hasher)
    ingest(engine, didi, [order("G", industry="ride_hailing", region="620000")], compute, hasher)  # outside the pilot
    statement = levy_statement(engine, "2025-09", compute)
    rows = {(r.platform, r.province): r for r in statement.rows}
    guangdong = rows[("美团", "440000")]
    # 3 orders × 8 fen = 24 fen posted; the month's formula 3 × 0.0805 = 0.2415 → 24 fen: no difference yet
    assert (guangdong.orders, guangdong.base_amount_fen, guangdong.floating_ratio) == (3, 7, Decimal("0.15"))
    assert (guangdong.amount_fen, guangdong.month_formula_fen, guangdong.per_order_fen) == (24, 24, Decimal("8.05"))
    assert rows[("美团", "310000")].amount_fen == 7
    chongqing = rows[("滴滴", "500000")]
    # 0.004 yuan = 0.4 fen per order rounds to 0: two covered orders pay nothing
    assert (chongqing.orders, chongqing.amount_fen, chongqing.per_order_fen) == (2, 0, Decimal("0.4"))
    assert statement.orders_outside_pilot == 1
    assert statement.amount_fen == 31
    assert any("0.4 fen is below 1 fen" in w and "pays nothing" in w for w in statement.warnings)
    assert any("8.05 fen per order is rounded to 8 fen" in w for w in statement.warnings)
    start, end = month_span("2025-09")
    with engine.connect() as connection:
        assert sum(posted_levies(connection, start, end).values()) == statement.amount_fen
    assert check(engine) == []


def test_rounding_per_order_differs_from_the_months_formula_and_says_by_how_much(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    # 20 orders at 0.0805 yuan: per order 8 fen each → 160 fen; the month's formula 20 × 0.0805 = 1.61 yuan → 161 fen
    set_band(engine, setting(meituan, "440000", Band.STANDARD, 1500))
    ingest(engine, meituan, [order(f"M{i}", region="440300") for i in range(20)], compute, hasher)
    (row,) = levy_statement(engine, "2025-09", compute).rows
    assert (row.amount_fen, row.month_formula_fen, row.rounding_difference_fen) == (160, 161, -1)


def test_a_platform_sees_only_its_rows_and_other_months_are_empty(
    engine: Engine, meituan: int, didi: int, compute: Compute, hasher: IdHasher
) -> None:
    ingest(engine, meituan, [order("M")], compute, hasher)
    ingest(engine, didi, [order("D", industry="ride_hailing")], compute, hasher)
    assert {r.platform for r in levy_statement(engine, "2025-09", compute, meituan).rows} == {"美团"}
    assert levy_statement(engine, "2025-08", compute).rows == []


@pytest.mark.parametrize("month", ["2025-9", "2025-13", "202509", "", "abcd-ef"])
def test_a_bad_month_is_refused(month: str) -> None:
    with pytest.raises(MonthInvalid, match="YYYY-MM"):
        month_span(month)


def test_a_month_has_its_calendar_days() -> None:
    assert month_span("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert month_span("2025-12") == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))


def test_check_finds_a_statement_that_disagrees_with_the_postings(
    engine: Engine, meituan: int, compute: Compute, hasher: IdHasher
) -> None:
    ingest(engine, meituan, [order("A1")], compute, hasher)
    with engine.begin() as connection:  # tamper: the order's recorded levy no longer matches its postings
        connection.execute(text("UPDATE orders SET levy_fen = 9, platform_fen = 9 WHERE order_id = 'A1'"))
    assert {b.invariant for b in check(engine)} >= {"levies", "order_postings"}


ORDER_IDS = itertools.count()
PLACES = ("310000", "440300", "500000", "620000")  # Gansu outside the pilot on these days
INDUSTRIES = ("food_delivery", "ride_hailing", "intra_city_freight", "instant_delivery")


@st.composite
def batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    size = draw(st.integers(1, 25))
    batch = []
    for _ in range(size):
        day = draw(st.integers(1, 30))
        minute = draw(st.integers(0, 24 * 60 - 31))
        accepted = dt.datetime(2025, 9, day, tzinfo=dt.timezone(dt.timedelta(hours=8))) + dt.timedelta(minutes=minute)
        batch.append(
            order(
                f"H{next(ORDER_IDS)}",
                worker_id_number=draw(st.sampled_from((WORKER_A, WORKER_B))),
                industry=draw(st.sampled_from(INDUSTRIES)),
                region=draw(st.sampled_from(PLACES)),
                accepted_at=accepted.isoformat(),
                completed_at=(accepted + dt.timedelta(minutes=30)).isoformat(),
            )
        )
    return batch


@settings(max_examples=12)
@given(st.lists(batches(), min_size=1, max_size=3), st.sampled_from((0, 1500, -6000, 3333)))
def test_any_batches_give_a_statement_equal_to_the_postings(
    engine: Engine, compute: Compute, hasher: IdHasher, sent: list[list[dict[str, Any]]], ratio_bp: int
) -> None:
    platform = add_platform(engine, f"P{next(ORDER_IDS)}", "meituan").id
    set_band(engine, setting(platform, "440000", Band.HIGH, ratio_bp))
    set_band(engine, setting(platform, "500000", Band.STANDARD, -ratio_bp // 2))
    for batch in sent:
        ingest(engine, platform, batch, compute, hasher)
    statement = levy_statement(engine, "2025-09", compute, platform)
    start, end = month_span("2025-09")
    with engine.connect() as connection:
        posted = posted_levies(connection, start, end).get(platform, 0)
        covered = connection.execute(
            select(func.count()).where(orders.c.platform_id == platform, orders.c.covered == 1)
        ).scalar_one()
    assert statement.amount_fen == posted
    assert statement.orders == covered
    assert sum(r.platform_fen + r.worker_fen + r.government_fen for r in statement.rows) == posted
    assert check(engine) == []


# -- workers' records and tokens ------------------------------------------------------------------------------
def test_a_worker_token_reads_that_worker_only(
    engine: Engine, meituan: int, didi: int, compute: Compute, hasher: IdHasher
) -> None:
    ingest(engine, meituan, [order("A1"), order("B1", worker_id_number=WORKER_B)], compute, hasher)
    ingest(engine, didi, [order("A2", industry="ride_hailing")], compute, hasher)
    token = issue_worker_token(engine, hasher, WORKER_A.lower())
    principal = authenticate(engine, token, admin_token="")
    assert principal is not None and principal.role is Role.WORKER
    assert principal.worker_id_hash == hasher.hash(WORKER_A)
    assert principal.worker_id is not None
    (day,) = covered_days_of(engine, principal.worker_id, dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    assert day.orders_by_platform == {"美团": 1, "滴滴": 1}
    assert [(m.month, m.platform, m.orders, m.levy_fen) for m in contributions_of(engine, principal.worker_id)] == [
        ("2025-09", "滴滴", 1, 1),
        ("2025-09", "美团", 1, 7),
    ]


def test_a_token_for_a_worker_without_orders_sees_nothing(engine: Engine, hasher: IdHasher) -> None:
    principal = authenticate(engine, issue_worker_token(engine, hasher, WORKER_B), admin_token="")
    assert principal is not None and principal.worker_id is not None
    assert contributions_of(engine, principal.worker_id) == []


def test_a_bad_id_number_gets_no_token_and_writes_nothing(engine: Engine, hasher: IdHasher) -> None:
    with pytest.raises(ids.InvalidIdNumber, match="check digit"):
        issue_worker_token(engine, hasher, WORKER_A[:17] + ("1" if WORKER_A[17] != "1" else "2"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM worker_tokens")).scalar_one() == 0
        assert connection.execute(text("SELECT count(*) FROM workers")).scalar_one() == 0


def test_credentials_are_stored_hashed_and_recognised(engine: Engine, meituan: int) -> None:
    admin = issue_admin_token(engine, "ops")
    found = authenticate(engine, admin, admin_token="")
    assert found is not None and found.role is Role.ADMIN
    assert authenticate(engine, "configured-admin-secret", admin_token="configured-admin-secret") is not None
    assert authenticate(engine, "nothing", admin_token="") is None
    assert authenticate(engine, "", admin_token="") is None
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT token_hash FROM admin_tokens")).scalar_one()
    assert admin not in stored and len(stored) == 64


# -- migration 0002 on a ledger of 0001 -----------------------------------------------------------------------
def test_orders_of_0001_get_their_base_amount(tmp_path: Path, compute: Compute, hasher: IdHasher) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO platforms (id, name, key_hash, rules_platform, created_at) VALUES (1, 'p', 'h', 'other', '2025-09-01')"
            )
        )
        connection.execute(text("INSERT INTO batches VALUES (1, 1, '2025-09-01', 2, 0)"))
        connection.execute(text("INSERT INTO workers VALUES (1, 'w')"))
        for ref, covered, levy in ((1, 1, 7), (2, 0, 0)):
            connection.execute(
                text(
                    "INSERT INTO orders (id, platform_id, order_id, payload_hash, batch_id, worker_id, industry, "
                    "region, accepted_at, completed_at, cover_day, covered, levy_fen, platform_fen, worker_fen, "
                    f"government_fen) VALUES ({ref}, 1, 'o{ref}', 'h', 1, 1, 'food_delivery', '310000', "
                    f"'2025-09-01 04:00:00', '2025-09-01 04:30:00', '2025-09-01', {covered}, {levy}, {levy}, 0, 0)"
                )
            )
    migrate(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT base_fen, high_band, floating_ratio_bp FROM orders ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(7, 0, 0), (0, 0, 0)]
    engine.dispose()
