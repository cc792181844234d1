"""Start writing an output's pages to disk during the run, when the output replaces a file.

    with early_writeback(tmp, replaces=target.is_file()):
        ...write tmp...
    os.replace(tmp, target)

ext4's default `auto_da_alloc` flushes a file's delayed allocations when the file is
renamed over an existing one, inside the rename: after all the work, the process waited
there for blocks to be allocated and writes submitted for every page the run wrote (0.15 to
0.28 s for a 1e7-row batch output of 378 MB, off the CPU: a sixth of the run's wall, with
both CPUs idle). Here a thread asks the kernel every 0.1 s to start writing what the run
has written so far (Linux `sync_file_range` with SYNC_FILE_RANGE_WRITE: starts the writes,
waits for none), so the rename finds only the last pages. Only when the output replaces a
file: a new name gets no flush at the rename, and its pages are left to the kernel's own
writeback. Elsewhere (not Linux, no such call) this does nothing. The file's bytes are the
same either way.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

SYNC_FILE_RANGE_WRITE = 2  # linux/fs.h: start write-out of dirty pages not yet submitted
INTERVAL_S = 0.1

StartWrites = Callable[[int], object]  # fd -> (ignored): start writing the file's dirty pages


def sync_file_range() -> StartWrites | None:
    """`sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE)` (the whole file) from libc, or None."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # numpy has imported it already

    try:
        call = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    call.restype = ctypes.c_int
    return lambda fd: call(fd, 0, 0, SYNC_FILE_RANGE_WRITE)  # ctypes releases the GIL


@contextlib.contextmanager
def early_writeback(path: Path, *, replaces: bool, start: StartWrites | None = None,
                    interval: float = INTERVAL_S) -> Iterator[None]:
    """While the block writes `path`, start its pages' writes every `interval` seconds on a
    thread (when `replaces`); the thread has ended and its descriptor is closed on leaving."""
    writes = (start or sync_file_range()) if replaces else None
    if writes is None:
        yield
        return
    stop = threading.Event()

    def run() -> None:
        fd = None
        try:
            while not stop.wait(interval):
                if fd is None:  # the writer creates the file at its first batch
                    try:
                        fd = os.open(path, os.O_RDONLY)
                    except FileNotFoundError:
                        continue
                writes(fd)
        except OSError:
            return  # an aid, not a duty: the rename still flushes what is left
        finally:
            if fd is not None:
                os.close(fd)

    thread = threading.Thread(target=run, name="anpo-writeback", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
