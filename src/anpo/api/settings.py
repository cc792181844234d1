"""Server settings from the environment, and the bind policy.

The API binds 127.0.0.1 by default. It refuses any other address unless `ANPO_API_TOKEN`
is set (at least 16 characters); when a token is set, every write and every read of stored
data (runs, saved assessments) must carry `Authorization: Bearer <token>`.

Requests must name a trusted host: the loopback names, the bound host, and any listed in
`ANPO_ALLOWED_HOSTS` (comma-separated; `*` allows any, only with a token). A page whose DNS
name was rebound to 127.0.0.1 sends its own name and is refused.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

TOKEN_ENV = "ANPO_API_TOKEN"
HOSTS_ENV = "ANPO_ALLOWED_HOSTS"
MIN_TOKEN_CHARS = 16
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_BODY_BYTES = 1_048_576  # request bodies larger than this get 413
MAX_BATCH = 1000  # scenarios in one POST /v1/assess
MAX_TRIALS = 10_000_000  # trials in one simulation run
MAX_SEED = 2**63 - 1
DEFAULT_RATE_LIMIT = 50.0  # requests a second to /v1/ from one non-loopback client, under `anpo serve`


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(float(raw))
    except ValueError:
        raise ValueError(f"{name}: expected a number, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name}: must be at least 1, got {raw!r}")
    return value


def _env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}: expected 1 or 0, got {raw!r}")


def _env_rate(name: str, default: float) -> float:
    """Requests a second: a positive number, or 0 (or `off`) for no limit."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw == "off":
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}: expected requests a second (or off), got {raw!r}") from None
    if not (value >= 0 and value < float("inf")):
        raise ValueError(f"{name}: must be 0 (no limit) or more, got {raw!r}")
    return value


class BindRefused(ValueError):
    """The server would listen beyond loopback without a token."""


class WeakToken(ValueError):
    """The token is too short to resist guessing."""


def check_token(token: str | None) -> None:
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise WeakToken(f"{TOKEN_ENV} must be at least {MIN_TOKEN_CHARS} characters (it has {len(token)})")


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
    host: str = DEFAULT_HOST  # the address the server is bound to (a trusted Host)
    allowed_hosts: tuple[str, ...] = ()  # more trusted Host names; "*" any (with a token)
    # Bounded work (each configurable by the environment variable named in from_env).
    max_run_work: int = 2_000_000_000  # trials x (1 + bases x salvos x missiles a base), a run
    max_run_seconds: int = 3600  # a run still going after this is stopped (failed)
    max_queued: int = 16  # live runs (queued or running) on this server
    max_queued_per_client: int = 4  # live runs one client address may have
    max_stored_runs: int = 10_000  # ended runs kept (the oldest beyond go)
    max_stored_assessments: int = 100_000  # saved assessments kept (the oldest beyond go)
    retention_days: int = 365  # ended runs and saved assessments older than this go
    # List assessments (POST /v1/assess with a list) computed at once. One leaves a CPU to
    # single requests (GET /v1/where p99 under 50 ms while 20 clients post lists, on 2 CPUs);
    # ANPO_LIST_SLOTS=<CPUs> buys list throughput from several connections at that cost.
    list_slots: int = 1
    # Lists computed in that many worker processes (anpo.api.list_pool), not in this one;
    # `anpo serve` turns it on (ANPO_LIST_PROCESSES=0 turns it off), an embedded app not.
    list_processes: bool = False
    # Requests to /v1/ a client address may make: a token bucket refilled at `rate_limit`
    # a second (0: no limit) holding `rate_burst`; loopback clients only when
    # `rate_limit_loopback` (the local user, the tests and the benchmarks are not limited).
    rate_limit: float = 0.0
    rate_burst: int = 100
    rate_limit_loopback: bool = False
    # Server processes `anpo serve` runs on one port (uvicorn's workers): more single requests
    # a second on several CPUs. Each has its own list workers, run executor and limits (rate,
    # live runs per client): the limits hold per process. The store is shared.
    processes: int = 1

    @classmethod
    def from_env(cls) -> Settings:
        hosts = tuple(h.strip().lower() for h in os.environ.get(HOSTS_ENV, "").split(",") if h.strip())
        d = cls()
        return cls(
            token=os.environ.get(TOKEN_ENV) or None, allowed_hosts=hosts,
            max_run_work=_env_int("ANPO_MAX_RUN_WORK", d.max_run_work),
            max_run_seconds=_env_int("ANPO_MAX_RUN_SECONDS", d.max_run_seconds),
            max_queued=_env_int("ANPO_MAX_QUEUED", d.max_queued),
            max_queued_per_client=_env_int("ANPO_MAX_QUEUED_PER_CLIENT", d.max_queued_per_client),
            max_stored_runs=_env_int("ANPO_MAX_STORED_RUNS", d.max_stored_runs),
            max_stored_assessments=_env_int("ANPO_MAX_STORED_ASSESSMENTS", d.max_stored_assessments),
            retention_days=_env_int("ANPO_RETENTION_DAYS", d.retention_days),
            list_slots=_env_int("ANPO_LIST_SLOTS", d.list_slots),
            list_processes=_env_flag("ANPO_LIST_PROCESSES", True),
            rate_limit=_env_rate("ANPO_RATE_LIMIT", DEFAULT_RATE_LIMIT),
            rate_burst=_env_int("ANPO_RATE_BURST", d.rate_burst),
            rate_limit_loopback=_env_flag("ANPO_RATE_LIMIT_LOOPBACK", False),
            processes=_env_int("ANPO_SERVE_PROCESSES", d.processes),
        )

    def trusted_hosts(self) -> frozenset[str] | None:
        """Host names requests may carry; None when any is allowed (a token is then required)."""
        wildcard = "*" in self.allowed_hosts or self.host in ("0.0.0.0", "::", "")  # noqa: S104
        if wildcard and self.token:
            return None
        return frozenset({*LOOPBACK_NAMES, self.host.lower(), *self.allowed_hosts} - {"*"})


def check_bind(host: str, token: str | None) -> None:
    """Raise BindRefused when `host` is not loopback and no token is set."""
    if not is_loopback(host) and not token:
        raise BindRefused(
            f"refusing to listen on {host}: only loopback addresses are allowed unless "
            f"{TOKEN_ENV} is set (then every write needs it)"
        )
