"""GeoParquet point columns written by anpo's Parquet writer straight from longitude and
latitude (`parquet_writer.RowGroupEncoder`'s `points`, `io/wkb_kernel.py`): the kernel's
snappy streams decode (Arrow's snappy) to the PLAIN bytes of the WKB array, and the files
read back equal, byte for byte, to the column `geoparquet.wkb_points` makes, through
pyarrow, shapely and GeoPandas, whatever the values, nulls, pages and row groups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from anpo.io import parquet_writer, tables, wkb_kernel
from anpo.io.geoparquet import GEOMETRY, geo_metadata, with_points, wkb_points
from anpo.io.parquet_writer import ParquetFileWriter

SNAPPY = pa.Codec("snappy")
EMPTY = np.zeros(0, dtype=np.uint8)
POINTS = {"geometry": ("lon", "lat")}
SCHEMA = pa.schema([pa.field("lat", pa.float64()), pa.field("lon", pa.float64()), GEOMETRY],
                   metadata=geo_metadata())
EDGES = [0.0, -0.0, 180.0, -180.0, 90.0, -90.0, 5e-324, -5e-324, 2.2250738585072014e-308,
         np.inf, -np.inf, np.nan, 1e308, 127.5, 26.25]


def plain(x: np.ndarray, y: np.ndarray, valid: np.ndarray, levels: np.ndarray) -> bytes:
    """What a PLAIN page body of the WKB array holds: the levels, then per present row its
    length and point, as `wkb_points` writes the point."""
    present = [r for r in range(len(x)) if not len(valid) or (valid[r >> 3] >> (r & 7)) & 1]
    points = wkb_points(x[present], y[present]) if present else None
    return bytes(levels) + b"".join(b"\x15\x00\x00\x00" + bytes(points[i].as_py() or b"\x01\x01\x00\x00\x00"
                                                             + x[r:r + 1].tobytes() + y[r:r + 1].tobytes())
                                    for i, r in enumerate(present))


def snappy_page(x: np.ndarray, y: np.ndarray, valid: np.ndarray, levels: np.ndarray) -> bytes:
    n = len(x)
    out = np.zeros(wkb_kernel.snappy_bound(len(levels), n), dtype=np.uint8)
    end = wkb_kernel.snappy_points(x.view(np.uint64), y.view(np.uint64), valid, n, levels, out, 0)
    want = plain(x, y, valid, levels)
    got = SNAPPY.decompress(out[:end].tobytes(), decompressed_size=len(want), asbytes=True) if want else b""
    assert got == want
    assert end <= len(out)
    return out[:end].tobytes()


@pytest.mark.parametrize("n", [0, 1, 2, 3, 8, 9, 1000, 70_000])
def test_snappy_streams_decode_to_the_plain_page(n: int) -> None:
    rng = np.random.default_rng(n)
    lon, lat = rng.uniform(115, 160, n), rng.uniform(10, 55, n)
    cols = 1 + n // 7  # a grid: longitudes again each row of `cols` cells, a latitude a row
    grid_x, grid_y = 122 + np.arange(n) % cols * 0.0054, 32 - np.arange(n) // cols * 0.0054
    for x, y in [(lon, lat), (lon, np.full(n, 26.5)), (np.full(n, 127.25), np.full(n, 26.5)),
                 (rng.choice(EDGES, n), rng.choice(EDGES, n)), (grid_x, grid_y)]:
        for valid in (EMPTY, np.packbits(rng.random(n) < 0.5, bitorder="little"),
                      np.zeros((n + 7) >> 3, dtype=np.uint8)):  # all null
            for levels in (EMPTY, rng.integers(0, 256, 100).astype(np.uint8),
                           rng.integers(0, 256, 70_000).astype(np.uint8)):  # a literal > 64 KB
                snappy_page(x, y, valid, levels)


def test_a_stream_is_as_small_as_snappys_own() -> None:
    """19 bytes a row at most, 17 where a nearby latitude shares its 2 high bytes; Arrow's snappy
    made 17.2 bytes a row of the WKB pages of random points."""
    rng = np.random.default_rng(3)
    n = 40_000
    lon, lat = rng.uniform(115, 160, n), rng.uniform(10, 55, n)
    assert len(snappy_page(lon, lat, EMPTY, EMPTY)) / n < 17.3
    assert len(snappy_page(lon, np.full(n, 26.5), EMPTY, EMPTY)) / n < 15.5
    assert len(snappy_page(lon, -lat, EMPTY, EMPTY)) / n <= 19.01  # no repeat: still a copy a row
    cols = 1851  # a grid: 6 bytes a row but for its first row and column (Arrow: 7.3)
    grid_x, grid_y = 122 + np.arange(n) % cols * 0.0054, 32 - np.arange(n) // cols * 0.0054
    assert len(snappy_page(grid_x, grid_y, EMPTY, EMPTY)) / n < 7.0


def test_point_validity_nulls_where_a_coordinate_is_null_or_nan() -> None:
    x = np.array([1.0, np.nan, 3.0, 4.0, np.inf, 6.0, 7.0, 8.0, 9.0, 10.0])
    y = np.array([1.0, 2.0, -np.nan, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    vx = np.packbits(np.arange(10) != 3, bitorder="little")
    out = np.full(2, 0xAA, dtype=np.uint8)
    nulls = wkb_kernel.point_validity(x.view(np.uint64), y.view(np.uint64), vx, EMPTY, 10, out)
    assert nulls == 3
    assert np.unpackbits(out, bitorder="little").tolist() == [1, 0, 0, 0, 1, 1, 1, 1, 1, 1] + [0] * 6


def coordinates(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(-180, 180, n), rng.uniform(-90, 90, n)
    edge = rng.random(n) < 0.1
    lon[edge], lat[edge] = rng.choice(EDGES, int(edge.sum())), rng.choice(EDGES, int(edge.sum()))
    lat[rng.random(n) < 0.05] = np.nan
    return lon, lat


def batch_of(lon: np.ndarray, lat: np.ndarray, null_lat: bool = False) -> pa.RecordBatch:
    lat_array = pa.array(lat, mask=np.isnan(lat)) if null_lat else pa.array(lat)
    return pa.RecordBatch.from_arrays([lat_array, pa.array(lon)], names=["lat", "lon"])


@pytest.mark.parametrize("compression", ["snappy", None])
def test_files_read_back_as_the_wkb_array(tmp_path: Path, compression: str | None,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet_writer, "PAGE_BYTES", 1 << 14)  # pages of 648 rows
    sizes = [0, 1, 7, 5_000, 3]
    batches = [batch_of(*coordinates(n, seed), null_lat=seed % 2 == 0) for seed, n in enumerate(sizes)]
    path = tmp_path / "p.parquet"
    writer = ParquetFileWriter(path, SCHEMA, compression=compression, points=POINTS)
    for b in batches:
        writer.write(b)
    writer.close()
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == 4
    assert meta.row_group(2).column(2).compression == (compression or "UNCOMPRESSED").upper()
    got = pq.read_table(path)
    want = pa.Table.from_batches([with_points(b, SCHEMA, POINTS) for b in batches], SCHEMA)
    assert got.schema.equals(want.schema, check_metadata=True)
    assert got.column("geometry").combine_chunks().equals(want.column("geometry").combine_chunks())
    for g, (b, n) in enumerate(zip(batches[1:], sizes[1:], strict=True)):
        stats = meta.row_group(g).column(2).statistics
        lon, lat = (b.column(c).to_numpy(zero_copy_only=False) for c in ("lon", "lat"))
        assert stats.null_count == int((np.isnan(lon) | np.isnan(lat)).sum()) and not stats.has_min_max
        assert got.column("geometry").chunk(g).to_pylist() == wkb_points(lon, lat).to_pylist()
        assert n < 5_000 or meta.row_group(g).column(2).total_uncompressed_size > 5 * (1 << 14)


def test_batches_with_the_column_given_are_written_as_they_are(tmp_path: Path) -> None:
    lon, lat = coordinates(100, 1)
    made, given = batch_of(lon, lat), with_points(batch_of(lon, lat), SCHEMA, POINTS)
    path = tmp_path / "p.parquet"
    writer = ParquetFileWriter(path, SCHEMA, points=POINTS)
    writer.write(made)
    writer.write(given)
    writer.close()
    table = pq.read_table(path)
    assert table.column("geometry").chunk(0).equals(table.column("geometry").chunk(1))
    with pytest.raises(ValueError, match="schema differs"):
        writer.encoder.encode(made.select(["lat"]))
    with pytest.raises(ValueError, match="float64"):
        parquet_writer.RowGroupEncoder(SCHEMA, points={"geometry": ("lon", "nowhere")})


def test_shapely_and_geopandas_read_the_points(tmp_path: Path) -> None:
    shapely = pytest.importorskip("shapely")
    lon, lat = coordinates(2_000, 7)
    finite = np.isfinite(lon) & np.isfinite(lat)
    path = tmp_path / "p.parquet"
    writer = ParquetFileWriter(path, SCHEMA, points=POINTS)
    writer.write(batch_of(lon[finite], lat[finite]))
    writer.close()
    points = shapely.from_wkb(pq.read_table(path).column("geometry").to_numpy(zero_copy_only=False))
    assert np.array_equal(shapely.get_x(points), lon[finite])
    assert np.array_equal(shapely.get_y(points), lat[finite])
    gpd = pytest.importorskip("geopandas")
    df = gpd.read_parquet(path)
    assert np.array_equal(df.geometry.x, lon[finite]) and np.array_equal(df.geometry.y, lat[finite])


@pytest.mark.parametrize("ours", [True, False])
def test_the_table_writer_makes_the_column_for_either_writer(tmp_path: Path, ours: bool,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """pyarrow's writer (small outputs) gets the WKB array made for it."""
    monkeypatch.setattr(tables, "use_compiled", lambda rows: ours)
    lon, lat = coordinates(50, 2)
    path = tmp_path / "t.parquet"
    with tables.atomic_table(path, SCHEMA, points=POINTS) as writer:
        batch = batch_of(lon, lat, null_lat=True)
        writer.write(batch, writer.prepare(batch))
    assert pq.ParquetFile(path).metadata.created_by.startswith("anpo") is ours
    assert pq.read_table(path).equals(pa.Table.from_batches([with_points(batch, SCHEMA, POINTS)]))


