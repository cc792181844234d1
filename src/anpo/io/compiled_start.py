"""Start numba in a background thread as soon as a run knows it is large.

    compiled_start.start()   # returns at once; numba imports and sets up its CPU target
    ...                      # read and decode the first chunks, load the geography
    compiled_start.wait()    # before the first compiled call

A fresh `anpo assess --batch` process pays numba's own start before its first large chunk:
importing numba, then filling its CPU target's registries of typing and lowering rules
(which happens on the first compiled call, even when the machine code comes from the disk
cache). Started here, that work overlaps what the process does meanwhile without the GIL
(Arrow reading and decoding the input, numpy on the first chunks, file reads of the
geography's arrays). The figures are in docs/scale.md ("The fixed cost of a batch").

Numba's registries also import scipy.linalg (0.15-0.3 s, more than a third of the
registries' time) only to learn whether BLAS is there for `np.dot` and friends in compiled
code. No anpo kernel uses BLAS, so this thread hides scipy from numba while numba starts
(from this thread only: another thread importing scipy meanwhile gets it). A kernel that
used `np.dot` would then fail to compile with a typing error naming BLAS, not give a wrong
answer. Nothing else changes: the kernels' machine code and answers are the same.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import ModuleType

_lock = threading.Lock()
_thread: threading.Thread | None = None
_error: list[BaseException] = []


class _HideScipy:
    """Makes `import scipy...` fail in one thread (numba then assumes no BLAS). A meta path
    finder by its `find_spec` alone: `importlib.abc` would bring importlib.resources,
    tempfile, shutil and the compression modules into every batch process (about 3-5 ms
    of its start)."""

    def __init__(self, thread_id: int) -> None:
        self.thread_id = thread_id

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if threading.get_ident() == self.thread_id and fullname.partition(".")[0] == "scipy":
            raise ModuleNotFoundError(f"{fullname} not imported while numba starts", name=fullname)
        return None


def start_numba(timings: dict[str, float] | None = None) -> None:
    """Import numba and set up its CPU target in this thread, scipy hidden from it;
    `timings` gets the seconds of each step ("numba_import", "numba_target")."""
    hide = "scipy.linalg" not in sys.modules  # already paid for: nothing to save
    finder = _HideScipy(threading.get_ident())
    if hide:
        sys.meta_path.insert(0, finder)
    try:
        t0 = time.perf_counter()
        import numba  # noqa: F401
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.registry import cpu_target

        t1 = time.perf_counter()
        with global_compiler_lock:  # the lock numba's own first compiled call takes for this
            cpu_target.target_context.refresh()
        if timings is not None:
            timings.update(numba_import=t1 - t0, numba_target=time.perf_counter() - t1)
    finally:
        if hide:
            sys.meta_path.remove(finder)


def _run() -> None:
    try:
        start_numba()
    except BaseException as err:  # noqa: BLE001 - re-raised by wait() in the caller's thread
        _error.append(err)


def start() -> None:
    """Begin numba's start in a background thread (once a process; no-op after, and when
    the install-time extension serves the kernels: `core.ahead_of_time`)."""
    global _thread
    from anpo.core.ahead_of_time import available

    if available():
        return
    with _lock:
        if _thread is not None:
            return
        # not a daemon: if the run fails before waiting for it, the interpreter still lets
        # it finish before shutting down (never torn down inside numba or LLVM)
        _thread = threading.Thread(target=_run, name="anpo-numba-start", daemon=False)
        _thread.start()


def wait() -> None:
    """Block until a started numba start has finished (no-op when none was started)."""
    thread = _thread
    if thread is not None:
        thread.join()
        if _error:
            raise _error[0]
