"""anpo's own Parquet writer (anpo.io.parquet_writer): files that read back as written.

Every file is read back by pyarrow (and by pandas and DuckDB, other readers) and compared
with the batches written, types, dictionaries and metadata included; the batches are
random (seeded): each supported type, nulls anywhere, runs and no runs, sliced arrays,
garbage under null dictionary indices, pages split small.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from anpo.io import parquet_writer, tables
from anpo.io.batch import assess_table
from anpo.io.grid import grid_schema, grid_spec, write_grid
from anpo.io.parquet_writer import CREATED_BY, ParquetFileWriter, supported

TEXT16 = pa.dictionary(pa.int16(), pa.string())

# Every type the writer writes, and a maker of random values of it (n, rng) -> array.
Maker = Callable[[int, np.random.Generator], pa.Array]


def _runs(n: int, rng: np.random.Generator, high: int) -> np.ndarray:
    """n integers in [0, high): half the time in runs of random lengths (RLE), else random."""
    if rng.random() < 0.5:
        return rng.integers(0, high, n)
    lengths = rng.integers(1, 60, n // 2 + 1)
    return np.repeat(rng.integers(0, high, len(lengths)), lengths)[:n]


def _mask(n: int, rng: np.random.Generator) -> np.ndarray | None:
    kind = rng.integers(0, 5)
    if kind == 0:
        return None
    if kind == 1:
        return np.ones(n, dtype=bool)  # all null
    if kind == 2:
        return _runs(n, rng, 2).astype(bool)  # nulls in runs
    return rng.random(n) < rng.choice([0.01, 0.3, 0.9])


def _text(n: int, rng: np.random.Generator) -> list[str]:
    alphabet = ["a", "bc", "", "日本", "Ωmega", "x" * 40, "\u00e9", "sea,land"]
    return [alphabet[int(i)] + str(int(j)) for i, j in zip(rng.integers(0, len(alphabet), n),
                                                            rng.integers(0, 1000, n), strict=True)]


def _dictionary(index: pa.DataType) -> Maker:
    def make(n: int, rng: np.random.Generator) -> pa.Array:
        size = int(rng.choice([1, 2, 3, 5, 17, 200, 256, 257]))
        if index == pa.int8():
            size = min(size, 127)
        words = pa.array(sorted(set(_text(size * 2, rng)))[:size])
        size = len(words)
        codes = _runs(n, rng, size)
        mask = _mask(n, rng)
        if mask is not None and mask.any():  # garbage (out of range) under the nulls
            codes = np.where(mask, rng.integers(size, size + 1000, n) % np.iinfo(index.to_pandas_dtype()).max,
                             codes)
        indices = pa.array(codes.astype(index.to_pandas_dtype()), index, mask=mask)
        return pa.DictionaryArray.from_arrays(indices, words, safe=False)
    return make


def _ints(dtype: str) -> Maker:
    info = np.iinfo(dtype)

    def make(n: int, rng: np.random.Generator) -> pa.Array:
        kind = rng.integers(0, 3)
        if kind == 0:
            values = rng.integers(info.min, info.max, n, endpoint=True, dtype=dtype)  # extremes
        elif kind == 1:
            values = (np.arange(n) + rng.integers(-1000, 1000)).astype(dtype)  # row numbers
        else:
            values = _runs(n, rng, 50).astype(dtype) - 25
        return pa.array(values, mask=_mask(n, rng))
    return make


MAKERS: dict[str, tuple[pa.DataType, Maker]] = {
    "bool": (pa.bool_(), lambda n, rng: pa.array(_runs(n, rng, 2).astype(bool), mask=_mask(n, rng))),
    "int8": (pa.int8(), _ints("int8")),
    "int16": (pa.int16(), _ints("int16")),
    "int32": (pa.int32(), _ints("int32")),
    "int64": (pa.int64(), _ints("int64")),
    "float32": (pa.float32(), lambda n, rng: pa.array(rng.normal(size=n).astype(np.float32),
                                                      mask=_mask(n, rng))),
    "float64": (pa.float64(), lambda n, rng: pa.array(rng.normal(size=n) * 1e300, mask=_mask(n, rng))),
    "date32": (pa.date32(), lambda n, rng: pa.array(_runs(n, rng, 60000).astype(np.int32) - 20000,
                                                    mask=_mask(n, rng)).cast(pa.date32())),
    "string": (pa.string(), lambda n, rng: pa.array(_text(n, rng), mask=_mask(n, rng))),
    "large_string": (pa.large_string(), lambda n, rng: pa.array(_text(n, rng), pa.large_string(),
                                                                mask=_mask(n, rng))),
    "dict8": (pa.dictionary(pa.int8(), pa.string()), _dictionary(pa.int8())),
    "dict16": (TEXT16, _dictionary(pa.int16())),
    "dict32": (pa.dictionary(pa.int32(), pa.string()), _dictionary(pa.int32())),
    # bytes with no text annotation (GeoParquet's WKB): any byte values, empty ones too
    "binary": (pa.binary(), lambda n, rng: pa.array([bytes(rng.integers(0, 256, int(k), dtype=np.uint8))
                                                     for k in rng.integers(0, 30, n)],
                                                    pa.binary(), mask=_mask(n, rng))),
    "large_binary": (pa.large_binary(), lambda n, rng: pa.array([t.encode() for t in _text(n, rng)],
                                                                pa.large_binary(), mask=_mask(n, rng))),
}


def random_schema(rng: np.random.Generator) -> pa.Schema:
    fields = [pa.field(name, t, metadata={"anpo.kind": name}) for name, (t, _) in MAKERS.items()]
    fields.append(pa.field("required_int64", pa.int64(), nullable=False))
    fields.append(pa.field("required_dict16", TEXT16, nullable=False))
    return pa.schema(fields, metadata={"anpo.receipt": '{"anpo_version": "test"}'})


def random_batch(schema: pa.Schema, n: int, rng: np.random.Generator) -> pa.RecordBatch:
    """A batch of n rows; half the time a slice at an odd offset of a longer one."""
    pad = int(rng.integers(1, 13)) if rng.random() < 0.5 else 0
    arrays = []
    for field in schema:
        name = field.name.removeprefix("required_")
        maker = MAKERS[{"int64": "int64", "dict16": "dict16"}.get(name, name)][1]
        array = maker(n + 2 * pad, rng)
        if not field.nullable:
            array = array.fill_null(0) if not pa.types.is_dictionary(array.type) else \
                pa.DictionaryArray.from_arrays(array.indices.fill_null(0), array.dictionary)
        arrays.append(array.slice(pad, n))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def write(path: Path, schema: pa.Schema, batches: Sequence[pa.RecordBatch], **options: Any) -> Path:
    writer = ParquetFileWriter(path, schema, **options)
    for b in batches:
        writer.write(b)
    writer.close()
    return path


def assert_reads_back(path: Path, schema: pa.Schema, batches: Sequence[pa.RecordBatch]) -> None:
    got = pq.read_table(path)
    want = pa.Table.from_batches(batches, schema)
    assert got.schema.equals(want.schema, check_metadata=True), (got.schema, want.schema)
    assert got.num_rows == want.num_rows
    for name in schema.names:
        assert got.column(name).equals(want.column(name)), name
    assert got.equals(want)


# -- round trips ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_random_batches_read_back_as_written(tmp_path: Path, seed: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    if seed % 2:  # small pages: many data pages a column chunk
        monkeypatch.setattr(parquet_writer, "PAGE_BYTES", int(rng.choice([64, 300, 4096])))
    schema = random_schema(rng)
    sizes = [int(s) for s in rng.choice([0, 1, 7, 8, 9, 63, 64, 65, 500, 3001], size=4)]
    batches = [random_batch(schema, n, rng) for n in sizes]
    compression = "snappy" if seed < 3 else None
    path = write(tmp_path / "out.parquet", schema, batches, compression=compression)
    assert_reads_back(path, schema, batches)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == sum(1 for n in sizes if n > 0)  # one a non-empty batch
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [n for n in sizes if n]


def test_every_supported_type_in_one_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(42)
    schema = random_schema(rng)
    batches = [random_batch(schema, 2000, rng) for _ in range(3)]
    assert_reads_back(write(tmp_path / "all.parquet", schema, batches), schema, batches)


def test_no_batches_is_an_empty_table_with_the_schema(tmp_path: Path) -> None:
    schema = random_schema(np.random.default_rng(0))
    path = write(tmp_path / "empty.parquet", schema, [])
    table = pq.read_table(path)
    assert table.num_rows == 0
    assert table.schema.equals(schema, check_metadata=True)
    assert pq.ParquetFile(path).metadata.num_row_groups == 0


def test_all_null_and_single_value_columns(tmp_path: Path) -> None:
    n = 1000
    schema = pa.schema([pa.field("e", pa.dictionary(pa.int32(), pa.string())), pa.field("b", pa.bool_()),
                        pa.field("i", pa.int64()), pa.field("s", pa.string()), pa.field("one", TEXT16),
                        pa.field("empty_dict", TEXT16)])
    batch = pa.record_batch([
        pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int32()), pa.array(["only message"])),
        pa.nulls(n, pa.bool_()), pa.nulls(n, pa.int64()), pa.nulls(n, pa.string()),
        pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int16)), pa.array(["same"])),
        pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int16()), pa.array([], pa.string())),
    ], schema=schema)
    assert_reads_back(write(tmp_path / "nulls.parquet", schema, [batch]), schema, [batch])


def test_dictionaries_differ_between_row_groups_and_keep_unused_values(tmp_path: Path) -> None:
    schema = pa.schema([pa.field("d", TEXT16)])
    first = pa.record_batch([pa.DictionaryArray.from_arrays(pa.array([2, 2, 0], pa.int16()),
                                                            pa.array(["a", "unused", "c"]))], schema=schema)
    second = pa.record_batch([pa.DictionaryArray.from_arrays(pa.array([0, 1], pa.int16()),
                                                             pa.array(["c", "日本語"]))], schema=schema)
    path = write(tmp_path / "d.parquet", schema, [first, second])
    assert_reads_back(path, schema, [first, second])
    chunks = pq.read_table(path).column("d").chunks
    assert [c.dictionary.to_pylist() for c in chunks] == [["a", "unused", "c"], ["c", "日本語"]]


def test_null_dictionary_entries_are_nulls(tmp_path: Path) -> None:
    """Parquet dictionaries hold no nulls: an index to a null entry is written as a null
    (pyarrow's writer refuses such arrays)."""
    array = pa.DictionaryArray.from_arrays(pa.array([0, 1, 2, None, 1, 0, 2, 2, 1], pa.int16()),
                                           pa.array(["a", None, "c"]))
    schema = pa.schema([pa.field("d", TEXT16)])
    batch = pa.record_batch([array.slice(1)], schema=schema)
    column = pq.read_table(write(tmp_path / "n.parquet", schema, [batch])).column("d")
    assert column.to_pylist() == [None, "c", None, None, "a", "c", "c", None]
    assert column.type == TEXT16


def test_wide_dictionary_indices(tmp_path: Path) -> None:
    """Index widths past 8 bits (the accumulator path) up to 17 bits (int32 indices)."""
    rng = np.random.default_rng(7)
    for size, index in ((300, pa.int16()), (5000, pa.int16()), (70000, pa.int32())):
        words = pa.array([f"w{i}" for i in range(size)])
        codes = np.concatenate([rng.integers(0, size, 3000), np.full(100, size - 1)])
        mask = rng.random(len(codes)) < 0.1
        indices = pa.array(codes.astype(index.to_pandas_dtype()), mask=mask)
        array = pa.DictionaryArray.from_arrays(indices, words)
        schema = pa.schema([pa.field("d", array.type)])
        batch = pa.record_batch([array], schema=schema)
        assert_reads_back(write(tmp_path / f"w{size}.parquet", schema, [batch]), schema, [batch])


def test_integer_extremes_and_wrapping_deltas(tmp_path: Path) -> None:
    schema = pa.schema([pa.field("i64", pa.int64()), pa.field("i32", pa.int32()),
                        pa.field("i16", pa.int16()), pa.field("i8", pa.int8())])
    columns = []
    for t in ("int64", "int32", "int16", "int8"):
        info = np.iinfo(t)
        values = np.tile(np.array([info.min, info.max, 0, -1, info.max, info.min, 1], dtype=t), 100)
        columns.append(pa.array(values))
    batch = pa.record_batch(columns, schema=schema)
    assert_reads_back(write(tmp_path / "ints.parquet", schema, [batch]), schema, [batch])


def test_floats_keep_their_bits(tmp_path: Path) -> None:
    values = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 5e-324, 1.5], dtype=np.float64)
    schema = pa.schema([pa.field("f64", pa.float64()), pa.field("f32", pa.float32())])
    batch = pa.record_batch([pa.array(values), pa.array(values.astype(np.float32))], schema=schema)
    table = pq.read_table(write(tmp_path / "f.parquet", schema, [batch]))
    assert table.column("f64").to_numpy().view(np.uint64).tolist() == values.view(np.uint64).tolist()
    assert (table.column("f32").to_numpy().view(np.uint32).tolist()
            == values.astype(np.float32).view(np.uint32).tolist())


