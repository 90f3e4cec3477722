"""Opening a ledger database and bringing its schema up to date (Alembic).

SQLite is the embedded default: WAL journal (readers never block the writer), foreign keys on, a busy timeout so a
second writer waits instead of failing. PostgreSQL is reached with psycopg 3 (`postgresql+psycopg://…`).

Which database: `--db URL`, else `GIGCOVER_DATABASE_URL`, else the embedded SQLite file `gigcover.db` in the current
directory. Its ID-hashing key: `GIGCOVER_ID_HASH_KEY`, else (SQLite only) a key file generated beside the database.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url

from gigcover.ledger.ids import KEY_ENV, KEY_FILE, IdHasher

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 32 * 1024
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
DATABASE_URL_ENV = "GIGCOVER_DATABASE_URL"
DEFAULT_URL = "sqlite:///gigcover.db"


def resolve_url(option: str | None = None) -> str:
    """The database to use: the `--db` option, else `GIGCOVER_DATABASE_URL`, else the embedded SQLite file."""
    return option or os.environ.get(DATABASE_URL_ENV) or DEFAULT_URL


def data_dir(url: str) -> Path | None:
    """The folder of an SQLite database file (where its generated key file lives); None for any other database."""
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return None if not database or database == ":memory:" else Path(database).resolve().parent


def id_hasher(url: str) -> tuple[IdHasher, Path | None]:
    """The ID-hashing key for this database, and the key file's path if it was generated just now.

    `LookupError` (naming `GIGCOVER_ID_HASH_KEY`) when there is neither a configured key nor an SQLite folder."""
    folder = data_dir(url)
    generated = None
    if not os.environ.get(KEY_ENV) and folder is not None and not (folder / KEY_FILE).exists():
        generated = folder / KEY_FILE
    return IdHasher.from_environment(folder), generated


def connect(url: str, **engine_options: Any) -> Engine:
    """An engine for `url`; a plain `postgresql://` URL is given the psycopg 3 driver."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, **engine_options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, foreign keys, a busy timeout; a page cache of 32 MiB per connection (SQLite's default is 2 MiB, a few
    thousand orders' worth of index pages) and the file memory-mapped (up to 256 MiB, shared by the connections
    through the OS) for the ingest path's index lookups. `synchronous` stays FULL: each committed batch is on disk
    before its result is returned (one fsync per batch)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def migrate(target: str | Engine, revision: str = "head") -> None:
    """Apply the ledger's migrations up to `revision` on a database URL or an engine."""
    from alembic import command  # imported here: alembic takes most of a second to import, and ingest needs none of it
    from alembic.config import Config

    engine = connect(target) if isinstance(target, str) else target
    config = Config()
    config.set_main_option("script_location", str(resources.files("gigcover.ledger") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    if isinstance(target, str):
        engine.dispose()
