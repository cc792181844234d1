"""GeoParquet outputs (grids, placed batch outputs): GeoPandas and GDAL open them as point
layers with typed fields, and the batch output echoes the input's id, date, lat and lon."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from anpo.io import tables
from anpo.io.batch import assess_table
from anpo.io.geoparquet import GEO_VERSION, geo_metadata, wkb_points
from anpo.io.grid import grid_spec, write_grid

gpd = pytest.importorskip("geopandas")


def ogr_reads_parquet() -> bool:
    if shutil.which("ogrinfo") is None:
        return False
    formats = subprocess.run(["ogrinfo", "--formats"], capture_output=True, text=True).stdout
    return "Parquet" in formats


needs_ogr_parquet = pytest.mark.skipif(
    not ogr_reads_parquet(),
    reason="ogrinfo missing or built without the (Geo)Parquet driver (Debian's GDAL has none)")


def test_wkb_points_are_iso_wkb_little_endian_lon_first() -> None:
    arr = wkb_points([127.5, np.nan, -1.25], [26.25, 10.0, 51.0])
    assert arr.type == pa.binary() and arr.null_count == 1
    first = arr[0].as_py()
    assert first[:5] == b"\x01\x01\x00\x00\x00" and len(first) == 21
    assert np.frombuffer(first[5:], "<f8").tolist() == [127.5, 26.25]
    assert arr[1].as_py() is None
    shapely = pytest.importorskip("shapely")
    assert shapely.from_wkb(arr[2].as_py()).equals(shapely.Point(-1.25, 51.0))


def test_geo_metadata_is_geoparquet_1_1_crs84() -> None:
    geo = json.loads(geo_metadata((1, 2, 3, 4))["geo"])
    assert geo["version"] == GEO_VERSION == "1.1.0" and geo["primary_column"] == "geometry"
    col = geo["columns"]["geometry"]
    assert col["encoding"] == "WKB" and col["geometry_types"] == ["Point"] and col["bbox"] == [1, 2, 3, 4]
    pyproj = pytest.importorskip("pyproj")
    assert pyproj.CRS.from_json_dict(col["crs"]).equals(pyproj.CRS("OGC:CRS84"))


@pytest.fixture(params=["own", "pyarrow"])
def writer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both Parquet writers (anpo's own for large outputs, pyarrow's for small) write it."""
    monkeypatch.setattr(tables, "use_compiled", lambda rows: request.param == "own")
    return str(request.param)


def test_grid_is_a_geoparquet_point_layer(tmp_path: Path, writer: str) -> None:
    spec = grid_spec("127.5,26.0,128.5,27.0", 20.0, "1971-01-01,1973-01-01", "armed_attack", "JPN")
    out = tmp_path / "g.parquet"
    write_grid(spec, out)
    created = pq.ParquetFile(out).metadata.created_by
    assert created.startswith("anpo") == (writer == "own")
    df = gpd.read_parquet(out)
    assert df.crs.equals("OGC:CRS84") and len(df) == spec.size
    assert np.allclose(df.geometry.x, df["lon"]) and np.allclose(df.geometry.y, df["lat"])
    assert str(df["row"].dtype) == "int32" and str(df["lat"].dtype) == "float64"
    assert isinstance(df["date"].iloc[0], dt.date)
    geo = json.loads(pq.read_schema(out).metadata[b"geo"])
    assert geo["columns"]["geometry"]["bbox"] == [127.5, 26.0, 128.5, 27.0]


def _scenarios(path: Path) -> Path:
    table = pa.table({
        "id": ["naha", "cyber", "bad"],
        "date": ["1973-06-01", "2020-05-01", "2026-13-01"],
        "event": ["armed_attack", "cyber_attack", "armed_attack"],
        "target": ["USA", "JPN", "JPN"],
        "lat": pa.array([26.21, None, 24.3], pa.float64()),
        "lon": pa.array([127.68, None, 124.1], pa.float64()),
    })
    pq.write_table(table, path)
    return path


def test_batch_output_echoes_the_input_and_is_a_point_layer(tmp_path: Path, writer: str) -> None:
    out = tmp_path / "out.parquet"
    assess_table(_scenarios(tmp_path / "in.parquet"), out)
    names = pq.read_schema(out).names
    assert names[:6] == ["row", "id", "date", "lat", "lon", "error"] and names[-1] == "geometry"
    df = gpd.read_parquet(out)
    assert df.crs.equals("OGC:CRS84")
    assert list(df["id"]) == ["naha", "cyber", "bad"]
    assert df.loc[0, "date"] == dt.date(1973, 6, 1) and df.loc[0, "lat"] == 26.21
    assert (df.geometry.x[0], df.geometry.y[0]) == (127.68, 26.21)
    assert df.geometry[1] is None and np.isnan(df.loc[1, "lon"])  # no place: no point
    assert df.loc[2, "error"].startswith("date") and df.geometry[2] is None and df["date"].isna()[2]


def test_csv_batch_output_echoes_but_has_no_geometry(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assess_table(_scenarios(tmp_path / "in.parquet"), out)
    header = out.read_text().splitlines()[0].replace('"', "").split(",")
    assert header[:6] == ["row", "id", "date", "lat", "lon", "error"] and "geometry" not in header


def test_unplaced_input_gets_no_geometry(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("date,event,target\n2020-05-01,cyber_attack,JPN\n")
    out = tmp_path / "out.parquet"
    assess_table(src, out)
    schema = pq.read_schema(out)
    assert "geometry" not in schema.names and b"geo" not in (schema.metadata or {})


def test_no_geometry_leaves_a_plain_table_with_the_same_other_columns(tmp_path: Path) -> None:
    """`anpo assess --batch IN -o OUT.parquet --no-geometry`: no point column, no `geo` key."""
    from typer.testing import CliRunner

    from anpo.cli import app

    src = _scenarios(tmp_path / "in.parquet")
    with_geometry, without = tmp_path / "with.parquet", tmp_path / "without.parquet"
    assess_table(src, with_geometry)
    result = CliRunner().invoke(app, ["assess", "--batch", str(src), "-o", str(without), "--no-geometry"])
    assert result.exit_code == 0, result.output
    plain = pq.read_table(without)
    assert "geometry" not in plain.schema.names and b"geo" not in (plain.schema.metadata or {})
    assert plain.equals(pq.read_table(with_geometry).drop_columns(["geometry"]), check_metadata=False)


@needs_ogr_parquet
def test_ogrinfo_reads_grid_and_batch_outputs(tmp_path: Path) -> None:
    spec = grid_spec("127.5,26.0,128.5,27.0", 50.0, "1973-01-01", "armed_attack", "JPN")
    write_grid(spec, tmp_path / "g.parquet")
    assess_table(_scenarios(tmp_path / "in.parquet"), tmp_path / "b.parquet")
    for name in ("g.parquet", "b.parquet"):
        info = subprocess.run(["ogrinfo", "-so", "-al", str(tmp_path / name)], capture_output=True,
                              text=True, check=True).stdout
        assert "Geometry: Point" in info and "lat: Real" in info and "date: Date" in info
