"""Latency of `POST /v1/assess` under load, against a real `anpo serve` on loopback.

Lists of 1,000 scenarios without explanations are posted one after another (scenarios/s),
and one scenario (with explanation) at a steady 100 requests/s for 30 s and 1,000 for 10 s (open loop:
request i is due at t0 + i/rate, and its latency is counted from when it was due, so a slow
server cannot hide its queue; every request a different random scenario, so that nothing
keyed on the request can answer it). Reports p50 and p99 latency and the CPU a request of
the server (all its processes, from /proc) and of the load generator; targets p99 under
25 ms at 100 and under 10 ms at 1,000 requests/s, the latter also against a server with one
process a CPU (ANPO_SERVE_PROCESSES). Then
`GET /v1/where` at 50 requests/s while 20 clients post lists of 1,000 scenarios back to back
(single requests must not starve behind lists; target p99 under 50 ms); `--where-paired N`
alternates that measure with the lists computed in the server's process and in a worker
process (ANPO_LIST_PROCESSES=0 / 1), N pairs, for a comparison on a shared machine.
Compact lists from 2 and 4 connections at once go to a server with ANPO_LIST_SLOTS set to
the CPU count (one list worker a CPU; the default is 1 so that lists cannot take every CPU
from single requests), which also gets the `GET /v1/where` measure again.
The load generators (minimal keep-alive HTTP/1.1 clients on asyncio, 32 connections; the
single-scenario one an asyncio protocol on uvloop, no task a request) run in this process;
the server in its own. `--single-ab SRC` runs the single-scenario measure at several rates
against a server on another source tree (a git worktree of an earlier commit) and this
one, in turns.

    .venv/bin/python benchmarks/bench_api.py [--seconds 30] [--rate 100]
    .venv/bin/python benchmarks/bench_api.py --where-paired 3
    .venv/bin/python benchmarks/bench_api.py --lists-paired 3
    .venv/bin/python benchmarks/bench_api.py --full-paired 3
    .venv/bin/python benchmarks/bench_api.py --concurrent-only
    .venv/bin/python benchmarks/bench_api.py --single-only --rate 1000 --seconds 5
    .venv/bin/python benchmarks/bench_api.py --single-ab /tmp/base/src --rates 300,600,1000 --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import Row, machine  # noqa: E402

ANPO = Path(sys.executable).parent / "anpo"
# A started server warms its geography (a background thread) and spawns and warms its list
# workers for several seconds; measuring at once would time that warming, not the requests.
SETTLE_S = 15.0
# Put on PYTHONPATH, switches a server's list fast paths off (the ordinary way: the request
# model, the library's parser, Scenario objects, and for full results the per-row builder),
# for the paired list measures.
_ORDINARY_SITE = """
try:
    import anpo.api.list_pool as _lp
    import anpo.api.routes.assess as _route
    _lp._compact_columns = lambda body, params: None
    _lp._full_columns = lambda body, params: None
    _route._full_list = lambda raw, whatif: None
except Exception:
    pass
"""


@contextmanager
def server(**env_extra: str) -> Iterator[str]:
    """`anpo serve --port 0` with a throwaway SQLite store (and more environment); yields
    its base URL."""
    with server_process(env=env_extra) as (url, _):
        yield url


@contextmanager
def server_process(src: str | None = None, args: tuple[str, ...] = (), env: dict[str, str] | None = None
                   ) -> Iterator[tuple[str, int]]:
    """`server()`, yielding (base URL, process id); `src` puts another source tree first on
    PYTHONPATH (a git worktree of another commit, for A/B runs), `args` go to `anpo serve`,
    `env` is more environment."""
    with tempfile.TemporaryDirectory() as tmp:
        full = {**os.environ, "XDG_DATA_HOME": tmp, **(env or {})}
        full.pop("ANPO_DATABASE_URL", None)
        if src is not None:
            full["PYTHONPATH"] = os.pathsep.join(filter(None, (src, full.get("PYTHONPATH"))))
        proc = subprocess.Popen([str(ANPO), "serve", "--port", "0", *args], env=full,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                m = re.search(r"dashboard at (http://\S+)/", line)
                if m:
                    time.sleep(SETTLE_S)
                    yield m.group(1), proc.pid
                    return
            raise RuntimeError("anpo serve did not start")
        finally:
            proc.terminate()
            proc.wait(30)


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process and its live descendants, from /proc (nan
    where there is no /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    try:
        while todo:
            p = todo.pop()
            with open(f"/proc/{p}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    todo += [int(c) for c in fh.read().split()]
    except OSError:
        return total if total else float("nan")
    return total


class _Connection:
    """One keep-alive HTTP/1.1 connection that sends a prepared request (a light client, so
    that the load generator does not compete with the server for the CPU)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def request(self, raw: bytes) -> int:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await self.reader.readexactly(length)
        return status


def _post(host: str, path: str, body: bytes) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


