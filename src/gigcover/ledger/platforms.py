"""Platforms (平台企业) that report orders, each with an API key shown once and stored only as its SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select

from gigcover.ledger.audit import record
from gigcover.ledger.schema import platforms
from gigcover.rules.coverage.categories import Platform


@dataclass(frozen=True)
class NewPlatform:
    id: int
    key: str  # shown once; only its hash is kept


def key_hash(key: str) -> str:
    """SHA-256 of an API key: the keys are 256 random bits, so a plain hash cannot be reversed by trying keys."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def add_platform(engine: Engine, name: str, rules_platform: str = Platform.OTHER.id) -> NewPlatform:
    """Register a platform; `rules_platform` is the rules' name for it (meituan, didi, …), 'other' if not named."""
    if rules_platform not in Platform.ids():
        raise ValueError(f"rules_platform: unknown platform {rules_platform!r}; expected one of {Platform.ids()}")
    key = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        new_id = connection.execute(
            insert(platforms)
            .values(
                name=name, key_hash=key_hash(key), rules_platform=rules_platform, created_at=dt.datetime.now(dt.UTC)
            )
            .returning(platforms.c.id)
        ).scalar_one()
        record(connection, "admin", "platform.add", {"platform_id": new_id, "name": name})
    return NewPlatform(int(new_id), key)


def platform_by_key(engine: Engine, key: str) -> int | None:
    """The platform an API key belongs to, or None."""
    with engine.connect() as connection:
        found = connection.execute(select(platforms.c.id).where(platforms.c.key_hash == key_hash(key))).scalar()
    return None if found is None else int(found)
