"""Batch assessment end to end: formats, order, chunking, errors, atomic output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from anpo.core.errors import InputError
from anpo.io import batch as batch_module
from anpo.io.batch import assess_table, local_mapper
from anpo.io.tables import temporary_path
from anpo.law.assess import assess_raw

ROWS: list[dict[str, Any]] = [
    {"id": "ishigaki", "date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 24.34,
     "lon": 124.16},
    {"id": "naha-1971", "date": "1971-06-01", "event": "armed_attack", "target": "USA", "lat": 26.21,
     "lon": 127.68},
    {"id": "naha-1973", "date": "1973-06-01", "event": "armed_attack", "target": "USA", "lat": 26.21,
     "lon": 127.68},
    {"id": "open-sea", "date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 30.0,
     "lon": 140.0},
    {"id": "cyber", "date": "2020-05-01", "event": "cyber_attack", "target": "JPN"},
    {"id": "bad-lat", "date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 95.0,
     "lon": 124.16},
    {"id": "quiet", "date": "1955-01-01", "event": "none", "us_action": "combat_operations_from_japan"},
]
GOOD_IDS = [r["id"] for r in ROWS if r["id"] != "bad-lat"]


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> Path:
    cols = ["id", "date", "event", "target", "lat", "lon", "us_action"]
    types = {"lat": pa.float64(), "lon": pa.float64()}
    table = pa.table({c: pa.array([r.get(c) for r in rows], types.get(c, pa.string())) for c in cols})
    pq.write_table(table, path)
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    cols = ["id", "date", "event", "target", "lat", "lon", "us_action"]
    lines = [",".join(cols)]
    lines += [",".join("" if r.get(c) is None else str(r[c]) for c in cols) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    if path.suffix == ".csv":
        options = pacsv.ConvertOptions(strings_can_be_null=True)
        return pacsv.read_csv(path, convert_options=options).to_pylist()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def expected() -> dict[str, dict[str, Any]]:
    """The single-scenario path's answers for the good rows."""
    good = [r for r in ROWS if r["id"] in GOOD_IDS]
    results, _ = assess_raw(good, explain=False)
    return {r["id"]: r for r in results}