class _Answers(asyncio.Protocol):
    """One keep-alive connection of the open-loop generator, one request in flight: it sends
    the prepared request and reads answers off the socket itself (no stream reader, no task a
    request), so that the generator takes as little of the shared CPUs as it can."""

    def __init__(self, load: _OpenLoop) -> None:
        self.load = load
        self.buf = bytearray()
        self.current = -1  # the request in flight, or -1
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport

    def send(self, i: int) -> None:
        assert self.transport is not None
        self.current = i
        self.transport.write(self.load.raws[i % len(self.load.raws)])

    def data_received(self, data: bytes) -> None:
        self.buf += data
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return
        m = _LENGTH.search(self.buf, 0, end)
        length = int(m.group(1)) if m else 0
        if len(self.buf) < end + 4 + length:
            return
        ok = self.buf.startswith(b"HTTP/1.1 200 ")
        del self.buf[:end + 4 + length]
        i, self.current = self.current, -1
        self.load.answered(self, i, ok)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.current >= 0:
            self.load.answered(self, self.current, False, lost=True)
        elif self in self.load.free:  # closed while idle: never send on it again
            self.load.free.remove(self)


_LENGTH = re.compile(rb"(?i)\r\ncontent-length: *([0-9]+)")


class _OpenLoop:
    """Request i is due at t0 + i / rate: it goes out then on a free connection, or as soon
    as one is free; its latency counts from when it was due (a slow server cannot hide its
    queue, and a late generator counts against the server, never for it)."""

    def __init__(self, raws: list[bytes], n: int, rate: float) -> None:
        self.raws, self.n, self.rate = raws, n, rate
        self.t0 = 0.0
        self.latencies = np.full(n, np.nan)
        # How late the generator itself sent request i to a free connection (its own
        # scheduling lag: the sleep's overshoot, the CPUs it shares with the server); a
        # request that waited for a connection (all busy: the server's doing) is not counted.
        self.lag = np.full(n, np.nan)
        self.errors = 0
        # Free connections, taken in turn (first in, first out): none idles past the server's
        # keep-alive timeout (5 s) and is closed under the generator, at low rates or while a
        # slow warm-up uses one connection at a time.
        self.free: collections.deque[_Answers] = collections.deque()
        self.backlog: collections.deque[int] = collections.deque()
        self.left = n
        self.done: asyncio.Future[None] | None = None
        self.cpu0 = self.cpu = self.elapsed = 0.0
        self.server_cpu: Callable[[], float] = lambda: float("nan")  # the server's CPU seconds
        self.server0 = self.server = 0.0

    def dispatch(self, i: int) -> None:
        if self.free:
            self.lag[i] = time.perf_counter() - (self.t0 + i / self.rate)
            self.free.popleft().send(i)
        else:
            self.backlog.append(i)

    def answered(self, conn: _Answers, i: int, ok: bool, lost: bool = False) -> None:
        if i >= 0:  # (a warm-up request has a negative number)
            self.latencies[i] = time.perf_counter() - (self.t0 + i / self.rate)
            self.errors += not ok
            self.left -= 1
        if not lost:
            if self.backlog:
                conn.send(self.backlog.popleft())
            else:
                self.free.append(conn)
        if self.left == 0 and self.done is not None and not self.done.done():
            self.done.set_result(None)

    async def run(self, host: str, port: int, connections: int, warm: int = 1000) -> None:
        loop = asyncio.get_running_loop()
        conns = [(await loop.create_connection(lambda: _Answers(self), host, port))[1]
                 for _ in range(connections)]
        self.free = collections.deque(conns)
        for w in range(warm):  # caches, connections: one after another, not counted
            self.free.popleft().send(-1 - w)
            await asyncio.wait_for(self._idle(conns), 30)
        self.done = loop.create_future()
        self.server0 = self.server_cpu()  # after the warm-up: only the measured requests count
        self.cpu0 = time.process_time()
        self.t0 = time.perf_counter() + 0.1
        i = 0
        while i < self.n:
            now = time.perf_counter()
            while i < self.n and self.t0 + i / self.rate <= now:
                self.dispatch(i)
                i += 1
            if i < self.n:  # at least 1 ms: the loop's timers have millisecond steps, and a
                # shorter sleep spins; a request leaves up to ~1 ms late (counted in its latency)
                await asyncio.sleep(max(0.001, self.t0 + i / self.rate - time.perf_counter()))
        if self.left:
            await self.done
        self.cpu = time.process_time() - self.cpu0
        self.elapsed = time.perf_counter() - self.t0
        self.server = self.server_cpu() - self.server0
        for conn in conns:
            if conn.transport is not None:
                conn.transport.close()

    async def _idle(self, conns: list[_Answers]) -> None:
        while len(self.free) < sum(c.transport is not None and not c.transport.is_closing() for c in conns):
            await asyncio.sleep(0.001)


