"""`anpo grid`: assess one scenario at every cell of a lat/lon grid, on each date."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer

from anpo.cli import batch as batch_cli
from anpo.core.codes import Event, UsAction
from anpo.io.grid import grid_spec, write_grid
from anpo.io.progress import row_progress

# Declared choices (shown in --help, checked by the parser), from the codes themselves.
if TYPE_CHECKING:
    EventName = str
    UsActionName = str
else:
    EventName = Literal[tuple(e.name for e in Event)]
    UsActionName = Literal[tuple(a.name for a in UsAction)]


def grid_command(
    bbox: str = typer.Option(..., "--bbox", metavar="W,S,E,N", help="Bounding box in degrees."),
    step_km: float = typer.Option(..., "--step-km", help="Cell size in km (at most)."),
    dates: str = typer.Option(..., "--dates", metavar="D1,D2,...", help="Dates YYYY-MM-DD, comma-separated."),
    event: EventName = typer.Option(..., "--event", help="The event at every cell."),
    target: str | None = typer.Option(None, "--target", help="ISO-3 country attacked, e.g. JPN."),
    us_action: UsActionName = typer.Option("none", "--us-action", help="The U.S. action asked about."),
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
