"""Memory a large batch run reuses (`anpo.io.process_memory`): settings on, same bytes."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from anpo.io import process_memory
from anpo.io.batch import assess_table, local_mapper


def test_arrow_allocates_from_the_system_pool_inside_the_block_only() -> None:
    before = pa.default_memory_pool().backend_name
    with process_memory.system_arrow_pool():
        assert pa.default_memory_pool().backend_name == "system"
        assert pa.array(list(range(10_000))).buffers()[1] is not None  # allocations work
    assert pa.default_memory_pool().backend_name == before
    with pytest.raises(RuntimeError), process_memory.system_arrow_pool():
        raise RuntimeError("a failed run")
    assert pa.default_memory_pool().backend_name == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_one_glibc_arena_is_set() -> None:
    assert process_memory.one_arena() is True


def test_a_large_run_with_the_settings_writes_what_a_run_without_them_writes(tmp_path: Path) -> None:
    # 30,000 rows: chunks large enough for the compiled passes, so `assess_table` takes the
    # settings; an explicit mapper (as Dask runs) leaves them out
    n = 30_000
    table = pa.table({
        "id": [f"s{k}" for k in range(n)],
        "date": ["2026-01-15" if k % 3 else "1971-06-01" for k in range(n)],
        "event": ["armed_attack" if k % 5 else "none" for k in range(n)],
        "target": ["JPN" if k % 2 else "USA" for k in range(n)],
        "lat": [24.0 + 0.0003 * k for k in range(n)],
        "lon": [123.0 + 0.0002 * k for k in range(n)],
    })
    src = tmp_path / "in.parquet"
    pq.write_table(table, src)
    pool = pa.default_memory_pool().backend_name
    with_settings = tmp_path / "a.parquet"
    assess_table(src, with_settings)
    assert pa.default_memory_pool().backend_name == pool  # the default is back after the run
    without = tmp_path / "b.parquet"
    assess_table(src, without, mapper=local_mapper(2))
    a, b = pq.read_table(with_settings), pq.read_table(without)
    assert a.num_rows == n
    assert a.equals(b)


def test_large_chunks_freed_after_encoding_still_count_repeated_ids(tmp_path: Path) -> None:
    # two chunks of 25,000 rows (each encoded on its thread, its columns dropped after but
    # the ids), the second repeating ids of the first
    n = 25_000
    ids = [f"s{k}" for k in range(n)] + [f"s{k}" if k % 1000 == 0 else f"t{k}" for k in range(n)]
    table = pa.table({"id": ids, "date": ["2026-01-15"] * (2 * n), "event": ["none"] * (2 * n)})
    src = tmp_path / "in.parquet"
    pq.write_table(table, src)
    summary = assess_table(src, tmp_path / "a.parquet", chunk_rows=n)
    reference = assess_table(src, tmp_path / "b.parquet", chunk_rows=n, mapper=local_mapper(2))
    assert summary.rows == 2 * n
    assert summary.repeated_ids == reference.repeated_ids
    assert summary.repeated_ids is not None and "25 rows repeat an earlier row" in summary.repeated_ids
    assert pq.read_table(tmp_path / "a.parquet").equals(pq.read_table(tmp_path / "b.parquet"))


def test_overlapping_runs_give_the_default_back_when_the_last_ends() -> None:
    before = pa.default_memory_pool().backend_name
    first, second = process_memory.system_arrow_pool(), process_memory.system_arrow_pool()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first run ends while the second goes on
    assert pa.default_memory_pool().backend_name == "system"
    second.__exit__(None, None, None)
    assert pa.default_memory_pool().backend_name == before