def _load(url: str, seconds: float, rate: float, connections: int = 32, pid: int | None = None
          ) -> tuple[np.ndarray, int, float, float, float, float]:
    """One scenario a request at `rate` requests/s for `seconds`, open loop, on uvloop when
    there is one: (latencies in s, errors, requests/s answered, the generator's CPU seconds,
    the CPU seconds of server process `pid` and its children, nan without a pid, the 99th
    percentile of how late the generator sent a request to a free connection, in s).
    Every request is a different scenario (`random_list`: random dates, events, targets,
    points), so that no server can answer from a cache keyed on the request."""
    u = httpx.URL(url)
    n = int(seconds * rate)
    raws = [_post(f"{u.host}:{u.port}", "/v1/assess", json.dumps(s).encode())
            for s in random_list(n, seed=int(rate))]
    load = _OpenLoop(raws, n, rate)
    if pid is not None:
        load.server_cpu = lambda: tree_cpu_s(pid)
    try:
        import uvloop
        factory: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(load.run(str(u.host), int(u.port or 80), connections))
    lag = float(np.nanpercentile(load.lag, 99)) if np.isfinite(load.lag).any() else float("nan")
    return load.latencies, load.errors, load.n / load.elapsed, load.cpu, load.server, lag


def random_list(n: int, seed: int = 0) -> list[dict[str, object]]:
    """n scenarios in the region: random dates, events, targets, points and U.S. actions."""
    rng = np.random.default_rng(seed)
    events = ["armed_attack", "gray_zone", "missile_inbound", "cyber_attack"]
    targets = ["JPN", "USA", "TWN", "KOR"]
    actions = ["none", "combat_operations_from_japan"]
    out: list[dict[str, object]] = []
    for i in range(n):
        out.append({"id": f"s{i}", "date": f"{rng.integers(1946, 2100)}-{rng.integers(1, 13):02d}-"
                    f"{rng.integers(1, 29):02d}", "event": events[i % 4], "target": targets[i % 4 - 1],
                    "lat": round(float(rng.uniform(20, 45)), 4),
                    "lon": round(float(rng.uniform(120, 150)), 4),
                    "us_action": actions[i % 2]})
    return out


class _ListClient(asyncio.Protocol):
    """One keep-alive connection that posts a prepared list and reads the answer off the
    socket itself, counting its bytes rather than keeping them: a stream reader's buffering
    and copies of a 700 KB answer took about 1.6 ms of the shared CPUs a list, which the
    server then lacked (the list rows' load generator, on uvloop when there is one)."""

    def __init__(self) -> None:
        self.head = bytearray()
        self.left = -1  # answer bytes still to come; -1: the head is not read yet
        self.status = 0
        self.done: asyncio.Future[int] | None = None
        self.transport: asyncio.Transport | None = None

    @classmethod
    async def open(cls, url: str) -> _ListClient:
        u = httpx.URL(url)
        _, client = await asyncio.get_running_loop().create_connection(cls, u.host, u.port)
        return client

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport

    async def request(self, raw: bytes) -> int:
        assert self.transport is not None
        self.done = asyncio.get_running_loop().create_future()
        self.head.clear()
        self.left = -1
        self.transport.write(raw)
        return await self.done

    def data_received(self, data: bytes) -> None:
        if self.left >= 0:
            self.left -= len(data)
        else:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            m = _LENGTH.search(self.head, 0, end)
            self.status = int(self.head[9:12])
            self.left = (int(m.group(1)) if m else 0) - (len(self.head) - end - 4)
        if self.left <= 0 and self.done is not None and not self.done.done():
            self.done.set_result(self.status if self.left == 0 else 0)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_exception(ConnectionError("the server closed the connection"))

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


_R = TypeVar("_R")


def _run_light(coro: Coroutine[Any, Any, _R]) -> _R:
    """`asyncio.run(coro)` on uvloop when there is one (the lighter loop for a load generator)."""
    try:
        import uvloop
        factory: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(coro)


async def _lists(url: str, n_list: int, requests: int, query: str = "", warm: int = 1,
                 first_seed: int = 0, cpu: dict[str, float] | None = None, pid: int | None = None
                 ) -> tuple[float, int, int]:
    """(seconds, errors, request bytes) of `requests` lists of n_list, one after another: a
    different random list each time (after `warm` warm-up lists, each new too), as users send
    them, so that what the server keeps from earlier lists helps only as much as it would for
    them. `cpu` gets the CPU seconds of the timed lists: `server` (process `pid` and its list
    workers, from /proc) and `client` (this process)."""
    u = httpx.URL(url)
    raws = [_post(f"{u.host}:{u.port}", f"/v1/assess{query}",
                  json.dumps(random_list(n_list, seed=seed)).encode())
            for seed in range(first_seed, first_seed + warm + requests)]
    conn = await _ListClient.open(url)
    for raw in raws[:warm]:
        await conn.request(raw)
    errors = 0
    server0, client0 = (tree_cpu_s(pid) if pid else float("nan")), time.process_time()
    t0 = time.perf_counter()
    for raw in raws[warm:]:
        if await conn.request(raw) != 200:
            errors += 1
    elapsed = time.perf_counter() - t0
    if cpu is not None:
        cpu["server"] = (tree_cpu_s(pid) if pid else float("nan")) - server0
        cpu["client"] = time.process_time() - client0
    conn.close()
    return elapsed, errors, len(raws[-1])


