"""A table's first chunk read on a thread while the rest of a run gets ready.

    source = read_ahead("in.parquet")   # checks the file as open_table does; returns at once
    ...                                 # import the law, load the geography (the GIL's work)
    for chunk in source.batches():      # the first chunk from the thread, the rest as usual
        ...

A fresh `anpo assess --batch` process used to read its first chunk only after importing the
law and the batch's modules and loading the geography, one after the other on one thread,
although Arrow reads and decodes without the GIL: about 35 ms of reading (1e6 rows) and
45-50 ms of importing and loading that the two CPUs can share (docs/scale.md, "The floor").
This module needs only pyarrow and the table readers (`io.tables`), so the `anpo` program
starts the read before it imports the rest.

Same chunks, same order, same errors: the thread runs the source's own reader
(`TableSource.batches`) up to its first chunk and hands the reader over; an error the
reader raised there is raised again by `batches()`, where the reader would have raised it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from anpo.core.compiled import use_compiled
from anpo.core.heap import prefault_heap
from anpo.io.process_memory import system_arrow_pool
from anpo.io.tables import DEFAULT_CHUNK_ROWS, Chunk, TableFormat, TableSource, open_table

# How much a run's heap grows a row, up to the fault-in's cap (`core.heap.PREFAULT_AT_MOST`): 145 MB
# for 1e6 rows of `bench_scale`'s six columns (mallinfo2 after a fresh process's run, two
# chunks of 524,288 rows on two threads; 303 MB at 1e7 rows with four chunks in flight).
# A run that takes less leaves the rest free in the heap; one that takes more faults in the
# rest as before.
HEAP_BYTES_PER_ROW = 145


@dataclass
class ReadAhead(TableSource):
    """A TableSource whose first chunk a thread is reading (`read_ahead`); its batches can
    be taken once."""

    heap: bool = True  # whether a large run's heap is faulted in first (its chunks assessed here)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _first: Chunk | None = field(default=None, repr=False)  # (None: an empty table)
    _rest: Iterator[Chunk] = field(default_factory=lambda: iter(()), repr=False)
    _error: BaseException | None = field(default=None, repr=False)
    _asked: threading.Event = field(default_factory=threading.Event, repr=False)  # batches() called

    def _read_first(self) -> None:
        # A large run's memory first: the heap it will take is faulted in, in huge pages
        # where the system gives them (`core.heap.prefault_heap`), here where the kernel's
        # work (zeroing the pages) shares the CPUs with the modules loading instead of
        # following them; it stops when the run asks for its first chunk (`batches`), so a
        # slow fault-in (some runs take ten times the usual) delays the run by one block at
        # most. Then the first chunk, its Arrow buffers from that heap (`process_memory`):
        # read while the modules load, its Python steps would wait for the GIL the imports
        # hold; read once they are loaded, they do not (22 ms for 524,288 rows, against
        # 50-60 ms beside the imports).
        large = self.total_rows is not None and use_compiled(min(self.total_rows, self.chunk_rows))
        try:
            if large and self.heap:
                prefault_heap(HEAP_BYTES_PER_ROW * (self.total_rows or 0), self._asked)
            with system_arrow_pool() if large else nullcontext():
                self._rest = TableSource.batches(self)
                self._first = next(self._rest, None)
        except BaseException as err:  # noqa: BLE001 - raised again by batches(), in the caller's thread
            self._error = err

    def batches(self) -> Iterator[Chunk]:
        if self._thread is None:
            raise RuntimeError("a read-ahead table's batches can be taken once")
        thread, self._thread = self._thread, None
        self._asked.set()
        thread.join()
        if self._error is not None:
            raise self._error
        first, self._first = self._first, None
        if first is not None:
            yield first
        yield from self._rest


def read_ahead(path: str | Path, chunk_rows: int = DEFAULT_CHUNK_ROWS, *, heap: bool = True) -> TableSource:
    """`open_table(path, chunk_rows)` (its InputErrors, here and now), with the first chunk
    being read on a thread from this call on; `heap=False` when this process will not assess
    the chunks (a Dask run): its heap is left to grow as it goes. JSON Lines are read by
    Python, under the GIL, which the work beside would hold: such a table is returned as
    opened, read when asked."""
    opened = open_table(path, chunk_rows)
    if opened.format is TableFormat.jsonl:
        return opened
    source = ReadAhead(opened.path, opened.format, opened.total_rows, opened.chunk_rows, heap)
    source._thread = threading.Thread(target=source._read_first, name="anpo-read-ahead", daemon=True)
    source._thread.start()
    return source
