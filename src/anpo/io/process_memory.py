"""Memory a large batch run reuses, instead of taking fresh pages from the system each chunk.

    with reused_memory():   # a run of many large chunks (`io.batch.assess_table`)
        ...                 # read, assess, encode and write the chunks

On the 2-CPU machine (a virtual machine) a fresh page costs far more than the write that
first touches it: the kernel zeroes it, 2 MB at once where the memory is marked for
transparent huge pages (Arrow's mimalloc arenas and numpy's arrays of 4 MB or more), and
the host may have to back it first. A 1e7-row batch spent 1.1-1.8 s of system time this
way against 2.1 s of user time (`perf record -e cpu-clock`: `clear_page_erms` under
`do_huge_pmd_anonymous_page` was a fifth of the process's CPU). The pages came from two
places that give memory back between chunks:

- glibc gives each thread its own arena of 64 MB heaps and unmaps a heap as soon as it is
  empty, whatever the trim threshold (`core.heap.keep_freed_blocks`) says: the assessing
  threads' chunk-long temporaries went to fresh heaps chunk after chunk (29 heaps of a
  1e7-row run). With one arena (`M_ARENA_MAX` 1, for threads that start after) every thread
  allocates from the main heap, which keeps up to the trim threshold of freed memory. Set
  here, it comes after pyarrow's import has started threads with arenas of their own, which
  the batch's threads then share; the `anpo` program sets it before that (`core/heap.py`).
- Arrow's default allocator (mimalloc) purges freed pages (`MADV_DONTNEED`, 430 MB over a
  1e7-row run), which the next chunk's reads and compressed pages fault in again. During
  the run Arrow allocates from the system allocator instead (`pa.system_memory_pool()`,
  glibc, the same kept heap); the previous default is restored at the end (buffers remember
  the pool they came from).

Same bytes either way; what changes is how often the kernel hands out a page. The arena
setting stays for the rest of the process (threads it starts later share the main heap
and its lock; not measured beyond the batch, whose threads allocate a few hundred large
blocks a chunk); Arrow's pool is switched back when the last run ends. The figures are
in docs/scale.md ("Memory the run reuses").
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pyarrow as pa

from anpo.core.heap import keep_freed_blocks, one_arena

__all__ = ["one_arena", "reused_memory", "system_arrow_pool"]


_lock = threading.Lock()
_inside = 0  # blocks running now (runs on several threads of one process overlap)
_previous: list[pa.MemoryPool] = []


@contextlib.contextmanager
def system_arrow_pool() -> Iterator[pa.MemoryPool]:
    """Arrow allocates from the C library's allocator inside the block; its default pool
    is back once the last block running in the process ends."""
    global _inside
    pool = pa.system_memory_pool()
    with _lock:
        if _inside == 0:
            _previous[:] = [pa.default_memory_pool()]
            pa.set_memory_pool(pool)
        _inside += 1
    try:
        yield pool
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                pa.set_memory_pool(_previous.pop())


@contextlib.contextmanager
def reused_memory() -> Iterator[None]:
    """Both settings for the block: one glibc arena for the threads it starts, and Arrow's
    allocations from that same heap."""
    keep_freed_blocks()  # freed blocks up to 32 MB stay in the heap (256 MB kept at most)
    one_arena()
    with system_arrow_pool():
        yield
