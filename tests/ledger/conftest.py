"""The ledger's tests run on SQLite (a temporary file) and on PostgreSQL (127.0.0.1:5432, database `test`).

PostgreSQL: each test gets a fresh schema (dropped afterwards), so tests never meet other data. Without a server the
PostgreSQL cases skip with the reason; under CI (`CI=true`) they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

import gigcover
from gigcover.ledger.db import connect, migrate
from gigcover.ledger.ids import IdHasher

if TYPE_CHECKING:
    from gigcover.ledger.contributions import Compute

POSTGRES_URL = os.environ.get("GIGCOVER_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")


def _postgres_admin() -> Engine:
    """An engine on the test database, or skip (fail under CI) when the server cannot be reached."""
    engine = connect(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        engine.dispose()
        reason = f"PostgreSQL at {POSTGRES_URL} is not reachable ({type(error.orig).__name__})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI=true requires it")
        pytest.skip(reason)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a migrated, empty ledger on each database (another process can open it): a SQLite file, or a
    PostgreSQL schema of its own (in the URL as the connection's search path)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
        migrate(url)
        yield url
        return
    admin = _postgres_admin()
    schema = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    try:
        migrate(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated, empty ledger on each database."""
    engine = connect(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def compute() -> Compute:
    """`gigcover.compute`, as the interfaces will hand it to the ledger."""
    return gigcover.compute


@pytest.fixture
def hasher() -> IdHasher:
    return IdHasher(b"test-only-key-not-a-secret-0123456789")


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for the command line (`--db`), empty, on each database: an SQLite file in a fresh folder, or a
    fresh PostgreSQL schema (chosen by the URL's `options`), dropped afterwards."""
    (tmp_path / "cli").mkdir()
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cli' / 'ledger.db'}"
        return
    admin = _postgres_admin()
    schema = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def _migrated(engine: Engine, revision: str) -> Iterator[Engine]:
    """`engine`'s ledger migrated to `revision` only; the engine disposed of afterwards."""
    try:
        migrate(engine, revision)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def postgres_ledger_at(database_url: str, revision: str, suffix: str) -> Iterator[Engine]:
    """A ledger migrated to `revision` only, in a PostgreSQL schema beside the fixture's (its name + `suffix`),
    dropped afterwards: the starting point of a migration test."""
    schema = database_url.rsplit("%3D", 1)[1] + suffix
    admin = connect(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        with _migrated(connect(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"), revision) as engine:
            yield engine
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def ledger_at(database_url: str, folder: Path, revision: str) -> Iterator[Engine]:
    """A ledger migrated to `revision` only, on the fixture's database: an SQLite file in `folder`, or a PostgreSQL
    schema beside the fixture's (`postgres_ledger_at`) — the starting point of a migration test on both."""
    if database_url.startswith("sqlite"):
        with _migrated(connect(f"sqlite:///{folder / 'old.db'}"), revision) as engine:
            yield engine
    else:
        with postgres_ledger_at(database_url, revision, "_old") as engine:
            yield engine
