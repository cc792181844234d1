"""Batch assessment: a table of scenarios in, a table of determinations out, streamed.

    summary = assess_table("in.parquet", "out.parquet", strict=False, explain=False)

The input is read in chunks; each chunk is validated as columns, assessed (geography and
law, `anpo.law.assess.assess_frame`) and turned into output columns by `assess_chunk`, a
pure function of the chunk that the local thread pool and the Dask backend
(`anpo.cluster`) both call; local threads then encode the chunk's Parquet row group too
(the output writer's `prepare`), leaving the calling thread to append the bytes.
Output rows come in input order: `row` (0-based index in the input), `id` when the input
has ids, the input's `date`, `lat` and `lon` echoed (missing on bad rows and where the
scenario has no place), `error` (field and reason; missing on good rows), the place and
determination columns, `explanation` (JSON) with `explain`, and in a Parquet output
`geometry`: the point as WKB with GeoParquet's `geo` metadata, so GeoPandas and QGIS open
it as a layer (`anpo.io.geoparquet`).

Memory is bounded by the chunks in flight (workers + 2 chunks of `chunk_rows` rows: one
read ahead, one being assessed by each thread, one being written, with their encoded
Parquet row groups), not by the file (but for
the set of id hashes, 8 to 16 bytes a distinct id, when the table has ids). With
`strict`, the first bad row stops the run with an InputError naming the field and the row,
and nothing is written. Ids given to more than one row are counted across chunks
(`anpo.io.repeated_ids`): a warning in the summary, or with `strict` an error at the first.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from anpo import __version__
from anpo.core.codes import Event
from anpo.core.compiled import COMPILED_FROM_ROWS, use_compiled
from anpo.core.dates import FIRST_DATE
from anpo.core.errors import InputError
from anpo.core.scenario import Scenario, ScenarioFrame
from anpo.core.signals import raise_if_stopped
from anpo.geo.place import Place
from anpo.io import compiled_start
from anpo.io.arrow_arrays import numeric_array, string_array
from anpo.io.determinations import (
    determination_columns,
    determination_fields,
    explanation_field,
    explanations,
)
from anpo.io.geoparquet import GEOMETRY, GEOMETRY_COLUMN, geo_metadata, wkb_points
from anpo.io.ordered_map import threaded_map
from anpo.io.process_memory import reused_memory
from anpo.io.repeated_ids import RepeatedIds
from anpo.io.scenario_columns import ScenarioColumns, check_columns, scenario_columns
from anpo.io.tables import (
    DEFAULT_CHUNK_ROWS,
    Chunk,
    JsonRows,
    TableFormat,
    TableSource,
    atomic_table,
    open_table,
    table_format,
)
from anpo.law.assess import resolve
from anpo.law.common import active_context, default_context
from anpo.law.rules import evaluate, ruleset_hash
from anpo.law.whatif import WhatIf

ERROR = "error"
# The point column of a Parquet output, as its writer makes it (from the echoed coordinates,
# null where they are): WKB points straight into the pages, no WKB array (`wkb_kernel`).
POINTS = {GEOMETRY_COLUMN: ("lon", "lat")}


@dataclass(frozen=True)
class BatchOptions:
    """What every chunk of one run is asked for (travels with the chunk to a worker)."""

    explain: bool = False
    with_ids: bool = False
    whatif: WhatIf | None = None  # the law as a what-if changes it; None: the process's law
    geometry: bool = False  # add the GeoParquet point column (Parquet outputs)


def resolve_place(frame: ScenarioFrame) -> Place:
    """`anpo.geo.resolve` for a frame (thread-safe: the geography locks its exact steps)."""
    return resolve(frame)


@dataclass
class ChunkResult:
    """One assessed chunk: its output columns, and its bad rows."""

    batch: pa.RecordBatch
    bad: int
    first_bad: tuple[int, str] | None  # (row in the input, "field: reason")
    prepared: Any = None  # what the output's writer made of `batch` beforehand (local threads)
    cpu: tuple[float, float] = (0.0, 0.0)  # thread CPU seconds: assessing, then `prepared`


def output_schema(options: BatchOptions) -> pa.Schema:
    fields = [pa.field("row", pa.int64())]
    if options.with_ids:
        fields.append(pa.field("id", pa.string()))
    fields += [pa.field("date", pa.date32()), pa.field("lat", pa.float64()), pa.field("lon", pa.float64())]
    fields.append(pa.field(ERROR, pa.dictionary(pa.int32(), pa.string())))
    fields += determination_fields()
    if options.explain:
        fields.append(explanation_field())
    if options.geometry:
        fields.append(GEOMETRY)
    return pa.schema(fields)


def _placed(cols: ScenarioColumns, bad: npt.NDArray[np.bool_] | None
            ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(lat, lon) as parsed, NaN on bad rows (`bad` None: no bad row, the frame's own)."""
    frame = cols.frame
    if bad is None:
        return frame.lat, frame.lon
    return np.where(bad, np.nan, frame.lat), np.where(bad, np.nan, frame.lon)


