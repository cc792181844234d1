"""`anpo grid`: assess one scenario at every cell of a lat/lon grid, on each date."""

from __future__ import annotations

from pathlib import Path

import typer

from anpo.cli import batch as batch_cli
from anpo.io.grid import grid_spec, write_grid
from anpo.io.progress import row_progress


def grid_command(
    bbox: str = typer.Option(..., "--bbox", metavar="W,S,E,N", help="Bounding box in degrees."),
    step_km: float = typer.Option(..., "--step-km", help="Cell size in km (at most)."),
    dates: str = typer.Option(..., "--dates", metavar="D1,D2,...", help="Dates YYYY-MM-DD, comma-separated."),
    event: str = typer.Option(..., "--event", help="The event at every cell, e.g. armed_attack."),
    target: str | None = typer.Option(None, "--target", help="ISO-3 country attacked, e.g. JPN."),
    us_action: str = typer.Option("none", "--us-action", help="The U.S. action asked about."),
    out: str = typer.Option(..., "-o", "--output", "--out", metavar="FILE",
                            help="Output GeoParquet (row, col, lat, lon, date, ..., geometry)."),
    dask: str | None = typer.Option(None, "--dask", help=batch_cli.DASK_HELP),
) -> None:
    """Assess a grid of scenarios and write a raster-like Parquet table.

    GeoParquet (cell centres as points, OGC:CRS84): GeoPandas and QGIS open it as a layer.
    """
    spec = grid_spec(bbox, step_km, dates, event, target, us_action)
    label = f"grid {spec.rows}x{spec.cols}x{len(spec.dates)}"
    with batch_cli.terminate_cleanly(), batch_cli.mapper_for(dask) as mapper, \
            row_progress(label) as (set_total, advance):
        set_total(spec.size)
        summary = write_grid(spec, Path(out), mapper=mapper, progress=advance)
    batch_cli.report(summary)


def register(app: typer.Typer) -> None:
    app.command("grid")(grid_command)
