"""`anpo serve [--host 127.0.0.1] [--port 8765]`: the HTTP API and the dashboard.

Binds loopback unless ANPO_API_TOKEN is set; the store is $ANPO_DATABASE_URL or the default
SQLite file (see `anpo.store.location`).
"""

from __future__ import annotations

import sys

import typer

from anpo.api.settings import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    TOKEN_ENV,
    BindRefused,
    Settings,
    WeakToken,
    check_bind,
    check_token,
)
from anpo.cli import process_end
from anpo.core.errors import InputError
from anpo.core.signals import stop_on_signals


def serve_command(
    host: str = typer.Option(
        DEFAULT_HOST, "--host", help="Address to listen on (loopback unless a token is set)."
    ),
    port: int = typer.Option(DEFAULT_PORT, "--port", help="TCP port (0: any free port)."),
) -> None:
    """Serve the dashboard and the HTTP API (OpenAPI docs at /docs)."""
    import dataclasses

    import uvicorn

    from anpo.api.app import create_app
    from anpo.api.server import server_config
    from anpo.store import Store

    try:
        settings = dataclasses.replace(Settings.from_env(), host=host)
    except ValueError as err:  # a limit's environment variable is not a number
        raise InputError(str(err).split(":")[0], str(err).split(": ", 1)[-1]) from None
    try:
        check_token(settings.token)
    except WeakToken as err:
        raise InputError(TOKEN_ENV, str(err)) from None
    try:
        check_bind(host, settings.token)
    except BindRefused as err:
        raise InputError("--host", str(err)) from None
    if not 0 <= port <= 65535:
        raise InputError("--port", f"{port} is outside 0..65535")
    store = Store.open(settings.database_url)
    shown = f"[{host}]" if ":" in host else host
    if settings.processes > 1:  # ANPO_SERVE_PROCESSES: each process opens the store (made here)
        from anpo import __version__
        from anpo.api.server import serve_processes

        store.close()

        def announce(bound: int) -> None:
            typer.echo(f"anpo {__version__}: dashboard at http://{shown}:{bound}/  (API docs at /docs; "
                       f"{settings.processes} server processes)")
            typer.echo(f"store: {store.url}")
            sys.stdout.flush()

        try:
            serve_processes(host, port, settings.processes, announce)
        except SystemExit as stop:  # 130 / 143 after a stop signal, as with one process
            process_end.end_stopped(int(stop.code or 0))
            raise
        return
    app = create_app(settings, store=store)
    config = server_config(app, host, port)
    server = uvicorn.Server(config)

    original = server.startup

    async def startup(sockets: object = None) -> None:
        await original(sockets)  # type: ignore[arg-type]
        bound = port
        for s in server.servers:
            for sock in s.sockets:
                bound = sock.getsockname()[1]
        typer.echo(f"anpo {app.version}: dashboard at http://{shown}:{bound}/  (API docs at /docs)")
        typer.echo(f"store: {store.url}")
        typer.echo("Press Ctrl+C to stop.")
        sys.stdout.flush()

    server.startup = startup  # type: ignore[method-assign]
    # uvicorn catches SIGINT/SIGTERM itself, shuts down gracefully, then raises the signal
    # again: under `stop_on_signals` that is exit 130/143 like every long command (before,
    # SIGINT's KeyboardInterrupt ended in a crash of the teardown, -11, in 3 runs of 4)
    try:
        with stop_on_signals():
            server.run()
    except SystemExit as stop:
        process_end.end_stopped(int(stop.code or 0))
        raise
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
