"""Progress on stderr: a bar of rows done, rows/s, time left when the total is known; and
the informational lines a run prints there. Both are silenced by `anpo --quiet`
(`set_quiet`), and the bar is drawn only when stderr is a terminal. rich (50-80 ms to
import) is imported only when a bar may be drawn: a run whose stderr is a file or a pipe,
as in scripts and benchmarks, never pays for it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

_quiet = False


def set_quiet(on: bool) -> None:
    """Silence progress bars and informational lines for the rest of the process."""
    global _quiet
    _quiet = on


def is_quiet() -> bool:
    return _quiet


def info(message: str) -> None:
    """An informational line on stderr (a summary, the file written), unless quiet."""
    if not _quiet:
        print(message, file=sys.stderr, flush=True)


def _rows_per_second(unit: str) -> Any:
    """A rich column: units done a second."""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class RowsPerSecond(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f} {unit}/s", style="progress.data.speed")

    return RowsPerSecond()


# Environment variables with which rich draws on a stream that is not a terminal.
_FORCING = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def _may_draw() -> bool:
    """Whether rich could find stderr a terminal (else it would draw nothing)."""
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty is not None and isatty()) or any(os.environ.get(v) for v in _FORCING)


@contextlib.contextmanager
def row_progress(label: str, *, enabled: bool = True, unit: str = "rows"
                 ) -> Iterator[tuple[Callable[[int | None], None], Callable[[int], None]]]:
    """(set_total, advance) callbacks drawing a bar on stderr (nothing when not enabled, when
    quiet, or when stderr is not a terminal)."""
    if not enabled or _quiet or not _may_draw():
        yield (lambda _total: None), (lambda _n: None)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _rows_per_second(unit),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False, disable=not console.is_terminal) as bar:
        task = bar.add_task(label, total=None)

        def set_total(total: int | None) -> None:
            bar.update(task, total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)

        yield set_total, advance


@contextlib.contextmanager
def runs_progress(label: str, total: int, *, unit: str = "trials"
                  ) -> Iterator[Callable[[], Callable[[int, int], None]]]:
    """One bar over several runs of `total` units all told: yields a maker of per-run
    callbacks `progress(done, of)` (the form the simulation's runs report in)."""
    with row_progress(label, unit=unit) as (set_total, advance):
        set_total(total)

        def run_callback() -> Callable[[int, int], None]:
            seen = [0]

            def progress(done: int, _of: int) -> None:
                advance(done - seen[0])
                seen[0] = done

            return progress

        yield run_callback
