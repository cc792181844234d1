"""List assessments in worker processes, so that the event loop keeps its GIL.

A list of 1,000 scenarios is about 20 ms of JSON checking and request validation and
100-250 ms of assessment, all holding the GIL; in a thread of the server's process that
time is taken from the event loop, and single requests (`GET /v1/where`) wait behind it.
`anpo serve` therefore hands large `POST /v1/assess` bodies, as bytes, to a pool of worker
processes (`ANPO_LIST_SLOTS` of them, spawned and warmed when the server starts): a worker
checks the JSON as `StrictJson` does, validates it with the route's own body field,
answers with the route's own `answer` and returns the response bytes. The event loop only
moves bytes. Anything the worker cannot answer with a 200 (a bad body, an unusual query, a
library error) comes back as None and the request takes the ordinary in-process way, which
gives the same 422 with the same detail; so does every request when the pool is not running
(a crashed worker restarts the pool). Waiting is bounded by `ListSlots` (429 beyond).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any
from urllib.parse import parse_qsl

log = logging.getLogger(__name__)

PATH = "/v1/assess"
# pydantic's words for a boolean in a query string (lower case)
_BOOLS = {"1": True, "on": True, "t": True, "true": True, "y": True, "yes": True,
          "0": False, "off": False, "f": False, "false": False, "n": False, "no": False}
_FIELDS = ("full", "compact")
# What anpo.geo.resolver builds lazily, after a budget of points decided in numpy.
_GEO_BUILT = ("coast_tree", "unit_land", "specified_area_polygons", "internal_water_polygons")
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
    if params["fields"] == "compact" and not params["explain"]:
        fast = _compact_columns(body, params)
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
    import orjson

    from anpo.api.compact_lists import list_columns
    from anpo.io.compact_results import frame_rows
    from anpo.law.whatif import WhatIf

    columns = list_columns(body)
    if columns is None:
        return None
    without, in_force = params["without"], params["in_force"]
    try:
        whatif = WhatIf.parse(without or (), in_force or ()) if (without or in_force) else None
        frame, ids, dates = columns
        return orjson.dumps(frame_rows(frame, ids, dates, whatif=whatif))
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
        world_index()
    except Exception:  # a failure here recurs, with its error, on the in-process way
        log.exception("warming a list worker failed")


def _ready() -> int:
    return multiprocessing.current_process().pid or 0


class ListPool:
    """Worker processes for list assessments; `answer` is None whenever the pool cannot
    answer (not started, or not for this request)."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.answered = 0  # lists answered by a worker (the tests read it)

    @property
    def running(self) -> bool:
        return self._pool is not None

    def start(self) -> None:
        """Spawn the workers (spawn: a clean interpreter, safe with numba and threads) and
        warm them, without waiting for them."""
        with self._lock:
            if self._pool is not None:
                return
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_warm)
            for _ in range(self.workers):
                self._pool.submit(_ready)

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is not broken:
                return
            self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)
        log.warning("a list worker died; starting the pool again")
        self.start()

    async def answer(self, body: bytes, query: str) -> bytes | None:
        pool = self._pool
        if pool is None:
            return None
        try:
            future: Future[bytes | None] = pool.submit(answer_list, body, query)
            result = await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._restart(pool)
            return None
        except RuntimeError:  # shut down meanwhile
            return None
        if result is not None:
            self.answered += 1
        return result
