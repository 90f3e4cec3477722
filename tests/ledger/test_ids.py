"""National ID numbers (GB 11643-1999): check digits worked by hand, properties, and the keyed hash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcover.ledger import ids
from gigcover.ledger.contract import OrderIn
from gigcover.ledger.ids import IdHasher, InvalidIdNumber

TODAY = dt.date(2026, 1, 1)


def test_the_standards_example_worked_by_hand() -> None:
    # 1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5 + 0·8 + 0·4 + 2·2 = 167;
    # 167 mod 11 = 2 → 'X'
    assert ids.check_char("11010519491231002") == "X"
    assert ids.validate("11010519491231002X", TODAY) == "11010519491231002X"
    assert ids.validate(" 11010519491231002x ", TODAY) == "11010519491231002X"  # lower-case x, spaces


def test_a_second_example_worked_by_hand() -> None:
    # 4·7 + 4·9 + 0·10 + 5·5 + 2·8 + 4·4 + 1·2 + 8·1 + 8·6 + 0·3 + 0·7 + 1·9 + 0·10 + 1·5 + 0·8 + 0·4 + 1·2 = 195;
    # 195 mod 11 = 8 → '4'
    assert ids.check_char("44052418800101001") == "4"
    with pytest.raises(InvalidIdNumber, match="plausible"):  # a right check digit, but born in 1880
        ids.validate("440524188001010014", TODAY)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("11010519491231002", "18 characters"),
        ("11010519491231002X1", "18 characters"),
        ("1101051949123100AX", "digits"),
        ("110105194912310021", "check digit"),
        ("110105194902300028", "calendar date"),  # 30 February
        ("110105189912310028", "plausible"),  # born 1899
        ("110105202712310028", "plausible"),  # born after today
    ],
)
def test_invalid_numbers_say_why_without_the_number(number: str, why: str) -> None:
    with pytest.raises(InvalidIdNumber, match=why) as raised:
        ids.validate(number, TODAY)
    assert number not in str(raised.value)


digits17 = st.text(alphabet="0123456789", min_size=3, max_size=3).map(lambda region: "110105" + "19880615" + region)


@given(digits17, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_breaks_the_check(first17: str, position: int, shift: int) -> None:
    valid = first17 + ids.check_char(first17)
    changed_digit = str((int(valid[position]) + shift) % 10)
    changed = valid[:position] + changed_digit + valid[position + 1 :]
    # weights are non-zero mod 11 and 11 is prime, so changing one digit always changes the remainder
    assert changed[:17] != valid[:17]
    assert ids.check_char(changed[:17]) != valid[17]


@given(digits17, st.sampled_from(ids.CHECK_CHARS))
def test_a_wrong_check_character_is_refused(first17: str, check: str) -> None:
    if check == ids.check_char(first17):
        assert ids.validate(first17 + check, TODAY)
    else:
        with pytest.raises(InvalidIdNumber, match="check digit"):
            ids.validate(first17 + check, TODAY)


def test_the_hash_is_keyed_and_hides_the_key() -> None:
    one, other = IdHasher(b"k" * 32), IdHasher(b"j" * 32)
    assert one.hash("11010519491231002X") == one.hash("11010519491231002x")
    assert one.hash("11010519491231002X") != other.hash("11010519491231002X")
    assert len(one.hash("11010519491231002X")) == 64
    assert "k" * 16 not in repr(one)


def test_the_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ids.KEY_ENV, "an-environment-key-of-some-length")
    hashed = IdHasher.from_environment(tmp_path).hash("11010519491231002X")
    assert hashed == IdHasher(b"an-environment-key-of-some-length").hash("11010519491231002X")
    assert not (tmp_path / ids.KEY_FILE).exists()


def test_the_embedded_default_generates_a_key_file_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ids.KEY_ENV, raising=False)
    first = IdHasher.from_environment(tmp_path / "data").hash("11010519491231002X")
    key_file = tmp_path / "data" / ids.KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert IdHasher.from_environment(tmp_path / "data").hash("11010519491231002X") == first  # not regenerated
    with pytest.raises(LookupError, match=ids.KEY_ENV):
        IdHasher.from_environment(None)


def test_a_validated_order_does_not_show_its_id_number() -> None:
    valid = OrderIn.model_validate(
        {
            "order_id": "A1",
            "worker_id_number": "11010519491231002X",
            "industry": "food_delivery",
            "region": "310000",
            "accepted_at": "2025-09-01T12:00:00+08:00",
            "completed_at": "2025-09-01T12:30:00+08:00",
        },
        context={"now": dt.datetime(2025, 10, 1, tzinfo=dt.UTC)},
    )
    assert "11010519491231002X" not in repr(valid)
    assert valid.cover_day == dt.date(2025, 9, 1)


@given(st.lists(st.sampled_from(["11010519491231002X", "310115199003071239", "440304198511114563"]), max_size=5))
def test_hashing_many_canonical_numbers_gives_the_same_hashes(numbers: list[str]) -> None:
    for key in (b"a-key-for-this-test-only-0123456789", b"k" * 64, b"a key longer than a SHA-256 block " * 3):
        hasher = IdHasher(key)
        assert hasher.hash_canonical(numbers) == [hasher.hash(number) for number in numbers]
