"""Opening the store: an SQLAlchemy engine, and Alembic migrations shipped in the package.

SQLite runs in WAL mode, every transaction begins IMMEDIATE (it takes the write lock at once,
so two processes never interleave a read-modify-write) and waits up to 30 s for a lock.
PostgreSQL serializes concurrent migrations with an advisory lock.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 0x616E706F  # "anpo": the PostgreSQL advisory lock key of migrations
BUSY_TIMEOUT_MS = 30_000


def _wal(cur: Any) -> None:
    """Switch the file to WAL (a setting the file keeps), waiting out other processes.

    SQLite answers "database is locked" at once, without its busy handler, when two
    connections race to switch a new file to WAL or to build its shared-memory index; so
    this retries, with growing sleeps, for up to the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.001
    while True:
        try:
            mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                # the pragma answers the mode in force: the old one if it could not switch
                mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() == "wal":
                return
            failure: Exception = sqlite3.OperationalError(f"journal mode stayed {mode!r}")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            failure = exc
        if time.monotonic() + pause > deadline:
            raise failure
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            _wal(cur)
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, busy waits and immediate transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            poolclass=NullPool,
        )
        _sqlite_events(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest migration, safely if several processes start at once."""
    cfg = alembic_config()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
