"""Server settings from the environment, and the bind policy.

The API binds 127.0.0.1 by default. It refuses any other address unless `ANPO_API_TOKEN`
is set; when a token is set, every write (POST) must carry `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

TOKEN_ENV = "ANPO_API_TOKEN"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_BODY_BYTES = 1_048_576  # request bodies larger than this get 413
MAX_BATCH = 1000  # scenarios in one POST /v1/assess
MAX_TRIALS = 10_000_000  # trials in one simulation run
MAX_SEED = 2**63 - 1


class BindRefused(ValueError):
    """The server would listen beyond loopback without a token."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    database_url: str | None = None  # None: $ANPO_DATABASE_URL or the default SQLite file
    run_workers: int = 1  # simulation runs executed at once by this server

    @classmethod
    def from_env(cls) -> Settings:
        return cls(token=os.environ.get(TOKEN_ENV) or None)


def check_bind(host: str, token: str | None) -> None:
    """Raise BindRefused when `host` is not loopback and no token is set."""
    if not is_loopback(host) and not token:
        raise BindRefused(
            f"refusing to listen on {host}: only loopback addresses are allowed unless "
            f"{TOKEN_ENV} is set (then every write needs it)"
        )
