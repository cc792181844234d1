"""List assessments in worker processes, so that the event loop keeps its GIL.

A list of 1,000 scenarios is about 20 ms of JSON checking and request validation and
100-250 ms of assessment, all holding the GIL; in a thread of the server's process that
time is taken from the event loop, and single requests (`GET /v1/where`) wait behind it.
`anpo serve` therefore hands large `POST /v1/assess` bodies, as bytes, to a pool of worker
processes (`ANPO_LIST_SLOTS` of them, spawned and warmed when the server starts): a worker
checks the JSON as `StrictJson` does, validates it with the route's own body field,
answers with the route's own `answer` and returns the response bytes. The event loop only
moves bytes, over one socket a worker. Anything the worker cannot answer with a 200 (a bad
body, an unusual query, a library error) comes back as None and the request takes the
ordinary in-process way, which gives the same 422 with the same detail; so does every
request when the pool is not running, and the request a worker died on (a new worker
replaces it). Waiting is bounded by `ListSlots` (429 beyond).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import mmap
import multiprocessing
import os
import socket
import struct
import tempfile
import threading
import weakref
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import parse_qsl

from anpo.core.signals import sigint_blocked

log = logging.getLogger(__name__)

PATH = "/v1/assess"
# pydantic's words for a boolean in a query string (lower case)
_BOOLS = {"1": True, "on": True, "t": True, "true": True, "y": True, "yes": True,
          "0": False, "off": False, "f": False, "false": False, "n": False, "no": False}
_FIELDS = ("full", "compact")
# What anpo.geo.resolver builds lazily, after a budget of points decided in numpy (all land
# and its tree: at the first list with a point on land).
_GEO_BUILT = ("coast_tree", "unit_land", "specified_area_polygons", "internal_water_polygons", "all_land",
              "land_tree")
_WARM_LIST = (b'[{"id":"warm","date":"2026-01-01","event":"armed_attack","target":"JPN",'
              b'"lat":25.743,"lon":123.473},{"date":"1971-05-01","event":"armed_attack","target":"USA",'
              b'"lat":26.35,"lon":127.77,"us_action":"combat_operations_from_japan"}]')


def _query(query: str) -> dict[str, Any] | None:
    """The route's query parameters, or None when the worker should not guess (an unknown
    or repeated parameter, a value pydantic might read otherwise): the ordinary way decides."""
    out: dict[str, Any] = {"explain": None, "without": None, "in_force": None, "fields": "full"}
    seen: set[str] = set()
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in ("without", "in_force"):
            out[key] = [*(out[key] or []), value]
            continue
        if key in seen:
            return None
        seen.add(key)
        if key == "explain" and value.lower() in _BOOLS:
            out["explain"] = _BOOLS[value.lower()]
        elif key == "fields" and value in _FIELDS:
            out["fields"] = value
        else:
            return None
    return out


def answer_list(body: bytes, query: str) -> bytes | None:
    """The 200 answer's body to `POST /v1/assess?query` with `body`, or None when the
    request is not one this worker answers with a 200 (the ordinary way then answers it)."""
    from anpo.api.middleware import strict_json
    from anpo.api.routes import assess as route

    params = _query(query)
    if params is None:
        return None
    if not params["explain"]:  # a list's default: no explanation
        fast = (_compact_columns if params["fields"] == "compact" else _full_columns)(body, params)
        if fast is not None:
            return fast
    doc, problem = strict_json(body)
    if problem is not None:
        return None
    field = _body_field(route)
    if field is None:
        return None
    value, errors = field.validate(doc, {}, loc=("body",))
    if errors:
        return None
    try:
        response = route.answer(value, params["explain"], params["without"], params["in_force"],
                                params["fields"])
    except Exception:  # an InputError, or a bug: the in-process way gives its answer (or 500)
        return None
    return bytes(response.body)


def _compact_columns(body: bytes, params: dict[str, Any]) -> bytes | None:
    """A compact list read straight into columns (`anpo.api.compact_lists`): the same bytes
    as the route's answer, or None for a body that path does not take."""
    from anpo.io.compact_results import frame_json

    return _from_columns(body, params, frame_json)


def _full_columns(body: bytes, params: dict[str, Any]) -> bytes | None:
    """A list's full results without explanation, its body read straight into columns and
    its results written by distinct legal readings (`anpo.api.full_results`): the same bytes
    as the route's answer, or None for a body or list that way does not take."""
    from anpo.api.full_results import full_json

    return _from_columns(body, params, full_json)


