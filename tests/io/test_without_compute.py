"""The batch path without `pyarrow.compute` (35-45 ms of a process's start): the statistics'
bounds, the compacted dictionaries and the dates it read through Arrow's compute functions
are now read from buffers, and must give what Arrow's functions give."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from anpo.io.arrow_arrays import take_strings
from anpo.io.parquet_writer import _bounds, _column, _Source

LABELS = ["", "a", "ab", "b", "Z", "é", "日本", "Ωmega", "sea,land", "x" * 40]


def _mask(n: int, rng: np.random.Generator) -> np.ndarray | None:
    kind = int(rng.integers(0, 4))
    return None if kind == 0 else rng.random(n) < (0.02, 0.5, 0.98)[kind - 1]


def _arrays(rng: np.random.Generator) -> list[pa.Array]:
    n = int(rng.integers(1, 3000))
    offset = int(rng.integers(0, 9))  # slices that start inside a bitmap's byte
    arrays = [
        pa.array(rng.random(n + offset) < rng.random(), mask=_mask(n + offset, rng)),
        *(pa.array(rng.integers(np.iinfo(t).min, np.iinfo(t).max, n + offset, dtype=t),
                   mask=_mask(n + offset, rng)) for t in ("int8", "int16", "int32", "int64")),
        pa.array(rng.integers(-30000, 30000, n + offset).astype(np.int32), mask=_mask(n + offset, rng)
                 ).cast(pa.date32()),
    ]
    for index in (pa.int8(), pa.int16(), pa.int32()):
        words = pa.array(sorted(set(rng.choice(LABELS, int(rng.integers(1, len(LABELS) + 1))).tolist())))
        codes = rng.integers(0, len(words), n + offset).astype(index.to_pandas_dtype())
        indices = pa.array(codes, index, mask=_mask(n + offset, rng))
        arrays.append(pa.DictionaryArray.from_arrays(indices, words))
    return [a.slice(offset) for a in arrays]


@pytest.mark.parametrize("seed", range(12))
def test_bounds_are_arrow_s_min_max(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for array in _arrays(rng):
        column = _column(pa.field("x", array.type))
        assert column is not None
        source = _Source.of(column, array)
        if array.null_count == len(array):
            continue  # no bounds are asked for without a present value
        got = _bounds(column, array, source)
        values = array
        if pa.types.is_dictionary(array.type):  # the labels the rows use
            values = array.cast(array.type.value_type)
        elif pa.types.is_date32(array.type):  # the statistics take days as numbers
            values = array.cast(pa.int32())
        expected = pc.min_max(values)
        want = (expected["min"].as_py(), expected["max"].as_py())
        assert got == want, (array.type, seed)
        assert [type(v) for v in got] == [type(v) for v in want]


def test_take_strings_is_arrow_s_take() -> None:
    words = pa.array(LABELS)
    rows = np.array([9, 0, 3, 3, 6, 7], dtype=np.int32)
    got = take_strings(words, rows)
    assert got.equals(words.take(pa.array(rows)))
    assert got.type == pa.string()
    with_null = pa.array(["a", None, "b"])  # Arrow's own take keeps its nulls
    assert take_strings(with_null, np.array([1, 2])).to_pylist() == [None, "b"]


def test_a_batch_process_of_a_typed_parquet_file_imports_no_compute(tmp_path: Path) -> None:
    # dates as Parquet dates, labels dictionary-encoded, 30,000 rows (the compiled passes
    # and anpo's own writer): as `benchmarks/bench_scale.write_input` writes them
    n = 30_000
    rng = np.random.default_rng(7)
    labels = pa.array(["none", "armed_attack", "missile_inbound"])
    table = pa.table({
        "date": pa.array(rng.integers(-3000, 20000, n).astype(np.int32)).cast(pa.date32()),
        "event": pa.DictionaryArray.from_arrays(pa.array(rng.integers(0, 3, n).astype(np.int8)), labels),
        "target": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int8)), pa.array(["JPN"])),
        "lat": rng.uniform(20, 46, n),
        "lon": rng.uniform(122, 150, n),
    })
    src = tmp_path / "in.parquet"
    pq.write_table(table, src)
    code = ("import sys; from anpo.io.batch import assess_table; "
            "assess_table(sys.argv[1], sys.argv[2]); print('pyarrow.compute' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code, str(src), str(tmp_path / "out.parquet")],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "False"
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.num_rows == n
    assert out.column("date").to_pylist() == table.column("date").to_pylist()
