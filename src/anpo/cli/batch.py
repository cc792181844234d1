"""The batch side of the CLI: `anpo assess --batch` and `anpo grid` share it.

Not a command module: `anpo.cli.assess` and `anpo.cli.grid` call it. The summary (rows,
good, bad, rows/s) goes to stderr with the progress bar; `--strict` turns the first bad
row into an InputError (exit code 2) and leaves no output file.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from anpo.cli import process_end
from anpo.core.signals import stop_on_signals

if TYPE_CHECKING:  # imported when a batch runs: `anpo assess FILE` loads no pyarrow or dask
    from anpo.io.batch import BatchSummary, OrderedMap
    from anpo.io.tables import TableSource
    from anpo.law.whatif import WhatIf

WITHOUT_HELP = (
    "What-if: assess as if this instrument never took effect (an instrument id, e.g. "
    "jp-peace-security-legislation-2015). Repeatable."
)
IN_FORCE_HELP = "What-if: the instrument takes effect on DATE instead (YYYY-MM-DD). Repeatable."
DASK_HELP = (
    "Run on a Dask cluster: a scheduler address (tcp://host:8786), or local:N to start N "
    "worker processes here. Default: $ANPO_DASK_SCHEDULER, else this process (2 threads)."
)


@contextlib.contextmanager
def mapper_for(dask: str | None) -> Iterator[OrderedMap | None]:
    """The Dask mapper when asked for (option or environment), else None (local threads)."""
    from anpo.cluster import dask_client, dask_mapper, scheduler_address

    address = scheduler_address(dask)
    if address is None:
        yield None
        return
    with dask_client(address) as client:
        yield dask_mapper(client)


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """SIGTERM and SIGINT end the run (exit 143 / 130): the temporary output is removed,
    nothing is renamed."""
    with stop_on_signals():
        yield


def report(summary: BatchSummary, source: str | None = None) -> None:
    from anpo.io.progress import info  # silenced by `anpo --quiet`

    info(summary.text())
    if summary.repeated_ids:  # a warning: never silenced
        where = f"{source}: " if source else ""
        print(f"anpo: warning: {where}{summary.repeated_ids} (--strict makes it an error)", file=sys.stderr)


def parse_whatif(without: list[str] | None, in_force: list[str] | None) -> WhatIf:
    """The --without / --in-force options as a what-if (InputError naming the option)."""
    from anpo.law.whatif import WhatIf

    return WhatIf.parse(without or (), in_force or (), without_field="--without",
                        in_force_field="--in-force")


def start_reading(source: str, dask: str | None = None) -> TableSource:
    """The input table, checked (InputError naming IN), its first chunk being read on a
    thread meanwhile (`io.read_ahead`): called before the batch's own modules load. With
    Dask (`dask`, or its environment variable) the chunks are assessed elsewhere: this
    process's heap is not made ready for them."""
    from anpo.cluster.cluster import scheduler_address

    with process_end.loading():  # pyarrow's modules and the table readers
        from anpo.io.read_ahead import read_ahead

        return read_ahead(source, heap=scheduler_address(dask) is None)


def run_batch(source: str, out: str | None, *, strict: bool, explain: bool, dask: str | None,
              whatif: WhatIf | None = None, bom: bool = False, geometry: bool = True,
              table: TableSource | None = None) -> None:
    """`anpo assess --batch IN [--out OUT] [--strict] [--explain] [--dask ...] [--without ...]`;
    `table`: IN as `start_reading` opened it (else opened here)."""
    if table is None:
        table = start_reading(source, dask)
    with process_end.loading():  # the batch's modules
        from anpo.io.batch import assess_table
        from anpo.io.progress import row_progress

    label = f"assess {Path(source).name}"
    with terminate_cleanly(), mapper_for(dask) as mapper, row_progress(label) as (set_total, advance):
        summary = assess_table(table, out, strict=strict, explain=explain, mapper=mapper,
                               progress=advance, on_start=set_total, whatif=whatif, bom=bom,
                               geometry=geometry)
    report(summary, source)
    process_end.skip_teardown()  # the output is renamed: nothing left for the teardown to do


