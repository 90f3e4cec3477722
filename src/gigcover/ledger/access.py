"""Who may do what: platforms (API keys), workers (tokens issued for one worker) and administrators.

Every credential is 256 random bits shown once and stored only as its SHA-256 (`platforms.key_hash`,
`worker_tokens`, `admin_tokens`): the stored hash cannot be turned back into a credential, and with so many possible
values a plain hash cannot be reversed by trying them. A worker token is issued for one worker, found by the keyed
hash of their ID number (the number itself is never stored). `GIGCOVER_ADMIN_TOKEN`, when set, is one more
administrator token (compared in constant time).

- platform: reports its orders, reads its own levies and bands;
- worker: reads their own covered days and contributions;
- admin: sets bands, reads every platform's levies, revokes tokens.

A worker or admin token is revoked by deleting its hash (`revoke_token`, or every token of a worker with
`revoke_worker_tokens`): from then on it is unknown (401), like a token never issued; the audit log keeps who revoked
which token (its row id) and when. The configured `GIGCOVER_ADMIN_TOKEN` is not in the database: it is revoked by
unsetting it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine, delete, insert, select

from gigcover.ledger import ids
from gigcover.ledger.audit import record
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.schema import admin_tokens, platforms, worker_tokens, workers

ADMIN_TOKEN_ENV = "GIGCOVER_ADMIN_TOKEN"
WORKER_PREFIX = "gcw_"  # prefixes only tell a reader what a credential is; lookup is by hash in every table
ADMIN_PREFIX = "gca_"


class Role(StrEnum):
    PLATFORM = "platform"
    WORKER = "worker"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """The holder of a valid credential."""

    role: Role
    platform_id: int | None = None  # for a platform
    worker_id: int | None = None  # for a worker
    worker_id_hash: str | None = None  # for a worker: the keyed hash of their ID number

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        if self.role is Role.PLATFORM:
            return f"platform:{self.platform_id}"
        if self.role is Role.WORKER:
            return f"worker:{self.worker_id}"
        return "admin"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_worker_token(engine: Engine, hasher: IdHasher, id_number: str) -> str:
    """A new token for the worker with this ID number (registered now if no order has named them yet).

    `ids.InvalidIdNumber` (nothing written) for a number that is not valid."""
    number = ids.validate(id_number)
    id_hash = hasher.hash(number)
    token = WORKER_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as connection:
        worker_id = connection.execute(select(workers.c.id).where(workers.c.id_hash == id_hash)).scalar()
        if worker_id is None:
            worker_id = connection.execute(insert(workers).values(id_hash=id_hash).returning(workers.c.id)).scalar_one()
        connection.execute(
            insert(worker_tokens).values(
                worker_id=worker_id, token_hash=token_hash(token), created_at=dt.datetime.now(dt.UTC)
            )
        )
        record(connection, "admin", "worker.token", {"worker_id": int(worker_id)})
    return token


def issue_admin_token(engine: Engine, label: str = "admin") -> str:
    """A new administrator token, shown once."""
    label = label.strip()
    if not label or len(label) > 100:
        raise ValueError("label: 1 to 100 characters")
    token = ADMIN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            insert(admin_tokens).values(label=label, token_hash=token_hash(token), created_at=dt.datetime.now(dt.UTC))
        )
        record(connection, "admin", "admin.token", {"label": label})
    return token


def authenticate(engine: Engine, credential: str, admin_token: str | None = None) -> Principal | None:
    """The holder of `credential` (a platform key, a worker token or an admin token), or None.

    `admin_token`: the configured administrator token (default `GIGCOVER_ADMIN_TOKEN`; "" for none)."""
    if not credential or len(credential) > 512:
        return None
    configured = os.environ.get(ADMIN_TOKEN_ENV, "") if admin_token is None else admin_token
    if configured and hmac.compare_digest(token_hash(credential), token_hash(configured)):
        return Principal(Role.ADMIN)
    digest = token_hash(credential)
    with engine.connect() as connection:
        if connection.execute(select(admin_tokens.c.id).where(admin_tokens.c.token_hash == digest)).first():
            return Principal(Role.ADMIN)
        worker = connection.execute(
            select(workers.c.id, workers.c.id_hash)
            .join(worker_tokens, worker_tokens.c.worker_id == workers.c.id)
            .where(worker_tokens.c.token_hash == digest)
        ).first()
        if worker is not None:
            return Principal(Role.WORKER, worker_id=int(worker.id), worker_id_hash=worker.id_hash)
        platform = connection.execute(select(platforms.c.id).where(platforms.c.key_hash == digest)).scalar()
    return None if platform is None else Principal(Role.PLATFORM, platform_id=int(platform))


class NotRevocable(ValueError):
    """A credential that revoking a token cannot remove (the configured admin token)."""


def revoke_token(engine: Engine, token: str, actor: str = "admin", admin_token: str | None = None) -> Role:
    """Revoke a worker or admin token (it is unknown from now on: 401); the role it had. Audited.

    `LookupError` for a token that is not (or no longer) issued; `NotRevocable` for the configured admin token."""
    configured = os.environ.get(ADMIN_TOKEN_ENV, "") if admin_token is None else admin_token
    if configured and hmac.compare_digest(token_hash(token), token_hash(configured)):
        raise NotRevocable(f"this is the configured {ADMIN_TOKEN_ENV}: unset it (and restart) to revoke it")
    digest = token_hash(token)
    with engine.begin() as connection:
        for role, table in ((Role.WORKER, worker_tokens), (Role.ADMIN, admin_tokens)):
            gone = connection.execute(delete(table).where(table.c.token_hash == digest).returning(table.c.id)).all()
            if gone:
                record(connection, actor, "token.revoke", {"role": role.value, "token_id": int(gone[0].id)})
                return role
    raise LookupError("no such token: it was never issued, or already revoked (a platform's key is not a token)")


def revoke_worker_tokens(engine: Engine, hasher: IdHasher, id_number: str, actor: str = "admin") -> int:
    """Revoke every token of the worker with this ID number; how many. Audited (the worker's id, not the number).

    `ids.InvalidIdNumber` for a number that is not valid."""
    id_hash = hasher.hash(ids.validate(id_number))
    with engine.begin() as connection:
        worker_id = connection.execute(select(workers.c.id).where(workers.c.id_hash == id_hash)).scalar()
        if worker_id is None:
            return 0
        gone = connection.execute(
            delete(worker_tokens).where(worker_tokens.c.worker_id == worker_id).returning(worker_tokens.c.id)
        ).all()
        record(
            connection,
            actor,
            "token.revoke",
            {"role": Role.WORKER.value, "worker_id": int(worker_id), "token_ids": sorted(int(r.id) for r in gone)},
        )
    return len(gone)
