"""An ordered map over a Dask cluster, with a bounded number of chunks in flight."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from anpo.io.batch import OrderedMap


def dask_mapper(client: Any, window: int | None = None) -> OrderedMap:
    """Submit fn(*args) for each args to the cluster; yield the results in order.

    At most `window` chunks (default: two per worker thread) are on the cluster at once,
    so memory stays bounded on the client and on the workers.
    """

    def run(fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        ahead = window or max(2, 2 * sum(client.nthreads().values()))
        pending: deque[Any] = deque()
        try:
            for args in tasks:
                pending.append(client.submit(fn, *args, pure=False))
                if len(pending) >= ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            if pending:
                client.cancel(list(pending))

    return run