def _from_columns(body: bytes, params: dict[str, Any], write: Callable[..., bytes | None]) -> bytes | None:
    """`write(frame, ids, dates, whatif=...)` on the body read as columns, or None where the
    columns reader declines the body or anything goes wrong (the ordinary way then answers)."""
    from anpo.api.compact_lists import list_columns
    from anpo.law.whatif import WhatIf

    columns = list_columns(body)
    if columns is None:
        return None
    without, in_force = params["without"], params["in_force"]
    try:
        whatif = WhatIf.parse(without or (), in_force or ()) if (without or in_force) else None
        frame, ids, dates = columns
        return write(frame, ids, dates, whatif=whatif)
    except Exception:  # a bad what-if, or a bug: the ordinary way gives its answer (or 500)
        return None


def _body_field(route: Any) -> Any:
    """The body field FastAPI validates `POST /v1/assess` with (the same checks, exactly)."""
    for r in route.router.routes:
        if getattr(r, "path", None) == PATH and "POST" in getattr(r, "methods", ()):
            return getattr(r, "body_field", None)
    return None


def _exit_with_parent() -> None:
    """A worker ends when the server does, even one killed with SIGKILL (the pool's pipes
    stay open in the worker itself, so it would otherwise wait for work for ever)."""
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="anpo-list-parent").start()


def _warm() -> None:
    """Worker start: watch the server, and load the library, the geography and the compiled
    kernels now, not on the first request."""
    _exit_with_parent()
    try:
        for query in ("", "fields=compact"):
            answer_list(_WARM_LIST, query)
        # The geography decides its first few exact points in numpy and builds its k-d tree
        # and polygon indexes only later (0.1-1 s each, scipy's import with the tree): a
        # long-lived worker builds them now, not in the middle of someone's list.
        from anpo.geo.index import geo_index, world_index

        index = geo_index()
        for built in _GEO_BUILT:  # cached properties: built on first read
            getattr(index, built)
        _point_indexes(index)
        world_index()
    except Exception:  # a failure here recurs, with its error, on the in-process way
        log.exception("warming a list worker failed")


def _point_indexes(index: Any) -> None:
    """Have GEOS build the point index of each prepared polygon the geography tests points
    against (each unit's land, all land, the specified areas, the internal waters). It does
    so at a polygon's second query, not when the polygon is prepared: in a fresh worker that
    was during its first lists, as they met each unit (Honshu's land 5-7 ms, all land about
    40 ms; 13% of a fresh server's CPU over its first 20 lists of 1,000, perf)."""
    import numpy as np
    import shapely

    polygons = [*index.unit_land.values(), index.all_land, *index.specified_area_polygons,
                *(p for p, _, _ in index.internal_water_polygons)]
    for polygon in polygons:
        west, south, east, north = polygon.bounds  # (a point outside them is not located)
        x, y = np.array([(west + east) / 2]), np.array([(south + north) / 2])
        for _ in range(2):
            shapely.contains_xy(polygon, x, y)


def _keep_heap() -> None:
    """After warming: the worker's freed blocks stay in its heap for the next list, and the
    heap has room for a few lists' blocks with its pages backed now (`core.heap`). With
    glibc's defaults a list's larger blocks (its 3.5 MB answer of 1,000 full results, the
    body) came from fresh pages whenever one was larger than any freed before: a fresh worker
    took 69.5 page faults a list over its first 20 lists of 1,000 (one list 926 of them, about
    2 ms on this VM), 1.5 after 50; now 26.5 (Python's own arenas for small objects, which
    grow as the worker learns its texts). docs/dashboard.md has the figures."""
    from anpo.core.heap import prefault_heap

    prefault_heap(_HEAP_ROOM)  # (it sets glibc's one arena and kept blocks first; no-op without glibc)


