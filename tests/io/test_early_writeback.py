"""The output's early writeback: a thread starts the writes of the file being written when
the output replaces a file, and has ended (its descriptor closed) when the block ends."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from anpo.io import early_writeback as ew
from anpo.io.tables import atomic_table


def _writeback_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "anpo-writeback"]


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def test_replacing_output_has_its_writes_started_on_the_file_being_written(tmp_path: Path) -> None:
    path = tmp_path / "out.tmp"
    seen: list[int] = []
    fds: set[int] = set()

    def start(fd: int) -> None:
        seen.append(os.fstat(fd).st_ino)
        fds.add(fd)

    with ew.early_writeback(path, replaces=True, start=start, interval=0.005):
        assert len(_writeback_threads()) == 1
        path.write_bytes(b"x" * 4096)  # created after the thread began: it opens it later
        assert _wait_for(lambda: len(seen) >= 2)
    assert set(seen) == {path.stat().st_ino}
    assert _writeback_threads() == []
    for fd in fds:  # the thread's descriptor is closed (or its number reused for another file)
        with contextlib.suppress(OSError):
            assert os.fstat(fd).st_ino != path.stat().st_ino


def test_new_name_gets_no_thread_and_no_call(tmp_path: Path) -> None:
    calls: list[int] = []
    with ew.early_writeback(tmp_path / "out.tmp", replaces=False, start=calls.append, interval=0.001):
        (tmp_path / "out.tmp").write_bytes(b"x")
        assert _writeback_threads() == []
    assert calls == []


def test_a_failing_start_ends_the_thread_not_the_block(tmp_path: Path) -> None:
    path = tmp_path / "out.tmp"
    path.write_bytes(b"x")
    calls: list[int] = []

    def start(fd: int) -> None:
        calls.append(fd)
        raise OSError("not supported here")

    with ew.early_writeback(path, replaces=True, start=start, interval=0.001):
        assert _wait_for(lambda: not _writeback_threads())
        path.write_bytes(b"y")
    assert len(calls) == 1
    assert path.read_bytes() == b"y"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sync_file_range is Linux's")
def test_linux_sync_file_range_starts_writes_of_a_real_file(tmp_path: Path) -> None:
    start = ew.sync_file_range()
    assert start is not None
    path = tmp_path / "f.bin"
    data = os.urandom(1 << 20)
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert start(fd) == 0
        assert start(-1) == -1  # a bad descriptor is refused, not ignored: the call is the real one
    finally:
        os.close(fd)
    assert path.read_bytes() == data


def _table(n: int, value: int) -> pa.Table:
    return pa.table({"a": pa.array([value] * n, pa.int64())})


def test_atomic_table_over_an_existing_output_replaces_it_and_leaves_no_thread(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    pq.write_table(_table(3, 1), out)
    table = _table(50, 2)
    with atomic_table(out, table.schema) as writer:
        assert len(_writeback_threads()) == 1  # the output replaces a file
        writer.write(table.to_batches()[0])
    assert _writeback_threads() == []
    assert pq.read_table(out).column("a").to_pylist() == [2] * 50


def test_atomic_table_failing_over_an_existing_output_keeps_it(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    pq.write_table(_table(3, 1), out)
    table = _table(50, 2)
    with pytest.raises(RuntimeError), atomic_table(out, table.schema) as writer:
        writer.write(table.to_batches()[0])
        raise RuntimeError("stop")
    assert _writeback_threads() == []
    assert pq.read_table(out).column("a").to_pylist() == [1] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]


def test_atomic_table_to_a_new_name_starts_no_thread(tmp_path: Path) -> None:
    table = _table(5, 3)
    with atomic_table(tmp_path / "new.parquet", table.schema) as writer:
        assert _writeback_threads() == []
        writer.write(table.to_batches()[0])
    assert pq.read_table(tmp_path / "new.parquet").num_rows == 5