def _get(host: str, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


async def _where_under_lists(url: str, clients: int, seconds: float, rate: float
                             ) -> tuple[np.ndarray, int, int]:
    """GET /v1/where latencies (open loop at `rate`) while `clients` connections post lists of
    1,000 scenarios back to back; (latencies, where errors, lists answered)."""
    u = httpx.URL(url)
    host = f"{u.host}:{u.port}"
    post = _post(host, "/v1/assess", json.dumps(random_list(1000, seed=1)).encode())
    where = _get(host, "/v1/where?lat=26.2&lon=127.7&date=2026-01-01")
    warm = _Connection(*await asyncio.open_connection(u.host, u.port))
    await warm.request(where)  # warm-up: the geography and a list's path loaded (once a server)
    await warm.request(post)
    warm.writer.close()
    stop = time.perf_counter() + seconds + 1.0
    answered = 0

    async def poster() -> None:
        nonlocal answered
        conn = _Connection(*await asyncio.open_connection(u.host, u.port))
        while time.perf_counter() < stop:
            status = await conn.request(post)
            if status == 200:
                answered += 1
            elif status == 429:  # the server's list queue is full: back off as Retry-After asks
                await asyncio.sleep(1.0)
        conn.writer.close()

    posters = [asyncio.create_task(poster()) for _ in range(clients)]
    pool: asyncio.Queue[_Connection] = asyncio.Queue()
    for _ in range(8):
        pool.put_nowait(_Connection(*await asyncio.open_connection(u.host, u.port)))
    await asyncio.sleep(1.0)  # the lists are flowing
    n = int(seconds * rate)
    latencies = np.full(n, np.nan)
    errors = 0

    async def one(i: int, due: float) -> None:
        nonlocal errors
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        conn = await pool.get()
        try:
            if await conn.request(where) != 200:
                errors += 1
        finally:
            pool.put_nowait(conn)
        latencies[i] = time.perf_counter() - due

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i, t0 + i / rate) for i in range(n)))
    await asyncio.gather(*posters)
    while not pool.empty():
        pool.get_nowait().writer.close()
    return latencies, errors, answered


WHERE_WHAT = ("GET /v1/where at {rate:g} req/s (open loop) while {clients} clients post lists of 1,000 "
              "scenarios back to back, {seconds:g} s")


def _where_rows(url: str, clients: int = 20, seconds: float = 10.0, rate: float = 50.0,
                server_note: str = "") -> list[Row]:
    lat, errors, lists = asyncio.run(_where_under_lists(url, clients, seconds, rate))
    what = WHERE_WHAT.format(rate=rate, clients=clients, seconds=seconds) + server_note
    return [
        Row(f"{what}: p50 latency", f"{float(np.nanpercentile(lat, 50)) * 1e3:.1f} ms"),
        Row(f"{what}: p99 latency", f"{float(np.nanpercentile(lat, 99)) * 1e3:.1f} ms", "p99 < 50 ms"),
        Row(f"{what}: lists answered (where errors)", f"{lists} ({errors} errors)"),
    ]