def test_float_statistics_as_arrow_gives_them(tmp_path: Path) -> None:
    """Min and max skip NaN and nulls; a zero bound is -0.0 as a min and +0.0 as a max."""
    cases = [[0.0, 1.0], [-1.0, 0.0], [-0.0, 2.0], [np.nan, 1.0, 2.0], [np.nan], [np.nan, None, 3.0],
             [None, None], [-np.inf, 5.0, np.inf], [None, 7.5, np.nan]]
    for k, values in enumerate(cases):
        for t in (pa.float64(), pa.float32()):
            schema = pa.schema([pa.field("x", t)])
            batch = pa.record_batch([pa.array(values, t)], schema=schema)
            ours = write(tmp_path / f"f{k}{t}.parquet", schema, [batch])
            theirs = tmp_path / f"ref{k}{t}.parquet"
            pq.write_table(pa.Table.from_batches([batch]), theirs)
            mine = pq.ParquetFile(ours).metadata.row_group(0).column(0).statistics
            ref = pq.ParquetFile(theirs).metadata.row_group(0).column(0).statistics
            assert (mine.null_count, mine.has_min_max) == (ref.null_count, ref.has_min_max), values
            if ref.has_min_max:
                assert [np.copysign(1, v) * abs(v) for v in (mine.min, mine.max)] == [ref.min, ref.max]
                assert np.signbit([mine.min, mine.max]).tolist() == np.signbit([ref.min, ref.max]).tolist()



