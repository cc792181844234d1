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
import contextlib
import os
import select
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from anpo.core.signals import die_with_parent, sigint_blocked

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


_STOP_GRACE_S = 5.0  # after the graceful shutdown's limit, a server process is killed
_BOUND_HOST = "ANPO_SERVE_BOUND_HOST"  # tells each server process the address it serves
_SUPERVISOR = "ANPO_SERVE_SUPERVISOR"  # and the pid of the supervisor that started it


def process_app() -> Any:
    """The app of one of several server processes (uvicorn calls this in each): settings
    from the environment, the store opened by the app's lifespan."""
    import dataclasses

    from anpo.api.app import create_app
    from anpo.api.settings import DEFAULT_HOST, Settings

    sys.setswitchinterval(SWITCH_INTERVAL_S)
    # A supervisor killed (SIGKILL) left its server processes serving on the port: each now
    # gets SIGTERM then, and shuts down as on any stop (its list workers with it)
    if supervisor := os.environ.get(_SUPERVISOR):
        die_with_parent(signal.SIGTERM, int(supervisor))
    host = os.environ.get(_BOUND_HOST, DEFAULT_HOST)
    return create_app(dataclasses.replace(Settings.from_env(), host=host))


class _Supervisor(Multiprocess):
    """uvicorn's supervisor, stopped at once by SIGTERM and SIGINT.

    uvicorn's own loop looks at the signals it queued every 0.5 s and then returns as if
    nothing happened: a stopped `anpo serve` with two processes exited 0 after 0.52-1.27 s (8
    runs), where one process exits 143 / 130 after 0.21-0.27 s. Here the handlers it installs
    also write to a wakeup socket (`signal.set_wakeup_fd`), whose byte ends the loop's wait;
    the processes are stopped as uvicorn stops them (SIGTERM each, then wait), and `run`
    raises SystemExit with the shell's code for the signal: 143 / 130 after 0.26-0.32 s (8
    runs). A stop while a process is still starting waits for uvicorn's health check of it
    (a ping it answers once its interpreter is up, at most 5 s): 1-4.5 s in 6 runs."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)  # installs uvicorn's handlers: each queues its signal
        self._stopped_by: int | None = None

    def handle_int(self) -> None:
        self._stopped_by = signal.SIGINT
        super().handle_int()

    def handle_term(self) -> None:
        self._stopped_by = signal.SIGTERM
        super().handle_term()

    def handle_break(self) -> None:  # Windows: uvicorn sends it to stop a process
        self._stopped_by = getattr(signal, "SIGBREAK", signal.SIGTERM)
        super().handle_break()

    def run(self) -> None:
        woken, wake = socket.socketpair()  # (a socket: Windows' select takes no pipe)
        woken.setblocking(False)
        wake.setblocking(False)  # (as set_wakeup_fd wants)
        try:
            previous: int | None = signal.set_wakeup_fd(wake.fileno())
        except ValueError:  # not the main thread: the loop sees a signal within 0.5 s
            previous = None
        try:
            # The processes are started with SIGINT blocked: Ctrl+C in a terminal reaches
            # the whole process group, and this supervisor stops them (a process still
            # importing printed a KeyboardInterrupt); a SIGINT meanwhile waits for the block's end.
            with sigint_blocked():
                self.init_processes()
            while not self.should_exit.is_set():
                if not self.signal_queue:
                    select.select([woken], [], [], 0.5)
                with contextlib.suppress(BlockingIOError):
                    woken.recv(512)  # the signals' bytes (the queue says which)
                with sigint_blocked():  # (SIGHUP and SIGTTIN start processes; a dead one is replaced)
                    self.handle_signals()
                    self.keep_subprocess_alive()
        finally:
            if previous is not None:
                signal.set_wakeup_fd(previous)
            woken.close()
            wake.close()
            self.should_exit.set()
            self._stop_all()
        # uvicorn's supervisor also ends when a process failed to start (its exit status 3)
        raise SystemExit(128 + self._stopped_by if self._stopped_by is not None else STARTUP_FAILURE)

    def _stop_all(self) -> None:
        """SIGTERM to every process (each shuts down as one `anpo serve` does: its list
        workers with it), then wait for each; one that outlasts its graceful shutdown is
        killed."""
        self.terminate_all()
        for process in self.processes:
            process.process.join((self.config.timeout_graceful_shutdown or 0) + _STOP_GRACE_S)
            if process.process.exitcode is None:
                process.kill()
                process.process.join()


def serve_processes(host: str, port: int, processes: int, announce: Callable[[int], None]) -> None:
    """Serve with `processes` server processes sharing one listening socket (uvicorn's
    supervisor: it restarts a process that dies); `announce` gets the bound port once the
    socket listens. SIGTERM or SIGINT stops them all and raises SystemExit(143 / 130), as
    `stop_on_signals` does for one process."""
    os.environ[_BOUND_HOST] = host
    os.environ[_SUPERVISOR] = str(os.getpid())
    config = uvicorn.Config("anpo.api.server:process_app", factory=True, host=host, port=port,
                            workers=processes, **_options())
    sock = config.bind_socket()
    announce(sock.getsockname()[1])
    _Supervisor(config, [sock]).run()
