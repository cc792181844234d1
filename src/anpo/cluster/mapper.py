"""An ordered map over a Dask cluster, with a bounded number of chunks in flight."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyarrow as pa

from anpo.io.batch import OrderedMap
from anpo.io.tables import JsonRows

DATA = (pa.RecordBatch, JsonRows)


def dask_mapper(client: Any, window: int | None = None) -> OrderedMap:
    """Submit fn(*args) for each args to the cluster; yield the results in order.

    At most `window` chunks (default: two per worker thread) are on the cluster at once,
    so memory stays bounded on the client and on the workers.
    """

    def run(fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        ahead = window or max(2, 2 * sum(client.nthreads().values()))
        # (result, scattered inputs): the inputs are held until their task is done, or the
        # scheduler may drop them first ("lost dependencies").
        pending: deque[tuple[Any, tuple[Any, ...]]] = deque()
        try:
            for args in tasks:
                # Data chunks go to the workers as data, not inside the task graph, under a
                # fresh key: a content key is shared with an identical chunk of an earlier run,
                # whose release would cancel this task ("lost dependencies").
                sent = tuple(client.scatter(a, hash=False) if isinstance(a, DATA) else a for a in args)
                pending.append((client.submit(fn, *sent, pure=False), sent))
                if len(pending) >= ahead:
                    yield pending.popleft()[0].result()
            while pending:
                yield pending.popleft()[0].result()
        finally:
            if pending:
                client.cancel([f for f, _ in pending])

    return run