def test_geometry_columns_have_a_null_count_and_no_bounds(tmp_path: Path) -> None:
    """The columns GeoParquet's `geo` key names get no min and max (WKB bytes have no order
    a reader could use); other binary columns keep theirs."""
    from anpo.io.geoparquet import geo_metadata, wkb_points

    lon, lat = np.array([127.7, np.nan, 124.2]), np.array([26.2, 1.0, 24.3])
    schema = pa.schema([pa.field("geometry", pa.binary()), pa.field("blob", pa.binary())],
                       metadata=geo_metadata())
    batch = pa.record_batch([wkb_points(lon, lat), pa.array([b"b", None, b"a"])], schema=schema)
    path = write(tmp_path / "geo.parquet", schema, [batch])
    group = pq.ParquetFile(path).metadata.row_group(0)
    geometry, blob = group.column(0).statistics, group.column(1).statistics
    assert geometry.null_count == 1 and not geometry.has_min_max
    assert blob.null_count == 1 and (blob.min, blob.max) == (b"a", b"b")
    assert pq.read_table(path).equals(pa.Table.from_batches([batch]))
    assert parquet_writer.geometry_columns(pa.schema([], metadata={"geo": "not json"})) == set()


def test_nulls_that_hold_bytes(tmp_path: Path) -> None:
    """Arrow lets a null string or binary slot hold bytes: they are not written, and the
    present values around them read back whole (pages small, so runs cross page ends)."""
    values = [b"ab", b"junk", b"", b"cdef", b"zz", b"q" * 20] * 50
    valid = np.array([True, False, True, True, False, True] * 50)
    offsets = np.concatenate([[0], np.cumsum([len(v) for v in values])]).astype(np.int32)
    data = pa.py_buffer(b"".join(values))
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little").tobytes())
    for t in (pa.binary(), pa.string()):
        array = pa.Array.from_buffers(t, len(values), [bitmap, pa.py_buffer(offsets.tobytes()), data])
        schema = pa.schema([pa.field("g", t)])
        batch = pa.record_batch([array], schema=schema)
        for compression in ("snappy", None):
            path = write(tmp_path / f"holes{t}{compression}.parquet", schema, [batch, batch.slice(3, 200)],
                         compression=compression)
            got = pq.read_table(path).column("g").to_pylist()
            want = [v if ok else None for v, ok in zip(values, valid, strict=True)]
            assert got == [w if t == pa.binary() or w is None else w.decode() for w in want + want[3:203]]


