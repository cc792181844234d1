"""GET /v1/okinawa, /v1/realignment, /v1/governance: the alliance on the ground as dated data."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from anpo.api.errors import RequestInputError
from anpo.api.models import DATE_PATTERN
from anpo.core.errors import InputError

router = APIRouter(prefix="/v1", tags=["alliance"])
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
# format=csv answers text/csv: documented so clients (and the schema tests) expect it
JSON_OR_CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}}}},
}


def _csv(rows: Any) -> Response:
    from anpo.io.record_csv import to_csv

    return PlainTextResponse(to_csv(list(rows)), media_type="text/csv; charset=utf-8")


@router.get("/okinawa", responses=JSON_OR_CSV, response_model=None,
            summary="Okinawa's burden as dated series, with sum checks and gaps")
def okinawa(
    series: str | None = Query(None, pattern=ID_PATTERN, description="one series id"),
    format: Literal["json", "csv"] = Query("json"),
) -> Any:
    from anpo.posture import burden

    try:
        report = burden.report(series)
    except InputError as err:
        raise RequestInputError(err, "query") from None
    return _csv(report["rows"]) if format == "csv" else report


@router.get("/realignment", responses=JSON_OR_CSV, response_model=None,
            summary="Realignment plans against outcomes, slippage, Henoko's costs")
def realignment(
    plan: str | None = Query(None, pattern=ID_PATTERN, description="one plan id"),
    format: Literal["json", "csv"] = Query("json"),
) -> Any:
    from anpo.posture import realignment as plans

    try:
        report = plans.report(plan)
    except InputError as err:
        raise RequestInputError(err, "query") from None
    return _csv(report["items"]) if format == "csv" else report


@router.get("/governance", responses=JSON_OR_CSV, response_model=None,
            summary="SCC meetings, exercises, information sharing, 95-2 counts, command")
def governance(
    section: Literal["scc", "exercises", "information", "protection", "command"] | None = Query(None),
    date: str | None = Query(None, pattern=DATE_PATTERN, description="only what existed on YYYY-MM-DD"),
    format: Literal["json", "csv"] = Query("json"),
) -> Any:
    from anpo.core.dates import parse_date
    from anpo.posture import governance as gov

    try:
        day: dt.date | None = None if date is None else parse_date(date, "date")
        report = gov.report(section, day)
    except InputError as err:
        raise RequestInputError(err, "query") from None
    if format == "csv":
        names = [n for n in gov.SECTIONS if n in report]
        return _csv({"section": n, **r} for n in names for r in report[n])
    return report
