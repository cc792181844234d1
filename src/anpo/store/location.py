"""Where the run store lives: `ANPO_DATABASE_URL`, else a SQLite file in the user's data dir.

The default file is `$XDG_DATA_HOME/anpo/anpo.db`, or `~/.local/share/anpo/anpo.db` when
XDG_DATA_HOME is unset. The store holds what users asked, so it is private: the `anpo` data
directory is 0700 and a SQLite file (with its -wal and -shm files) 0600.
PostgreSQL: `postgresql+psycopg://user:pass@host/db` (a bare `postgresql://` URL is taken to mean
the psycopg 3 driver).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_URL = "ANPO_DATABASE_URL"


def default_sqlite_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "anpo" / "anpo.db"


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def database_url(url: str | None = None) -> str:
    """The URL to open: the argument, else $ANPO_DATABASE_URL, else the default SQLite file."""
    chosen = url or os.environ.get(ENV_URL)
    if chosen:
        return normalize_url(chosen)
    path = default_sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.chmod(0o700)  # the anpo folder is ours alone (mkdir's mode obeys the umask)
    return f"sqlite:///{path}"


def make_private(url: str) -> None:
    """Create a SQLite database file (and its WAL companions) readable by its owner only."""
    if not url.startswith("sqlite") or "///" not in url:
        return
    name = url.split("///", 1)[1].split("?", 1)[0]
    if name in ("", ":memory:"):
        return
    for suffix in ("", "-wal", "-shm"):
        # The companions come and go: another process's last connection removes them when it
        # closes. They are opened only if there, and the mode set through the open file, so
        # one removed meanwhile is skipped (a path's exists-then-chmod failed on it, 100 times
        # in 367,000 opens beside two writing processes) and none is created here.
        try:
            fd = os.open(name + suffix, os.O_RDWR | (0 if suffix else os.O_CREAT), 0o600)
        except FileNotFoundError:
            if not suffix:
                raise
            continue
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