def test_long_strings_split_into_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet_writer, "PAGE_BYTES", 1000)
    texts = [("é" * int(k)) if k % 7 else None for k in range(300)]  # up to 600 bytes a value
    schema = pa.schema([pa.field("s", pa.string())])
    batch = pa.record_batch([pa.array(texts)], schema=schema)
    path = write(tmp_path / "s.parquet", schema, [batch])
    assert_reads_back(path, schema, [batch])
    rows = [b.num_rows for b in pq.ParquetFile(path).iter_batches(batch_size=7)]
    assert sum(rows) == 300


def test_runs_are_compact(tmp_path: Path) -> None:
    """Long runs become RLE runs: a constant million rows takes a few bytes a column."""
    n = 1 << 20
    schema = pa.schema([pa.field("row", pa.int64()), pa.field("d", TEXT16), pa.field("b", pa.bool_()),
                        pa.field("nulls", TEXT16)])
    batch = pa.record_batch([
        pa.array(np.arange(n)),
        pa.DictionaryArray.from_arrays(pa.array(np.ones(n, np.int16)), pa.array(["a", "b"])),
        pa.array(np.zeros(n, bool)),
        pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int16()), pa.array(["a"])),
    ], schema=schema)
    path = write(tmp_path / "runs.parquet", schema, [batch], compression=None)
    group = pq.ParquetFile(path).metadata.row_group(0)
    sizes = {group.column(i).path_in_schema: group.column(i).total_compressed_size for i in range(4)}
    assert sizes["d"] < 200 and sizes["nulls"] < 200
    assert sizes["row"] < 50_000  # 5 bytes a block of 128: min delta and 4 zero widths
    assert sizes["b"] < 140_000  # PLAIN booleans: a bit each
    assert_reads_back(path, schema, [batch])


