"""`anpo where`: who administers a point on a date."""

from __future__ import annotations

import json

import typer

from anpo.core.errors import InputError
from anpo.geo.lookup import where as where_lookup


def _text(r: dict[str, object]) -> str:
    lines = [f"{r['lat']}, {r['lon']} on {r['date']}"]
    zone = r["zone"]
    if zone == "outside":
        lines.append("zone: outside any territory (high seas, EEZ or beyond the territorial sea)")
        if r.get("nearest_unit"):
            lines.append(
                f"  {r['coast_distance_nm']} nm from the coast of {r['nearest_unit']}, "
                f"whose territorial sea here is {r['territorial_sea_nm']} nm"
            )
    else:
        waters = f" ({r['internal_waters']}, internal waters)" if r.get("internal_waters") else ""
        lines.append(f"zone: {zone} of {r['name']}{waters}")
        lines.append(f"administered by: {r['administered_by']}")
        if r["claimed_by"]:
            lines.append(f"also claimed by: {', '.join(r['claimed_by'])}")  # type: ignore[arg-type]
        if zone == "territorial_sea":
            lines.append(
                f"  {r['coast_distance_nm']} nm from the coast; territorial sea {r['territorial_sea_nm']} nm"
            )
    if r.get("specified_area"):
        lines.append(f"specified area: {r['specified_area']} (Japan's territorial sea stays 3 nm)")
    since = r.get("since")
    if isinstance(since, dict):
        lines.append(f"since {since['date']}: {since['event']}")
        lines.append(f"  source: {since['source']} ({since['confidence']})")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command()
    def where(
        lat: float = typer.Argument(..., help="Latitude, WGS-84 degrees (north positive)."),
        lon: float = typer.Argument(..., help="Longitude, WGS-84 degrees (east positive)."),
        date: str = typer.Option(..., "--date", help="YYYY-MM-DD"),
        fmt: str = typer.Option("text", "--format", help="text or json"),
    ) -> None:
        """Who administers the point LAT LON on a date: land, territorial sea or outside."""
        if fmt not in ("text", "json"):
            raise InputError("--format", f"{fmt!r}; accepted: text, json")
        result = where_lookup(lat, lon, date)
        typer.echo(json.dumps(result, indent=2) if fmt == "json" else _text(result))
