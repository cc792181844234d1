"""`anpo bases` and `anpo posture`: facilities and command arrangements on a date."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import typer

from anpo import posture
from anpo.core.errors import InputError
from anpo.posture.schema import LEGAL_STATUS_LABELS

FORMATS = ("table", "json", "geojson")


def _check_format(fmt: str, accepted: tuple[str, ...]) -> None:
    if fmt not in accepted:
        raise InputError("--format", f"unknown format {fmt!r}; accepted: {', '.join(accepted)}")


def _geojson(rows: list[posture.FacilityOnDate], day: str) -> dict[str, Any]:
    feats = []
    for r in rows:
        props = r.to_dict(dt.date.fromisoformat(day))
        props.pop("lat")
        props.pop("lon")
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.facility.lon, r.facility.lat]},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def bases_command(
    date: str = typer.Option(..., "--date", help="Date YYYY-MM-DD."),
    near: tuple[float, float] | None = typer.Option(
        None, "--near", help="LAT LON of a point (decimal degrees, WGS-84)."
    ),
    radius_km: float | None = typer.Option(None, "--radius-km", help="Only within this many km."),
    kind: str | None = typer.Option(
        None, "--kind", help="airfield | port | camp | radar | headquarters."
    ),
    planned: bool = typer.Option(False, "--planned", help="Include planned facilities."),
    fmt: str = typer.Option("table", "--format", help="table | json | geojson."),
) -> None:
    """Facilities on a date, optionally near a point and of one kind."""
    _check_format(fmt, FORMATS)
    # posture.bases validates kind, radius and point; its field names become option names
    try:
        rows = posture.bases(
            date, near=near, radius_km=radius_km, kind=kind, include_planned=planned
        )
    except InputError as err:
        raise InputError(f"--{err.field.replace('_', '-')}", err.reason) from None
    day = posture.at(date).date
    if fmt == "json":
        typer.echo(json.dumps([r.to_dict(day) for r in rows], ensure_ascii=False, indent=2))
        return
    if fmt == "geojson":
        typer.echo(json.dumps(_geojson(rows, day.isoformat()), ensure_ascii=False, indent=2))
        return
    header = f"{'id':<15} {'kind':<12} {'status':<17} {'prefecture':<10} {'lat':>8} {'lon':>9}"
    if near is not None:
        header += f" {'km':>7}"
    typer.echo(f"Facilities on {day.isoformat()}: {len(rows)}")
    typer.echo(header)
    for r in rows:
        f = r.facility
        line = (
            f"{f.id:<15} {f.kind:<12} {r.status.legal_status:<17} {f.prefecture:<10} "
            f"{f.lat:>8.3f} {f.lon:>9.3f}"
        )
        if r.distance_km is not None:
            line += f" {r.distance_km:>7.1f}"
        if f.approximate:
            line += "  (approx. coordinates)"
        typer.echo(line)


def posture_command(
    date: str = typer.Option(..., "--date", help="Date YYYY-MM-DD."),
    fmt: str = typer.Option("table", "--format", help="table | json."),
) -> None:
    """Summary on a date: facilities by status and prefecture, arrangements in force."""
    _check_format(fmt, ("table", "json"))
    p = posture.at(date)
    if fmt == "json":
        typer.echo(json.dumps(p.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"Posture on {p.date.isoformat()}: {len(p.facilities)} facilities in the registry")
    typer.echo("By legal status:")
    for k, v in sorted(p.by_status().items()):
        typer.echo(f"  {v:>3}  {LEGAL_STATUS_LABELS[k]}")
    typer.echo("By prefecture:")
    for k, v in p.by_prefecture().items():
        typer.echo(f"  {v:>3}  {k}")
    if p.planned:
        typer.echo("Planned:")
        for r in p.planned:
            typer.echo(f"  {r.facility.name} — {r.status.note or ''}")
    units = [(r.facility.id, u) for r in p.facilities for u in r.facility.units_on(p.date)]
    if units:
        typer.echo("Dated units present:")
        for fid, u in units:
            typer.echo(f"  {fid}: {u.name}")
    typer.echo("Command and coordination in force:")
    for a in p.arrangements:
        flag = "" if a.status == "in_force" else f" [{a.status}]"
        typer.echo(f"  {a.start.isoformat()}  {a.name}{flag}  <{a.source.split(' ; ')[0]}>")
    if p.changes:
        typer.echo("Latest realignment changes:")
        for c in p.changes[-5:]:
            typer.echo(f"  {c.date.isoformat()}  [{c.status}] {c.summary}")
    if p.okinawa:
        typer.echo("Okinawa (latest figures as of this date):")
        for fig in p.okinawa:
            typer.echo(
                f"  {fig.value:g} {fig.unit}: {fig.measure} (as of {fig.as_of}; {fig.confidence})"
            )


def register(app: typer.Typer) -> None:
    app.command("bases")(bases_command)
    app.command("posture")(posture_command)
