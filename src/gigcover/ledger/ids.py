"""National ID numbers (公民身份号码, GB 11643-1999): checked by their check digit and kept only as a keyed hash.

The ledger needs to know that two platforms' orders belong to the same worker (covered once per day across all
platforms, 按日参保) without keeping the ID number itself: it stores HMAC-SHA256(key, number). A plain hash would not do:
there are few enough valid numbers (region × birth date × sequence) to hash them all. The key comes from
`GIGCOVER_ID_HASH_KEY`, or, for the embedded default, from a key file generated once in the data directory. Neither the
key nor a number is ever logged or returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
"""GB 11643-1999 §8.2: weight of each of the first 17 digits, 2^(18−i) mod 11."""

CHECK_CHARS = "10X98765432"
"""The check character for each remainder (Σ digit × weight) mod 11; 10 is written 'X'."""

KEY_ENV = "GIGCOVER_ID_HASH_KEY"
KEY_FILE = "id_hash.key"
EARLIEST_BIRTH = dt.date(1900, 1, 1)


class InvalidIdNumber(ValueError):
    """An ID number that is not 18 characters, has a wrong check digit or an impossible birth date.

    The message says what is wrong, never the number."""


def check_char(first17: str) -> str:
    """The check character (校验码) of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise(number: str) -> str:
    """The canonical form: surrounding spaces removed, a lower-case 'x' check character upper-cased."""
    return number.strip().upper()


def birth_date(number: str) -> dt.date:
    """The birth date coded in digits 7–14 (出生日期码, YYYYMMDD)."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber("the birth date in the ID number is not a calendar date") from None


def validate(number: str, today: dt.date | None = None) -> str:
    """The normalised number if it is valid; else `InvalidIdNumber` saying why (without the number)."""
    canonical = normalise(number)
    if len(canonical) != 18:
        raise InvalidIdNumber(f"an ID number has 18 characters, got {len(canonical)}")
    if not canonical[:17].isascii() or not canonical[:17].isdigit():
        raise InvalidIdNumber("the first 17 characters of an ID number are digits")
    born = birth_date(canonical)
    if not EARLIEST_BIRTH <= born <= (today or dt.date.today()):
        raise InvalidIdNumber("the birth date in the ID number is not plausible")
    if canonical[17] != check_char(canonical[:17]):
        raise InvalidIdNumber("the check digit of the ID number is wrong (GB 11643-1999)")
    return canonical


class IdHasher:
    """HMAC-SHA256 of a normalised ID number under a secret key; the key is not shown by `repr`."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the ID-hashing key must be at least 16 bytes")
        self._key = key

    def __repr__(self) -> str:
        return "IdHasher(key=<hidden>)"

    def hash(self, number: str) -> str:
        """64 hex characters; the same number (any case of 'x') always gives the same hash under one key."""
        return hmac.new(self._key, normalise(number).encode("ascii"), hashlib.sha256).hexdigest()

    def hash_canonical(self, numbers: Iterable[str]) -> list[str]:
        """`hash` of many numbers already in canonical form (`validate`'s result): the same HMAC (RFC 2104), with
        the key's inner and outer pads hashed once for all of them instead of once per number."""
        block = hashlib.sha256().block_size
        key = hashlib.sha256(self._key).digest() if len(self._key) > block else self._key
        padded = key.ljust(block, b"\0")
        inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
        outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))
        hashes = []
        for number in numbers:
            one_inner, one_outer = inner.copy(), outer.copy()
            one_inner.update(number.encode("ascii"))
            one_outer.update(one_inner.digest())
            hashes.append(one_outer.hexdigest())
        return hashes

    @classmethod
    def from_environment(cls, data_dir: Path | None = None) -> IdHasher:
        """The key from `GIGCOVER_ID_HASH_KEY`; else the key file in `data_dir`, generated on first use."""
        configured = os.environ.get(KEY_ENV)
        if configured:
            return cls(configured.encode("utf-8"))
        if data_dir is None:
            raise LookupError(f"no ID-hashing key: set {KEY_ENV} or give a data directory for a generated key file")
        return cls(_key_file(data_dir / KEY_FILE))


def _key_file(path: Path) -> bytes:
    """Read the key file, or create it (owner-only, never overwritten) with 32 random bytes as hex."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode("ascii")
