"""`anpo where`: who administers a point on a date (today by default), as text, JSON, CSV
(one row, nested values flattened) or a GeoJSON point feature."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum

import typer

from anpo.geo.lookup import where as where_lookup
from anpo.io.geojson import collection, csv_text, point


class Format(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    geojson = "geojson"


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
        date: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                        help="The date (default: today)."),
        fmt: Format = typer.Option(Format.text, "--format", help="Output format."),
        bom: bool = typer.Option(False, "--bom",
                                 help="With --format csv: UTF-8 with a byte order mark (Excel)."),
    ) -> None:
        """Who administers the point LAT LON on a date: land, territorial sea or outside."""
        result = where_lookup(lat, lon, date or dt.date.today().isoformat())
        if fmt is Format.json:
            typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        elif fmt is Format.csv:
            typer.echo(csv_text([result], bom=bom), nl=False)
        elif fmt is Format.geojson:
            props = {k: v for k, v in result.items() if k not in ("lat", "lon")}
            doc = collection([point(float(result["lon"]), float(result["lat"]), props)])
            typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        else:
            typer.echo(_text(result))
