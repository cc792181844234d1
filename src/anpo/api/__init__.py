"""HTTP API (FastAPI), thin over the library; also serves the dashboard in `anpo/web`.

`anpo serve` runs it with uvicorn on 127.0.0.1; OpenAPI at /openapi.json, docs at /docs.
`create_app` is imported lazily so that `anpo.api.settings` stays light for the CLI.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from anpo.api.app import create_app

        return create_app
    raise AttributeError(name)
