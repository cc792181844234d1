"""Tables on disk, streamed in chunks: CSV, Parquet and JSON Lines, chosen by extension.

Readers yield Arrow record batches of at most `chunk_rows` rows, so memory stays bounded
by the chunk (and, for Parquet, by the file's row groups), never by the file. Writers put
their output under a temporary name next to the target and rename it at the end: an
interrupted or failed run leaves no half file under the target's name.

CSV cells are read as text (empty cell = missing) and converted by the scenario columns
reader, so one malformed cell marks one row bad instead of failing the whole file.
JSON Lines are read line by line with the standard JSON parser (objects, nested `assume`).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

import pyarrow as pa
import pyarrow.parquet as pq

from anpo.core.compiled import use_compiled
from anpo.core.errors import InputError
from anpo.core.files import remove_stale, replace_soon_freed
from anpo.core.signals import raise_if_stopped
from anpo.io.documents import special_file
from anpo.io.early_writeback import early_writeback

if TYPE_CHECKING:  # (loaded where a CSV is read or written)
    import pyarrow.csv as pacsv

# GeoParquet point columns a writer makes itself: name -> (x column, y column)
Points: TypeAlias = Mapping[str, tuple[str, str]]
DEFAULT_CHUNK_ROWS = 1 << 19  # 524,288 rows a chunk: about 700 MB peak for the whole process (2 CPUs)
ROW_GROUP_CHUNKS = 4  # a Parquet row group of at most this many chunks may be read whole


class TableFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"


SUFFIXES = {
    ".csv": TableFormat.csv,
    ".parquet": TableFormat.parquet,
    ".pq": TableFormat.parquet,
    ".jsonl": TableFormat.jsonl,
    ".ndjson": TableFormat.jsonl,
}


def table_format(path: str | Path, option: str = "file") -> TableFormat:
    """The format a file name asks for; InputError lists the accepted extensions."""
    suffix = Path(path).suffix.lower()
    try:
        return SUFFIXES[suffix]
    except KeyError:
        accepted = ", ".join(SUFFIXES)
        reason = f"{str(path)!r}: unknown extension {suffix!r}; accepted: {accepted}"
        raise InputError(option, reason) from None


# Columns that the Parquet reader hands over dictionary-encoded (cheap code mapping).
DICTIONARY_COLUMNS = ("event", "target", "us_action", "date", "assume.termination_notice")


@dataclass
class TableSource:
    """An input table: its format, its row count when the format stores it, its batches."""

    path: Path
    format: TableFormat
    total_rows: int | None
    chunk_rows: int = DEFAULT_CHUNK_ROWS

    def batches(self) -> Iterator[Chunk]:
        if self.format is TableFormat.parquet:
            yield from _parquet_batches(self.path, self.chunk_rows)
        elif self.format is TableFormat.csv:
            yield from _csv_batches(self.path, self.chunk_rows)
        else:
            yield from _jsonl_batches(self.path, self.chunk_rows)


def open_table(path: str | Path, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> TableSource:
    """Check that a table exists and can be read; batches are read lazily."""
    p = Path(path)
    fmt = table_format(p, "IN")
    try:
        mode = p.stat().st_mode
    except OSError:
        raise InputError("IN", f"{str(p)!r}: no such file") from None
    # a named pipe or a device could block or never end
    refused = special_file(mode, "write it to a file first")
    if stat.S_ISDIR(mode):
        refused = "a directory, not a file"
    if refused is not None:
        raise InputError("IN", f"{str(p)!r}: {refused}")
    total = None
    if fmt is TableFormat.parquet:
        try:
            total = pq.ParquetFile(p).metadata.num_rows
        except (pa.ArrowException, OSError) as err:
            raise InputError("IN", f"{str(p)!r}: not a readable Parquet file ({err})") from None
    return TableSource(p, fmt, total, max(1, chunk_rows))


def _no_duplicate_columns(names: list[str], path: Path) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError("IN", f"{str(path)!r}: column {name!r} appears more than once")
        seen.add(name)


def _is_text(t: pa.DataType) -> bool:
    """Strings, or a dictionary of strings."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _parquet_batches(path: Path, chunk_rows: int) -> Iterator[pa.RecordBatch]:
    schema = pq.read_schema(path)
    _no_duplicate_columns(schema.names, path)
    # Text columns come as dictionaries: parsed once per distinct value. Those the file's
    # Arrow schema already calls dictionaries too: the reader then keeps the int32 indices
    # it decodes instead of casting them, range check and all, to the stored index type
    # (int8 in a file pandas or pyarrow wrote from categories: 0.04 s of reading 1e7 rows).
    wanted = [c for c in DICTIONARY_COLUMNS if c in schema.names and _is_text(schema.field(c).type)]
    # pre_buffer=False: with pre-buffering the reader keeps every row group it has read
    # until it is closed (about 20 MB a million rows here), which breaks the memory bound.
    # The file opened by pyarrow (not by path): its reads then come from the pool that is
    # Arrow's default now (the system allocator's kept heap during a large run,
    # `process_memory`), not from mimalloc's purged pages, fresh at each column chunk.
    with pa.OSFile(str(path)) as source:
        pf = pq.ParquetFile(source, read_dictionary=wanted, pre_buffer=False)
        if _chunk_aligned(pf, chunk_rows) and len(wanted) < len(schema.names):
            yield from _row_group_batches(pf, wanted, chunk_rows)
        else:
            yield from pf.iter_batches(batch_size=chunk_rows, use_threads=True)