def test_parquet_rows_match_the_single_scenario_path(tmp_path: Path,
                                                     expected: dict[str, dict[str, Any]]) -> None:
    out = tmp_path / "out.parquet"
    summary = assess_table(write_parquet(tmp_path / "in.parquet", ROWS), out)
    assert (summary.rows, summary.good, summary.bad) == (7, 6, 1)
    assert summary.first_bad == (5, "lat: 95.0 is outside [-90, 90]")
    rows = read(out)
    assert [r["row"] for r in rows] == list(range(7))
    assert [r["id"] for r in rows] == [r["id"] for r in ROWS]
    for r in rows:
        if r["id"] == "bad-lat":
            assert r["error"] == "lat: 95.0 is outside [-90, 90]"
            assert r["article5"] is None and r["zone"] is None
            continue
        want = expected[r["id"]]
        assert r["error"] is None
        assert r["article5"] == want["article5"]["status"]
        assert r["security_treaty_in_force"] == (want["treaty"] or "none")
        assert r["prior_consultation_required"] == want["prior_consultation"]["required"]
        assert r["war_powers_report_required"] == (want["us"]["war_powers_report_hours"] is not None)
        assert r["zone"] == want["place"]["zone"]
        assert r["administered_by"] == want["place"]["administered_by"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["naha-1971"]["article5"] == "does_not_apply"  # U.S. administration before reversion
    assert by_id["naha-1973"]["article5"] == "applies"


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_every_format_gives_the_same_determinations(tmp_path: Path, suffix: str) -> None:
    ref = tmp_path / "ref.parquet"
    assess_table(write_parquet(tmp_path / "in.parquet", ROWS), ref)
    src = (write_csv if suffix == ".csv" else write_jsonl)(tmp_path / f"in{suffix}", ROWS)
    out = tmp_path / f"out{suffix}"
    assess_table(src, out)
    want, got = read(ref), read(out)
    assert len(got) == len(want)
    for a, b in zip(want, got, strict=True):
        for key in ("row", "article5", "japan_situation", "defense_operation_available", "zone"):
            assert a[key] == b[key], (key, a["id"])
        assert (a["error"] is None) == (b["error"] is None)



def test_category_columns_read_as_int32_dictionaries_give_the_same_output(tmp_path: Path) -> None:
    """Text columns a file stores as dictionaries with int8 indices (pandas categories)
    come from the reader with its own int32 indices, not cast back, and assess as text."""
    from anpo.io.tables import open_table

    plain = write_parquet(tmp_path / "plain.parquet", ROWS)
    table = pq.read_table(plain)
    small = pa.dictionary(pa.int8(), pa.string())
    for name in ("event", "target", "us_action"):
        column = table.column(name).dictionary_encode().cast(small)
        table = table.set_column(table.schema.get_field_index(name), name, column)
    pq.write_table(table, tmp_path / "categories.parquet")
    first = next(open_table(tmp_path / "categories.parquet").batches())
    assert first.schema.field("event").type == pa.dictionary(pa.int32(), pa.string())
    assess_table(plain, tmp_path / "a.parquet")
    assess_table(tmp_path / "categories.parquet", tmp_path / "b.parquet")
    assert pq.read_table(tmp_path / "a.parquet").equals(pq.read_table(tmp_path / "b.parquet"))

@pytest.mark.parametrize(("group", "chunk"), [(40, 20), (40, 40), (30, 20), (25, 10), (40, 7), (50, 10)])
def test_parquet_chunks_are_those_of_pyarrow_s_batch_iterator(tmp_path: Path, group: int,
                                                                chunk: int) -> None:
    """Files whose row groups hold whole chunks are read a row group at a time (but for the
    dictionary columns): the chunks are pyarrow's iter_batches ones all the same, schema
    metadata, dictionaries and slices included; other files are read by iter_batches."""
    from anpo.io.tables import DICTIONARY_COLUMNS, _chunk_aligned, open_table

    table = pq.read_table(write_parquet(tmp_path / "plain.parquet", ROWS * 6))
    table = table.set_column(0, "id", pa.array([f"i{k}" for k in range(table.num_rows)]))
    table = table.replace_schema_metadata({"pandas": "{}"})
    path = tmp_path / "in.parquet"
    pq.write_table(table, path, row_group_size=group, dictionary_pagesize_limit=64)
    names = table.schema.names
    wanted = [c for c in DICTIONARY_COLUMNS if c in names and pa.types.is_string(table.schema.field(c).type)]
    want = list(pq.ParquetFile(path, read_dictionary=wanted).iter_batches(batch_size=chunk))
    got = list(open_table(path, chunk).batches())
    assert _chunk_aligned(pq.ParquetFile(path), chunk) == (group % chunk == 0 and group <= 4 * chunk)
    assert [b.num_rows for b in got] == [b.num_rows for b in want]
    for a, b in zip(want, got, strict=True):
        assert b.equals(a) and b.schema.equals(a.schema, check_metadata=True)


def test_a_file_of_one_large_row_group_is_not_read_whole(tmp_path: Path) -> None:
    """A row group of more than ROW_GROUP_CHUNKS chunks (a file written as one large group)
    keeps pyarrow's batch iterator, which holds a chunk at a time, not the row group."""
    from anpo.io.tables import ROW_GROUP_CHUNKS, _chunk_aligned

    path = write_parquet(tmp_path / "in.parquet", ROWS * 6)
    rows = pq.ParquetFile(path).metadata.num_rows
    pq.write_table(pq.read_table(path), path, row_group_size=rows)
    assert not _chunk_aligned(pq.ParquetFile(path), rows // (ROW_GROUP_CHUNKS + 1))
    assert _chunk_aligned(pq.ParquetFile(path), -(-rows // ROW_GROUP_CHUNKS))  # the last group: any size


def test_chunk_size_and_workers_do_not_change_the_output(tmp_path: Path) -> None:
    src = write_parquet(tmp_path / "in.parquet", ROWS * 30)
    one, many = tmp_path / "one.parquet", tmp_path / "many.parquet"
    assess_table(src, one, chunk_rows=10_000, mapper=local_mapper(1))
    assess_table(src, many, chunk_rows=7, mapper=local_mapper(2))
    assert pq.read_table(one).equals(pq.read_table(many))
    assert pq.read_table(many).column("row").to_pylist() == list(range(len(ROWS) * 30))


def test_strict_stops_at_the_first_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    with pytest.raises(InputError) as info:
        assess_table(write_parquet(tmp_path / "in.parquet", ROWS), out, strict=True)
    assert (info.value.field, info.value.row) == ("lat", 5)
    assert not out.exists() and not temporary_path(out).exists()


def test_an_interrupted_run_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = batch_module.assess_chunk

    def interrupted(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(batch_module, "assess_chunk", interrupted)
    out = tmp_path / "out.parquet"
    with pytest.raises(KeyboardInterrupt):
        assess_table(write_parquet(tmp_path / "in.parquet", ROWS * 10), out, chunk_rows=5,
                     mapper=local_mapper(1))
    assert calls["n"] >= 3
    assert list(tmp_path.iterdir()) == [tmp_path / "in.parquet"]


def test_explanations_for_the_rows_that_ask(tmp_path: Path) -> None:
    rows = [dict(r, explain=(i % 2 == 0)) for i, r in enumerate(ROWS)]
    out = tmp_path / "out.jsonl"
    assess_table(write_jsonl(tmp_path / "in.jsonl", rows), out, explain=True)
    got = read(out)
    assert got[0]["explanation"][0]["condition"] == "security_treaty_1951_in_force"
    article5 = next(s for s in got[0]["explanation"] if s["condition"] == "article5")
    assert article5["value"] == "applies" and "us-japan-1960/art-5/para-1" in article5["citation"]
    assert got[1]["explanation"] is None  # did not ask
    assert got[5]["error"] is not None and got[5].get("explanation") is None


def test_input_and_output_problems_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown extension"):
        assess_table(tmp_path / "in.xlsx", tmp_path / "out.parquet")
    with pytest.raises(InputError, match="no such file"):
        assess_table(tmp_path / "missing.parquet", tmp_path / "out.parquet")
    src = write_parquet(tmp_path / "in.parquet", ROWS)
    with pytest.raises(InputError, match="overwrite the input"):
        assess_table(src, src)
    with pytest.raises(InputError, match="no such directory"):
        assess_table(src, tmp_path / "nowhere" / "out.parquet")


def test_a_batch_process_imports_neither_pandas_nor_scipy_spatial_nor_shapely(tmp_path: Path) -> None:
    """pyarrow imports pandas on the first `pa.array` or `Array.to_numpy` (0.3-0.7 s of a
    process's start): the batch path builds and reads arrays from buffers instead. Its exact
    geography steps are compiled (sub-cells, edge lists, bucket search, ring tests): no k-d
    tree and no prepared polygons for points in the region."""
    import subprocess
    import sys

    # 28,000 rows (the compiled passes), with points next to coasts, 3-nm limits and straits
    rows = [dict(r, lat=r["lat"] + 0.0007 * (k % 400), lon=r["lon"] + 0.0011 * (k % 300))
            for k in range(4_000) for r in ROWS[:4]] + ROWS[4:] * 4_000
    src = write_parquet(tmp_path / "in.parquet", rows)
    code = ("import sys; from anpo.io.batch import assess_table; "
            "assess_table(sys.argv[1], sys.argv[2]); "
            "print([m for m in ('pandas', 'scipy.spatial', 'shapely') if m in sys.modules])")
    for out in ("out.parquet", "out.csv"):
        run = subprocess.run([sys.executable, "-c", code, str(src), str(tmp_path / out)],
                             capture_output=True, text=True, check=True)
        assert run.stdout.splitlines()[-1] == "[]", out


def test_the_summary_counts_the_run_s_wall_time_and_its_cpu_by_step(tmp_path: Path) -> None:
    import time

    src = write_parquet(tmp_path / "in.parquet", ROWS * 30)
    started = time.perf_counter()
    summary = assess_table(src, tmp_path / "out.parquet", chunk_rows=50, mapper=local_mapper(2))
    wall = time.perf_counter() - started
    # the run's own wall clock, not a stray clock reading (a summary once said 55,241 s)
    assert 0 < summary.seconds <= wall
    assert summary.rows == len(ROWS) * 30
    assert all(0 <= cpu <= 3 * wall for cpu in summary.cpu.values())  # 2 threads and the caller
