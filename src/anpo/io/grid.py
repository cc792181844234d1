"""Grids: one scenario at the centre of every cell of a lat/lon raster, on each date.

    spec = grid_spec("122,24,132,32", 1.0, "1960-06-23,1972-05-15", "armed_attack", "JPN")
    summary = write_grid(spec, "grid.parquet")

The raster is regular in degrees (equirectangular): `rows` x `cols` cells tile the bounding
box exactly; the north-south step is at most `step_km` and the east-west step is at most
`step_km` at the box's middle latitude (mean Earth radius 6371.0088 km). Row 0 is the
northern edge, column 0 the western edge; a cell's point is its centre. Rows of the
output go date by date, then row by row, west to east: row, col, lat, lon, date, then the
place and determination columns of batch assessment, and `geometry`: the cell's point as
WKB, with GeoParquet's `geo` file metadata (`anpo.io.geoparquet`), so GeoPandas and QGIS
open a grid as a point layer. The Parquet schema metadata `anpo.grid` (JSON) holds the box,
the steps, the shape and the scenario, which is what a map needs to draw the table as an
image.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from anpo.core.codes import NULL, Event, UsAction, country_code
from anpo.core.dates import FOREVER, from_day, to_day
from anpo.core.errors import InputError
from anpo.core.scenario import TRI_NONE, ScenarioFrame, parse_scenario
from anpo.core.signals import raise_if_stopped
from anpo.io.batch import (
    POINTS,
    BatchSummary,
    OrderedMap,
    Progress,
    local_mapper,
    receipt_metadata,
    resolve_place,
)
from anpo.io.determinations import determination_columns, determination_fields
from anpo.io.geoparquet import GEOMETRY, geo_metadata
from anpo.io.tables import DEFAULT_CHUNK_ROWS, atomic_table, table_format
from anpo.law.rules import evaluate

KM_PER_DEGREE = 6371.0088 * math.pi / 180.0
MAX_CELLS = 2**31 - 1  # cells per date (row and col are int32)
GRID_METADATA = "anpo.grid"


@dataclass(frozen=True)
class GridSpec:
    """A raster over a bounding box, the dates, and the scenario asked at every cell."""

    west: float
    south: float
    east: float
    north: float
    step_km: float
    rows: int
    cols: int
    dates: tuple[str, ...]
    event: str
    target: str | None
    us_action: str

    @property
    def dlat(self) -> float:
        return (self.north - self.south) / self.rows

    @property
    def dlon(self) -> float:
        return (self.east - self.west) / self.cols

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    @property
    def size(self) -> int:
        return self.cells * len(self.dates)

    def metadata(self) -> dict[str, object]:
        return {**asdict(self), "dlat": self.dlat, "dlon": self.dlon, "crs": "EPSG:4326",
                "point": "cell centre", "order": "date, row (north to south), col (west to east)"}


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    if len(parts) != 4:
        raise InputError("--bbox", f"{text!r}: expected W,S,E,N in degrees")
    try:
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        raise InputError("--bbox", f"{text!r}: expected four numbers W,S,E,N") from None
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        raise InputError("--bbox", f"{text!r}: numbers must be finite")
    if not (-180.0 <= w < e <= 180.0):
        raise InputError("--bbox", f"{text!r}: need -180 <= W < E <= 180")
    if not (-90.0 <= s < n <= 90.0):
        raise InputError("--bbox", f"{text!r}: need -90 <= S < N <= 90")
    return w, s, e, n


def grid_spec(bbox: str, step_km: float, dates: str, event: str, target: str | None,
              us_action: str = "none") -> GridSpec:
    """Check the grid options; errors name the option (exit code 2 in the CLI)."""
    w, s, e, n = _bbox(bbox)
    if not math.isfinite(step_km) or step_km <= 0:
        raise InputError("--step-km", f"{step_km} must be a positive number of km")
    rows = max(1, math.ceil((n - s) * KM_PER_DEGREE / step_km))
    mid = math.cos(math.radians((n + s) / 2))
    cols = max(1, math.ceil((e - w) * KM_PER_DEGREE * max(mid, 1e-6) / step_km))
    if rows * cols > MAX_CELLS:
        raise InputError("--step-km", f"{rows:,} x {cols:,} cells per date is too many (max {MAX_CELLS:,})")
    day_list = [d.strip() for d in dates.split(",") if d.strip()]
    if not day_list:
        raise InputError("--dates", "expected one or more dates YYYY-MM-DD, separated by commas")
    options = {"date": "--dates", "event": "--event", "target": "--target", "us_action": "--us-action",
               "lat": "--bbox", "lon": "--bbox"}
    for d in day_list:
        probe: dict[str, object] = {"date": d, "event": event, "lat": (s + n) / 2, "lon": (w + e) / 2,
                                    "us_action": us_action}
        if target is not None:
            probe["target"] = target
        try:
            parsed = parse_scenario(probe)
        except InputError as err:
            raise InputError(options.get(err.field, err.field), err.reason) from None
    canonical = tuple(from_day(to_day(dt.date.fromisoformat(d))).isoformat() for d in day_list)
    return GridSpec(w, s, e, n, float(step_km), rows, cols, canonical, parsed.event.name,
                    parsed.target, parsed.us_action.name)


def grid_schema() -> pa.Schema:
    return pa.schema([
        pa.field("row", pa.int32()), pa.field("col", pa.int32()),
        pa.field("lat", pa.float64()), pa.field("lon", pa.float64()), pa.field("date", pa.date32()),
        *determination_fields(), GEOMETRY,
    ])


def grid_chunk(spec: GridSpec, start: int, stop: int) -> pa.RecordBatch:
    """Rows [start, stop) of the grid, assessed, but for `geometry`: the writer makes it from
    `lat` and `lon` (`batch.POINTS`; anpo's Parquet writer straight into the pages)."""
    k = np.arange(start, stop, dtype=np.int64)
    date_index, cell = np.divmod(k, spec.cells)
    r, c = np.divmod(cell, spec.cols)
    lat = spec.north - (r + 0.5) * spec.dlat
    lon = spec.west + (c + 0.5) * spec.dlon
    days = np.array([to_day(dt.date.fromisoformat(d)) for d in spec.dates], dtype=np.int32)[date_index]
    n = len(k)
    frame = ScenarioFrame(
        day=days,
        event=np.full(n, int(Event[spec.event]), dtype=np.int8),
        target=np.full(n, NULL if spec.target is None else country_code(spec.target), dtype=np.int16),
        lat=lat,
        lon=lon,
        us_action=np.full(n, int(UsAction[spec.us_action]), dtype=np.int8),
        termination_notice_day=np.full(n, FOREVER, dtype=np.int32),
        armed_attack_judged=np.full(n, TRI_NONE, dtype=np.int8),
        survival_threatening_certified=np.full(n, TRI_NONE, dtype=np.int8),
        ids=[],
    )
    place = resolve_place(frame)
    evaluation = evaluate(frame, place)
    arrays = [
        pa.array(r.astype(np.int32)), pa.array(c.astype(np.int32)), pa.array(lat), pa.array(lon),
        pa.array(days, pa.int32()).cast(pa.date32()),
        *determination_columns(evaluation, place, None),
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(list(grid_schema())[:-1]))


def write_grid(spec: GridSpec, out: str | Path, *, mapper: OrderedMap | None = None,
               chunk_rows: int = DEFAULT_CHUNK_ROWS, progress: Progress | None = None) -> BatchSummary:
    """Assess every cell on every date into a Parquet file (written atomically)."""
    target = Path(out)
    if table_format(target, "--output").value != "parquet":
        raise InputError("--output", f"{str(target)!r}: a grid is written as (Geo)Parquet (.parquet)")

    def tasks() -> Iterator[tuple[GridSpec, int, int]]:
        for lo in range(0, spec.size, chunk_rows):
            yield spec, lo, min(lo + chunk_rows, spec.size)

    run = mapper or local_mapper()
    summary = BatchSummary()
    t0 = time.perf_counter()
    metadata = {GRID_METADATA: json.dumps(spec.metadata()), **receipt_metadata(),
                **geo_metadata((spec.west, spec.south, spec.east, spec.north))}
    with atomic_table(target, grid_schema(), metadata, points=POINTS) as writer:
        for batch in run(grid_chunk, tasks()):
            writer.write(batch)
            summary.rows += batch.num_rows
            if progress is not None:
                progress(batch.num_rows)
            raise_if_stopped()  # a stop whose exception was lost on the way (core.signals)
    summary.seconds = time.perf_counter() - t0
    summary.out = target
    return summary


def read_grid_metadata(path: str | Path) -> dict[str, object]:
    """The `anpo.grid` metadata of a grid Parquet file (InputError if it is not a grid)."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(GRID_METADATA.encode())
    if raw is None:
        raise InputError("FILE", f"{str(path)!r} is not an anpo grid (no {GRID_METADATA} metadata)")
    value: dict[str, object] = json.loads(raw)
    return value
