"""A Parquet writer for anpo's output tables: flat schemas of a few Arrow types, written fast.

    writer = ParquetFileWriter(path, schema)   # supported(schema) must hold
    writer.write(batch)                        # one row group a batch
    writer.close()                             # the footer

Why: pyarrow's writer spends 5-15 ns a value in per-value loops (definition levels,
dictionary indices, booleans bit by bit); for the batch outputs (a million rows of about
twenty columns a chunk) that was the largest single cost of the pipeline. Here the work is
done a byte of bitmap or a group of 8 values at a time by compiled kernels
(`parquet_kernel`, which release the GIL), and Python only assembles pages and metadata.

What it writes (parquet-format's parquet.thrift and Encodings.md):
- "PAR1", then per batch one row group: per column one column chunk of v1 data pages
  (DataPageHeader) of about 1 MB at most before compression, then the footer: FileMetaData
  (Thrift compact protocol, `parquet_thrift`), its length, "PAR1".
- Flat schema: every column a leaf of the root, OPTIONAL (max definition level 1) when the
  Arrow field is nullable, else REQUIRED; definition levels RLE/bit-packed hybrid.
- bool: PLAIN (bit-packed); int8/int16/int32/date32 and int64: INT32/INT64,
  DELTA_BINARY_PACKED; float32/float64: PLAIN; string/large_string: BYTE_ARRAY PLAIN;
  binary/large_binary (e.g. GeoParquet's WKB geometry): BYTE_ARRAY PLAIN, no UTF8 annotation;
  dictionary<int8|int16|int32, string>: a dictionary page (PLAIN) with the
  batch's dictionary as it is, then RLE_DICTIONARY data pages.
- Logical and converted types as Arrow writes them, the `ARROW:schema` key (base64 of the
  serialized Arrow schema, as Arrow does) so that Arrow readers get back the exact types
  (dictionaries and their index types, large strings), field and schema metadata.
- Statistics of each column chunk: null count, min and max (not for GeoParquet's geometry
  columns: `geometry_columns`). No page index, no bloom filters.
- Snappy compression of each page (optional).
- Point columns made by the writer (`points`): a GeoParquet WKB point column that a batch
  may leave out, written from its longitude and latitude columns by `wkb_kernel` (pages,
  and their snappy streams, straight from the float64 values: no WKB array is built).

`supported(schema)` says whether every column has such a type; `anpo.io.tables` uses
pyarrow's writer otherwise.
"""

from __future__ import annotations

import base64
import json
import struct as pystruct
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from anpo import __version__
from anpo.core.ahead_of_time import compiled_module
from anpo.io.parquet_thrift import BINARY, BOOL, BYTE, I16, I32, I64, LIST, STRUCT, struct, struct_list

MAGIC = b"PAR1"
PAGE_BYTES = 1 << 20  # data pages of at most about this many bytes before compression
ARROW_SCHEMA = b"ARROW:schema"
# The kernels: the install-time extension's (`core.ahead_of_time`), else numba's JIT.
kernel = compiled_module("anpo.io.parquet_kernel")
wkb = compiled_module("anpo.io.wkb_kernel")
CREATED_BY = f"anpo version {__version__} (numba Parquet writer)"

Bytes = npt.NDArray[np.uint8]


# parquet.thrift enums
class _Type:  # physical types
    BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY = 0, 1, 2, 4, 5, 6


class _Encoding:
    PLAIN, RLE, DELTA_BINARY_PACKED, RLE_DICTIONARY = 0, 3, 5, 8


class _Page:
    DATA, DICTIONARY = 0, 2


_OPTIONAL, _REQUIRED = 1, 0
_SNAPPY, _UNCOMPRESSED = 1, 0
_UTF8, _DATE, _INT_8, _INT_16 = 0, 6, 15, 16  # ConvertedType


class _Kind(Enum):
    BOOL = "bool"
    DELTA = "delta"  # integers and dates
    PLAIN = "plain"  # floats
    BYTES = "bytes"  # strings and binary
    DICT = "dict"  # dictionary<int, string>


@dataclass(frozen=True)
class _Column:
    """How one Arrow field is written."""

    name: str
    kind: _Kind
    physical: int
    required: bool
    dtype: str | None  # numpy type of the Arrow values (DICT: of the indices)
    bits: int  # DELTA: 32 or 64 (INT32/INT64); PLAIN: bits a value
    logical: bytes | None = None  # an encoded LogicalType union
    converted: int | None = None
    bounds: bool = True  # min and max in the statistics (not for GeoParquet's WKB)

    def schema_element(self, field_id: int | None) -> bytes:
        return struct(
            (1, I32, self.physical),
            (3, I32, _REQUIRED if self.required else _OPTIONAL),
            (4, BINARY, self.name),
            (6, I32, self.converted),
            (9, I32, field_id),
            (10, STRUCT, self.logical),
        )

    @property
    def value_encoding(self) -> int:
        return {_Kind.DELTA: _Encoding.DELTA_BINARY_PACKED,
                _Kind.DICT: _Encoding.RLE_DICTIONARY}.get(self.kind, _Encoding.PLAIN)


