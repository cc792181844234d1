from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from anpo.core.files import atomic_path


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