def _echo(cols: ScenarioColumns, bad: npt.NDArray[np.bool_], lat: npt.NDArray[np.float64],
          lon: npt.NDArray[np.float64]) -> tuple[pa.Array, pa.Array, pa.Array]:
    """The input's date, lat and lon as parsed (null on bad rows; lat/lon null without a place)."""
    day = numeric_array(cols.frame.day.astype(np.int32, copy=False), bad, pa.date32())
    return day, numeric_array(lat, np.isnan(lat)), numeric_array(lon, np.isnan(lon))


def assess_chunk(chunk: Chunk, first_row: int, options: BatchOptions) -> ChunkResult:
    """Validate, assess and format one chunk whose first row is `first_row` of the input."""
    cols = scenario_columns(chunk)
    n = len(cols)
    bad_mask = cols.bad
    bad = int(bad_mask.sum())
    if use_compiled(n):
        compiled_start.wait()  # numba's start, begun by assess_table (no-op on a Dask worker)
    place = resolve_place(cols.frame)
    context = active_context() if options.whatif is None else default_context().under(options.whatif)
    evaluation = evaluate(cols.frame, place, context)
    arrays: list[pa.Array] = [numeric_array(np.arange(first_row, first_row + n, dtype=np.int64))]
    if options.with_ids:
        arrays.append(cols.ids)
    lat_values, lon_values = _placed(cols, bad_mask if bad else None)
    arrays += _echo(cols, bad_mask, lat_values, lon_values)
    error_index = (numeric_array(cols.error.astype(np.int32, copy=False), ~bad_mask) if bad
                   else pa.nulls(n, pa.int32()))
    arrays.append(pa.DictionaryArray.from_arrays(error_index, string_array(list(cols.messages))))
    arrays += determination_columns(evaluation, place, bad_mask if bad else None)
    if options.explain:
        wanted = ~bad_mask if cols.explain is None else (cols.explain & ~bad_mask)
        actual = None if options.whatif is None else evaluate(cols.frame, place, default_context())
        arrays.append(explanations(evaluation, np.flatnonzero(wanted).tolist(), n, actual))
    if options.geometry:
        arrays.append(wkb_points(lon_values, lat_values))
    first_bad = None
    if bad:
        i = int(np.argmax(bad_mask))
        first_bad = (first_row + i, cols.messages[int(cols.error[i])])
    batch = pa.RecordBatch.from_arrays(arrays, schema=output_schema(options))
    return ChunkResult(batch, bad, first_bad)


def _assess_and_prepare(prepare: Callable[[pa.RecordBatch], Any], chunk: Chunk, first_row: int,
                        options: BatchOptions) -> ChunkResult:
    """`assess_chunk`, then the writer's share of the work that can run beside other chunks
    (a Parquet output: the row group's pages, encoded and compressed). The chunk leaves the
    point column out: the writer makes it from `lat` and `lon` (`POINTS`)."""
    t0 = time.thread_time()
    result = assess_chunk(chunk, first_row, replace(options, geometry=False))
    t1 = time.thread_time()
    result.prepared = prepare(result.batch)
    if result.prepared is not None:
        # The encoded row group is all the writer needs now: the output columns (about 110
        # bytes a row) are freed for the next chunk's use instead of waiting beside the
        # bytes for their turn to be written. The ids stay (the repeated ids' count).
        result.batch = result.batch.select(["id"] if options.with_ids else ["row"])
    result.cpu = (t1 - t0, time.thread_time() - t1)
    return result


# fn(*args) for each args, results in order: a local thread pool, or a Dask cluster.
OrderedMap = Callable[[Callable[..., Any], Iterable[tuple[Any, ...]]], Iterator[Any]]


MAX_DEFAULT_WORKERS = 4


