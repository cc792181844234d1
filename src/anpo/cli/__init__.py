"""The `anpo` command line: thin over the library.

    main()   # the `anpo` program

The commands are typer's (`anpo.cli.root`: the root group, the registry of commands, each
command group in its own module). `anpo assess --batch IN` in its plain forms is run
without loading typer (`cli/quick_batch.py`): the same call of the same function that
typer's parse makes, about 25 ms sooner; any other command line goes to typer.

An AnpoError from the library becomes a message on stderr and exit code 2 (InputError),
1 (DataError).
"""

from __future__ import annotations

# First: its exit handler must be registered before any library's (it runs after them all).
from anpo.cli import process_end  # isort: split

import os
import sys
from typing import Any

from anpo.core.errors import AnpoError, DataError

# Names of the typer application, loaded when first asked for (`from anpo.cli import app`).
_ROOT_NAMES = frozenset({"app", "COMMANDS", "Command", "LazyGroup", "load_commands"})


def __getattr__(name: str) -> Any:
    if name in _ROOT_NAMES:
        from anpo.cli import root

        return getattr(root, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Commands whose batches run large chunks on threads: one malloc arena for the whole
# process, set before their modules load (`core/heap.py`: about 30 MB less peak memory at
# 1e7 rows; its CPU effect was within the noise).
HEAP_COMMANDS = ("assess", "grid")


def _command(args: list[str]) -> str | None:
    """The command `anpo ARGS` names: its first argument that is not an option (the root's
    options take no values), if any. Read without loading the commands' registry (typer)."""
    return next((a for a in args if not a.startswith("-")), None)


def main() -> None:
    """Entry point of the `anpo` script."""
    # anpo's commands run their own threads and processes and use no large matrix products:
    # OpenBLAS's idle helper threads only spin at its load (a few % of a batch process's
    # CPU). Set before numpy loads (nothing above imports it); a user's own setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if _command(sys.argv[1:]) in HEAP_COMMANDS:
        from anpo.core.heap import one_arena  # (ctypes: not for the other commands)

        one_arena()  # before pyarrow starts threads that would make arenas of their own
    process_end.start(main)  # in the program: the collector paused while the command loads
    try:
        from anpo.cli import quick_batch

        call = quick_batch.parse(sys.argv[1:], os.environ)
        if call is not None:
            quick_batch.run(call)
        else:
            from anpo.cli.root import run_app

            run_app()
        process_end.arm(main)  # a command that asked ends without the interpreter's teardown
    except AnpoError as err:
        kind = "data error" if isinstance(err, DataError) else "error"
        print(f"anpo: {kind}: {err}", file=sys.stderr)
        sys.exit(1 if isinstance(err, DataError) else 2)
    finally:
        process_end.resume_collector()  # (when no command ran: --help, a usage error)
