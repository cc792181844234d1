"""Dask backend: batch assessment, grids and simulation sweeps on a Dask cluster.

    with dask_client("local:2") as client:             # or "tcp://scheduler:8786"
        assess_table("in.parquet", "out.parquet", mapper=dask_mapper(client))

The work is split into the same chunks as a local run and each chunk runs the same pure
function (`anpo.io.batch.assess_chunk`, `anpo.io.grid.grid_chunk`,
`anpo.sim.timeline.simulate_chunk`); results come back in chunk order, so the output is
identical row for row (and, for seeded simulations, bit for bit) to the local run.
"""

from typing import Any

from anpo.cluster.cluster import SCHEDULER_ENV, dask_client, scheduler_address

__all__ = ["SCHEDULER_ENV", "dask_client", "dask_mapper", "scheduler_address"]


def __getattr__(name: str) -> Any:
    # The mapper loads the batch (the law, the geography) when first asked for: a batch
    # process reads the scheduler's address before those modules load (`cli.batch`).
    if name == "dask_mapper":
        from anpo.cluster.mapper import dask_mapper

        return dask_mapper
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
