"""A table's first chunk read on a thread (`anpo.io.read_ahead`): the chunks, the errors and
the run the source's own reader gives."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from anpo.core.errors import InputError
from anpo.io import read_ahead as read_ahead_module
from anpo.io.batch import assess_table
from anpo.io.read_ahead import ReadAhead, read_ahead
from anpo.io.tables import open_table


def _rows(n: int) -> dict[str, list[object]]:
    return {
        "date": ["2026-01-15" if k % 3 else "1971-06-01" for k in range(n)],
        "event": ["armed_attack" if k % 5 else "none" for k in range(n)],
        "lat": [24.0 + 0.0003 * k for k in range(n)],
        "lon": [123.0 + 0.0002 * k for k in range(n)],
    }


@pytest.mark.parametrize("chunk_rows", [7, 1_000, 50_000])
def test_the_chunks_are_the_readers_own(tmp_path: Path, chunk_rows: int) -> None:
    pq.write_table(pa.table(_rows(30_000)), tmp_path / "in.parquet", row_group_size=10_000)
    (tmp_path / "in.csv").write_text(pa.table(_rows(2_000)).to_pandas().to_csv(index=False))
    for name in ("in.parquet", "in.csv"):
        ahead = read_ahead(tmp_path / name, chunk_rows)
        assert isinstance(ahead, ReadAhead)
        plain = open_table(tmp_path / name, chunk_rows)
        assert (ahead.path, ahead.format, ahead.total_rows, ahead.chunk_rows) == (
            plain.path, plain.format, plain.total_rows, plain.chunk_rows)
        got, want = list(ahead.batches()), list(plain.batches())
        assert len(got) == len(want) > 1 or chunk_rows == 50_000
        assert all(a.equals(b) for a, b in zip(got, want, strict=True))


def test_its_batches_are_taken_once(tmp_path: Path) -> None:
    pq.write_table(pa.table(_rows(10)), tmp_path / "in.parquet")
    ahead = read_ahead(tmp_path / "in.parquet")
    assert sum(b.num_rows for b in ahead.batches()) == 10
    with pytest.raises(RuntimeError, match="once"):
        next(ahead.batches())


def test_an_empty_table_gives_no_chunk(tmp_path: Path) -> None:
    pq.write_table(pa.table(_rows(0)), tmp_path / "in.parquet")
    assert list(read_ahead(tmp_path / "in.parquet").batches()) == []


def test_a_file_that_cannot_be_opened_fails_at_once_naming_in(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_ahead(tmp_path / "missing.parquet")
    assert err.value.field == "IN"
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        read_ahead(tmp_path / "bad.parquet")


def test_the_readers_error_comes_where_the_reader_would_raise_it(tmp_path: Path) -> None:
    # two columns of one name: the Parquet reader refuses the file at its first chunk
    table = pa.Table.from_arrays([pa.array(["2026-01-15"]), pa.array(["none"]), pa.array(["x"])],
                                 names=["date", "event", "date"])
    pq.write_table(table, tmp_path / "dup.parquet")
    ahead = read_ahead(tmp_path / "dup.parquet")  # opened: the footer is fine
    with pytest.raises(InputError, match="more than once") as err:
        next(ahead.batches())
    with pytest.raises(InputError) as plain:
        next(open_table(tmp_path / "dup.parquet").batches())
    assert str(err.value) == str(plain.value)


def test_json_lines_are_left_to_the_run(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text("".join(
        json.dumps({"date": "2026-01-15", "event": "none"}) + "\n" for _ in range(3)))
    source = read_ahead(tmp_path / "in.jsonl")
    assert not isinstance(source, ReadAhead)
    assert sum(b.num_rows for b in source.batches()) == 3


def test_a_run_from_a_table_read_ahead_writes_the_same_table(tmp_path: Path) -> None:
    # 30,000 rows: a large run (compiled passes, the heap made ready first)
    pq.write_table(pa.table(_rows(30_000)), tmp_path / "in.parquet")
    assess_table(read_ahead(tmp_path / "in.parquet", 8_192), tmp_path / "a.parquet")
    assess_table(tmp_path / "in.parquet", tmp_path / "b.parquet", chunk_rows=8_192)
    a, b = pq.read_table(tmp_path / "a.parquet"), pq.read_table(tmp_path / "b.parquet")
    assert a.num_rows == 30_000
    assert a.equals(b)
    assert a.schema.metadata == b.schema.metadata


def test_the_heap_is_made_ready_for_a_large_run_assessed_here(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    stopped: list[bool] = []

    def prefault(nbytes: int, stop: threading.Event) -> int:
        # faults the heap in until the run asks for its first chunk: batches() must say so
        asked.append(nbytes)
        stopped.append(stop.wait(timeout=30))
        return 0

    monkeypatch.setattr(read_ahead_module, "prefault_heap", prefault)
    pq.write_table(pa.table(_rows(30_000)), tmp_path / "large.parquet")
    pq.write_table(pa.table(_rows(100)), tmp_path / "small.parquet")
    for name, heap in (("large", False), ("small", True), ("large", True)):
        ahead = read_ahead(tmp_path / f"{name}.parquet", heap=heap)
        assert sum(b.num_rows for b in ahead.batches()) == (30_000 if name == "large" else 100)
    # a Dask run's chunks are assessed elsewhere; a small run takes the numpy passes
    assert asked == [30_000 * read_ahead_module.HEAP_BYTES_PER_ROW]
    assert stopped == [True]
