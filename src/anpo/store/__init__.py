"""Run store: simulation runs and saved assessments (SQLAlchemy + Alembic).

SQLite file by default (`anpo.store.location.default_sqlite_path()`), PostgreSQL when
`ANPO_DATABASE_URL` is set.
"""

from anpo.store.location import database_url, default_sqlite_path
from anpo.store.store import Store

__all__ = ["Store", "database_url", "default_sqlite_path"]
