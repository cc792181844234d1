"""GeoParquet: a point `geometry` column (WKB) and the `geo` file metadata, so that GeoPandas,
QGIS and GDAL open anpo's grids and batch outputs as layers.

    fields = [..., GEOMETRY]
    arrays = [..., wkb_points(lon, lat)]
    metadata = {**geo_metadata(bbox=(w, s, e, n)), ...}

or, for anpo's Parquet writer, no array: `atomic_table(..., points={"geometry": ("lon",
"lat")})` and batches without the column; the writer makes it from the coordinates
(`parquet_writer`, `wkb_kernel`: the pages as snappy streams straight from the float64
values, about 15x less CPU than the array, its copy and Arrow's snappy), and gives other
writers `with_points(batch, ...)`.

GeoParquet 1.1 (geoparquet.org): the geometry is ISO WKB in a BYTE_ARRAY column without a
text annotation, and the key `geo` of the file metadata names the primary column, its
encoding and geometry types. The coordinates are longitude, latitude on WGS 84, which is
the specification's default CRS (OGC:CRS84, longitude first); the metadata says so
explicitly with the CRS's identifier so that a reader never has to guess.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa

GEOMETRY_COLUMN = "geometry"
GEOMETRY = pa.field(GEOMETRY_COLUMN, pa.binary())
GEO_VERSION = "1.1.0"
# OGC:CRS84 as PROJJSON (GeoParquet's `crs` is PROJJSON): WGS 84, longitude then latitude.
CRS84: dict[str, object] = {
    "$schema": "https://proj.org/schemas/v0.7/projjson.schema.json",
    "type": "GeographicCRS",
    "name": "WGS 84 (CRS84)",
    "datum": {"type": "GeodeticReferenceFrame", "name": "World Geodetic System 1984",
              "ellipsoid": {"name": "WGS 84", "semi_major_axis": 6378137,
                            "inverse_flattening": 298.257223563}},
    "coordinate_system": {"subtype": "ellipsoidal", "axis": [
        {"name": "Geodetic longitude", "abbreviation": "Lon", "direction": "east", "unit": "degree"},
        {"name": "Geodetic latitude", "abbreviation": "Lat", "direction": "north", "unit": "degree"}]},
    "id": {"authority": "OGC", "code": "CRS84"},
}

_POINT = np.dtype([("order", "u1"), ("kind", "<u4"), ("x", "<f8"), ("y", "<f8")])  # 21 bytes, packed


def wkb_points(lon: npt.ArrayLike, lat: npt.ArrayLike) -> pa.Array:
    """Little-endian WKB points (x = lon, y = lat), null where either coordinate is NaN."""
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    n = len(x)
    points = np.empty(n, dtype=_POINT)
    points["order"], points["kind"], points["x"], points["y"] = 1, 1, x, y
    offsets = np.arange(0, (n + 1) * _POINT.itemsize, _POINT.itemsize, dtype=np.int32)
    missing = np.isnan(x) | np.isnan(y)
    validity = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
    return pa.Array.from_buffers(pa.binary(), n, [validity, pa.py_buffer(offsets),
                                                  pa.py_buffer(points.view(np.uint8))],
                                 null_count=int(missing.sum()))


def with_points(batch: pa.RecordBatch, schema: pa.Schema,
                points: Mapping[str, tuple[str, str]]) -> pa.RecordBatch:
    """The batch with the point columns of `schema` it leaves out, made from its x and y
    columns (name -> (x column, y column), e.g. {"geometry": ("lon", "lat")}) by
    `wkb_points`: for writers that do not make them themselves (anpo's Parquet writer
    does, from the same columns: `parquet_writer.RowGroupEncoder`'s `points`)."""
    missing = [name for name in points if name not in batch.schema.names]
    if not missing:
        return batch
    from anpo.io.arrow_arrays import to_numpy

    made = {name: wkb_points(to_numpy(batch.column(points[name][0])), to_numpy(batch.column(points[name][1])))
            for name in missing}
    arrays = [made[f.name] if f.name in made else batch.column(f.name) for f in schema]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def geo_metadata(bbox: Sequence[float] | None = None) -> dict[str, str]:
    """The `geo` key of a GeoParquet file whose primary column is GEOMETRY (points);
    `bbox` (W, S, E, N) when known before writing."""
    column: dict[str, object] = {"encoding": "WKB", "geometry_types": ["Point"], "crs": CRS84,
                                 "edges": "planar"}
    if bbox is not None:
        column["bbox"] = [float(v) for v in bbox]
    return {"geo": json.dumps({"version": GEO_VERSION, "primary_column": GEOMETRY_COLUMN,
                               "columns": {GEOMETRY_COLUMN: column}})}
