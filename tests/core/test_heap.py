"""The process's C heap (`anpo.core.heap`): one arena, freed blocks kept, pages faulted in
ahead of the blocks that use them."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from anpo.core import heap

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")

# A fresh process: 48 blocks of 1 MB (each under numpy's huge page threshold) filled, with
# or without the heap faulted in first; it prints the page faults the blocks took.
FILL = """
import resource, sys
import numpy as np
from anpo.core import heap
heap.keep_freed_blocks()
done = heap.prefault_heap(int(sys.argv[1]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
blocks = [np.ones(1 << 17) for _ in range(48)]
print(done, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _fill(prefault: int) -> tuple[int, int]:
    out = subprocess.run([sys.executable, "-c", FILL, str(prefault)], capture_output=True, text=True,
                         check=True).stdout.split()
    return int(out[0]), int(out[1])


def test_blocks_after_a_prefaulted_heap_take_almost_no_page_faults() -> None:
    done, faults = _fill(64 << 20)
    assert done == 64 << 20
    _, fresh = _fill(0)
    assert fresh > 48 * 256 * 0.9  # 48 MB in 4 KB pages, each faulted on its first write
    assert faults < fresh / 10


def test_nothing_is_done_for_nothing_asked_and_the_cap_holds() -> None:
    assert heap.prefault_heap(0) == 0
    assert heap.prefault_heap(-1) == 0
    done, faults = _fill(heap.KEEP_AT_MOST * 4)
    assert done == heap.PREFAULT_AT_MOST < heap.KEEP_AT_MOST
    # the capped prefault stays in the heap: a prefault of KEEP_AT_MOST was handed back to the
    # system as its blocks were freed, and the blocks after it took a fault a page (12,288)
    assert faults < 48 * 256 / 10


def test_a_stop_ends_the_writing_at_a_block_boundary() -> None:
    stop = threading.Event()
    stop.set()
    assert heap.prefault_heap(64 << 20, stop) == 0  # asked before the first block: none written

    class AfterTwo(threading.Event):  # set once two blocks have been written
        checks = 0

        def is_set(self) -> bool:
            self.checks += 1
            return self.checks > 2

    assert heap.prefault_heap(64 << 20, AfterTwo()) == 2 * heap._PREFAULT_BLOCK
    assert heap.prefault_heap(64 << 20, threading.Event()) == 64 << 20  # never set: all of it


def test_the_settings_are_glibcs() -> None:
    assert heap.one_arena() is True
    assert heap.keep_freed_blocks() is True
