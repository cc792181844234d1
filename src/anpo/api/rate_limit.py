"""A per-client rate limit on API requests: a token bucket for each client address.

Each address has a bucket of `burst` tokens refilled at `rate` a second; a request to
`/v1/` takes one, and with none left the answer is 429 with `Retry-After` (whole seconds
until a token is back). The dashboard's own files are not counted. Loopback clients (the
local user, the tests, the benchmarks) and clients without an IP address (a Unix socket)
are exempt unless `limit_loopback`. Behind a reverse proxy every request has the proxy's
address: limit there instead.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from anpo.api.middleware import _reply

MAX_CLIENTS = 10_000  # buckets kept; beyond, the full (idle) ones are forgotten


def _local(address: str) -> bool:
    """Loopback, or not an IP address at all (a Unix socket, an in-process test client)."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return True


class TokenBuckets:
    """Token buckets by key; `take` is the wait in seconds before a token (0: taken)."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = float(max(1, burst))
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)

    def take(self, key: str) -> float:
        now = self.clock()
        tokens, when = self.buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - when) * self.rate)
        if tokens >= 1.0:
            self.buckets[key] = (tokens - 1.0, now)
            if len(self.buckets) > MAX_CLIENTS:
                self._forget_idle(now)
            return 0.0
        self.buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        for key, (tokens, when) in list(self.buckets.items()):
            if tokens + (now - when) * self.rate >= self.burst:
                del self.buckets[key]


class RateLimit:
    """429 with Retry-After for a client address over its rate (see the module)."""

    def __init__(self, app: ASGIApp, rate: float, burst: int, limit_loopback: bool = False) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate, burst) if rate > 0 else None
        self.limit_loopback = limit_loopback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.buckets is not None and scope["type"] == "http" and scope.get("path", "").startswith("/v1/"):
            client = (scope.get("client") or ("", 0))[0]
            if self.limit_loopback or not _local(client):
                wait = self.buckets.take(client)
                if wait > 0:
                    await _reply(send, 429, "too many requests from this address; retry later",
                                 [(b"retry-after", str(max(1, math.ceil(wait))).encode())])
                    return
        await self.app(scope, receive, send)


__all__ = ["RateLimit", "TokenBuckets"]