def _keep_arenas() -> list[bytes]:
    """After warming: room for the lists' small objects in Python's own allocator, with its
    pages backed now. CPython takes objects of up to 512 bytes from 1 MB arenas that it maps
    as it needs them and unmaps when their last object is freed, so a fresh worker's arenas
    grew as it learnt its texts (sections' paths, bounds, keys), a page fault each 4 KB first
    used: 26.5 faults a list over its first 20 lists of 1,000 once its heap was kept
    (`_keep_heap`), 20 of them in these arenas (perf). Here the worker makes `_ARENA_ROOM`
    of small objects and keeps one in every 64 KB of them (returned: kept for the worker's
    life), so their arenas stay mapped, and frees the rest for the lists' objects: 7 faults a
    list. (Elsewhere than CPython the objects are only made and freed.)"""
    made = [bytes(_ROOM_OBJECT) for _ in range(_ARENA_ROOM // (_ROOM_OBJECT + 48))]
    kept: list[bytes] = []
    blocks: set[int] = set()
    for obj in made:
        block = id(obj) >> 16  # (CPython: an object's id is its address)
        if block not in blocks:
            blocks.add(block)
            kept.append(obj)
    return kept


class _SharedAnswers:
    """A worker's end of its shared answer file: a large answer is written into the file's
    mapping, where the server says, and the socket carries only its place (`_SHARED`, the
    offset and the length: 17 bytes). A list of 1,000
    full results is 3.5 MB: through the socket it cost two kernel copies, the stream's
    buffer and its copy out, and the worker waited while the event loop drained it (about
    3.5 ms a list, against 1.8 ms through a mapping, in a paired micro-benchmark)."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "r+b")  # noqa: SIM115  # open for the worker's life
        self._map: mmap.mmap | None = None

    def message(self, answer: bytes, offset: int = 0) -> bytes:
        """The message that hands `answer` over (the answer itself if it is small), written
        at `offset` in the file (where the server has no earlier answer still being sent)."""
        if len(answer) < _SHARED_FROM:
            return answer
        end = offset + len(answer)
        if self._map is None or len(self._map) < end:
            size = max(end, 2 * len(self._map or b""), 1 << 22)
            self._file.truncate(size)  # grows only: the server's older, shorter maps stay valid
            if self._map is not None:
                self._map.close()
            self._map = mmap.mmap(self._file.fileno(), size)
        self._map[offset:end] = answer
        return _SHARED + _PLACE.pack(offset, len(answer))


def _serve(conn: Connection, shared_path: str | None = None) -> None:
    """A worker's life: warm, then answer requests from its socket until the server closes
    it. A request is two messages (an 8-byte offset and the query, the body); the answer is
    one (empty: not answered, the ordinary way decides; `_SHARED`, an offset and a length:
    the answer is in the shared file there). The server gives an offset past every answer it
    may still be sending (`_NOWHERE`: through the socket), so no answer is overwritten while
    it is sent."""
    shared = None
    if shared_path is not None:
        try:
            shared = _SharedAnswers(shared_path)
        except OSError:  # no shared file: every answer through the socket
            log.warning("a list worker could not open its answer file; answering through its socket")
    _warm()
    _keep_heap()
    _ARENAS_KEPT.extend(_keep_arenas())
    # What warming loaded (the library, the geography, the compiled kernels) lives as long as
    # the worker: out of the collector's way, so that its full passes (every few lists of 1,000
    # full results) walk only what lists make (p90 of a list 6.6-7.2 -> 6.3-6.4 ms in process).
    gc.freeze()
    # A list's work makes tens of thousands of short-lived containers (texts' pieces, groups,
    # a build's observations) that reference counting frees; at the default threshold (700)
    # the collector still ran several times a list, finding little (0.7-1 ms of a list of 1,000 full
    # results; CPU a new list after 50, separate processes alternated: 6.1-7.2 -> 5.7-6.1 ms).
    gc.set_threshold(_GC_YOUNG, *gc.get_threshold()[1:])
    conn.send_bytes(_READY)
    while True:
        try:
            head = conn.recv_bytes()  # where to write a shared answer, and the query
            body = conn.recv_bytes()
        except (EOFError, OSError):  # the server closed its end, or is gone
            return
        (offset,) = _LONG.unpack_from(head)
        try:
            answer = answer_list(body, head[_LONG.size:].decode("latin-1")) or b""
        except Exception:  # a bug: the ordinary way gives its answer (or 500)
            log.exception("a list worker failed")
            answer = b""
        conn.send_bytes(answer if shared is None or offset == _NOWHERE else shared.message(answer, offset))


_HEADER = struct.Struct("!i")  # multiprocessing.Connection's frame: a signed 4-byte length...
_LONG = struct.Struct("!Q")  # ...or -1 and an 8-byte one
_PLACE = struct.Struct("!QQ")  # a shared answer's offset in the file and its length
_NOWHERE = (1 << 64) - 1  # the offset that asks for the answer through the socket
_LEND_LIMIT = 1 << 26  # lent answers beyond this offset: the next answer through the socket
_READ_LIMIT = 1 << 22  # the stream's buffer: an answer of a few MB is read without pausing
_READY = b"ready"  # a worker's first message: warmed, it takes requests from now on
_SHARED = b"\0"  # an answer message's first byte when the answer is in the shared file (JSON never)
_SHARED_FROM = 1 << 16  # answers from this size go through the shared file
_HEAP_ROOM = 16 << 20  # a list worker's heap backed after warming (one `prefault_heap` block)
_ARENA_ROOM = 8 << 20  # and its room for small objects (`_keep_arenas`)...
_ROOM_OBJECT = 400  # ...made of bytes objects this long (448 bytes each in CPython's arenas)
_ARENAS_KEPT: list[bytes] = []  # an object in every 64 KB of that room, for the worker's life
_GC_YOUNG = 20_000  # a list worker's collector: young containers before a collection (default 700)


def _shared_dir() -> str | None:
    """Where the workers' answer files go: memory (/dev/shm) where there is one."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


class _Worker:
    """One worker process and the server's end of its socket."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # a clean interpreter: safe with numba and threads
        mine, theirs = ctx.Pipe(duplex=True)  # a Unix socket pair
        # The answer file: made here and opened by the worker; both keep it open, so nothing
        # is left behind whichever process ends first. Where Linux shows this process's open
        # files (/proc), the name is removed at once and the worker opens the file through
        # its descriptor's entry there: a server killed before its worker has warmed leaves
        # no file in /dev/shm. Elsewhere the name is removed once the worker is ready.
        fd, self._path = tempfile.mkstemp(prefix="anpo-list-answers-", dir=_shared_dir())
        self._file = os.fdopen(fd, "rb")
        opened_as = self._path
        through_proc = f"/proc/{os.getpid()}/fd/{fd}"
        if os.path.exists(through_proc):
            self._remove_file()
            opened_as = through_proc
        self._map: mmap.mmap | None = None
        # Parts of the file lent to responses (a key: the part's end and a weak reference
        # to its exporter, whose callback removes the key).
        self._lent: dict[int, tuple[int, weakref.ref[Any]]] = {}
        self._lends = 0
        self.process = ctx.Process(target=_serve, args=(theirs, opened_as), daemon=True,
                                   name="anpo-list-worker")
        # Ctrl+C in a terminal reaches the whole process group; the server stops its workers
        # itself (closes their sockets, then SIGTERM)
        with sigint_blocked():
            self.process.start()
        theirs.close()  # only the worker holds its end: its death is an end of file here
        self._conn = mine
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def warmed(self) -> None:
        """Return when the worker has warmed (OSError or IncompleteReadError if it died)."""
        sock = socket.socket(fileno=os.dup(self._conn.fileno()))
        self._streams = await asyncio.open_connection(sock=sock, limit=_READ_LIMIT)
        if await self._message(self._streams[0]) != _READY:
            raise OSError("a list worker said something else than ready")
        self._remove_file()

    async def exchange(self, query: bytes, body: bytes) -> bytes | memoryview:
        """The worker's answer (b"": not answered); OSError or IncompleteReadError if it died."""
        assert self._streams is not None
        reader, writer = self._streams
        head = _LONG.pack(self._free_offset()) + query
        writer.write(_HEADER.pack(len(head)) + head + _HEADER.pack(len(body)))
        writer.write(body)  # as received: no copy into a frame, no pickling
        await writer.drain()
        answer = await self._message(reader)
        return self._shared(answer) if answer[:1] == _SHARED else answer

    def _free_offset(self) -> int:
        """Where in the shared file the worker may write its next answer: after every answer
        lent to a response that may still be sending it (the start when there is none)."""
        if not self._lent:
            return 0
        end = max(end for end, _ in self._lent.values())
        # (many slow readers: the file grows no further, the answer comes through the socket)
        return -(-end // mmap.PAGESIZE) * mmap.PAGESIZE if end < _LEND_LIMIT else _NOWHERE

    def _shared(self, message: bytes) -> memoryview:
        """The answer the worker wrote into the shared file, lent without a copy: a view of
        the server's map of the file that the response's transport writes from. The part
        stays lent (the worker writes its later answers after it) until the last view of it
        is gone, when the transport has written it or dropped it."""
        import numpy as np

        offset, size = _PLACE.unpack(message[1:])
        end = offset + size
        if self._map is None or len(self._map) < end:
            # The grown file mapped again; an older map lives on while a view of it is lent.
            self._map = mmap.mmap(self._file.fileno(), os.fstat(self._file.fileno()).st_size,
                                  access=mmap.ACCESS_READ)
            if len(self._map) < end:
                raise OSError("a list worker's answer file is shorter than its answer")
        part = np.frombuffer(self._map, np.uint8, size, offset)  # exports the map, has weak references
        key = self._lends = self._lends + 1
        lent = self._lent
        lent[key] = (end, weakref.ref(part, lambda _ref: lent.pop(key, None)))
        return part.data

    def _remove_file(self) -> None:
        with contextlib.suppress(OSError):  # removed already
            os.unlink(self._path)

    @staticmethod
    async def _message(reader: asyncio.StreamReader) -> bytes:
        (size,) = _HEADER.unpack(await reader.readexactly(_HEADER.size))
        if size == -1:
            (size,) = _LONG.unpack(await reader.readexactly(_LONG.size))
        return await reader.readexactly(size) if size else b""

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
        self._conn.close()
        self._remove_file()
        if self._map is not None:
            with contextlib.suppress(BufferError):  # a view is lent: the map goes with it
                self._map.close()
        self._file.close()
        if self.process.is_alive():
            self.process.terminate()


class ListPool:
    """Worker processes for list assessments; `answer` is None whenever the pool cannot
    answer (not started, or not for this request).

    Each worker has its own socket to the event loop, which writes the request's bytes to it
    and reads the answer's bytes back without a thread, a queue or pickling (a process pool
    executor's feeder and result threads took 5-6 ms of a 1,000-scenario list under load)."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []
        self._starting: set[asyncio.Task[None]] = set()  # workers warming
        self.answered = 0  # lists answered by a worker (the tests read it)

    @property
    def running(self) -> bool:
        return self._idle is not None

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._all if w.process.pid is not None]

    def start(self) -> None:
        """Spawn the workers (they warm themselves; nobody waits for them). In the event loop."""
        if self._idle is not None:
            return
        self._idle = asyncio.Queue()
        for _ in range(self.workers):
            self._add()

    def _add(self) -> None:
        worker = _Worker()
        self._all.append(worker)
        task = asyncio.get_running_loop().create_task(self._welcome(worker))
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def _welcome(self, worker: _Worker) -> None:
        """Take the worker's requests once it has warmed (until then, lists wait for a worker
        and single scenarios are answered on the event loop)."""
        try:
            await worker.warmed()
        except (OSError, asyncio.IncompleteReadError):
            self._replace(worker)
            return
        if self._idle is not None and worker in self._all:
            self._idle.put_nowait(worker)

    def shutdown(self) -> None:
        self._idle = None
        workers, self._all = self._all, []
        for worker in workers:
            worker.close()

    def _replace(self, dead: _Worker) -> None:
        dead.close()
        if dead in self._all:
            self._all.remove(dead)
            if self._idle is not None:
                log.warning("a list worker died; starting another")
                self._add()

    async def answer(self, body: bytes, query: str) -> bytes | memoryview | None:
        idle = self._idle
        if idle is None:
            return None
        worker = await idle.get()
        # Shielded: a request cancelled mid-exchange must not leave its answer in the socket
        # for the next request; the exchange ends (and frees the worker) on its own.
        return await asyncio.shield(self._exchange(idle, worker, query.encode("latin-1"), body))

    async def _exchange(self, idle: asyncio.Queue[_Worker], worker: _Worker, query: bytes,
                        body: bytes) -> bytes | memoryview | None:
        try:
            answer = await worker.exchange(query, body)
        except (OSError, asyncio.IncompleteReadError):  # the worker died (or the pool closed)
            self._replace(worker)
            return None
        except BaseException:
            self._replace(worker)  # cancelled mid-exchange (shutdown): its socket is unusable
            raise
        idle.put_nowait(worker)
        if not answer:
            return None
        self.answered += 1
        return answer
