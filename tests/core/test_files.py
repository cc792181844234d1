from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from anpo.core import files
from anpo.core.files import atomic_path, replace_soon_freed


def test_the_file_appears_only_when_the_block_succeeds(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    with atomic_path(out) as tmp:
        assert tmp.parent == tmp_path and tmp != out
        tmp.write_bytes(b"png")
        assert not out.exists()
    assert out.read_bytes() == b"png"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


def test_a_failed_write_leaves_neither_the_file_nor_the_temporary(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(out) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("interrupted")
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


def test_save_png_writes_the_figure_and_releases_it(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from anpo.core.files import save_png

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    out = save_png(fig, tmp_path / "plot.png", dpi=50)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.fignum_exists(fig.number)
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077, 0o002])
def test_process_umask_reads_the_mask_without_changing_it(mask: int) -> None:
    # In a fresh process (the answer is kept once read): the mask set before is the one read,
    # and it is still the process's mask afterwards.
    code = (
        f"import os; os.umask({mask})\n"
        "from anpo.core.files import process_umask\n"
        "first = process_umask(); now = os.umask(0); print(first, now)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == [str(mask), str(mask)]


def _open_fds() -> set[int]:
    return {int(n) for n in os.listdir("/proc/self/fd")}


@pytest.mark.skipif(not hasattr(os, "O_PATH"), reason="O_PATH is Linux's")
def test_replace_soon_freed_frees_the_old_file_on_a_thread(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target, tmp = tmp_path / "out.parquet", tmp_path / ".out.tmp"
    target.write_bytes(b"old" * 1000)
    tmp.write_bytes(b"new")
    old_inode = target.stat().st_ino
    closed: list[tuple[int, str]] = []
    done = threading.Event()
    real = files._close_quietly

    def close(fd: int) -> None:
        closed.append((os.fstat(fd).st_ino, threading.current_thread().name))
        real(fd)
        done.set()

    monkeypatch.setattr(files, "_close_quietly", close)
    replace_soon_freed(tmp, target)
    assert target.read_bytes() == b"new"
    assert not tmp.exists()
    assert done.wait(10)
    assert closed == [(old_inode, "anpo-free-replaced")]  # the old file, closed by the thread


@pytest.mark.skipif(not hasattr(os, "O_PATH"), reason="O_PATH is Linux's")
def test_replace_soon_freed_holds_nothing_for_a_new_name_a_link_or_a_failure(tmp_path: Path) -> None:
    before = _open_fds()
    tmp = tmp_path / "a.tmp"
    tmp.write_bytes(b"new")
    replace_soon_freed(tmp, tmp_path / "new.parquet")  # nothing replaced
    assert (tmp_path / "new.parquet").read_bytes() == b"new"
    (tmp_path / "real").write_bytes(b"kept")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    tmp.write_bytes(b"new")
    replace_soon_freed(tmp, tmp_path / "link")  # the link is replaced, what it named is kept
    assert not (tmp_path / "link").is_symlink() and (tmp_path / "real").read_bytes() == b"kept"
    with pytest.raises(FileNotFoundError):  # the temporary is gone: the held descriptor is closed
        replace_soon_freed(tmp_path / "missing.tmp", tmp_path / "real")
    assert (tmp_path / "real").read_bytes() == b"kept"
    assert _open_fds() == before  # no descriptor held, none left open
