"""The uvicorn server of `anpo serve`, with limits a slow or greedy client cannot outwait.

uvicorn bounds idle keep-alive connections and (with `limit_concurrency`) the connections
and tasks it serves at once, answering 503 beyond; it has no deadline for a request's
headers, so `HeaderDeadlineH11` closes a connection whose first request line and headers
have not all arrived `HEADER_TIMEOUT_S` after it opened. Bodies have their own read timeout
(`anpo.api.middleware.BodyLimit`).
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_S = 10.0
KEEP_ALIVE_S = 5
LIMIT_CONCURRENCY = 64  # connections and tasks at once; beyond that, 503
MAX_HEADER_BYTES = 64 * 1024
# The event loop thread asks for the GIL while a list assessment holds it in a worker
# thread; a shorter switch interval (Python's default is 5 ms) lets it back in sooner.
SWITCH_INTERVAL_S = 0.001


class HeaderDeadlineH11(H11Protocol):
    """h11 protocol that drops a connection whose request headers arrive too slowly."""

    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._deadline = self.loop.call_later(HEADER_TIMEOUT_S, self._headers_late)

    def _headers_late(self) -> None:
        if self.cycle is None and not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        super().connection_lost(exc)


def server_config(app: Any, host: str, port: int) -> uvicorn.Config:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False,
        http=HeaderDeadlineH11, timeout_keep_alive=KEEP_ALIVE_S, limit_concurrency=LIMIT_CONCURRENCY,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES, timeout_graceful_shutdown=10,
    )
