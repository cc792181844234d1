"""Long commands stop cleanly on SIGTERM and SIGINT.

Inside `stop_on_signals()` either signal raises SystemExit(128 + signal number), 143 for
SIGTERM and 130 for SIGINT as shells report them, in the main thread: every `finally` and
context manager on the way out runs, so temporary outputs are removed and nothing is
renamed into place. (Click would turn Ctrl-C into exit code 1; this keeps 130.)
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGINT raise SystemExit(143 / 130) in the block (main thread only)."""
    previous = {}
    try:
        for sig in SIGNALS:
            previous[sig] = signal.signal(sig, _stop)
    except ValueError:  # not the main thread: leave signals alone
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