def default_workers() -> int:
    """Assessing threads by default: one per CPU, at most MAX_DEFAULT_WORKERS. The
    geography's grid passes and Arrow run without the GIL and the exact steps are few, so
    on the 2-CPU machine two assessing threads (with the reader and the writer beside them)
    beat one (benchmarks/bench_scale.py reports both). The cap: each thread holds a chunk
    in memory, and past a few threads the single reader thread and the calling thread's
    file writes (the Parquet pages are encoded by the assessing threads) set the pace."""
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def local_mapper(workers: int | None = None, window: int | None = None) -> OrderedMap:
    """Threads of this process, results in order (`ordered_map.threaded_map`): a reader
    thread reads the input, `workers` threads assess (default: `default_workers()`), the
    calling thread writes. At most `window` chunks (default: workers + 1) are read and not
    yet written."""
    n = workers or default_workers()
    ahead = window or n + 1

    def run(fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        warm_up()
        yield from threaded_map(fn, tasks, workers=n, ahead=ahead)

    return run


def warm_up(*, compiled: bool = False) -> None:
    """Load the geography and the law once, before threads share them. With `compiled`,
    also load the compiled passes that chunks of COMPILED_FROM_ROWS rows or more use (about
    0.7 s once per process: a benchmark does it before timing; a run lets its first large
    chunk do it, so a small file never pays it)."""
    if compiled:
        _assess_scenarios(COMPILED_FROM_ROWS)
    else:
        _load_once()


@cache
def _load_once() -> None:
    """The geography and the law loaded (a run does it before it waits for its first chunk,
    and its local threads' mapper again: once a process)."""
    _assess_scenarios(1)


def _assess_scenarios(rows: int) -> None:
    frame = ScenarioFrame.from_scenarios([Scenario(date=FIRST_DATE, event=Event.none)] * rows)
    place = resolve_place(frame)
    determination_columns(evaluate(frame, place), place, None)


@dataclass
class BatchSummary:
    """What a run did: rows read, good and bad, the first bad row, time taken."""

    rows: int = 0
    bad: int = 0
    first_bad: tuple[int, str] | None = None
    seconds: float = 0.0
    out: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    repeated_ids: str | None = None  # a warning: ids given to more than one row
    # CPU seconds by step, summed over threads: "assess" and "encode" (the output writer's
    # share, done by the assessing threads after each chunk), "write" (the calling thread's
    # writer: appending the bytes, or all of the writing when nothing was prepared)
    cpu: dict[str, float] = field(default_factory=lambda: dict.fromkeys(("assess", "encode", "write"), 0.0))

    @property
    def good(self) -> int:
        return self.rows - self.bad

    def text(self) -> str:
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        lines = [
            f"{self.rows:,} rows: {self.good:,} good, {self.bad:,} bad; "
            f"{self.seconds:.2f} s ({rate:,.0f} rows/s)"
        ]
        if self.first_bad is not None:
            lines.append(f"first bad row {self.first_bad[0]}: {self.first_bad[1]}")
        if self.out is not None:
            lines.append(f"wrote {self.out}")
        return "\n".join(lines)


Progress = Callable[[int], None]


def default_out(path: str | Path) -> Path:
    """IN.assessed.EXT next to IN."""
    p = Path(path)
    return p.with_name(f"{p.stem}.assessed{p.suffix}")


def receipt_metadata(**extra: Any) -> dict[str, str]:
    """Schema metadata that says what produced a table."""
    return {"anpo.receipt": json.dumps({"anpo_version": __version__, "ruleset_sha256": ruleset_hash(),
                                        **extra})}


def assess_table(
    source_path: str | Path | TableSource,
    out_path: str | Path | None = None,
    *,
    strict: bool = False,
    explain: bool = False,
    mapper: OrderedMap | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Progress | None = None,
    on_start: Callable[[int | None], None] | None = None,
    whatif: WhatIf | None = None,
    bom: bool = False,
    geometry: bool = True,
) -> BatchSummary:
    """Assess every row of a table into another table (formats by extension); `whatif`
    changes the law (the receipt in the table's metadata records it); `bom` starts a CSV
    output with a UTF-8 byte order mark (for Excel); `geometry=False` leaves out the
    GeoParquet point column of a Parquet output (a third of its bytes; `lat` and `lon` stay).
    `source_path` may be a table already open (`open_table`, `io.read_ahead`): its own
    chunk size then holds."""
    source = source_path if isinstance(source_path, TableSource) else open_table(source_path, chunk_rows)
    out = Path(out_path) if out_path is not None else default_out(source.path)
    if out.resolve() == source.path.resolve():
        raise InputError("--out", "the output would overwrite the input")
    started = mapper is None and _compiled_chunks(source)
    memory = contextlib.ExitStack()
    if started:  # numba starts while the first chunks are read (`io/compiled_start.py`)
        compiled_start.start()
        # chunk-long temporaries and Arrow's buffers: reused, not fresh pages each chunk
        memory.enter_context(reused_memory())
    with memory:
        return _run(source, out, started, strict=strict, explain=explain, mapper=mapper,
                    progress=progress, on_start=on_start, whatif=whatif, bom=bom, geometry=geometry)


def _run(source: TableSource, out: Path, started: bool, *, strict: bool, explain: bool,
         mapper: OrderedMap | None, progress: Progress | None,
         on_start: Callable[[int | None], None] | None, whatif: WhatIf | None, bom: bool,
         geometry: bool) -> BatchSummary:
    """The body of `assess_table` once the source is open and the output named."""
    run = mapper or local_mapper()
    law = whatif if whatif is not None else active_context().timeline.whatif
    metadata = receipt_metadata(input=source.path.name, **({"what_if": law.to_dict()} if law else {}))
    if mapper is None:
        warm_up()  # the geography and the law, while a first chunk read ahead arrives
    chunks = source.batches()
    first = next(chunks, None)
    if first is None:
        first_chunk: Chunk = pa.record_batch({"date": pa.array([], pa.string()),
                                              "event": pa.array([], pa.string())})
    else:
        first_chunk = first
    with_ids = isinstance(first_chunk, JsonRows) or "id" in first_chunk.schema.names
    if not isinstance(first_chunk, JsonRows):
        check_columns(first_chunk.schema.names)
    # a point layer when the output is Parquet and the input can place scenarios
    placed = isinstance(first_chunk, JsonRows) or {"lat", "lon"} <= set(first_chunk.schema.names)
    geometry = geometry and placed and table_format(out, "--output") is TableFormat.parquet
    options = BatchOptions(explain=explain, with_ids=with_ids, whatif=whatif, geometry=geometry)
    summary = BatchSummary()
    repeated = RepeatedIds() if with_ids else None
    if on_start is not None:
        on_start(source.total_rows)

    def tasks() -> Iterator[tuple[Chunk, int, BatchOptions]]:
        start = 0
        for chunk in _chain(first, chunks):
            yield chunk, start, options
            start += chunk.num_rows

    t0 = time.perf_counter()
    if geometry:
        metadata.update(geo_metadata())
    points = POINTS if geometry else None
    with atomic_table(out, output_schema(options), metadata, bom=bom, points=points) as writer:
        # Local threads also encode their chunk's row group (`prepare`), so that the
        # calling thread only appends bytes to the file; a Dask worker sends the columns.
        fn = assess_chunk if mapper is not None else partial(_assess_and_prepare, writer.prepare)
        for result in run(fn, tasks()):
            if result.bad and summary.first_bad is None:
                summary.first_bad = result.first_bad
            if strict and result.first_bad is not None:
                row, message = result.first_bad
                field_name, _, reason = message.partition(": ")
                raise InputError(field_name, reason, row)
            if repeated is not None:
                found = repeated.add(result.batch.column("id"), summary.rows)
                if strict and found:
                    (first_id, row), = found[:1]
                    raise InputError("id", f"{first_id!r} given again (an earlier row has it)", row)
            before = time.thread_time()
            writer.write(result.batch, result.prepared)
            summary.cpu["write"] += time.thread_time() - before
            summary.cpu["assess"] += result.cpu[0]
            summary.cpu["encode"] += result.cpu[1]
            summary.rows += result.batch.num_rows
            summary.bad += result.bad
            if progress is not None:
                progress(result.batch.num_rows)
            raise_if_stopped()  # a stop whose exception was lost on the way (core.signals)
    if started:
        compiled_start.wait()  # even if no chunk needed it: no thread left at exit
    summary.seconds = time.perf_counter() - t0
    summary.out = out
    summary.repeated_ids = repeated.text() if repeated is not None else None
    return summary


# A CSV or JSON Lines row takes at least this many bytes (date, event and a place): a file
# of COMPILED_FROM_ROWS rows is at least this many times as large.
_MIN_TEXT_ROW_BYTES = 24


def _compiled_chunks(source: TableSource) -> bool:
    """Whether the run's chunks will be large enough for the compiled passes: from the row
    count a Parquet file stores, else from the file's size (a guess that errs towards
    small: a run it misses starts numba at its first large chunk, as before)."""
    if source.total_rows is not None:
        return use_compiled(min(source.total_rows, source.chunk_rows))
    return (use_compiled(source.chunk_rows)
            and source.path.stat().st_size >= COMPILED_FROM_ROWS * _MIN_TEXT_ROW_BYTES)


def _chain(first: Chunk | None, rest: Iterator[Chunk]) -> Iterator[Chunk]:
    if first is not None:
        yield first
    yield from rest
