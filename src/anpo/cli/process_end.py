"""How an `anpo` process ends after a command whose work is all on disk when it returns.

    process_end.skip_teardown()   # the command (`anpo assess --batch`), once its output is renamed
    ...                           # main(): the command succeeded, in the `anpo` program itself

After the interpreter's exit handlers, Python takes the process apart: it clears every
module (numpy's, pyarrow's, anpo's, and the run's leftovers they hold), then the C
library runs the shared libraries' destructors (Arrow's). A batch process spent about 10
ms of CPU there after all its work (`perf record`: `Py_Exit`, 2.7% of a 1e5-row run),
for nothing anyone reads. When the command asked for it and succeeded, the last exit
handler flushes the standard streams and ends the process with `os._exit(0)` instead.

The handler is registered when `anpo.cli` is imported, before typer, numpy or pyarrow
register theirs: exit handlers run last in, first out, so every library's handler has run
by then, and the interpreter has already waited for non-daemon threads. It acts only in
the `anpo` program: `main` must be the `__main__` module's (the installed script, or
`python -c "from anpo.cli import main; main()"`), so a caller running `main()` in its own
process (tests) keeps its exit status and its teardown. A flush that fails (a closed pipe)
leaves the ordinary shutdown to report it.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable

_asked = False  # a command asked (set during its run)
_armed = False  # main(): the command succeeded in the `anpo` program


def skip_teardown() -> None:
    """Called by a command when its work is done: the process may end without teardown."""
    global _asked
    _asked = True


def is_program(entry: Callable[[], None]) -> bool:
    """Whether `entry` (main) is the program's: the `__main__` module's `main`."""
    return getattr(sys.modules.get("__main__"), "main", None) is entry


def arm(entry: Callable[[], None]) -> bool:
    """main(), after the command succeeded: end without teardown at exit if the command
    asked and `entry` (main itself) is the program's. Whether it armed."""
    global _armed
    _armed = _asked and is_program(entry)
    return _armed


def _end() -> None:
    if not _armed:
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        if "ctypes" in sys.modules:  # C streams too, as the C library's exit would (numpy loads ctypes)
            import ctypes

            ctypes.CDLL(None).fflush(None)
    except Exception:  # noqa: BLE001 - the ordinary shutdown reports a stream that fails
        return
    os._exit(0)


atexit.register(_end)