def _chunk_aligned(pf: pq.ParquetFile, chunk_rows: int) -> bool:
    """Whether every row group but the last holds a whole number of chunks (pyarrow's
    default row group of 1,048,576 rows and the default chunk): no chunk spans two; no row
    group holds more than ROW_GROUP_CHUNKS chunks; and each column is one flat column that
    its name alone selects."""
    metadata = pf.metadata
    names = pf.schema_arrow.names
    if metadata.num_columns != len(names) or any(
            b.startswith(f"{a}.") for a in names for b in names):
        return False
    sizes = [metadata.row_group(k).num_rows for k in range(metadata.num_row_groups)]
    # A row group is read whole: past a few chunks (a file written as one large row group)
    # that would break the memory bound, so such files keep the batch iterator.
    return (all(n % chunk_rows == 0 for n in sizes[:-1])
            and max(sizes, default=0) <= ROW_GROUP_CHUNKS * chunk_rows)


def _row_group_batches(pf: pq.ParquetFile, wanted: list[str], chunk_rows: int
                       ) -> Iterator[pa.RecordBatch]:
    """The batches `pf.iter_batches(batch_size=chunk_rows)` gives, for a file whose row
    groups hold whole chunks: the columns read as dictionaries from that same iterator (each
    chunk's dictionary as it makes it), the others a row group at a time, sliced. A batch
    that ends inside a page makes pyarrow's reader grow each number column's buffer to
    twice the chunk (copying it) and shrink it back (copying it again): about a tenth of
    the reader's CPU on 1e7 rows of two float columns; a whole row group ends on its last
    page and the reader sizes the buffer to it first."""
    arrow_schema = pf.schema_arrow
    names = arrow_schema.names
    plain = [c for c in names if c not in wanted]
    coded = pf.iter_batches(batch_size=chunk_rows, columns=[c for c in names if c in wanted],
                            use_threads=True) if wanted else None
    for k in range(pf.metadata.num_row_groups):
        table = pf.read_row_group(k, columns=plain, use_threads=True)
        if any(column.num_chunks > 1 for column in table.columns):
            table = table.combine_chunks()
        for part in table.to_batches(max_chunksize=chunk_rows):
            if part.num_rows == 0:
                continue
            columns = dict(zip(plain, part.columns, strict=True))
            fields = dict(zip(plain, part.schema, strict=True))
            if coded is not None:
                other = next(coded)
                columns.update(zip(other.schema.names, other.columns, strict=True))
                fields.update(zip(other.schema.names, other.schema, strict=True))
            yield pa.RecordBatch.from_arrays(
                [columns[c] for c in names],
                schema=pa.schema([fields[c] for c in names], metadata=arrow_schema.metadata))


def _csv_batches(path: Path, chunk_rows: int) -> Iterator[pa.RecordBatch]:
    # Both CSV modules loaded when a CSV is read or written: a Parquet run needs neither,
    # and this module loads before the read-ahead thread can start.
    import csv

    import pyarrow.csv as pacsv

    try:
        with open(path, "rb") as fh:
            header = fh.readline().decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise InputError("IN", f"{str(path)!r}: the CSV header is not UTF-8") from None
    names = next(csv.reader([header]), [])
    if not names or names == [""]:
        raise InputError("IN", f"{str(path)!r}: empty CSV (a header row is required)")
    _no_duplicate_columns(names, path)
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        null_values=[""],
    )
    # Chunks are cut by bytes (about 48 bytes a row): any chunk size gives the same output.
    read = pacsv.ReadOptions(block_size=max(1 << 16, min(chunk_rows * 48, 1 << 28)))
    try:
        yield from pacsv.open_csv(path, read_options=read, convert_options=convert)
    except pa.ArrowInvalid as err:
        raise InputError("IN", f"{str(path)!r}: malformed CSV: {err}") from None


@dataclass
class JsonRows:
    """A chunk of JSON Lines: parsed values, and the reason for each line that is not JSON."""

    values: list[Any]
    malformed: dict[int, str]

    @property
    def num_rows(self) -> int:
        return len(self.values)


Chunk: TypeAlias = pa.RecordBatch | JsonRows


def _finite(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise ValueError(f"{text[:20]}{'...' if len(text) > 20 else ''} is not a finite number")
    return value


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _json_line(text: str) -> Any:
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


_STOP_CHECK_LINES = (1 << 12) - 1  # a look at a stop signal every 4,096 lines (about 10 ms)


def _jsonl_batches(path: Path, chunk_rows: int) -> Iterator[JsonRows]:
    """Objects, one a line (blank lines skipped; a leading BOM ignored, as in CSV); a line
    that is not JSON (or holds NaN, 1e999, a 5,000-digit number, deep nesting) is a bad row."""
    chunk = JsonRows([], {})
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if not number & _STOP_CHECK_LINES:
                # a chunk's lines take seconds to parse here, and a stopped run waits for
                # its reader (`ordered_map`): look at a stop signal now and then
                raise_if_stopped()
            text = line.strip()
            if not text:
                continue
            try:
                chunk.values.append(_json_line(text))
            except json.JSONDecodeError as err:
                chunk.malformed[len(chunk.values)] = f"line {number}: malformed JSON: {err.msg}"
                chunk.values.append(None)
            except ValueError as err:
                chunk.malformed[len(chunk.values)] = f"line {number}: malformed JSON: {str(err)[:120]}"
                chunk.values.append(None)
            if len(chunk.values) >= chunk_rows:
                yield chunk
                chunk = JsonRows([], {})
    if chunk.values:
        yield chunk


class TableWriter(Protocol):
    def prepare(self, batch: pa.RecordBatch) -> Any:
        """The part of writing `batch` that can run on another thread beside other batches
        (any number at once), handed to `write` as `prepared`; None: `write` does it all."""

    def write(self, batch: pa.RecordBatch, prepared: Any = None) -> None: ...

    def close(self) -> None: ...


class _Unprepared:
    """A writer that does all its work in `write`."""

    def prepare(self, batch: pa.RecordBatch) -> Any:
        return None


class _ArrowParquetWriter(_Unprepared):
    """pyarrow's Parquet writer, a row group a batch (with the point columns a batch leaves
    out made first: `geoparquet.with_points`)."""

    def __init__(self, path: Path, schema: pa.Schema, points: Points | None = None) -> None:
        self._schema = schema
        self._points = points
        # Row numbers (and grid rows/cols) are runs: delta-encoded; the rest dictionary/RLE.
        delta = [n for n in ("row", "col") if n in schema.names and pa.types.is_integer(schema.field(n).type)]
        self._writer = pq.ParquetWriter(
            path, schema, compression="snappy", write_statistics=True,  # readers skip row groups
            use_dictionary=[n for n in schema.names if n not in delta],
            column_encoding=dict.fromkeys(delta, "DELTA_BINARY_PACKED") or None,
        )

    def write(self, batch: pa.RecordBatch, prepared: Any = None) -> None:
        if self._points:
            from anpo.io.geoparquet import with_points

            batch = with_points(batch, self._schema, self._points)
        self._writer.write_batch(batch, row_group_size=batch.num_rows)

    def close(self) -> None:
        self._writer.close()


class _ParquetWriter:
    """A row group a (non-empty) batch, by anpo's own writer (`anpo.io.parquet_writer`: about
    8x less CPU than pyarrow's, which was the largest cost of batch assessment) when every
    column has a type it writes and the first batch is large, else by pyarrow's. The choice
    waits for the first batch because the compiled kernels cost about 0.5 s to load in a
    process that has not loaded any yet (`anpo.core.compiled`): a small output, and an empty
    one, is written by pyarrow without them. Both give files that read back the same.

    `prepare(batch)` encodes a batch's row group on the thread that calls it (several may
    at once: batch assessment's threads, each after its chunk); `write(batch, prepared)`
    then only appends those bytes to the file. `points`: as `atomic_table`'s."""

    def __init__(self, path: Path, schema: pa.Schema, points: Points | None = None) -> None:
        self._path = path
        self._schema = schema
        self._points = points
        self._writer: TableWriter | None = None
        self._lock = threading.Lock()
        self._encoder: Any = None  # parquet_writer.RowGroupEncoder, once a large batch came
        self._ours: Any = None  # the writer, when it is anpo's

    def _encoder_for(self, rows: int) -> Any:
        """The encoder of anpo's writer, made at the first large batch; None for small
        batches before that, or when the schema has a type it does not write."""
        with self._lock:
            if self._encoder is None and use_compiled(rows):
                from anpo.io.parquet_writer import RowGroupEncoder, supported  # imports numba

                self._encoder = (RowGroupEncoder(self._schema, points=self._points) if supported(self._schema)
                                 else False)
            return self._encoder or None

    def _open(self, rows: int) -> TableWriter:
        encoder = self._encoder_for(rows) if use_compiled(rows) else None
        if encoder is not None:
            from anpo.io.parquet_writer import ParquetFileWriter

            self._ours = ParquetFileWriter(self._path, self._schema, encoder=encoder)
            return self._ours
        return _ArrowParquetWriter(self._path, self._schema, self._points)

    def prepare(self, batch: pa.RecordBatch) -> Any:
        """The batch's row group, encoded now by anpo's writer; None when `write` is to do it."""
        encoder = self._encoder_for(batch.num_rows) if batch.num_rows else None
        return encoder.encode(batch) if encoder is not None else None

    def write(self, batch: pa.RecordBatch, prepared: Any = None) -> None:
        if batch.num_rows == 0:  # no row group (pyarrow's writer refuses one of 0 rows)
            return
        if self._writer is None:
            self._writer = self._open(batch.num_rows)
        if prepared is not None and self._ours is not None:
            self._ours.append(prepared)
        else:
            self._writer.write(batch)

    def close(self) -> None:
        if self._writer is None:
            self._writer = self._open(0)
        self._writer.close()


def _plain(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Dictionary columns as plain strings (for writers that take no dictionaries)."""
    arrays = [
        a.cast(a.type.value_type) if pa.types.is_dictionary(a.type) else a for a in batch.columns
    ]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


class _CsvWriter(_Unprepared):
    """CSV by Arrow; with `bom`, a UTF-8 byte order mark first (Excel then reads UTF-8)."""

    def __init__(self, path: Path, schema: pa.Schema, bom: bool = False) -> None:
        self._path = path
        self._bom = bom
        self._writer: pacsv.CSVWriter | None = None  # made at the first batch
        self._sink: pa.NativeFile | None = None

    def write(self, batch: pa.RecordBatch, prepared: Any = None) -> None:
        plain = _plain(batch)
        if self._writer is None:
            self._sink = pa.OSFile(str(self._path), "wb")
            if self._bom:
                self._sink.write(b"\xef\xbb\xbf")
            import pyarrow.csv as pacsv

            self._writer = pacsv.CSVWriter(self._sink, plain.schema)
        self._writer.write_batch(plain)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._sink is not None:
            self._sink.close()
            self._sink = None
        elif not self._path.exists():
            self._path.write_bytes(b"\xef\xbb\xbf" if self._bom else b"")


class _JsonlWriter(_Unprepared):
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self._fh = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._json_columns = {
            f.name for f in schema if (f.metadata or {}).get(b"anpo.json") == b"1"
        }

    def write(self, batch: pa.RecordBatch, prepared: Any = None) -> None:
        for row in _plain(batch).to_pylist():
            for name in self._json_columns:
                if row.get(name) is not None:
                    row[name] = json.loads(row[name])
            self._fh.write(json.dumps(row, ensure_ascii=False, default=str))
            self._fh.write("\n")

    def close(self) -> None:
        self._fh.close()


def json_field(name: str) -> pa.Field:
    """A string column holding JSON (written as nested JSON in JSON Lines)."""
    return pa.field(name, pa.string(), metadata={"anpo.json": "1"})


def temporary_path(path: Path) -> Path:
    """Where a file is written before it is renamed to `path` (same directory)."""
    return path.with_name(f".{path.name}.anpo-{os.getpid()}.tmp")


@contextlib.contextmanager
def atomic_table(path: str | Path, schema: pa.Schema, metadata: dict[str, str] | None = None,
                 *, bom: bool = False, points: Points | None = None) -> Iterator[TableWriter]:
    """A writer for `path` by extension; the file appears only when the block succeeds.
    `bom`: a CSV starts with a UTF-8 byte order mark. `points` (Parquet): GeoParquet point
    columns that batches may leave out, name -> (x column, y column): the writer makes them
    (anpo's writer straight from the coordinates, `parquet_writer.RowGroupEncoder`)."""
    target = Path(path)
    fmt = table_format(target, "--out")
    if not target.parent.is_dir():
        raise InputError("--out", f"{str(target.parent)!r}: no such directory")
    if metadata:
        schema = schema.with_metadata({**(schema.metadata or {}), **metadata})
    # Temporaries of runs killed outright (SIGKILL, a crash) for this same output go first.
    remove_stale(target.parent, rf"\.{re.escape(target.name)}\.anpo-(?P<pid>\d+)\.tmp")
    tmp = temporary_path(target)
    writer: TableWriter | None = None
    try:
        # Renamed over an existing name, the file's pages are flushed inside the rename:
        # their writes start during the run instead (`io/early_writeback.py`).
        with early_writeback(tmp, replaces=os.path.lexists(target)):
            if fmt is TableFormat.parquet:
                writer = _ParquetWriter(tmp, schema, points)
            elif fmt is TableFormat.csv:
                writer = _CsvWriter(tmp, schema, bom)
            else:
                writer = _JsonlWriter(tmp, schema)
            yield writer
            writer.close()
        raise_if_stopped()  # a stopped run renames nothing, even if its exception was lost
        replace_soon_freed(tmp, target)  # the replaced file freed beside the exit
    except BaseException:
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
        tmp.unlink(missing_ok=True)
        raise
