"""Files that appear whole or not at all, and the leftovers of runs that were killed."""

from __future__ import annotations

import os
import re
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

from anpo.core.signals import raise_if_stopped


@contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A fresh temporary path next to `out`, renamed onto it when the block succeeds (an
    interrupted or failed write leaves neither a half file nor the temporary one)."""
    import tempfile  # (with shutil, random and bz2: 2-7 ms that a batch's start need not pay)

    fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=f".tmp{out.suffix}", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    # mkstemp makes the file 0600; the result is the user's file, so it gets the mode any
    # new file of theirs would (0666 less the umask), as `open(..., "w")` would have given.
    os.chmod(tmp, 0o666 & ~process_umask())
    try:
        yield tmp
        raise_if_stopped()  # a stopped run renames nothing, even if its exception was lost
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def replace_soon_freed(tmp: Path, target: Path) -> None:
    """`os.replace(tmp, target)`, with the blocks of the file it replaces freed on a thread.

    Renamed over a file whose only name it was, the old file's blocks are freed inside the
    rename (a 1e6-row batch output of 38 MB: 8-12 ms, 1e7 rows: about 0.1 s), after all the
    work. Here a descriptor (O_PATH: no read permission needed, a FIFO does not block)
    holds the old file across the rename, so it loses its name at once, and a daemon
    thread closes the descriptor: the freeing runs off the calling thread, beside what the
    process does next. A process's exit still waits for that close to end (the shell sees
    it: 80-90 ms of a 1e7-row batch's exit on ext4 with `discard`, docs/scale.md). The old
    file has no name from the rename on; nothing else changes. Without O_PATH (not Linux),
    or when the target is not such a file, a plain `os.replace`."""
    held = _hold_replaced(target)
    try:
        os.replace(tmp, target)
    except BaseException:
        if held is not None:
            os.close(held)
        raise
    if held is not None:
        threading.Thread(target=_close_quietly, args=(held,), name="anpo-free-replaced", daemon=True).start()


def _hold_replaced(target: Path) -> int | None:
    """A descriptor on `target` when freeing it is worth a thread (a regular file of one
    link), else None."""
    o_path = getattr(os, "O_PATH", None)
    if o_path is None:
        return None
    try:
        fd = os.open(target, o_path | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
    except OSError:
        st = None
    if st is None or not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        return None
    return fd


def _close_quietly(fd: int) -> None:
    with suppress(OSError):
        os.close(fd)


def pid_alive(pid: int) -> bool:
    """Whether a process of this id exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: Path, pattern: str) -> list[Path]:
    """Remove the entries of `folder` whose names match `pattern` (a regex with a group
    `pid`) and whose process is gone: the staging of a run killed by SIGKILL or a crash,
    which could not clean up after itself. Returns what was removed."""
    removed: list[Path] = []
    rx = re.compile(pattern)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = rx.fullmatch(entry.name)
        if m is None or pid_alive(int(m.group("pid"))):
            continue
        if entry.is_dir() and not entry.is_symlink():
            import shutil

            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def save_png(fig: Any, out: Path, dpi: int) -> Path:
    """Write a matplotlib figure to `out` as PNG through `atomic_path`, and release it
    (pyplot keeps every open figure otherwise). matplotlib is imported only here, by
    callers that already drew a figure."""
    import matplotlib.pyplot as plt

    try:
        with atomic_path(out) as tmp:
            fig.savefig(tmp, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return out


_UMASK_LOCK = threading.Lock()


@cache
def process_umask() -> int:
    """The process's umask, read once: from /proc/self/status where Linux shows it, else by
    setting it and putting it back (under a lock: two threads doing so at once could leave
    the process with the mask one of them set)."""
    with suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask
