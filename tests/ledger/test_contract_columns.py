"""The fast, columnar validation gives the reference model's answer: the same errors in the same order, or the same
values; and the payload fingerprints are the first slice's, byte for byte. No database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcover.ledger import ids
from gigcover.ledger.contract import INDUSTRIES, BatchInvalid, BatchTooLarge, OrderIn, validate_batch, validate_columns
from gigcover.ledger.ingest import payload_hashes

from .ledger_cases import WORKER_A, id_number, order

NOW = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)


# -- strategies: values the fast path accepts, and every near miss it must leave to the reference ----------------
def _id_numbers() -> st.SearchStrategy[Any]:
    def build(region: str, born: dt.date, sequence: int, variant: str) -> Any:
        number = id_number(f"{region}{born:%Y%m%d}{sequence:03d}")
        if variant == "lower":
            return number.lower()
        if variant == "wrong check":
            return number[:17] + ("0" if number[17] != "0" else "1")
        if variant == "padded":
            return f" {number} "
        if variant == "short":
            return number[:17]
        if variant == "feb 30":
            first17 = f"{region}{born:%Y}0230{sequence:03d}"
            return first17 + ids.check_char(first17)
        if variant == "full-width":
            return number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        if variant == "bytes":
            return number.encode()
        return number

    return st.builds(
        build,
        st.sampled_from(["310115", "440304", "110105"]),
        st.dates(dt.date(1890, 1, 1), dt.date(2026, 12, 31)),
        st.integers(0, 999),
        st.sampled_from(["plain"] * 6 + ["lower", "wrong check", "padded", "short", "feb 30", "full-width", "bytes"]),
    )


def _instants() -> st.SearchStrategy[Any]:
    def build(moment: dt.datetime, offset_minutes: int, digits: int, variant: str) -> Any:
        zone = dt.timezone(dt.timedelta(minutes=offset_minutes))
        local = moment.replace(tzinfo=dt.UTC).astimezone(zone)
        text = local.strftime("%Y-%m-%dT%H:%M:%S")
        if digits:
            text += "." + f"{local.microsecond:06d}{local.microsecond % 7}"[:digits]
        sign = "-" if offset_minutes < 0 else "+"
        offset = f"{sign}{abs(offset_minutes) // 60:02d}:{abs(offset_minutes) % 60:02d}"
        if variant == "Z" and offset_minutes == 0:
            return text + "Z"
        if variant == "naive":
            return text
        if variant == "space":
            return text.replace("T", " ") + offset
        if variant == "second 60":
            return text[:17] + "60" + offset
        if variant == "datetime":
            return local
        if variant == "number":
            return 1_756_700_000
        return text + offset

    return st.builds(
        build,
        st.datetimes(dt.datetime(1899, 12, 30), dt.datetime(2025, 10, 2)),
        st.sampled_from([0, 480, -300, 345, 14 * 60, 15 * 60, -(12 * 60)]),
        st.sampled_from([0, 0, 0, 1, 3, 6, 7]),
        st.sampled_from(["offset"] * 6 + ["Z", "naive", "space", "second 60", "datetime", "number"]),
    )


ORDER_IDS = st.one_of(
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=66),
    st.sampled_from(["A1", " A2 ", "", 'quote"d', "back\\slash", "tab\there", "订单1", "x" * 64, "x" * 65, "a\x00"]),
    st.integers(),
)


@st.composite
def raw_orders(draw: st.DrawFn) -> Any:
    fields: dict[str, Any] = {
        "order_id": draw(ORDER_IDS),
        "worker_id_number": draw(_id_numbers()),
        "industry": draw(
            st.sampled_from(["food_delivery", "ride_hailing", "intra_city_freight", " ride_hailing", "x"])
        ),
        "region": draw(
            st.sampled_from(["310000", "440300", "620000", "000000", "999999", "３１００００", " 310000", 310000])
        ),
        "accepted_at": draw(_instants()),
        "completed_at": draw(_instants()),
    }
    shape = draw(st.sampled_from(["dict"] * 12 + ["missing", "extra", "list"]))
    if shape == "missing":
        del fields["region"]
    elif shape == "extra":
        fields["tip"] = 1
    elif shape == "list":
        return list(fields.values())
    return fields


def _outcome(validate: Any, batch: list[Any]) -> Any:
    try:
        return validate(batch, NOW)
    except BatchInvalid as error:
        return [(e.field, e.message) for e in error.errors]


def _as_rows(valid: Any) -> list[tuple[Any, ...]]:
    """OrderIn models or OrderColumns as comparable rows: id, worker, industry, region, UTC µs times, cover day."""
    if isinstance(valid, list) and all(isinstance(v, OrderIn) for v in valid):
        return [
            (
                o.order_id,
                o.worker_id_number,
                o.industry,
                o.region,
                np.datetime64(o.accepted_at.replace(tzinfo=None), "us"),
                np.datetime64(o.completed_at.replace(tzinfo=None), "us"),
                np.datetime64(o.cover_day, "D"),
            )
            for o in valid
        ]
    return list(
        zip(
            valid.order_id,
            valid.worker_id_number,
            valid.industry,
            valid.region,
            valid.accepted_at,
            valid.completed_at,
            valid.cover_day,
            strict=True,
        )
    )


@given(st.lists(raw_orders(), min_size=1, max_size=12))
def test_the_columns_give_the_reference_answer(batch: list[Any]) -> None:
    reference, fast = _outcome(validate_batch, batch), _outcome(validate_columns, batch)
    if isinstance(reference, list) and reference and isinstance(reference[0], tuple):
        assert fast == reference  # the same errors, in the same order
    else:
        assert _as_rows(fast) == _as_rows(reference)


@st.composite
def valid_orders(draw: st.DrawFn) -> dict[str, Any]:
    """Orders in forms the fast path reads: any printable id, ID numbers with either case of 'x', instants in any
    offset up to ±14:00 with 0–6 digits of a second, 'Z'."""
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2025, 9, 30)))
    number = id_number(f"{draw(st.sampled_from(['310115', '440304']))}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}")
    moment = draw(st.datetimes(dt.datetime(1900, 1, 2), dt.datetime(2025, 9, 18)))  # + ≤ 11.6 days: before NOW
    offset = draw(st.integers(-14 * 60, 14 * 60))
    done = moment + dt.timedelta(seconds=draw(st.integers(1, 10**6)))  # later even with its fraction cut

    def instant(at: dt.datetime) -> str:
        local = at.replace(tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(minutes=offset)))
        digits = draw(st.integers(0, 6))
        text = local.strftime("%Y-%m-%dT%H:%M:%S") + ("." + f"{local.microsecond:06d}"[:digits] if digits else "")
        if offset == 0 and draw(st.booleans()):
            return text + "Z"
        return text + f"{'-' if offset < 0 else '+'}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"

    return {
        "order_id": draw(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=64)),
        "worker_id_number": number.lower() if draw(st.booleans()) else number,
        "industry": draw(st.sampled_from(sorted(INDUSTRIES))),
        "region": draw(st.sampled_from(["310000", "440300", "500000", "620000", "110105"])),
        "accepted_at": instant(moment),
        "completed_at": instant(done),
    }


@given(st.lists(valid_orders(), min_size=1, max_size=12))
def test_valid_orders_pass_the_fast_path_with_the_reference_values(batch: list[Any]) -> None:
    reference = validate_batch(batch, NOW)
    assert _as_rows(validate_columns(batch, NOW)) == _as_rows(reference)


def test_the_batch_itself_is_checked_as_before() -> None:
    for bad, expected in (({"orders": []}, "expected a list"), ([], "at least one order")):
        with pytest.raises(BatchInvalid, match=expected):
            validate_columns(bad, NOW)
    with pytest.raises(BatchTooLarge):
        validate_columns([order(f"o{i}") for i in range(10_001)], NOW)


def test_an_order_the_fast_path_cannot_read_is_judged_by_the_reference() -> None:
    # a space around the id, bytes for the ID number, a datetime object: pydantic's lax mode accepts all three
    batch = [
        order(" A1 ", worker_id_number=WORKER_A.encode(), accepted_at=dt.datetime(2025, 9, 1, 4, tzinfo=dt.UTC)),
        order("A2"),
    ]
    columns = validate_columns(batch, NOW)
    assert columns.order_id == ["A1", "A2"]
    assert columns.worker_id_number == [WORKER_A, WORKER_A]
    assert columns.accepted_at.tolist() == [dt.datetime(2025, 9, 1, 4), dt.datetime(2025, 9, 1, 4)]


# -- payload fingerprints ------------------------------------------------------------------------------------------
def _first_slice_payload_hash(order_in: OrderIn, id_hash: str) -> str:
    """The first slice's `_payload_hash`, copied: the bytes every recorded order's fingerprint was made from."""
    fields = {
        "order_id": order_in.order_id,
        "worker": id_hash,
        "industry": order_in.industry,
        "region": order_in.region,
        "accepted_at": order_in.accepted_at.astimezone(dt.UTC).isoformat(),
        "completed_at": order_in.completed_at.astimezone(dt.UTC).isoformat(),
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


@given(st.lists(raw_orders(), min_size=1, max_size=12))
def test_payload_hashes_are_the_first_slices(batch: list[Any]) -> None:
    try:
        reference = validate_batch(batch, NOW)
    except BatchInvalid:
        return
    hasher = ids.IdHasher(b"test-only-key-not-a-secret-0123456789")
    columns = validate_columns(batch, NOW)
    id_hash = [hasher.hash(number) for number in columns.worker_id_number]
    assert payload_hashes(columns, id_hash) == [
        _first_slice_payload_hash(o, h) for o, h in zip(reference, id_hash, strict=True)
    ]


def test_payload_hashes_escape_the_order_id_as_json_does() -> None:
    batch = [order('quo"te'), order("back\\slash"), order("A3", accepted_at="2025-09-01T12:00:00.25+08:00")]
    columns = validate_columns(batch, NOW)
    hasher = ids.IdHasher(b"test-only-key-not-a-secret-0123456789")
    id_hash = [hasher.hash(number) for number in columns.worker_id_number]
    expected = [_first_slice_payload_hash(o, h) for o, h in zip(validate_batch(batch, NOW), id_hash, strict=True)]
    assert payload_hashes(columns, id_hash) == expected


@pytest.mark.parametrize(
    "accepted", ["2025-09-01T12:00:00+08:00", "2025-09-01T12:00:00.000001+08:00", "2025-09-01T04:10:00.5Z"]
)
def test_payload_hashes_write_times_as_isoformat_whole_seconds_or_not(accepted: str) -> None:
    """A batch of whole seconds is written to the second without a loop; one time with a fraction sends the column
    through the exact path: both give `isoformat()`'s text (microseconds only when there are any)."""
    batch = [order("W1"), order("W2", accepted_at=accepted)]
    columns = validate_columns(batch, NOW)
    hasher = ids.IdHasher(b"test-only-key-not-a-secret-0123456789")
    id_hash = [hasher.hash(number) for number in columns.worker_id_number]
    expected = [_first_slice_payload_hash(o, h) for o, h in zip(validate_batch(batch, NOW), id_hash, strict=True)]
    assert payload_hashes(columns, id_hash) == expected
