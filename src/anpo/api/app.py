"""The FastAPI application: the library over HTTP, the run store, the dashboard's files.

    app = create_app()                     # settings from the environment
    app = create_app(Settings(...), runner=fake_runner, store=Store.open(url))
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from anpo import __version__
from anpo.api import errors
from anpo.api.list_pool import ListPool
from anpo.api.middleware import (
    BodyLimit,
    ListSlots,
    OneScenario,
    SecurityHeaders,
    StrictJson,
    TrustedHost,
    WriteToken,
)
from anpo.api.rate_limit import RateLimit
from anpo.api.routes import alliance, assess, facts, geo, runs
from anpo.api.runs import RunManager, Runner, sim_runner
from anpo.api.settings import MAX_BATCH, MAX_BODY_BYTES, MAX_SEED, MAX_TRIALS, Settings, check_token
from anpo.api.warm import start_warming
from anpo.core.dates import FIRST_DATE
from anpo.store import Store

WEB = Path(__file__).resolve().parent.parent / "web"
HEARTBEAT_S = 15.0
_UNSET: Any = object()
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "the Host is not one this server answers to"},
    401: {"description": "this server needs a token for writes and stored data"},
    408: {"description": "the request body arrived too slowly"},
    413: {"description": "request body too large"},
}


def _prune(store: Store, settings: Settings) -> None:
    """Retention and quotas of stored runs and assessments."""
    store.prune(max_runs=settings.max_stored_runs, max_assessments=settings.max_stored_assessments,
                older_than=dt.timedelta(days=settings.retention_days))


def _heartbeat(store: Store, settings: Settings, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_S):
        try:
            store.heartbeat()
            store.recover()
            _prune(store, settings)
        except Exception:  # a database hiccup must not kill the server; retry next beat
            continue


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>anpo API</title>
<link rel="icon" href="/favicon.svg"><link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script><script src="/js/docs.js"></script>
</body></html>
"""

PAGES = {"/": "index.html", "/index.html": "index.html", "/app.css": "app.css", "/favicon.svg": "favicon.svg"}


def _web_routes(app: FastAPI) -> None:
    """The dashboard: a few named files and two folders (never a path from the request)."""
    for url, name in PAGES.items():
        def page(name: str = name) -> FileResponse:
            return FileResponse(WEB / name)

        app.add_api_route(url, page, methods=["GET"], include_in_schema=False)
    for folder in ("js", "vendor"):
        app.mount(f"/{folder}", StaticFiles(directory=WEB / folder, check_dir=False), name=folder)


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, runner: Runner | None = _UNSET,
) -> FastAPI:
    settings = settings or Settings.from_env()
    check_token(settings.token)
    chosen_runner: Runner | None = sim_runner() if runner is _UNSET else runner
    lists = ListPool(settings.list_slots)  # started with the server when settings.list_processes

    def attach(app: FastAPI, st: Store) -> None:
        app.state.store = st
        app.state.runs = RunManager(
            st, chosen_runner, settings.run_workers, max_work=settings.max_run_work,
            max_seconds=settings.max_run_seconds, max_queued=settings.max_queued,
            max_per_client=settings.max_queued_per_client,
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        st = store or Store.open(settings.database_url)
        if store is None:
            attach(app, st)
        st.register_server()
        _prune(st, settings)
        stop = threading.Event()
        beat = threading.Thread(target=_heartbeat, args=(st, settings, stop), daemon=True,
                                name="anpo-heartbeat")
        beat.start()
        start_warming(stop)  # today's map, then the other periods, before anyone asks
        if settings.list_processes:
            lists.start()
        try:
            yield
        finally:
            stop.set()
            lists.shutdown()
            app.state.runs.shutdown()
            st.unregister_server()
            if store is None:
                st.close()

    app = FastAPI(
        title="anpo", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
        responses=COMMON_RESPONSES,
        description="The U.S.-Japan security alliance as executable, cited software. "
        f"Request bodies up to {MAX_BODY_BYTES} bytes; unknown fields and wrong types are 422.",
    )
    app.state.lists = lists
    if store is not None:  # usable without the lifespan too (schema tests drive the ASGI app)
        attach(app, store)
    errors.install(app)
    for module in (assess, geo, facts, alliance, runs):
        app.include_router(module.router)

    @app.get("/v1/meta", tags=["meta"], summary="Version, limits and what this server offers")
    def meta() -> dict[str, Any]:
        return {
            "anpo_version": __version__,
            "first_date": FIRST_DATE.isoformat(),
            "limits": {"body_bytes": MAX_BODY_BYTES, "assess_batch": MAX_BATCH,
                       "trials": MAX_TRIALS, "seed": MAX_SEED, "run_work": settings.max_run_work,
                       "run_seconds": settings.max_run_seconds, "live_runs": settings.max_queued,
                       "live_runs_per_client": settings.max_queued_per_client,
                       "requests_per_second_per_client": settings.rate_limit or None,
                       "request_burst_per_client": settings.rate_burst if settings.rate_limit else None,
                       "loopback_rate_limited": bool(settings.rate_limit and settings.rate_limit_loopback)},
            "simulation_available": chosen_runner is not None,
            "writes_need_token": bool(settings.token),
            "stored_data_needs_token": bool(settings.token),
        }

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)  # no inline script: the CSP forbids it

    _web_routes(app)
    app.add_middleware(StrictJson)
    app.add_middleware(OneScenario)  # one valid scenario: answered without FastAPI's routing
    app.add_middleware(ListSlots, slots=settings.list_slots, pool=lists)
    app.add_middleware(WriteToken, token=settings.token)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(RateLimit, rate=settings.rate_limit, burst=settings.rate_burst,
                       limit_loopback=settings.rate_limit_loopback)
    app.add_middleware(TrustedHost, hosts=settings.trusted_hosts())
    app.add_middleware(SecurityHeaders)  # outermost: every answer carries the headers
    return app
