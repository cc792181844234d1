"""Long commands stop cleanly on SIGTERM and SIGINT.

Inside `stop_on_signals()` either signal raises SystemExit(128 + signal number), 143 for
SIGTERM and 130 for SIGINT as shells report them, in the main thread: every `finally` and
context manager on the way out runs, so temporary outputs are removed and nothing is
renamed into place. (Click would turn Ctrl-C into exit code 1; this keeps 130.)

A signal's exception can be lost: Python runs the handler at the next bytecode, and when
that bytecode is in a ctypes callback (numba's loading of a cached kernel calls llvmlite
back), a `__del__` or a weakref callback, the exception is printed as "ignored" and the
work goes on. A SIGINT lost that way let a `simulate` run go on for 190 s and rename its
output into place. So the handler also records the signal, and the long loops and every
commit point (`raise_if_stopped`: before a rename, between chunks) raise it again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator

SIGNALS = (signal.SIGTERM, signal.SIGINT)

_received: int | None = None  # a stop signal that arrived inside the block


def _stop(signum: int, _frame: object) -> None:
    global _received
    _received = signum
    raise SystemExit(128 + signum)


def raise_if_stopped() -> None:
    """SystemExit(128 + signal) when a stop signal arrived and its exception was lost on
    the way (see the module's docstring); nothing otherwise, and nothing outside
    `stop_on_signals()`. Cheap: call it between chunks and before every commit."""
    if _received is not None:
        raise SystemExit(128 + _received)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGINT raise SystemExit(143 / 130) in the block (main thread only)."""
    global _received
    previous = {}
    try:
        for sig in SIGNALS:
            previous[sig] = signal.signal(sig, _stop)
    except ValueError:  # not the main thread: leave signals alone
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        yield
        return
    nested = all(handler is _stop for handler in previous.values())  # inside another block
    if not nested:
        _received = None
    try:
        yield
        raise_if_stopped()  # a block that ended as if nothing happened was still stopped
    finally:
        if not nested:  # an inner block leaves a lost stop for the outer one to raise
            _received = None
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def sigint_blocked() -> Iterator[None]:
    """SIGINT blocked in this thread: a process started in the block inherits the mask for
    its whole life, from its first import, and a SIGINT sent here meanwhile waits (it is not
    lost). For child processes their parent stops itself: Ctrl+C in a terminal reaches the
    whole process group, and a child would print a KeyboardInterrupt from wherever it was."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no process group's Ctrl+C to block
        yield
        return
    from multiprocessing import resource_tracker

    # Started first: its launch unblocks SIGINT in this thread (CPython 3.11) instead of
    # restoring the mask, and a process spawned by multiprocessing starts it if need be.
    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(sig: int, parent: int) -> None:
    """In a child process: receive `sig` when the thread that started it ends (Linux's
    PR_SET_PDEATHSIG; elsewhere nothing), and end now if `parent` (its pid) is gone already.
    A parent ended by SIGKILL runs no cleanup: without this its children ran on (a server
    process kept serving on the port, a map's frame workers waited forever for work)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):  # no C library's prctl: as elsewhere
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(sig))
    if os.getppid() != parent:  # it died before the call (the child is someone else's now)
        os._exit(128 + int(sig))