def test_sliced_coordinates_with_nulls_anywhere(tmp_path: Path) -> None:
    """Arrow arrays that start inside a byte of their bitmap (a sliced batch)."""
    lon, lat = coordinates(3_000, 5)
    batch = batch_of(lon, lat, null_lat=True)
    path = tmp_path / "s.parquet"
    writer = ParquetFileWriter(path, SCHEMA, points=POINTS)
    parts = [(3, 1_000), (1_000, 1_001), (1_005, 3_000)]
    for s, e in parts:
        writer.write(batch.slice(s, e - s))
    writer.close()
    got = pq.read_table(path).column("geometry").combine_chunks()
    lon_, lat_ = (batch.column(c).to_numpy(zero_copy_only=False) for c in ("lon", "lat"))
    want = pa.concat_arrays([wkb_points(lon_[s:e], lat_[s:e]) for s, e in parts])
    assert got.equals(want) and got.null_count > 0


def test_other_readers_decode_the_streams(tmp_path: Path) -> None:
    """DuckDB and Polars decode snappy with their own code, not Arrow's."""
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    lon, lat = coordinates(100_000, 11)  # 3 pages a row group
    path = tmp_path / "p.parquet"
    writer = ParquetFileWriter(path, SCHEMA, points=POINTS)
    writer.write(batch_of(lon, lat, null_lat=True))
    writer.close()
    want = wkb_points(lon, lat).to_pylist()
    assert pl.read_parquet(path)["geometry"].to_list() == want
    got = duckdb.sql(f"select geometry::blob from read_parquet('{path}')").fetchall()
    assert [g for g, in got] == want