# -- what the file says about itself ----------------------------------------------------------------

def test_metadata_matches_what_pyarrow_writes(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    schema = random_schema(rng)
    batches = [random_batch(schema, 100, rng), random_batch(schema, 50, rng)]
    ours = write(tmp_path / "ours.parquet", schema, batches)
    theirs = tmp_path / "theirs.parquet"
    with pq.ParquetWriter(theirs, schema, store_schema=True) as writer:
        for b in batches:
            writer.write_batch(b)
    mine, ref = pq.ParquetFile(ours), pq.ParquetFile(theirs)
    # the same key-value metadata (anpo.receipt and ARROW:schema, byte for byte)
    assert mine.metadata.metadata == ref.metadata.metadata
    assert mine.schema.equals(ref.schema)  # physical, logical and converted types, repetition
    assert mine.metadata.created_by == CREATED_BY
    assert pq.read_table(ours).equals(pq.read_table(theirs))


def test_column_chunk_metadata(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    schema = random_schema(rng)
    batches = [random_batch(schema, 700, rng) for _ in range(2)]
    meta = pq.ParquetFile(write(tmp_path / "m.parquet", schema, batches)).metadata
    theirs = tmp_path / "theirs.parquet"
    with pq.ParquetWriter(theirs, schema) as writer:
        for b in batches:
            writer.write_batch(b)
    ref = pq.ParquetFile(theirs).metadata
    assert (meta.num_rows, meta.num_row_groups, meta.num_columns) == (1400, 2, len(schema))
    for g in range(2):
        group = meta.row_group(g)
        assert group.num_rows == 700
        for i, field in enumerate(schema):
            col = group.column(i)
            assert col.num_values == 700
            assert col.compression == "SNAPPY"
            # statistics as pyarrow's own writer gives them: row groups can be skipped by value
            mine, expected = col.statistics, ref.row_group(g).column(i).statistics
            assert col.is_stats_set and mine.null_count == expected.null_count
            if mine.has_min_max or not pa.types.is_string(field.type):
                assert mine.has_min_max == expected.has_min_max, field
                if mine.has_min_max:
                    assert (mine.min, mine.max) == (expected.min, expected.max), field
            assert col.total_compressed_size > 0 and col.total_uncompressed_size > 0
            t = field.type
            if pa.types.is_dictionary(t):
                assert col.encodings == ("PLAIN", "RLE", "RLE_DICTIONARY")
                assert col.has_dictionary_page and col.dictionary_page_offset < col.data_page_offset
            elif pa.types.is_integer(t) or pa.types.is_date32(t):
                assert col.encodings == ("RLE", "DELTA_BINARY_PACKED")
            else:
                assert col.encodings == ("RLE", "PLAIN")
            assert col.physical_type == _physical(t)


def _physical(t: pa.DataType) -> str:
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_int64(t):
        return "INT64"
    if pa.types.is_integer(t) or pa.types.is_date32(t):
        return "INT32"
    return {pa.float32(): "FLOAT", pa.float64(): "DOUBLE"}.get(t, "BYTE_ARRAY")


# -- other ways of reading ------------------------------------------------------------------------

def test_column_selection_read_dictionary_filters_and_batches(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    schema = random_schema(rng)
    batches = [random_batch(schema, 1000, rng) for _ in range(3)]
    path = write(tmp_path / "r.parquet", schema, batches)
    want = pa.Table.from_batches(batches, schema)
    assert pq.read_table(path, columns=["int64", "dict16"]).equals(want.select(["int64", "dict16"]))
    as_dict = pq.read_table(path, columns=["string"], read_dictionary=["string"]).column("string")
    assert pa.types.is_dictionary(as_dict.type)
    assert as_dict.to_pylist() == want.column("string").to_pylist()
    # no statistics: filters cannot skip row groups, and must still select the rows
    kept = pq.read_table(path, filters=[("required_int64", ">", 0)], columns=["required_int64"])
    assert sorted(kept.column(0).to_pylist()) == sorted(v for v in want.column("required_int64").to_pylist()
                                                         if v > 0)
    value = next(v for v in want.column("dict16").to_pylist() if v is not None)
    hits = pq.read_table(path, filters=[("dict16", "==", value)], columns=["dict16"])
    assert hits.num_rows == want.column("dict16").to_pylist().count(value)
    pieces = list(pq.ParquetFile(path).iter_batches(batch_size=333))
    assert pa.Table.from_batches(pieces).cast(want.schema).equals(want)


def test_pandas_reads_it(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(12)
    schema = random_schema(rng)
    batches = [random_batch(schema, 300, rng)]
    path = write(tmp_path / "p.parquet", schema, batches)
    frame = pd.read_parquet(path)
    expected = pa.Table.from_batches(batches, schema).to_pandas()
    pd.testing.assert_frame_equal(frame, expected)


def test_duckdb_reads_it(tmp_path: Path) -> None:
    """Another implementation of the format (C++, not Arrow's) reads the same values."""
    duckdb = pytest.importorskip("duckdb")
    rng = np.random.default_rng(13)
    schema = random_schema(rng)
    batches = [random_batch(schema, 2000, rng), random_batch(schema, 77, rng)]
    path = write(tmp_path / "d.parquet", schema, batches)
    got = duckdb.connect().sql(f"select * from read_parquet('{path}')").to_arrow_table()
    want = pa.Table.from_batches(batches, schema)
    assert got.num_rows == want.num_rows
    for name in schema.names:
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name


# -- what the writer refuses ----------------------------------------------------------------------

def test_unsupported_types_are_refused_and_fall_back_to_pyarrow(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    schema = pa.schema([pa.field("t", pa.timestamp("us")), pa.field("d", TEXT16)])
    assert not supported(schema)
    assert not supported(pa.schema([pa.field("d", pa.dictionary(pa.int16(), pa.large_string()))]))
    assert supported(grid_schema())
    with pytest.raises(TypeError, match="t: timestamp"):
        ParquetFileWriter(tmp_path / "x.parquet", schema)
    monkeypatch.setattr(tables, "use_compiled", lambda rows: True)
    batch = pa.record_batch([pa.array([dt.datetime(2020, 1, 1)]), pa.array(["a"]).cast(TEXT16)],
                            schema=schema)
    with tables.atomic_table(tmp_path / "y.parquet", schema) as writer:
        writer.write(batch)
    assert pq.ParquetFile(tmp_path / "y.parquet").metadata.created_by.startswith("parquet-cpp-arrow")
    assert pq.read_table(tmp_path / "y.parquet").equals(pa.Table.from_batches([batch]))


def test_bad_batches_are_refused(tmp_path: Path) -> None:
    schema = pa.schema([pa.field("d", TEXT16), pa.field("r", pa.int64(), nullable=False)])
    writer = ParquetFileWriter(tmp_path / "bad.parquet", schema)
    out_of_range = pa.DictionaryArray.from_arrays(pa.array([0, 5], pa.int16()), pa.array(["a", "b"]),
                                                  safe=False)
    with pytest.raises(ValueError, match="out of range"):
        writer.write(pa.record_batch([out_of_range, pa.array([1, 2])], schema=schema))
    with pytest.raises(ValueError, match="not nullable"):
        writer.write(pa.record_batch([pa.array(["a", "b"]).cast(TEXT16), pa.array([1, None])], schema=schema))
    with pytest.raises(ValueError, match="schema"):
        writer.write(pa.record_batch([pa.array([1])], names=["x"]))
    writer.close()
    writer.close()  # twice: nothing



def test_row_groups_encoded_on_other_threads_are_the_same_file(tmp_path: Path) -> None:
    """Batch assessment encodes row groups on its assessing threads, several at once, and
    appends them in order: byte for byte the file that writing them one by one gives."""
    from concurrent.futures import ThreadPoolExecutor

    from anpo.io.parquet_writer import RowGroupEncoder

    rng = np.random.default_rng(23)
    schema = random_schema(rng)
    batches = [random_batch(schema, int(rng.integers(1, 3000)), rng) for _ in range(12)]
    batches.insert(5, batches[0].slice(0, 0))  # an empty batch: no row group
    for compression in ("snappy", None):
        serial = write(tmp_path / f"serial-{compression}.parquet", schema, batches, compression=compression)
        encoder = RowGroupEncoder(schema, compression=compression)
        writer = ParquetFileWriter(tmp_path / f"threads-{compression}.parquet", schema, encoder=encoder)
        with ThreadPoolExecutor(4) as pool:
            for group in pool.map(encoder.encode, batches):
                writer.append(group)
        writer.close()
        assert (tmp_path / f"threads-{compression}.parquet").read_bytes() == serial.read_bytes()
        assert_reads_back(serial, schema, [b for b in batches if b.num_rows])
    other = ParquetFileWriter(tmp_path / "other.parquet", schema)
    with pytest.raises(ValueError, match="another file"):
        other.append(encoder.encode(batches[0]))
    other.close()


def test_the_table_writer_prepares_large_batches_only(tmp_path: Path) -> None:
    """`tables`' Parquet writer encodes a batch ahead (`prepare`) only when anpo's writer
    will write it; small outputs go to pyarrow's writer, which prepares nothing."""
    from anpo.core.compiled import COMPILED_FROM_ROWS

    schema = pa.schema([pa.field("n", pa.int64()), pa.field("d", TEXT16)])
    def batch(n: int) -> pa.RecordBatch:
        return pa.record_batch([pa.array(np.arange(n)), pa.array(np.array(["a", "b"])[np.arange(n) % 2]
                                                                  ).dictionary_encode().cast(TEXT16)],
                               schema=schema)
    with tables.atomic_table(tmp_path / "small.parquet", schema) as small:
        assert small.prepare(batch(10)) is None
        small.write(batch(10))
    with tables.atomic_table(tmp_path / "large.parquet", schema) as large:
        big = batch(COMPILED_FROM_ROWS)
        prepared = large.prepare(big)
        assert prepared is not None and prepared.rows == COMPILED_FROM_ROWS
        large.write(big, prepared)
        large.write(batch(10), large.prepare(batch(10)))  # the last, small chunk: still anpo's writer
    got = pq.read_table(tmp_path / "large.parquet")
    assert got.num_rows == COMPILED_FROM_ROWS + 10
    assert got.to_batches()[0].slice(0, COMPILED_FROM_ROWS).equals(big)
    assert pq.ParquetFile(tmp_path / "large.parquet").metadata.created_by == CREATED_BY
    assert pq.ParquetFile(tmp_path / "small.parquet").metadata.created_by != CREATED_BY


# -- the outputs of batch assessment and grids ----------------------------------------------------------

ROWS = [
    {"id": "ishigaki", "date": "2026-01-15", "event": "armed_attack", "target": "JPN",
     "lat": 24.34, "lon": 124.16},
    {"id": "naha-1971", "date": "1971-06-01", "event": "armed_attack", "target": "USA",
     "lat": 26.21, "lon": 127.68},
    {"id": "open-sea", "date": "2026-01-15", "event": "armed_attack", "target": "JPN",
     "lat": 30.0, "lon": 140.0},
    {"id": "cyber", "date": "2020-05-01", "event": "cyber_attack", "target": "JPN"},
    {"id": "bad-lat", "date": "2026-01-15", "event": "armed_attack", "target": "JPN",
     "lat": 95.0, "lon": 124.16},
    {"id": "bad-date", "date": "someday", "event": "armed_attack", "target": "JPN",
     "lat": 26.0, "lon": 127.0},
    {"id": "quiet", "date": "1955-01-01", "event": "none", "us_action": "combat_operations_from_japan"},
]


def _run_with(monkeypatch: pytest.MonkeyPatch, ours: bool, fn: Callable[[], Path]) -> Path:
    with monkeypatch.context() as m:
        m.setattr(tables, "use_compiled", lambda rows: ours)
        path = fn()
    created_by = pq.ParquetFile(path).metadata.created_by
    assert (created_by == CREATED_BY) is ours
    return path


def test_batch_assessment_output_is_the_same_as_by_pyarrow(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cols = ["id", "date", "event", "target", "lat", "lon", "us_action"]
    types = {"lat": pa.float64(), "lon": pa.float64()}
    table = pa.table({c: pa.array([r.get(c) for r in ROWS * 5], types.get(c, pa.string())) for c in cols})
    source = tmp_path / "in.parquet"
    pq.write_table(table, source, row_group_size=9)

    def run(name: str) -> Callable[[], Path]:
        def go() -> Path:
            assess_table(source, tmp_path / name, explain=True, chunk_rows=9)
            return tmp_path / name
        return go

    ours = _run_with(monkeypatch, True, run("ours.parquet"))
    theirs = _run_with(monkeypatch, False, run("theirs.parquet"))
    a, b = pq.read_table(ours), pq.read_table(theirs)
    assert a.schema.equals(b.schema, check_metadata=True)  # anpo.receipt, field metadata
    assert b"anpo.receipt" in (a.schema.metadata or {})
    assert a.equals(b)
    assert a.column("error").null_count == a.num_rows - 10
    assert pq.ParquetFile(ours).metadata.num_row_groups == 4  # a row group a chunk of 9 rows


def test_grid_output_is_the_same_as_by_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = grid_spec("123,24,125,26", 40.0, "1960-06-23,1972-05-15", "armed_attack", "JPN")

    def run(name: str) -> Callable[[], Path]:
        def go() -> Path:
            write_grid(spec, tmp_path / name, chunk_rows=100)
            return tmp_path / name
        return go

    ours = _run_with(monkeypatch, True, run("ours.parquet"))
    theirs = _run_with(monkeypatch, False, run("theirs.parquet"))
    a, b = pq.read_table(ours), pq.read_table(theirs)
    assert a.num_rows == spec.size
    assert a.schema.equals(b.schema, check_metadata=True)  # anpo.grid, anpo.receipt
    assert a.equals(b)


def test_batch_output_opens_in_pandas_duckdb_and_polars_with_statistics(tmp_path: Path) -> None:
    import duckdb
    import polars as pl

    from anpo.io.batch import assess_table

    n = 3000
    dates = ["1971-05-01", "2026-01-01", "1965-07-01"] * (n // 3)
    rows = pa.table({"id": [f"s{i}" for i in range(n)], "date": dates,
                     "event": ["armed_attack"] * n, "target": ["JPN"] * n,
                     "lat": np.linspace(24.0, 27.0, n), "lon": np.full(n, 127.77)})
    src = tmp_path / "in.parquet"
    pq.write_table(rows, src)
    out = tmp_path / "out.parquet"
    assess_table(src, out, chunk_rows=1000)
    assert len(pq.ParquetFile(out).metadata.row_group(0).to_dict()["columns"]) > 5
    assert pq.read_table(out).to_pandas()["article5"].notna().all()
    assert pl.read_parquet(out).height == n
    stats = duckdb.sql(f"select path_in_schema, stats_min_value, stats_max_value, stats_null_count "
                       f"from parquet_metadata('{out}') where row_group_id = 0").fetchall()
    by_column = {name: (lo, hi, nulls) for name, lo, hi, nulls in stats}
    assert by_column["row"][:2] == ("0", "999")
    assert by_column["article5"][0] is not None and by_column["error"][2] == 1000


@pytest.mark.parametrize("size", [1, 3, 63, 64, 65, 300])
def test_used_entries_of_small_and_large_dictionaries(size: int) -> None:
    """The used entries (a word of bits up to 64 entries, a store a row past that), with
    and without a validity bitmap, over every row or the first few."""
    from anpo.io import parquet_kernel

    rng = np.random.default_rng(size)
    n = 5000
    for dtype in (np.int16, np.int32):
        codes = rng.integers(0, size, n).astype(dtype)
        codes[codes == size // 2] = 0  # an entry no row uses
        present = rng.random(n) < 0.6
        for valid, rows in ((np.zeros(0, np.uint8), np.ones(n, bool)),
                            (np.packbits(present, bitorder="little"), present)):
            for m in (n, n - 3, 9, 0):
                want = np.zeros(size, bool)
                want[codes[:m][rows[:m]]] = True
                got = parquet_kernel.used_entries(codes, valid, m, size)
                assert np.array_equal(got, want), (dtype, m, len(valid))


def _decode_hybrid(buf: bytes, width: int, n: int) -> list[int]:
    """The first `n` values of an RLE/bit-packed hybrid (Encodings.md), decoded in Python."""
    out: list[int] = []
    pos = 0
    while len(out) < n:
        header = shift = 0
        while True:  # ULEB128
            b = buf[pos]
            pos += 1
            header |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        if header & 1:  # bit-packed: (header >> 1) groups of 8 values, `width` bytes each
            size = (header >> 1) * width
            bits = int.from_bytes(buf[pos:pos + size], "little")
            pos += size
            out += [(bits >> (k * width)) & ((1 << width) - 1) for k in range((header >> 1) * 8)]
        else:  # RLE: (header >> 1) repeats of a value in ceil(width / 8) bytes
            size = (width + 7) // 8
            out += [int.from_bytes(buf[pos:pos + size], "little")] * (header >> 1)
            pos += size
    return out[:n]


@pytest.mark.parametrize("width", [1, 2, 3, 5, 8, 9, 13])
def test_dictionary_indices_decode_and_stay_within_their_room(width: int) -> None:
    """The dictionary indices' hybrid decodes to the values, and its whole-word stores (a
    group of 8 values at `width` <= 8 bits is stored as 8 bytes) write at most 7 bytes past
    the encoding's end, where the writer leaves room (the stores are unchecked)."""
    from anpo.io import parquet_kernel

    rng = np.random.default_rng(width)
    for n in (1, 7, 8, 9, 63 * 8, 63 * 8 + 1, 64 * 8 + 5, 3001):
        for runs in (False, True):
            values = (_runs(n, rng, 1 << width) if runs else rng.integers(0, 1 << width, n)).astype(np.int16)
            out = np.full(2 + n * 2 + 64, 0xAB, dtype=np.uint8)
            end = parquet_kernel.dictionary_indices(values, n, width, -(-4 // width), out, 0)
            assert out[0] == width
            assert _decode_hybrid(out[1:end].tobytes(), width, n) == values.tolist(), (n, runs)
            assert (out[end + 7:] == 0xAB).all(), (n, runs)  # nothing written further
