"""The uvicorn server of `anpo serve`, with limits a slow or greedy client cannot outwait.

uvicorn bounds idle keep-alive connections and (with `limit_concurrency`) the connections
and tasks it serves at once, answering 503 beyond; it has no deadline for a request's
headers, so `HeaderDeadline` closes a connection whose request line and headers have not all
arrived `HEADER_TIMEOUT_S` after it opened (or, on a kept-alive connection, after the next
request's first byte), and answers 400 to headers over `MAX_HEADER_BYTES`. It is uvicorn's
httptools protocol (a C parser) rather than the pure-Python h11 one: in paired runs the server
spent about 0.3 ms less CPU on a 1,000-scenario list (145 KB in, 700 KB out) and no less on
one small request. Bodies have their own read timeout (`anpo.api.middleware.BodyLimit`).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_S = 10.0
KEEP_ALIVE_S = 5
LIMIT_CONCURRENCY = 64  # connections and tasks at once; beyond that, 503
MAX_HEADER_BYTES = 64 * 1024
# The event loop thread asks for the GIL while a list assessment holds it in a worker
# thread; a shorter switch interval (Python's default is 5 ms) lets it back in sooner.
SWITCH_INTERVAL_S = 0.001


class HeadersTooLarge(Exception):
    """A request's line and headers are over MAX_HEADER_BYTES (uvicorn answers 400)."""


class HeaderDeadline(HttpToolsProtocol):
    """httptools protocol that drops a connection whose request headers arrive too slowly
    and refuses headers that are too large."""

    _deadline: asyncio.TimerHandle | None = None
    _head_bytes = 0

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._deadline = self.loop.call_later(HEADER_TIMEOUT_S, self._headers_late)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _headers_late(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def _count(self, n: int) -> None:
        self._head_bytes += n
        if self._head_bytes > MAX_HEADER_BYTES:
            raise HeadersTooLarge  # httptools stops parsing; uvicorn answers 400 and closes

    # Parser callbacks: a request begins (its first byte), its line and headers, their end.
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        if self._deadline is None:  # a further request on a kept-alive connection
            self._arm()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)  # with ": " and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def _options() -> dict[str, Any]:
    return {"log_level": "warning", "access_log": False, "http": HeaderDeadline,
            "timeout_keep_alive": KEEP_ALIVE_S, "limit_concurrency": LIMIT_CONCURRENCY,
            "timeout_graceful_shutdown": 10}


def server_config(app: Any, host: str, port: int) -> uvicorn.Config:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    return uvicorn.Config(app, host=host, port=port, **_options())


_BOUND_HOST = "ANPO_SERVE_BOUND_HOST"  # tells each server process the address it serves


def process_app() -> Any:
    """The app of one of several server processes (uvicorn calls this in each): settings
    from the environment, the store opened by the app's lifespan."""
    import dataclasses

    from anpo.api.app import create_app
    from anpo.api.settings import DEFAULT_HOST, Settings

    sys.setswitchinterval(SWITCH_INTERVAL_S)
    host = os.environ.get(_BOUND_HOST, DEFAULT_HOST)
    return create_app(dataclasses.replace(Settings.from_env(), host=host))


def serve_processes(host: str, port: int, processes: int, announce: Callable[[int], None]) -> None:
    """Serve with `processes` server processes sharing one listening socket (uvicorn's
    supervisor: it restarts a process that dies and stops them all on Ctrl+C); `announce`
    gets the bound port once the socket listens."""
    from uvicorn.supervisors import Multiprocess

    os.environ[_BOUND_HOST] = host
    config = uvicorn.Config("anpo.api.server:process_app", factory=True, host=host, port=port,
                            workers=processes, **_options())
    sock = config.bind_socket()
    announce(sock.getsockname()[1])
    Multiprocess(config, sockets=[sock]).run()
