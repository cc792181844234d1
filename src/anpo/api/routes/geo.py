"""GET /v1/where and GET /v1/coverage: the geography of administration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from anpo.api.errors import RequestInputError
from anpo.api.models import DATE_PATTERN
from anpo.core.errors import InputError
from anpo.geo.lookup import where as where_lookup
from anpo.report.coverage import coverage as coverage_geojson

router = APIRouter(prefix="/v1", tags=["geography"])


T = TypeVar("T")


def today() -> str:
    return dt.date.today().isoformat()


def _from_query(answer: Callable[[], T]) -> T:
    """An input error here is in the query string (a date like 2026-02-30), not in a body."""
    try:
        return answer()
    except InputError as err:
        raise RequestInputError(err, "query") from None


@router.get("/where", summary="Who administers a point on a date", response_model=None)
def where(
    lat: float = Query(ge=-90, le=90, description="Latitude, decimal degrees (WGS-84)"),
    lon: float = Query(ge=-180, le=180, description="Longitude, decimal degrees (WGS-84)"),
    date: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY-MM-DD; default today"),
) -> dict[str, Any]:
    return _from_query(lambda: where_lookup(lat, lon, date or today()))


@router.get(
    "/coverage", response_model=None,
    summary="GeoJSON of land and territorial sea by administering state, and the Article V area",
    description="Derived from the geography and the law on a raster of about 3.5 km and "
    "simplified for display; cached per period between changes.",
)
def coverage(
    date: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY-MM-DD; default today"),
) -> JSONResponse:
    return JSONResponse(_from_query(lambda: coverage_geojson(date or today())),
                        headers={"Cache-Control": "public, max-age=3600"})


_PNG = "image/png"


@router.get("/tiles/base/{z}/{x}/{y}.png", summary="Base map tile (land, sea, coastline, land borders)",
            response_class=Response, responses={200: {"content": {_PNG: {}}}})
def base_tile(z: int, x: int, y: int) -> Response:
    from anpo.report.tiles import base_tile as draw

    return Response(draw(z, x, y), media_type=_PNG, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/tiles/admin/{z}/{x}/{y}.png",
            summary="Administration tile: land and territorial sea by administering state on a date",
            response_class=Response, responses={200: {"content": {_PNG: {}}}})
def admin_tile(
    z: int, x: int, y: int,
    date: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY-MM-DD; default today"),
) -> Response:
    from anpo.report.tiles import admin_tile as draw

    return Response(_from_query(lambda: draw(z, x, y, date or today())), media_type=_PNG,
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/map-labels", summary="GeoJSON labels of the places the law names (island groups, straits)",
            response_model=None)
def map_labels() -> JSONResponse:
    from anpo.report.map_labels import labels_geojson

    return JSONResponse(labels_geojson(), headers={"Cache-Control": "public, max-age=86400"})