def _where_paired(pairs: int, clients: int = 20, seconds: float = 10.0, rate: float = 50.0) -> list[Row]:
    """The starvation measure with lists computed in the server's process (ANPO_LIST_PROCESSES=0,
    a thread beside the event loop) and in a worker process (=1, the default), alternated
    `pairs` times so that both see the same load from the rest of the machine."""
    p99: dict[str, list[float]] = {"0": [], "1": []}
    p50: dict[str, list[float]] = {"0": [], "1": []}
    lists: dict[str, list[int]] = {"0": [], "1": []}
    for _ in range(pairs):
        for mode in ("0", "1"):
            with server(ANPO_LIST_PROCESSES=mode) as url:
                lat, _, answered = asyncio.run(_where_under_lists(url, clients, seconds, rate))
            p99[mode].append(float(np.nanpercentile(lat, 99)) * 1e3)
            p50[mode].append(float(np.nanpercentile(lat, 50)) * 1e3)
            lists[mode].append(answered)
            print(f"  ANPO_LIST_PROCESSES={mode}: p50 {p50[mode][-1]:.1f} ms, p99 {p99[mode][-1]:.1f} ms, "
                  f"{answered} lists, load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    what = WHERE_WHAT.format(rate=rate, clients=clients, seconds=seconds)
    ratios = [a / b for a, b in zip(p99["0"], p99["1"], strict=True)]
    rows = []
    for mode, where in (("0", "lists in the server's process"), ("1", "lists in a worker process")):
        rows.append(Row(f"{what}, {where}: p50 / p99 latency (median of {pairs})",
                        f"{np.median(p50[mode]):.1f} / {np.median(p99[mode]):.1f} ms "
                        f"(p99 each run: {', '.join(f'{v:.0f}' for v in p99[mode])}; "
                        f"lists answered {int(np.median(lists[mode]))})",
                        "p99 < 50 ms" if mode == "1" else ""))
    rows.append(Row(f"{what}: p99 in process / p99 in a worker, paired runs",
                    f"{np.median(ratios):.1f}x (each pair: {', '.join(f'{r:.1f}' for r in ratios)})"))
    return rows


SINGLE_WHAT = ("POST /v1/assess, one scenario (with explanation; a different random scenario each "
               "request), {rate:g} req/s for {seconds:g} s, open loop, {server} on loopback (the load "
               "generator on the same CPUs)")


def _window(url: str, seconds: float, rate: float, runs: int, pid: int | None = None,
            server_label: str = "uvicorn") -> list[Row]:
    p50s, p99s, rates, errors, server_ms, client_ms, lags = [], [], [], 0, [], [], []
    for _ in range(runs):
        lat, err, achieved, client_cpu, cpu, lag = _load(url, seconds, rate, pid=pid)
        lags.append(lag * 1e3)
        answered = int(np.count_nonzero(~np.isnan(lat)))
        p50s.append(float(np.nanpercentile(lat, 50)) * 1e3)
        p99s.append(float(np.nanpercentile(lat, 99)) * 1e3)
        rates.append(achieved)
        server_ms.append(cpu / answered * 1e3)
        client_ms.append(client_cpu / answered * 1e3)
        errors += err
    what = SINGLE_WHAT.format(rate=rate, seconds=seconds, server=server_label)
    target = {100.0: "p99 < 25 ms", 1000.0: "p99 < 10 ms"}.get(rate, "")
    rows = [
        Row(f"{what}: p50 latency", f"{np.median(p50s):.1f} ms"),
        Row(f"{what}: p99 latency", f"{np.median(p99s):.1f} ms", target),
        Row(f"{what}: requests answered (errors)", f"{np.median(rates):.1f} req/s ({errors} errors)"),
        Row(f"{what}: the load generator's own lateness (a request sent to a free connection "
            "after it was due), p99", f"{np.median(lags):.1f} ms"),
    ]
    if pid:
        rows.append(Row(f"{what}: CPU a request, server (all its processes) / load generator",
                        f"{np.median(server_ms):.2f} / {np.median(client_ms):.2f} ms"))
    return rows


def _single_ab(base_src: str, rates: tuple[float, ...], seconds: float, pairs: int,
               processes: int = 1) -> list[Row]:
    """One scenario, open loop, at each rate, against a server running `base_src` (a git
    worktree of another commit) and one running this tree, alternated `pairs` times (A B A B)
    on the same machine; p50/p99, answered a second and CPU a request, per run."""
    servers: list[tuple[str, str | None, dict[str, str]]] = [("base", base_src, {}), ("this tree", None, {})]
    if processes > 1:
        servers.append((f"this tree, ANPO_SERVE_PROCESSES={processes}", None,
                        {"ANPO_SERVE_PROCESSES": str(processes)}))
    seen: dict[tuple[str, float], list[tuple[float, float, float, float, float]]] = {}
    for _ in range(pairs):
        for name, src, extra in servers:
            with server_process(src, env=extra) as (url, pid):
                for rate in rates:
                    lat, err, achieved, client, cpu, lag = _load(url, seconds, rate, pid=pid)
                    n = max(1, int(np.count_nonzero(~np.isnan(lat))))
                    got = (float(np.nanpercentile(lat, 50)) * 1e3, float(np.nanpercentile(lat, 99)) * 1e3,
                           achieved, cpu / n * 1e3, client / n * 1e3)
                    seen.setdefault((name, rate), []).append(got)
                    print(f"  {name} {rate:g} req/s: p50 {got[0]:.1f} ms, p99 {got[1]:.1f} ms, "
                          f"{achieved:.0f} answered/s ({err} errors), CPU a request server "
                          f"{got[3]:.2f} ms, generator {got[4]:.2f} ms (sent late p99 {lag * 1e3:.1f} ms), "
                          f"load {os.getloadavg()[0]:.1f}",
                          file=sys.stderr)
    rows = []
    for (name, rate), runs in seen.items():
        med = np.median(np.array(runs), axis=0)
        rows.append(Row(f"POST /v1/assess one scenario, {rate:g} req/s for {seconds:g} s, open loop, "
                        f"{name} (median of {pairs})",
                        f"p50 {med[0]:.1f} ms, p99 {med[1]:.1f} ms, {med[2]:.0f} answered/s; CPU a "
                        f"request: server {med[3]:.2f} ms, generator {med[4]:.2f} ms"))
    return rows


def _in_process(n_list: int = 1000, repeats: int = 20, worker_repeats: int = 100) -> list[Row]:
    """The route's work for a list without HTTP (warm): parse, assess, encode with orjson."""
    import orjson

    from anpo.io.compact_results import compact_json
    from anpo.law.assess import assess, parse

    scenarios, _ = parse(random_list(n_list))
    out: list[Row] = []
    for form, fn in (("full results built row by row (anpo.law.assess.assess, the library's way)",
                      lambda: orjson.dumps(assess(scenarios, explain=False))),
                     ("fields=compact", lambda: compact_json(scenarios))):  # the route's text
        fn()  # warm
        t0 = time.perf_counter()
        for _ in range(repeats):
            fn()
        elapsed = (time.perf_counter() - t0) / repeats
        out.append(Row(f"assess a list of {n_list:,} random scenarios in process, warm, {form} "
                       "(parsed; assessed and encoded)",
                       f"{n_list / elapsed:,.0f} scenarios/s ({elapsed * 1e3:.1f} ms a list)"))
    # A list worker's whole work for a compact list: body bytes in, answer bytes out. Each list
    # timed alone and the median taken: the mean of 20 moved by a fifth from run to run on the
    # shared machine (153,000 and 123,000 scenarios/s at the same CPU cost a list).
    from anpo.api.list_pool import answer_list

    body = json.dumps(random_list(n_list)).encode()
    answer_list(body, "fields=compact")  # warm
    times = []
    for _ in range(worker_repeats):
        t0 = time.perf_counter()
        answer_list(body, "fields=compact")
        times.append(time.perf_counter() - t0)
    elapsed = float(np.median(times))
    out.append(Row(f"a list worker's answer to a compact list of {n_list:,} (the body's bytes read as "
                   f"columns, assessed, encoded; median of {worker_repeats})",
                   f"{n_list / elapsed:,.0f} scenarios/s ({elapsed * 1e3:.1f} ms a list)"))
    return out + _full_in_worker(n_list, worker_repeats)


def _full_in_worker(n_list: int, repeats: int, fresh: int = 20, learnt: int = 50) -> list[Row]:
    """A list worker's whole work for a list of full results (`anpo.api.full_results`): the
    same list again (every legal reading's text known), a new random list each time after
    `learnt` others (the texts a new list still lacks are built), and the HTTP row's lists as
    a fresh server meets them (texts still being learnt)."""
    from anpo.api.list_pool import answer_list

    body = json.dumps(random_list(n_list)).encode()
    answer_list(body, "")  # warm: the list's texts built
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        answer_list(body, "")
        times.append(time.perf_counter() - t0)
    same = float(np.median(times))
    for seed in range(1000, 1000 + learnt):
        answer_list(json.dumps(random_list(n_list, seed=seed)).encode(), "")
    times = []
    for seed in range(2000, 2000 + fresh):
        new = json.dumps(random_list(n_list, seed=seed)).encode()
        t0 = time.perf_counter()
        answer_list(new, "")
        times.append(time.perf_counter() - t0)
    new_list = float(np.median(times))
    # As the HTTP row's fresh server meets them: the texts learnt so far forgotten, then the
    # same lists (one warm-up list, then `fresh` new ones, in turn), timed together.
    from anpo.api.full_results import MEMORY

    MEMORY.by_whatif.clear()
    bodies = [json.dumps(random_list(n_list, seed=seed)).encode() for seed in range(fresh + 1)]
    answer_list(bodies[0], "")
    t0 = time.perf_counter()
    for new in bodies[1:]:
        answer_list(new, "")
    first = (time.perf_counter() - t0) / fresh
    what = f"a list worker's answer to a list of {n_list:,} full results without explanation"
    return [Row(f"{what}, the same list again (median of {repeats})",
                f"{n_list / same:,.0f} scenarios/s ({same * 1e3:.1f} ms a list)"),
            Row(f"{what}, a new random list each time after {learnt} others (median of {fresh})",
                f"{n_list / new_list:,.0f} scenarios/s ({new_list * 1e3:.1f} ms a list)"),
            Row(f"{what}, a fresh worker's first {fresh} new random lists after one warm-up list (the "
                "HTTP row's lists; mean)",
                f"{n_list / first:,.0f} scenarios/s ({first * 1e3:.1f} ms a list)")]


def _timed_lists(url: str, pid: int | None, n_list: int, requests: int, query: str = "", warm: int = 1,
                 first_seed: int = 0) -> str:
    """`_lists`, written as a row's result: scenarios/s, ms a list, and the CPU a list of the
    server (its process and its list workers, from /proc, with `pid`) and of this client:
    the steady figure when the machine is shared (wall time is what the two CPUs had left)."""
    cpu: dict[str, float] = {}
    elapsed, errors, _ = _run_light(_lists(url, n_list, requests, query, warm=warm, first_seed=first_seed,
                                           cpu=cpu, pid=pid))
    out = f"**{n_list * requests / elapsed:,.0f} scenarios/s** ({elapsed / requests * 1e3:.0f} ms a list"
    if pid:  # (/proc counts in clock ticks, 10 ms: over 20 lists, to 0.5 ms a list)
        out += (f"; CPU a list: server and its list worker {cpu['server'] / requests * 1e3:.1f} ms, "
                f"client {cpu['client'] / requests * 1e3:.1f} ms")
    return f"{out}; {errors} errors; load {os.getloadavg()[0]:.1f})"


def _list_rows(url: str, n_list: int = 1000, requests: int = 20, pid: int | None = None) -> list[Row]:
    rows = []
    for query, form in (("", "full results"), ("?fields=compact", "fields=compact")):
        rows.append(Row(
            f"POST /v1/assess{query}, lists of {n_list:,} random scenarios without explanations "
            f"({form}), {requests} requests one after another on one connection (a new random "
            "list each request)",
            _timed_lists(url, pid, n_list, requests, query),
            ">= 100,000 scenarios/s",
        ))
    # Full results are written from texts the server builds as it meets new legal readings
    # (anpo.api.full_results): the row above is a new server's first lists; this one is the
    # same server once it has answered 50 other new lists (its texts kept, as a running server's).
    rows.insert(1, Row(
        f"POST /v1/assess, lists of {n_list:,} random scenarios without explanations (full results), "
        f"{requests} requests one after another on one connection (a new random list each request), "
        "the same server after 50 other new lists",
        _timed_lists(url, pid, n_list, requests, "", warm=50, first_seed=1000),
        ">= 100,000 scenarios/s",
    ))
    return rows


async def _lists_at_once(url: str, connections: int, n_list: int, requests: int,
                         query: str = "?fields=compact") -> tuple[float, int]:
    """(seconds, errors) of `connections` connections each posting `requests` lists of n_list
    one after another, all at once."""
    u = httpx.URL(url)
    raw = _post(f"{u.host}:{u.port}", f"/v1/assess{query}", json.dumps(random_list(n_list)).encode())
    conns = [await _ListClient.open(url) for _ in range(connections)]
    for conn in conns:
        await conn.request(raw)  # warm-up
    errors = 0

    async def post(conn: _ListClient) -> None:
        nonlocal errors
        for _ in range(requests):
            if await conn.request(raw) != 200:
                errors += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(post(conn) for conn in conns))
    elapsed = time.perf_counter() - t0
    for conn in conns:
        conn.close()
    return elapsed, errors


