"""Connecting to a Dask scheduler, or starting a local cluster of worker processes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from anpo.core.errors import InputError

SCHEDULER_ENV = "ANPO_DASK_SCHEDULER"
LOCAL_PREFIX = "local:"


def scheduler_address(option: str | None) -> str | None:
    """The scheduler asked for: the option, else $ANPO_DASK_SCHEDULER, else None (no Dask)."""
    address = option if option else os.environ.get(SCHEDULER_ENV, "")
    return address.strip() or None


def local_workers(address: str) -> int | None:
    """N of `local:N` (a LocalCluster of N worker processes); None for a scheduler address."""
    if not address.startswith(LOCAL_PREFIX):
        return None
    text = address[len(LOCAL_PREFIX):]
    if not text.isdigit() or not 1 <= int(text) <= 256:
        raise InputError("--dask", f"{address!r}: expected local:N with N from 1 to 256 worker processes")
    return int(text)


@contextlib.contextmanager
def dask_client(address: str, *, timeout_s: float = 30.0) -> Iterator[object]:
    """A `distributed.Client` for `address` (`local:N` starts and stops a LocalCluster)."""
    from distributed import Client, LocalCluster

    n = local_workers(address)
    if n is not None:
        import tempfile  # (here: every batch loads this module, for the scheduler's address only)

        # The scheduler's and workers' scratch folder is this run's, removed once the cluster
        # has closed (dask's default, $TMPDIR/dask-scratch-space, stays behind with lock files)
        with tempfile.TemporaryDirectory(prefix="anpo-dask-", ignore_cleanup_errors=True) as scratch, \
                LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                             local_directory=scratch, scheduler_kwargs={"local_directory": scratch}
                             ) as cluster, \
                Client(cluster) as client:
            try:
                yield client
            except (SystemExit, KeyboardInterrupt):
                _close_workers_now(cluster)
                raise
        return
    try:
        client = Client(address, timeout=timeout_s)
    except (OSError, TimeoutError, ValueError) as err:
        raise InputError("--dask", f"cannot reach the Dask scheduler at {address!r}: {err}") from None
    try:
        yield client
    finally:
        client.close()


# A stopped run's workers are closed with this much grace before they are killed
STOP_GRACE_S = 0.25


def _close_workers_now(cluster: Any) -> None:
    """Close a stopped run's local workers at once. The cluster's own close gives a worker
    busy in a compiled task 4 s before killing it (distributed's nanny default), so Ctrl-C
    took 4.2-4.6 s to end `simulate --dask local:2`; the results are of no use any more."""
    import asyncio

    async def close_all() -> None:
        await asyncio.gather(*(w.close(timeout=STOP_GRACE_S, reason="anpo-stopped")
                               for w in list(cluster.workers.values())))

    with contextlib.suppress(Exception):  # the cluster's close still runs after this
        cluster.sync(close_all)