_STRING = struct((1, STRUCT, struct()))  # LogicalType.STRING
_DATE_TYPE = struct((6, STRUCT, struct()))  # LogicalType.DATE


def _int_type(bits: int) -> bytes:
    return struct((10, STRUCT, struct((1, BYTE, bits), (2, BOOL, True))))  # LogicalType.INTEGER


def _is_string(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _is_binary(t: pa.DataType) -> bool:
    return bool(pa.types.is_binary(t) or pa.types.is_large_binary(t))


_INTS = {pa.int8(): ("int8", _int_type(8), _INT_8), pa.int16(): ("int16", _int_type(16), _INT_16),
         pa.int32(): ("int32", None, None), pa.date32(): ("int32", _DATE_TYPE, _DATE)}
_INDEX_TYPES = {pa.int8(): "int8", pa.int16(): "int16", pa.int32(): "int32"}


def _column(field: pa.Field) -> _Column | None:
    """The plan for a field, or None when this writer does not write its type."""
    t = field.type
    name, req = field.name, not field.nullable
    if pa.types.is_boolean(t):
        return _Column(name, _Kind.BOOL, _Type.BOOLEAN, req, None, 1)
    if t in _INTS:  # INT32, with the logical type saying how wide (parquet.thrift IntType)
        dtype, logical, converted = _INTS[t]
        return _Column(name, _Kind.DELTA, _Type.INT32, req, dtype, 32, logical, converted)
    if pa.types.is_int64(t):
        return _Column(name, _Kind.DELTA, _Type.INT64, req, "int64", 64)
    if pa.types.is_float32(t):
        return _Column(name, _Kind.PLAIN, _Type.FLOAT, req, "float32", 32)
    if pa.types.is_float64(t):
        return _Column(name, _Kind.PLAIN, _Type.DOUBLE, req, "float64", 64)
    if _is_string(t):
        return _Column(name, _Kind.BYTES, _Type.BYTE_ARRAY, req, None, 0, _STRING, _UTF8)
    if _is_binary(t):  # bytes as they are: no logical type (Arrow reads BYTE_ARRAY back as binary)
        return _Column(name, _Kind.BYTES, _Type.BYTE_ARRAY, req, None, 0)
    # dictionary<large_string> is left to pyarrow: its reader gives it back with string values
    if pa.types.is_dictionary(t) and pa.types.is_string(t.value_type) and t.index_type in _INDEX_TYPES:
        return _Column(name, _Kind.DICT, _Type.BYTE_ARRAY, req, _INDEX_TYPES[t.index_type], 0,
                       _STRING, _UTF8)
    return None


_TYPE_ORDER = struct((1, STRUCT, struct()))  # ColumnOrder.TYPE_ORDER
MAX_STAT_BYTES = 64  # longer strings get no min/max (a reader then reads the row group)
_PACK = {_Type.INT32: "<i", _Type.INT64: "<q", _Type.FLOAT: "<f", _Type.DOUBLE: "<d"}


def _plain_value(column: _Column, value: Any) -> bytes | None:
    """A min or max in Parquet's PLAIN encoding of the column's physical type."""
    if value is None:
        return None
    if column.physical == _Type.BOOLEAN:
        return b"\x01" if value else b"\x00"
    if column.physical == _Type.BYTE_ARRAY:
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return raw if len(raw) <= MAX_STAT_BYTES else None
    if isinstance(value, float) and value != value:  # NaN orders nowhere: no bound
        return None
    return pystruct.pack(_PACK[column.physical], value)


def _statistics(column: _Column, array: pa.Array, source: _Source) -> bytes:
    """The chunk's Statistics: null count, and min and max of its present values, so that
    DuckDB, Polars, Spark and pyarrow can skip row groups by value."""
    # A dictionary with null entries makes the rows that point at them null too (`_Source.of`
    # made their bitmap): counted from it. Otherwise the array's own count holds.
    nulls = array.null_count if column.kind is not _Kind.DICT or not array.dictionary.null_count else (
        source.n - int(np.unpackbits(source.valid, bitorder="little", count=source.n).sum()))
    if not column.bounds:
        return struct((3, I64, nulls))
    present = source.n - nulls
    low = high = None
    if column.kind is _Kind.PLAIN:  # floats: one compiled pass (Arrow's min_max took 5 ns a value)
        lo_f, hi_f, count = kernel.float_bounds(source.values, source.valid, source.n)
        if count:  # a zero bound as -0.0 (min) and +0.0 (max), as Arrow writes it
            low, high = (-0.0 if lo_f == 0 else lo_f), (0.0 if hi_f == 0 else hi_f)
    elif present:
        low, high = _bounds(column, array, source)
    lo, hi = _plain_value(column, low), _plain_value(column, high)
    exact = True if lo is not None and hi is not None else None
    return struct((3, I64, nulls), (5, BINARY, hi if lo is not None else None),
                  (6, BINARY, lo if hi is not None else None), (7, BOOL, exact), (8, BOOL, exact))


def _bounds(column: _Column, array: pa.Array, source: _Source) -> tuple[Any, Any]:
    """(min, max) of a column chunk's present values (some present), as Arrow's `min_max`
    gives them: integers and days as numbers, booleans, and the used dictionary entries'
    labels (Python orders str by code point, as Arrow orders UTF-8 by byte). Read from the
    buffers the encoder already holds: `pyarrow.compute`, which the batch path otherwise
    never needs, costs 35-45 ms to import. Plain strings and binary go to Arrow's."""
    if column.kind is _Kind.DICT:
        # over the entries the chunk uses (a dictionary may hold every label)
        used = kernel.used_entries(source.values, source.valid, source.n, len(array.dictionary))
        labels = [v for v, u in zip(array.dictionary.to_pylist(), used.tolist(), strict=True)
                  if u and v is not None]
        return (min(labels), max(labels)) if labels else (None, None)
    valid = (np.unpackbits(source.valid, bitorder="little", count=source.n).view(np.bool_)
             if len(source.valid) else None)
    if column.kind is _Kind.BOOL:
        bits = np.unpackbits(source.values, bitorder="little", count=source.n).view(np.bool_)
        if valid is not None:
            bits = bits[valid]
        return bool(bits.all()), bool(bits.any())
    if column.kind is _Kind.DELTA:
        values = source.values if valid is None else source.values[valid]
        return int(values.min()), int(values.max())
    import pyarrow.compute as pc

    bounds = pc.min_max(array)
    return bounds["min"].as_py(), bounds["max"].as_py()


def geometry_columns(schema: pa.Schema) -> set[str]:
    """The GeoParquet geometry columns the schema's `geo` key names. Their statistics have
    a null count but no min and max: the order of WKB bytes says nothing about where the
    geometries are (parquet-format's GEOMETRY type asks writers for no min/max either),
    and Arrow's min/max of the WKB column was a tenth of the writer's time."""
    raw = (schema.metadata or {}).get(b"geo")
    try:
        return set(json.loads(raw)["columns"]) if raw is not None else set()
    except (ValueError, KeyError, TypeError):
        return set()


def supported(schema: pa.Schema) -> bool:
    """Whether every column of `schema` is of a type this writer writes."""
    return all(_column(f) is not None for f in schema)


def _frozen(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A read-only view: the kernels then see one array type whatever the source (Arrow
    buffers may be read-only), and are compiled once."""
    view = a.view()
    view.flags.writeable = False
    return view


_EMPTY = _frozen(np.zeros(0, dtype=np.uint8))


def _bitmap(buffer: pa.Buffer | None, offset: int, n: int) -> Bytes:
    """An Arrow bitmap's bits [offset, offset + n) starting at bit 0 of a byte array (a view
    when the offset is a whole number of bytes, the usual case)."""
    if buffer is None:
        return _EMPTY
    raw = np.frombuffer(buffer, dtype=np.uint8)
    if offset % 8 == 0:
        return _frozen(raw[offset // 8:(offset + n + 7) // 8])
    bits = np.unpackbits(raw, bitorder="little", count=offset + n)[offset:]
    return _frozen(np.packbits(bits, bitorder="little"))


def _fixed(array: pa.Array, dtype: Any) -> npt.NDArray[Any]:
    """The fixed-width values of an array: a view of its data buffer."""
    data = array.buffers()[1]
    n = len(array)
    if data is None:
        return _frozen(np.zeros(n, dtype=dtype))
    return _frozen(np.frombuffer(data, dtype=dtype)[array.offset:array.offset + n])


def _strings(array: pa.Array) -> tuple[npt.NDArray[Any], Bytes]:
    """(offsets of rows 0..n, absolute in data; data bytes) of a string or binary array."""
    _, off, data = array.buffers()
    large = pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type)
    dtype = np.int64 if large else np.int32
    n = len(array)
    offsets = (np.frombuffer(off, dtype=dtype)[array.offset:array.offset + n + 1] if off is not None
               else np.zeros(n + 1, dtype=dtype))
    return _frozen(offsets), (_frozen(np.frombuffer(data, dtype=np.uint8)) if data is not None else _EMPTY)


def _index_width(size: int) -> int:
    """Bit width of dictionary indices: enough for size - 1, at least 1."""
    return max(1, (size - 1).bit_length())


@dataclass
class _Source:
    """One column of one batch, as the kernels take it."""

    n: int
    valid: Bytes  # validity bitmap from bit 0; empty: no nulls
    values: Any  # DELTA, PLAIN, DICT: values (indices); BOOL: bitmap; BYTES: (offsets, data)
    width: int = 0  # DICT: bit width of the indices

    @staticmethod
    def of(column: _Column, array: pa.Array) -> _Source:
        n = len(array)
        valid = _EMPTY if array.null_count == 0 else _bitmap(array.buffers()[0], array.offset, n)
        if column.kind is _Kind.BOOL:
            return _Source(n, valid, _bitmap(array.buffers()[1], array.offset, n))
        if column.kind is _Kind.BYTES:
            return _Source(n, valid, _strings(array))
        if column.kind is not _Kind.DICT:
            return _Source(n, valid, _fixed(array, column.dtype))
        indices = _fixed(array.indices, column.dtype)
        if indices.dtype == np.int8:  # int16 and int32 are compiled for, int8 is widened
            indices = _frozen(indices.astype(np.int16))
        if array.dictionary.null_count:  # an index to a null entry is a null
            present = (np.unpackbits(valid, bitorder="little", count=n).astype(bool) if len(valid)
                       else np.ones(n, dtype=bool))
            entries = ~np.asarray(array.dictionary.is_null())
            present &= entries[np.clip(indices, 0, len(entries) - 1)]
            valid = _frozen(np.packbits(present, bitorder="little"))
        return _Source(n, valid, indices, _index_width(len(array.dictionary)))


@dataclass
class _Chunk:
    """What the footer needs of one encoded column chunk (ColumnMetaData); offsets are
    counted from the first byte of its row group until the file writer places it."""

    column: _Column
    rows: int
    dictionary_offset: int | None
    data_offset: int
    uncompressed: int
    compressed: int
    data_pages: int
    codec: int
    statistics: bytes | None = None

    def metadata(self, base: int) -> bytes:
        """The ColumnChunk, its row group starting at byte `base` of the file."""
        c = self.column
        encodings = [_Encoding.RLE, c.value_encoding]  # RLE: the definition levels
        stats = [struct((1, I32, _Page.DATA), (2, I32, c.value_encoding), (3, I32, self.data_pages))]
        if self.dictionary_offset is not None:
            encodings.insert(0, _Encoding.PLAIN)
            stats.insert(0, struct((1, I32, _Page.DICTIONARY), (2, I32, _Encoding.PLAIN), (3, I32, 1)))
        meta = struct(
            (1, I32, c.physical),
            (2, LIST, (I32, encodings)),
            (3, LIST, (BINARY, [c.name])),
            (4, I32, self.codec),
            (5, I64, self.rows),
            (6, I64, self.uncompressed),
            (7, I64, self.compressed),
            (9, I64, base + self.data_offset),
            (11, I64, None if self.dictionary_offset is None else base + self.dictionary_offset),
            (12, STRUCT, self.statistics),
            (13, LIST, struct_list(stats)),
        )
        return struct((2, I64, 0), (3, STRUCT, meta))  # ColumnChunk; file_offset 0 (deprecated)


@dataclass
class RowGroupBytes:
    """One batch encoded as a row group: its bytes in file order (`parts`, `size` bytes in
    all) and its column chunks, whose offsets the file writer fixes where it puts them."""

    rows: int
    parts: list[Any]
    size: int
    chunks: list[_Chunk]
    encoder: RowGroupEncoder


class _Pages:
    """The pages of one row group as they are encoded: their bytes, and where each starts."""

    def __init__(self, codec: pa.Codec | None, scratch: _Scratch) -> None:
        self.codec = codec
        self.scratch = scratch
        self.parts: list[Any] = []
        self.pos = 0

    def buffer(self, size: int) -> Bytes:
        """Space for one page body: reused when pages are compressed (the compressed copy is
        what is kept), else fresh (the body itself is kept until the row group is written)."""
        return self.scratch.buffer(size) if self.codec is not None else np.empty(size, dtype=np.uint8)

    def temporary(self, dtype: np.dtype[Any], size: int) -> npt.NDArray[Any]:
        return self.scratch.temporary(dtype, size) if self.codec is not None else np.empty(size, dtype)

    def page(self, page_type: int, sub_header: bytes, body: list[Any]) -> tuple[int, int]:
        """A page (PageHeader, then the body, compressed as a whole); its (uncompressed,
        compressed) sizes including the header. `sub_header`: the DataPageHeader or the
        DictionaryPageHeader."""
        raw = sum(memoryview(b).nbytes for b in body)
        if self.codec is not None:
            data = body[0] if len(body) == 1 else np.concatenate([np.frombuffer(b, np.uint8) for b in body])
            packed = self.codec.compress(data, asbytes=False)
            body, size = [packed], packed.size
        else:
            size = raw
        field = 7 if page_type == _Page.DICTIONARY else 5
        head = struct((1, I32, page_type), (2, I32, raw), (3, I32, size), (field, STRUCT, sub_header))
        self.parts.append(head)
        self.parts += body
        self.pos += len(head) + size
        return len(head) + raw, len(head) + size


    def final_page(self, sub_header: bytes, raw: int, body: Bytes) -> tuple[int, int]:
        """A data page whose body is written as it goes into the file (compressed already when
        the pages are); `raw`: its size uncompressed. Sizes as `page` gives them."""
        head = struct((1, I32, _Page.DATA), (2, I32, raw), (3, I32, body.size), (5, STRUCT, sub_header))
        self.parts += [head, body]
        self.pos += len(head) + body.size
        return len(head) + raw, len(head) + body.size


class _Scratch(threading.local):
    """Scratch space of one thread, reused from page to page and batch to batch."""

    def __init__(self) -> None:
        self.bytes = np.empty(1 << 16, dtype=np.uint8)
        self.tmp: dict[np.dtype[Any], npt.NDArray[Any]] = {}

    def buffer(self, size: int) -> Bytes:
        if len(self.bytes) < size:
            self.bytes = np.empty(max(size, 2 * len(self.bytes)), dtype=np.uint8)
        return self.bytes

    def temporary(self, dtype: np.dtype[Any], size: int) -> npt.NDArray[Any]:
        tmp = self.tmp.get(dtype)
        if tmp is None or len(tmp) < size:
            tmp = self.tmp[dtype] = np.empty(max(size, 1024), dtype=dtype)
        return tmp


class RowGroupEncoder:
    """Encodes batches of one schema into row groups' bytes (`RowGroupBytes`), any number
    of threads at once: the batch assessment's threads encode each chunk right after
    assessing it, and the one thread that writes the file only appends the bytes."""

    def __init__(self, schema: pa.Schema, *, compression: str | None = "snappy",
                 points: Mapping[str, tuple[str, str]] | None = None) -> None:
        """`points`: GeoParquet point columns the encoder makes itself, name -> (x column,
        y column) (e.g. {"geometry": ("lon", "lat")}): a batch may leave them out (the schema
        without them), and they are written from its float64 x and y columns as WKB points,
        null where x or y is null or NaN (`geoparquet.wkb_points`, without its array). A
        batch that has them is written as it is."""
        columns = [_column(f) for f in schema]
        missing = [f"{f.name}: {f.type}" for f, c in zip(schema, columns, strict=True) if c is None]
        if missing:
            raise TypeError(f"columns of unsupported types: {', '.join(missing)}")
        if compression not in (None, "snappy"):
            raise ValueError(f"compression {compression!r}: only 'snappy' or None")
        geometry = geometry_columns(schema)
        self.columns: list[_Column] = [replace(c, bounds=c.name not in geometry) for c in columns
                                       if c is not None]
        meta = {k: v for k, v in (schema.metadata or {}).items() if k != ARROW_SCHEMA}
        self.schema = schema.with_metadata(meta) if meta else schema.remove_metadata()
        self._compression = compression
        self._codec_id = _SNAPPY if compression == "snappy" else _UNCOMPRESSED
        self._scratch = _Scratch()
        self.points = dict(points or {})
        for name, xy in self.points.items():
            field = schema.field(name) if schema.get_field_index(name) >= 0 else None
            if field is None or not _is_binary(field.type):
                raise ValueError(f"point column {name!r}: not one binary column of the schema")
            for c in xy:
                if schema.get_field_index(c) < 0 or not pa.types.is_float64(schema.field(c).type):
                    raise ValueError(f"point column {name!r}: {c!r} is not one float64 column of the schema")
            self.columns = [replace(c, bounds=False) if c.name == name else c for c in self.columns]
        self._without_points = pa.schema([f for f in self.schema if f.name not in self.points])

    def encode(self, batch: pa.RecordBatch) -> RowGroupBytes:
        """The row group holding the batch (no parts for an empty batch)."""
        made: set[str] = set()  # the point columns the batch leaves out
        if not batch.schema.equals(self.schema, check_metadata=False):
            if not self.points or not batch.schema.equals(self._without_points, check_metadata=False):
                raise ValueError(f"batch schema differs from the file's:\n{batch.schema}\n---\n{self.schema}")
            made = set(self.points)
        pages = _Pages(pa.Codec(self._compression) if self._compression else None, self._scratch)
        if batch.num_rows == 0:
            return RowGroupBytes(0, [], 0, [], self)
        chunks = []
        given = iter(batch.columns)
        for c in self.columns:
            chunks.append(self._points_chunk(pages, c, batch) if c.name in made
                          else self._column_chunk(pages, c, next(given)))
        return RowGroupBytes(batch.num_rows, pages.parts, pages.pos, chunks, self)

    def _points_chunk(self, pages: _Pages, column: _Column, batch: pa.RecordBatch) -> _Chunk:
        """The column chunk of a point column the batch left out, from its x and y columns:
        data pages of the same rows as for the WKB array (`_page_bounds`), each written by
        one `wkb_kernel` call (as a snappy stream when the pages are compressed)."""
        xs, ys = (batch.column(c) for c in self.points[column.name])
        n = batch.num_rows
        x, y = _fixed(xs, np.uint64), _fixed(ys, np.uint64)  # float64 bits
        bits = np.empty((n + 7) >> 3, dtype=np.uint8)
        vx, vy = (_bitmap(a.buffers()[0], a.offset, n) if a.null_count else _EMPTY for a in (xs, ys))
        nulls = wkb.point_validity(x, y, vx, vy, n, bits)
        if column.required and nulls:
            raise ValueError(f"column {column.name!r} is not nullable but has {nulls} null points")
        valid = _frozen(bits) if nulls else _EMPTY
        rows = max(8, PAGE_BYTES // wkb.ROW_BYTES // 8 * 8)  # as the WKB array's 25 bytes a row
        bounds = [(s, min(n, s + rows)) for s in range(0, n, rows)]
        level_room = 0 if column.required else 4 + 2 * ((rows + 7) >> 3) + 16
        # `wkb_kernel.snappy_bound`, inlined: a function of the module itself would load numba
        out = np.empty(len(bounds) * (16 + 2 * level_room + wkb.HEAD + wkb.ROW_BYTES * rows), dtype=np.uint8)
        levels = pages.temporary(np.dtype(np.uint8), level_room)
        sizes = [0, 0]
        data_offset = pages.pos
        pos = 0
        for s, e in bounds:
            r = e - s
            page_valid = valid[s >> 3:(e + 7) >> 3] if nulls else _EMPTY
            header = struct((1, I32, r), (2, I32, _Encoding.PLAIN), (3, I32, _Encoding.RLE),
                            (4, I32, _Encoding.RLE))
            if pages.codec is None:
                end = 0 if column.required else kernel.levels(page_valid, r, out[pos:], 0)
                end = wkb.plain_points(x[s:e], y[s:e], page_valid, r, out[pos:], end)
                raw = end
            else:
                level_end = 0 if column.required else kernel.levels(page_valid, r, levels, 0)
                end = wkb.snappy_points(x[s:e], y[s:e], page_valid, r, _frozen(levels[:level_end]),
                                        out[pos:], 0)
                raw = level_end + wkb.ROW_BYTES * wkb.present_count(page_valid, r)
            _add(sizes, pages.final_page(header, raw, out[pos:pos + end]))
            pos += end
        return _Chunk(column, n, None, data_offset, sizes[0], sizes[1], len(bounds), self._codec_id,
                      struct((3, I64, nulls)))

    def _column_chunk(self, pages: _Pages, column: _Column, array: pa.Array) -> _Chunk:
        """A column chunk: the dictionary page (DICT), then the data pages."""
        if column.required and array.null_count:
            raise ValueError(f"column {column.name!r} is not nullable but has {array.null_count} nulls")
        source = _Source.of(column, array)
        sizes = [0, 0]  # uncompressed, compressed, with the page headers
        dictionary_offset = None
        if column.kind is _Kind.DICT:
            dictionary_offset = pages.pos
            _add(sizes, self._dictionary_page(pages, array.dictionary))
        data_offset = pages.pos
        bounds = _page_bounds(column, source)
        for s, e in bounds:
            body = _data_page_body(pages, column, source, s, e)
            header = struct((1, I32, e - s), (2, I32, column.value_encoding),
                            (3, I32, _Encoding.RLE), (4, I32, _Encoding.RLE))
            _add(sizes, pages.page(_Page.DATA, header, body))
        return _Chunk(column, source.n, dictionary_offset, data_offset, sizes[0], sizes[1], len(bounds),
                      self._codec_id, _statistics(column, array, source))

    @staticmethod
    def _dictionary_page(pages: _Pages, dictionary: pa.Array) -> tuple[int, int]:
        """The dictionary page: the batch's dictionary, PLAIN (null entries written empty)."""
        offsets, data = _strings(dictionary)
        size = len(dictionary)
        out = pages.buffer(4 * size + int(offsets[-1] - offsets[0]) + 16)
        end = kernel.plain_byte_arrays(offsets, data, _EMPTY, size, out, 0)
        header = struct((1, I32, size), (2, I32, _Encoding.PLAIN))
        return pages.page(_Page.DICTIONARY, header, [out[:end]])


def _add(sizes: list[int], page: tuple[int, int]) -> None:
    sizes[0] += page[0]
    sizes[1] += page[1]


def _page_bounds(column: _Column, source: _Source) -> list[tuple[int, int]]:
    """Rows [s, e) of each data page: PAGE_BYTES at most before compression in the worst
    case of the encoding, each start a multiple of 8 rows (bitmaps then start on a byte)."""
    n = source.n
    if column.kind is _Kind.BYTES:
        offsets = source.values[0]
        bounds = []
        s = 0
        while s < n:
            # rows [s, e) take at most 4 bytes a row (the length) and their bytes: the last e
            # within PAGE_BYTES, by bisection (a few dozen look-ups a page, not a pass a batch)
            lo, hi, base = s, n, int(offsets[s]) + 4 * s
            while lo < hi:
                mid = (lo + hi + 1) >> 1
                if int(offsets[mid]) + 4 * mid - base <= PAGE_BYTES:
                    lo = mid
                else:
                    hi = mid - 1
            e = min(n, max(s + 8, lo - lo % 8))
            bounds.append((s, e))
            s = e
        return bounds
    bits = {_Kind.BOOL: 1, _Kind.DICT: source.width}.get(column.kind, column.bits) + 1  # + level
    rows = max(8, PAGE_BYTES * 8 // bits // 8 * 8)
    return [(s, min(n, s + rows)) for s in range(0, n, rows)]


def _data_page_body(pages: _Pages, column: _Column, source: _Source, s: int, e: int) -> list[Any]:
    """The body of a v1 data page of rows [s, e): definition levels (OPTIONAL columns),
    then the present values; a list of buffers, written one after the other."""
    r = e - s
    kind = column.kind
    valid = source.valid[s >> 3:(e + 7) >> 3] if len(source.valid) else _EMPTY
    groups = (r + 7) >> 3
    if kind is _Kind.DICT:  # a group: `width` bytes, or an RLE run of <= 5 + 4 bytes; 16 more
        need = 1 + groups * (source.width + 10) + 16  # (the kernel stores groups as 8-byte words)
    elif kind is _Kind.BOOL:
        need = groups
    elif kind is _Kind.DELTA:  # a block: <= 10 bytes min delta, 4 widths, 128 values
        need = 32 + (r // kernel.DELTA_BLOCK + 1) * (kernel.DELTA_BLOCK * column.bits // 8 + 14)
    elif kind is _Kind.BYTES:
        offsets = source.values[0]
        need = 4 * r + int(offsets[e] - offsets[s])
    else:
        need = 0  # PLAIN values are written from the array itself
    # levels: a bitmap byte costs at most itself and a run header byte
    out = pages.buffer((0 if column.required else 4 + 2 * groups + 16) + need)
    pos = 0 if column.required else kernel.levels(valid, r, out, 0)
    if kind is _Kind.BOOL:
        bits = source.values[s >> 3:(e + 7) >> 3]
        pos = (kernel.select_bits(bits, valid, r, out, pos) if len(valid)
               else kernel.copy_bits(bits, r, out, pos))
        return [out[:pos]]
    if kind is _Kind.BYTES:
        offsets, data = source.values
        pos = kernel.plain_byte_arrays(offsets[s:e + 1], data, valid, r, out, pos)
        return [out[:pos]]
    present = source.values[s:e]
    if len(valid):
        tmp = pages.temporary(present.dtype, r)
        present = _frozen(tmp[:kernel.gather(present, valid, r, tmp)])
    if kind is _Kind.PLAIN:
        return [out[:pos], present]
    if kind is _Kind.DELTA:
        pos = kernel.delta_binary_packed(present, len(present), column.bits, out, pos)
        return [out[:pos]]
    min_groups = -(-4 // source.width)  # an RLE run (2-3 bytes) beats 4 bytes of bit-packing
    end = kernel.dictionary_indices(present, len(present), source.width, min_groups, out, pos)
    if end < 0:
        raise ValueError(f"column {column.name!r}: a dictionary index is out of range")
    return [out[:end]]


class ParquetFileWriter:
    """Writes record batches of one schema to a Parquet file, a row group each: `write`
    encodes a batch and appends it; `append` appends one that `encoder` encoded elsewhere."""

    def __init__(self, path: str | Path, schema: pa.Schema, *, compression: str | None = "snappy",
                 encoder: RowGroupEncoder | None = None,
                 points: Mapping[str, tuple[str, str]] | None = None) -> None:
        self.encoder = encoder or RowGroupEncoder(schema, compression=compression, points=points)
        self._row_groups: list[bytes] = []
        self._rows = 0
        self._fh: BinaryIO | None = open(path, "wb", buffering=1 << 20)  # noqa: SIM115 - closed in close()
        self._fh.write(MAGIC)
        self._pos = len(MAGIC)

    def write(self, batch: pa.RecordBatch) -> None:
        """One row group holding the batch (nothing for an empty batch)."""
        self.append(self.encoder.encode(batch))

    def append(self, group: RowGroupBytes) -> None:
        """Put an encoded row group next in the file (nothing for an empty one)."""
        assert self._fh is not None, "writer is closed"
        if group.encoder is not self.encoder:
            raise ValueError("the row group was encoded for another file")
        if group.rows == 0:
            return
        start = self._pos
        for part in group.parts:
            self._fh.write(part)
        self._pos += group.size
        ordinal = len(self._row_groups)
        self._row_groups.append(struct(
            (1, LIST, struct_list([c.metadata(start) for c in group.chunks])),
            (2, I64, sum(c.uncompressed for c in group.chunks)),
            (3, I64, group.rows),
            (5, I64, start),
            (6, I64, group.size),
            (7, I16, ordinal if ordinal < 1 << 15 else None),
        ))
        self._rows += group.rows

    # -- footer ---------------------------------------------------------------------------

    def close(self) -> None:
        """Write the footer (FileMetaData) and close the file; closing twice does nothing."""
        if self._fh is None:
            return
        try:
            footer = self._footer()
            self._fh.write(footer)
            self._pos += len(footer)
        finally:
            fh, self._fh = self._fh, None
            fh.close()

    def _footer(self) -> bytes:
        schema, columns = self.encoder.schema, self.encoder.columns
        meta = schema.metadata or {}
        pairs = [*meta.items(), (ARROW_SCHEMA, base64.b64encode(schema.serialize().to_pybytes()))]
        key_values = [struct((1, BINARY, k), (2, BINARY, v)) for k, v in pairs]
        elements = [struct((3, I32, _REQUIRED), (4, BINARY, "schema"), (5, I32, len(columns)))]
        for field, column in zip(schema, columns, strict=True):
            fid = (field.metadata or {}).get(b"PARQUET:field_id")
            elements.append(column.schema_element(int(fid) if fid is not None else None))
        footer = struct(
            (1, I32, 1),  # version: parquet.thrift asks writers for 1
            (2, LIST, struct_list(elements)),
            (3, I64, self._rows),
            (4, LIST, struct_list(self._row_groups)),
            (5, LIST, struct_list(key_values)),
            (6, BINARY, CREATED_BY),
            # Every column's min and max follow its type's own order (TypeDefinedOrder); readers
            # trust min_value/max_value only when the file says so.
            (7, LIST, struct_list([_TYPE_ORDER] * len(columns))),
        )
        return footer + len(footer).to_bytes(4, "little") + MAGIC


def warm_up() -> None:
    """Compile (or load from numba's cache) the kernels for every supported type, with and
    without nulls: `python -m anpo.precompile` runs it at install."""
    import tempfile

    n = 40
    nulls = np.arange(n) % 3 == 0
    numbers = np.arange(n)
    words = pa.array(["a", "b", "c"])
    columns: list[pa.Array] = [
        pa.array(numbers % 2 == 0), pa.array(numbers, pa.int32()).cast(pa.date32()),
        pa.array([str(i) for i in numbers]), pa.array([str(i) for i in numbers], pa.large_string()),
        *(pa.array(numbers.astype(t)) for t in ("int8", "int16", "int32", "int64", "float32", "float64")),
        *(pa.DictionaryArray.from_arrays(pa.array(numbers % 3, t), words)
          for t in (pa.int8(), pa.int16(), pa.int32())),
    ]
    with_nulls = [pa.DictionaryArray.from_arrays(pa.array(c.indices.to_pylist(), c.indices.type, mask=nulls),
                                                 c.dictionary) if isinstance(c, pa.DictionaryArray)
                  else pa.array(c.to_pylist(), c.type, mask=nulls) for c in columns]
    batch = pa.RecordBatch.from_arrays(columns + with_nulls, names=[str(i) for i in range(2 * len(columns))])
    lon = np.where(nulls, np.nan, numbers.astype(np.float64))
    placed = pa.RecordBatch.from_arrays([pa.array(lon, mask=nulls), pa.array(-lon)], names=["x", "y"])
    with tempfile.TemporaryDirectory() as tmp:
        writer = ParquetFileWriter(Path(tmp) / "warm.parquet", batch.schema)
        writer.write(batch)
        writer.close()
        # point columns made by the writer, compressed or not, with and without nulls
        schema = placed.schema.append(pa.field("geometry", pa.binary()))
        for compression in ("snappy", None):
            writer = ParquetFileWriter(Path(tmp) / "points.parquet", schema, compression=compression,
                                       points={"geometry": ("x", "y")})
            writer.write(placed)
            whole = numbers.astype(np.float64)
            writer.write(pa.RecordBatch.from_arrays([pa.array(whole), pa.array(whole)], names=["x", "y"]))
            writer.close()
