"""`anpo map`: who administers land and territorial sea, drawn on a date or over the years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import typer

from anpo.core.errors import InputError
from anpo.core.signals import stop_on_signals
from anpo.io.progress import row_progress


def register(app: typer.Typer) -> None:
    @app.command(name="map")
    def map_(
        out: str = typer.Option(
            ..., "-o", "--output", "--out", metavar="FILE",
            help="FILE.png, .svg or .pdf; FILE.gif for --from/--to",
        ),
        date: str | None = typer.Option(
            None, "--date", metavar="YYYY-MM-DD",
            help="one map on this date (default: today, unless --from/--to)",
        ),
        first: str | None = typer.Option(None, "--from", help="first year of a series, e.g. 1952"),
        last: str | None = typer.Option(None, "--to", help="last year of a series, e.g. 2026"),
        bbox: str | None = typer.Option(
            None, "--bbox", help="W,S,E,N in degrees (default 122,24,149,46; region 115,10,160,55)"
        ),
        bases: bool = typer.Option(False, "--bases", help="overlay facilities by legal status"),
        width: int | None = typer.Option(None, "--width", help="pixels of data across the map"),
        grid: str | None = typer.Option(None, "--grid", help="draw a grid Parquet written by `anpo grid`"),
        field: str = typer.Option("article5", "--field", help="with --grid: the determination to draw"),
    ) -> None:
        """Map of who administers land and territorial sea, the Article V area outlined.

        With --date (default today), one PNG, SVG or PDF (by the extension of -o). With --from/--to, a GIF
        (a frame on 1 July of each year and on every day the map changes) or a PNG strip of
        the days the map changes.
        """
        # SIGTERM/SIGINT: exit 143/130, the temporary image removed (`atomic_path`)
        with stop_on_signals():
            _map(out, date, first, last, bbox, bases, width, grid, field)


def _map(out: str, date: str | None, first: str | None, last: str | None, bbox: str | None,
         bases: bool, width: int | None, grid: str | None, field: str) -> None:
    """The command's work (see `map_`)."""
    if grid is not None:
        from anpo.report.grid_map import write_grid_map

        _check_grid_file(grid)
        if first is not None or last is not None or bases or bbox is not None:
            raise InputError("--grid", "draws the grid's own box and dates: use only --date and --field")
        typer.echo(f"wrote {write_grid_map(grid, out, field=field, date=date)}")
        return
    # matplotlib loads only when the command runs
    from anpo.report import map as m

    box = m.DEFAULT_BBOX if bbox is None else m.parse_bbox(bbox, "--bbox")
    if width is not None:
        m.check_width(width, "--width")
    series = first is not None or last is not None
    if series:
        if date is not None:
            raise InputError("--date", "give either --date or --from/--to, not both")
        if first is None or last is None:
            raise InputError("--from" if first is None else "--to", "a series needs both --from and --to")
        if bases:
            raise InputError("--bases", "draws facilities on one date: use it with --date")
        y0, y1 = m.parse_year(first, "--from"), m.parse_year(last, "--to")
        if y0 > y1:
            raise InputError("--from", f"{y0} is after --to {y1}")
        path = m.check_output(out, m.SUFFIXES, "-o")
        with row_progress(f"map {path.name}") as (set_total, advance):
            def frames(n: int) -> Callable[[int], None]:
                set_total(n)
                return advance

            m.write_series(path, y0, y1, box, width=width, on_frames=frames)
    else:
        day = m.parse_date(date or dt.date.today().isoformat(), "--date")
        if out.lower().endswith(".gif"):
            raise InputError("-o", "one date makes a .png, .svg or .pdf; a .gif needs --from and --to")
        path = m.check_output(out, m.SINGLE_SUFFIXES, "-o")
        m.write_map(path, day, box, bases=bases, width=width or m.DEFAULT_WIDTH)
    typer.echo(f"wrote {path}")


def _check_grid_file(path: str) -> None:
    """--grid names a file `anpo grid` wrote: else an error naming --grid, not pyarrow's traceback."""
    import pyarrow as pa

    from anpo.io.grid import read_grid_metadata

    if not Path(path).is_file():
        raise InputError("--grid", f"{path!r}: no such file")
    try:
        read_grid_metadata(path)
    except (pa.ArrowException, OSError) as err:
        raise InputError("--grid", f"{path!r} is not a Parquet file ({err})") from None
    except InputError as err:
        raise InputError("--grid", err.reason) from None