def _concurrent_rows(url: str, workers: int, connections: tuple[int, ...] = (2, 4), n_list: int = 1000,
                     requests: int = 20) -> list[Row]:
    """Compact lists from several connections at once to a server with `workers` list workers
    (ANPO_LIST_SLOTS): the throughput a user who wants it gets."""
    rows = []
    for c in connections:
        elapsed, errors = _run_light(_lists_at_once(url, c, n_list, requests))
        rows.append(Row(
            f"POST /v1/assess?fields=compact, lists of {n_list:,} random scenarios, {c} connections at "
            f"once ({requests} lists each, one after another), ANPO_LIST_SLOTS={workers} "
            f"({workers} list worker processes)",
            f"**{n_list * requests * c / elapsed:,.0f} scenarios/s** ({elapsed / requests * 1e3:.0f} ms a "
            f"round of {c}; {errors} errors)",
            ">= 100,000 scenarios/s",
        ))
    return rows


def _lists_paired(pairs: int, n_list: int = 1000, requests: int = 10, query: str = "?fields=compact"
                  ) -> list[Row]:
    """Lists over HTTP with the worker's columns path (`anpo.api.compact_lists`, and for full
    results `anpo.api.full_results`) and with it switched off (the ordinary way), alternated
    `pairs` times (A B A B)."""
    rate: dict[str, list[float]] = {"ordinary": [], "columns": []}
    with tempfile.TemporaryDirectory() as site:
        (Path(site) / "sitecustomize.py").write_text(_ORDINARY_SITE)
        for _ in range(pairs):
            for mode, env in (("ordinary", {"PYTHONPATH": site}), ("columns", {})):
                with server(**env) as url:
                    elapsed, errors, _ = _run_light(_lists(url, n_list, requests, query))
                rate[mode].append(n_list * requests / elapsed)
                print(f"  {mode}: {rate[mode][-1]:,.0f} scenarios/s ({errors} errors), "
                      f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    ratios = [a / b for a, b in zip(rate["columns"], rate["ordinary"], strict=True)]
    what = f"POST /v1/assess{query or ' (full results)'}, lists of {n_list:,}, {requests} one after another"
    return [Row(f"{what}, {mode} (median of {pairs})", f"{np.median(rate[mode]):,.0f} scenarios/s "
                f"(each: {', '.join(f'{v:,.0f}' for v in rate[mode])})",
                ">= 100,000 scenarios/s" if mode == "columns" else "")
            for mode in ("ordinary", "columns")] + [
        Row(f"{what}: columns / ordinary, paired", f"{np.median(ratios):.1f}x "
            f"(each pair: {', '.join(f'{r:.1f}' for r in ratios)})")]


def run(runs: int = 1, seconds: float = 30.0, rate: float = 100.0) -> list[Row]:
    """`runs` windows of `seconds` at `rate` requests/s and 10 s at 1,000 requests/s; lists
    of 1,000 scenarios without explanations; the rows give the median window."""
    rows: list[Row] = []
    with server_process() as (url, pid):
        rows += _window(url, seconds, rate, runs, pid)
        rows += _window(url, 10.0, 1000.0, runs, pid)
    processes = os.cpu_count() or 1
    if processes > 1:  # how a user serves many single requests: one server process a CPU
        with server_process(env={"ANPO_SERVE_PROCESSES": str(processes)}) as (url, pid):
            rows += _window(url, 10.0, 1000.0, runs, pid,
                            f"uvicorn with ANPO_SERVE_PROCESSES={processes} ({processes} server processes)")
    with server_process() as (url, pid):  # lists and /v1/where as before: one server, the default list slot
        rows += _list_rows(url, pid=pid)
        rows += _where_rows(url)
    workers = os.cpu_count() or 1
    with server(ANPO_LIST_SLOTS=str(workers)) as url:
        rows += _concurrent_rows(url, workers)
        rows += _where_rows(url, server_note=f", ANPO_LIST_SLOTS={workers}")
    return rows + _in_process()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--rate", type=float, default=100.0)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--where-only", action="store_true", help="only GET /v1/where under 20 list clients")
    ap.add_argument("--lists-only", action="store_true", help="only lists of 1,000 (HTTP and in process)")
    ap.add_argument("--where-paired", type=int, default=0, metavar="N",
                    help="only the /v1/where measure, N pairs of runs: lists in process, then in a worker")
    ap.add_argument("--lists-paired", type=int, default=0, metavar="N",
                    help="only compact lists over HTTP, N pairs: the ordinary way, then the columns path")
    ap.add_argument("--full-paired", type=int, default=0, metavar="N",
                    help="only full-result lists over HTTP, N pairs: the ordinary way (a result built "
                    "row by row), then the columns path writing them by distinct legal readings")
    ap.add_argument("--concurrent-only", action="store_true",
                    help="only compact lists from 2 and 4 connections at once, and /v1/where under 20 list "
                    "clients, with ANPO_LIST_SLOTS = the CPU count")
    ap.add_argument("--single-only", action="store_true",
                    help="only one scenario at --rate requests/s for --seconds")
    ap.add_argument("--single-ab", metavar="SRC", default="",
                    help="only one scenario at each of --rates, A/B: a server on SRC (another tree's src/, "
                    "e.g. a git worktree of HEAD) against this tree's, --pairs times")
    ap.add_argument("--rates", default="300,600,1000", help="with --single-ab: requests/s, comma-separated")
    ap.add_argument("--pairs", type=int, default=1, help="with --single-ab: A B rounds")
    ap.add_argument("--processes", type=int, default=1,
                    help="with --single-ab: this tree's server processes (ANPO_SERVE_PROCESSES)")
    args = ap.parse_args()
    print(machine())
    if args.concurrent_only:
        workers = os.cpu_count() or 1
        with server(ANPO_LIST_SLOTS=str(workers)) as url:
            rows = _concurrent_rows(url, workers)
            rows += _where_rows(url, server_note=f", ANPO_LIST_SLOTS={workers}")
    elif args.single_only:
        with server_process() as (url, pid):
            rows = _window(url, args.seconds, args.rate, args.runs, pid)
    elif args.single_ab:
        rates = tuple(float(r) for r in args.rates.split(","))
        rows = _single_ab(args.single_ab, rates, args.seconds, args.pairs, args.processes)
    elif args.lists_paired:
        rows = _lists_paired(args.lists_paired)
    elif args.full_paired:
        rows = _lists_paired(args.full_paired, query="")
    elif args.where_paired:
        rows = _where_paired(args.where_paired)
    elif args.where_only:
        with server() as url:
            rows = _where_rows(url)
    elif args.lists_only:
        with server_process() as (url, pid):
            rows = _list_rows(url, pid=pid)
        rows += _in_process()
    else:
        rows = run(args.runs, args.seconds, args.rate)
    for row in rows:
        print(f"{row.measure}: {row.result}  (target: {row.target or '-'})")


if __name__ == "__main__":
    main()
