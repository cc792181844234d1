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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import threading

_M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


@cache
def one_arena() -> bool:
    """glibc's malloc: threads that start from now on share the main arena (once a
    process). False where there is no glibc."""
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, 1))
    except (OSError, AttributeError):
        return False


_M_MMAP_THRESHOLD, _M_TRIM_THRESHOLD = -3, -1  # glibc's mallopt parameters (malloc.h)
KEEP_BLOCKS_UNDER = 32 << 20  # freed blocks this large or smaller stay in the heap
KEEP_AT_MOST = 256 << 20  # the heap keeps at most this much freed memory at its top


@cache
def keep_freed_blocks() -> bool:
    """glibc's malloc keeps freed blocks of up to KEEP_BLOCKS_UNDER in its heap for reuse,
    and up to KEEP_AT_MOST of freed memory at the heap's top (once a process; the reasons
    and figures at `law.engine.reuse_freed_memory`). False where there is no glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, KEEP_BLOCKS_UNDER)
                    and libc.mallopt(_M_TRIM_THRESHOLD, KEEP_AT_MOST))
    except (OSError, AttributeError):
        return False


_MADV_HUGEPAGE = 14  # madvise advice (linux/mman.h)
_HUGE = 2 << 20  # the huge page size of x86-64 and of arm64 with 4 KB pages
_PREFAULT_BLOCK = 16 << 20  # under KEEP_BLOCKS_UNDER: taken from the heap, not mapped apart
# The most `prefault_heap` writes. Its blocks are freed together at the end, into the heap's
# top; a top of KEEP_AT_MOST or more free bytes is handed back to the system at once (glibc's
# trim threshold), pages and all, so a prefault of KEEP_AT_MOST undid itself: a 1e7-row batch
# then took its whole heap afresh in 4 KB pages (38,000 faults in its first five chunks). Two
# blocks under the threshold leave room for free memory already at the top.
PREFAULT_AT_MOST = KEEP_AT_MOST - 2 * _PREFAULT_BLOCK


def prefault_heap(nbytes: int, stop: threading.Event | None = None) -> int:
    """Grow the heap by about `nbytes` with pages backed now, huge pages where the system
    gives them for the asking (transparent huge pages in `madvise` mode), and free it for
    the blocks that follow to reuse; the bytes backed (0 without glibc; PREFAULT_AT_MOST at most).
    With `stop`, the writing ends at the first block boundary after it is set: a caller that
    needs the thread back does not wait for the rest (the pages already written stay backed).
    The C library's calls and the page faults run without the GIL."""
    if nbytes <= 0 or not (one_arena() and keep_freed_blocks()):
        return 0
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    blocks: list[int] = []
    for _ in range(min(nbytes, PREFAULT_AT_MOST) // _PREFAULT_BLOCK):
        block = libc.malloc(_PREFAULT_BLOCK)
        if not block:
            break
        blocks.append(block)
    written = 0
    if blocks:
        lo, hi = min(blocks), max(blocks) + _PREFAULT_BLOCK  # one stretch of the heap, in practice
        start, end = (lo + _HUGE - 1) & ~(_HUGE - 1), hi & ~(_HUGE - 1)
        if end > start:
            libc.madvise(start, end - start, _MADV_HUGEPAGE)  # a hint: no harm where refused
        # Written once, page fault by page fault. MADV_POPULATE_WRITE (Linux 5.14) backs a
        # range in one call, a little faster as a rule, but it took 40-250 ms instead of
        # 13 ms in 2 of 42 runs (in a traced run the imports beside it waited as long: 208 ms
        # for 22 ms of CPU); the writes took 16-19 ms in 42 of 42 (145 MB). The writes have
        # slow runs too (256 MB: 30-45 ms as a rule, 270-350 ms in 1 run of 8 on a VM whose
        # free huge pages the host must back again): hence `stop`.
        for block in blocks:
            if stop is not None and stop.is_set():
                break
            ctypes.memset(block, 0, _PREFAULT_BLOCK)
            written += _PREFAULT_BLOCK
        for block in reversed(blocks):
            libc.free(block)
    return written
