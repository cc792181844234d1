"""How the `anpo` program starts its command, and ends after one whose work is all on disk.

    process_end.start(main)       # main(): the collector paused while the command loads
    process_end.resume_collector()  # the root callback: the command's module is loaded
    with process_end.loading():   # a command's own late imports (`anpo assess --batch`)
        ...

    process_end.skip_teardown()   # the command (`anpo assess --batch`), once its output is renamed
    ...                           # main(): the command succeeded, in the `anpo` program itself

The program's start creates objects that live as long as the process (the command's
modules, numpy's, pyarrow's, typer's command from its signature): while they loaded, the
collector walked them again and again (a batch process: 59 young collections and 6 middle
ones before the command ran, 10 ms). In the program, the collector is paused from main()
until the command's module is loaded (the root callback, before the command parses its
options), and again while a command imports what only its run needs; after each pause
the objects made so far are frozen out of its walks (as `gc.freeze` intends for a
process's long-lived objects) and it runs as usual. An in-process caller's collector is
left alone.

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
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator

_asked = False  # a command asked (set during its run)
_armed = False  # main(): the command succeeded in the `anpo` program
_code = 0  # the status `_end` exits with
_program = False  # main() runs as the `anpo` program
_paused = False  # the collector is paused here


def skip_teardown() -> None:
    """Called by a command when its work is done: the process may end without teardown.
    Whatever the end, its objects are frozen at exit instead of walked by the interpreter's
    last garbage collections (numpy's, pyarrow's and anpo's modules and the run's leftovers:
    a batch process ended 25-50 ms sooner at 1e6 rows, docs/scale.md); registered once, and
    run only when the process exits (a run in process changes nothing before)."""
    global _asked
    if not _asked:
        atexit.register(gc.freeze)
    _asked = True


def is_program(entry: Callable[[], None]) -> bool:
    """Whether `entry` (main) is the program's: the `__main__` module's `main`."""
    return getattr(sys.modules.get("__main__"), "main", None) is entry


def start(entry: Callable[[], None]) -> None:
    """main(), first: whether it runs as the program; if so the collector is paused and
    dataclasses' generated methods come from their kept code (`cli/method_code.py`)."""
    global _program
    _program = is_program(entry)
    if _program:
        from anpo.cli import method_code

        method_code.use()  # dataclasses' methods compiled once, not at every start
    pause_collector()


def pause_collector() -> None:
    """In the program, pause the collector (until `resume_collector`)."""
    global _paused
    if _program and not _paused and gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """After a pause: freeze the objects made so far and run the collector again."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def loading() -> Iterator[None]:
    """A command's late imports: in the program, with the collector paused (and their
    objects frozen after)."""
    pause_collector()
    try:
        yield
    finally:
        resume_collector()


def arm(entry: Callable[[], None]) -> bool:
    """main(), after the command succeeded: end without teardown at exit if the command
    asked and `entry` (main itself) is the program's. Whether it armed."""
    global _armed
    _armed = _asked and is_program(entry)
    return _armed


def end_stopped(code: int) -> None:
    """A command stopped by a signal whose teardown is unsafe (`anpo serve`: after uvicorn
    and uvloop ran, the interpreter's teardown died of SIGSEGV in most runs): in the
    program, the process ends at exit with `code` and without teardown; elsewhere nothing
    changes. The caller still raises SystemExit(code) so every `finally` runs first."""
    global _armed, _code
    if _program:
        _armed, _code = True, code


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
    os._exit(_code)


atexit.register(_end)
