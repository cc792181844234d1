"""One glibc malloc arena for all of a process's threads (`one_arena`), set as early as the
process can: before any library starts a thread.

glibc gives a thread that allocates while another holds the main arena's lock an arena of
its own (up to 8 per CPU), made of 64 MB heaps mapped apart from the main heap, and a
thread keeps its arena. `mallopt(M_ARENA_MAX, 1)` stops new arenas, but only from the call
on: a thread that already made one keeps it, and threads that start later are spread over
the arenas that exist. In an `anpo assess --batch` process, importing pyarrow starts
threads that made arenas (four heaps of 64 MB in a 1e7-row run) before the batch's own
setting (`io/process_memory.reused_memory`); the batch's threads then shared those arenas,
and each arena grew to its own peak: 402 MB of heaps for about 235 MB in use at most, where
one heap held 297 MB. The `anpo` program therefore sets it before a batch command's
module loads (`cli.main`); the batch sets it again (a no-op then) for callers in process.
Figures in docs/scale.md ("One heap from the start").
"""

from __future__ import annotations

import ctypes
from functools import cache

_M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


@cache
def one_arena() -> bool:
    """glibc's malloc: threads that start from now on share the main arena (once a
    process). False where there is no glibc."""
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, 1))
    except (OSError, AttributeError):
        return False
