"""Library errors as HTTP answers: InputError is 422 naming the field (and the row)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from anpo.core.errors import DataError, InputError


def input_error_body(err: InputError, prefix: tuple[str | int, ...] = ("body",)) -> dict[str, object]:
    loc: list[str | int] = list(prefix)
    if err.row is not None:
        loc.append(err.row)
    loc.extend(err.field.split("."))
    return {"detail": [{"loc": loc, "msg": err.reason, "type": "input_error"}]}


class RequestInputError(Exception):
    """An InputError located in a part of the request (body, query)."""

    def __init__(self, err: InputError, where: str) -> None:
        super().__init__(str(err))
        self.err = err
        self.where = where


def _branch_matches(tag: object, body: object) -> bool | None:
    """For a union body (one object or a list), whether an error's branch fits the input."""
    if not isinstance(tag, str):
        return None
    if tag.startswith("list["):
        return isinstance(body, list)
    if tag[:1].isupper() and tag.isidentifier():
        return isinstance(body, dict)
    return None


def tidy_errors(errors: list[Any], body: object) -> list[Any]:
    """Keep the errors of the union branch the input chose, without the branch tag in `loc`."""
    kept = []
    for e in errors:
        loc = list(e.get("loc", ()))
        fits = _branch_matches(loc[1], body) if len(loc) > 1 and loc[0] == "body" else None
        if fits is False:
            continue
        if fits:
            loc.pop(1)
        kept.append({**e, "loc": loc})
    return kept or errors


HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def allowed_methods(request: Request) -> list[str]:
    """Every method the OpenAPI schema offers at this path (Starlette's 405 names only the
    methods of the first route that matched the path)."""
    path = request.scope.get("path", "")
    methods: set[str] = set()
    for template, item in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods |= {m.upper() for m in item if m in HTTP_METHODS}
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> Response:
        if err.status_code == 405:
            headers = {**(err.headers or {}), "Allow": ", ".join(allowed_methods(request))}
            return JSONResponse({"detail": err.detail}, status_code=405, headers=headers)
        return await http_exception_handler(request, err)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, err: RequestValidationError) -> JSONResponse:
        detail = tidy_errors(list(err.errors()), err.body)
        return JSONResponse({"detail": jsonable_encoder(detail)}, status_code=422)

    @app.exception_handler(InputError)
    async def _input(_: Request, err: InputError) -> JSONResponse:
        return JSONResponse(input_error_body(err), status_code=422)

    @app.exception_handler(RequestInputError)
    async def _located(_: Request, err: RequestInputError) -> JSONResponse:
        return JSONResponse(input_error_body(err.err, (err.where,)), status_code=422)

    @app.exception_handler(DataError)
    async def _data(_: Request, err: DataError) -> JSONResponse:
        return JSONResponse({"detail": f"data error (a bug in anpo): {err}"}, status_code=500)
