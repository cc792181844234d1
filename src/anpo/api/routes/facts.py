"""GET /v1/bases, /v1/registry, /v1/personnel, /v1/costs, /v1/instruments: posture, the
facility registry, cost sharing and the law's sources."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query

from anpo import costs, posture
from anpo.api.errors import RequestInputError
from anpo.api.models import DATE_PATTERN
from anpo.core.errors import InputError
from anpo.law.instruments import Instrument, instruments
from anpo.posture.schema import KINDS

router = APIRouter(prefix="/v1", tags=["facts"])


def _today() -> str:
    return dt.date.today().isoformat()


@router.get("/bases", summary="Facilities on a date (optionally near a point, of one kind)",
            response_model=None)
def bases(
    date: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY-MM-DD; default today"),
    lat: float | None = Query(None, ge=-90, le=90, description="with lon: sort by distance"),
    lon: float | None = Query(None, ge=-180, le=180),
    radius_km: float | None = Query(None, ge=0, le=20_000, description="needs lat and lon"),
    kind: Literal[tuple(KINDS)] | None = Query(None),  # type: ignore[valid-type]
    planned: bool = Query(False, description="include planned facilities"),
    format: Literal["json", "geojson"] = Query("json"),
) -> dict[str, Any]:
    if (lat is None) != (lon is None):
        raise RequestInputError(InputError("lon" if lon is None else "lat", "lat and lon go together"),
                                "query")
    if radius_km is not None and lat is None:
        raise RequestInputError(InputError("radius_km", "needs lat and lon"), "query")
    near = None if lat is None or lon is None else (lat, lon)
    day = posture.at(date or _today()).date
    rows = posture.bases(day, near=near, radius_km=radius_km, kind=kind, include_planned=planned)
    if format == "geojson":
        # flat, typed properties ([lon, lat] to 6 decimals), as the CLI writes them: QGIS and
        # GeoPandas can style and filter on status_legal_status, runways_count, ...
        from anpo.core.geojson import collection, point

        feats = []
        for r in rows:
            props = {k: v for k, v in r.to_dict(day).items() if k not in ("lat", "lon")}
            feats.append(point(r.facility.lon, r.facility.lat, props))
        return {**collection(feats), "date": day.isoformat()}
    return {"date": day.isoformat(), "count": len(rows), "facilities": [r.to_dict(day) for r in rows]}


@router.get("/registry", response_model=None,
            summary="The SOFA facility registry on a date: areas, Okinawa's share, what-if closures")
def facility_registry(
    date: str | None = Query(None, pattern=DATE_PATTERN, description="YYYY-MM-DD; default today"),
    close: str | None = Query(None, max_length=2000, description="facility ids to close, comma-separated"),
    format: Literal["json", "geojson"] = Query("json"),
) -> dict[str, Any]:
    from anpo.posture.footprint import to_geojson

    ids = [] if not close else close.split(",")
    try:
        fp = posture.footprint(date or _today(), ids)
    except InputError as err:
        raise RequestInputError(err, "query") from None
    return to_geojson(fp) if format == "geojson" else fp.to_dict()


@router.get("/registry/share", response_model=None,
            summary="Okinawa's share of the exclusive-use area, computed from the registry")
def registry_share(
    dates: str | None = Query(None, max_length=2000, description="YYYY-MM-DD,...; default: published dates"),
) -> dict[str, Any]:
    try:
        rows = posture.share_series(None if not dates else dates.split(","))
    except InputError as err:
        raise RequestInputError(err, "query") from None
    return {"rows": rows}


@router.get("/personnel", summary="U.S. military personnel in Japan by year (DMDC)", response_model=None)
def personnel_series(
    from_year: int | None = Query(None, ge=1945, le=2100),
    to_year: int | None = Query(None, ge=1945, le=2100),
) -> dict[str, Any]:
    from anpo.posture.personnel import series

    try:
        return {"rows": series(from_year, to_year).to_rows()}
    except InputError as err:
        raise RequestInputError(err, "query") from None


@router.get("/costs", summary="The ledger of Japan's spending on U.S. forces (JFY1978-)",
            response_model=None)
def ledger(by: Literal["period", "category", "year", "line", "comparison"] = Query("period"),
           ) -> dict[str, Any]:
    out: dict[str, Any] = {"by": by, "rows": costs.ledger(by)}
    if by == "year":  # the dashboard reads history and sum_checks with the year rows
        out["history"] = [h.model_dump(mode="json") for h in costs.history()]
        out["sum_checks"] = costs.sum_checks()
        out["coverage"] = costs.coverage()
    if by in ("year", "line"):
        out["lines"] = {k: dataclasses.asdict(v) for k, v in costs.lines().items()}
    return out


@router.get("/costs/what-if", summary="Change an SMA rule: totals per JFY, with the arithmetic",
            response_model=None)
def what_if(
    period: str = Query("2022-26", max_length=20, description="SMA period id, e.g. 2022-26"),
    labor_cap: int | None = Query(None, ge=0, le=1_000_000),
    labor_cost_per_worker_jpy: float | None = Query(None, ge=0, le=1e9),
    utilities_share: float | None = Query(None, ge=0, le=1),
    utilities_cap_jpy_bn: float | None = Query(None, ge=0, le=1e4),
    training_relocation_jpy_bn: float | None = Query(None, ge=0, le=1e4),
) -> dict[str, Any]:
    try:
        result = costs.what_if(
            period, labor_cap=labor_cap, labor_cost_per_worker_jpy=labor_cost_per_worker_jpy,
            utilities_share=utilities_share, utilities_cap_jpy_bn=utilities_cap_jpy_bn,
            training_relocation_jpy_bn=training_relocation_jpy_bn,
        )
    except InputError as err:
        raise RequestInputError(err, "query") from None
    return result.to_dict()


def _iso(d: dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


def instrument_summary(inst: Instrument) -> dict[str, Any]:
    return {
        "id": inst.id, "title": inst.title, "kind": inst.kind, "signed": _iso(inst.signed),
        "in_force": inst.in_force.isoformat(), "ended": _iso(inst.ended), "url": inst.url,
        "confidence": inst.confidence, "provisions": len(inst.provisions),
        # the official Japanese title and text, where the instrument has them (the dashboard's Japanese)
        "title_ja": inst.title_ja, "url_ja": inst.url_ja,
    }


@router.get("/instruments", summary="Every instrument with its in-force dates", response_model=None)
def list_instruments() -> dict[str, Any]:
    items = sorted(instruments().values(), key=lambda i: (i.in_force, i.id))
    return {"instruments": [instrument_summary(i) for i in items]}


@router.get("/instruments/{instrument_id}", summary="One instrument: provisions, paraphrases, citations",
            response_model=None, responses={404: {"description": "no such instrument"}})
def get_instrument(instrument_id: str = Path(pattern=r"^[a-z0-9][a-z0-9.-]{0,99}$")) -> dict[str, Any]:
    inst = instruments().get(instrument_id)
    if inst is None:
        raise HTTPException(404, f"no instrument {instrument_id!r}")
    out = instrument_summary(inst)
    out.update(sources=list(inst.sources), note=inst.note,
               dates={k: v.isoformat() for k, v in inst.dates.items()})
    out["provisions"] = [
        {"id": p.id, "title": p.title, "paraphrase": p.paraphrase, "term": p.term, "url": p.url,
         "in_force": _iso(p.in_force or inst.in_force), "confidence": p.confidence or inst.confidence,
         "note": p.note}
        for p in inst.provisions.values()
    ]
    return out
