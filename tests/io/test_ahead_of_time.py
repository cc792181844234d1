"""The batch's kernels compiled ahead of time (`anpo.core.ahead_of_time`): same answers as
numba's JIT forms, no numba in a batch process, and the JIT whenever the extension cannot
be trusted (arguments of other types, sources changed since the build)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from anpo.core import ahead_of_time as aot
from anpo.precompile import sample_batch

built = pytest.mark.skipif(not aot.available(), reason="no current extension: `make install` builds it")


@pytest.fixture
def jit() -> Iterator[None]:
    aot.use_jit()
    yield
    aot.use_jit(False)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("aot") / "in.parquet"
    pq.write_table(sample_batch(60_000, seed=7), path, row_group_size=25_000)
    return path


@built
def test_batch_output_is_the_jit_output(sample: Path, tmp_path: Path) -> None:
    from anpo.io.batch import assess_table

    assess_table(sample, tmp_path / "aot.parquet", chunk_rows=30_000)
    aot.use_jit()
    try:
        assess_table(sample, tmp_path / "jit.parquet", chunk_rows=30_000)
    finally:
        aot.use_jit(False)
    got, want = pq.read_table(tmp_path / "aot.parquet"), pq.read_table(tmp_path / "jit.parquet")
    assert got.num_rows == 60_000 and got.column("error").null_count < 60_000  # some rows are bad
    assert got.equals(want)


RUN = """
import sys
from anpo.io.batch import assess_table
s = assess_table(sys.argv[1], sys.argv[2], chunk_rows=30_000)
assert s.rows == 60_000 and s.repeated_ids, s.text()
assert "numba" not in sys.modules, "a batch imported numba"
"""


@built
def test_a_batch_process_imports_no_numba(sample: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ANPO_NO_AOT"}
    res = subprocess.run([sys.executable, "-c", RUN, str(sample), str(tmp_path / "o.parquet")],
                         capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr


@built
def test_arguments_of_another_type_go_to_the_jit() -> None:
    from anpo.io.arrow_arrays import compact_codes

    compact = aot.compiled_module("anpo.io.compact_kernel").compact_codes
    rng = np.random.default_rng(1)
    missing = rng.random(1_000) < 0.1
    for codes in (rng.integers(0, 40, 1_000).astype(np.int16),  # the built signature
                  rng.integers(0, 40, 1_000),  # int64: not built, JIT
                  rng.integers(0, 40, 2_000).astype(np.int16)[::2]):  # not contiguous: JIT
        got, want = compact(codes, missing, 40), compact_codes(codes, missing, 40)
        assert all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))


def test_a_changed_source_turns_the_extension_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = {"numpy": np.__version__, "machine": aot.machine(), "sources": {"geo/grid_kernel.py": "0" * 64},
             "constants": {}, "exports": []}
    (tmp_path / "stamp.json").write_text(json.dumps(stamp))
    monkeypatch.setattr(aot, "STAMP", tmp_path / "stamp.json")
    assert aot._read() is None
    stamp["sources"] = aot.source_hashes(["geo/grid_kernel.py"])
    (tmp_path / "stamp.json").write_text(json.dumps(stamp))
    assert aot._read() == {}
    (tmp_path / "stamp.json").write_text(json.dumps({**stamp, "machine": "another processor"}))
    assert aot._read() is None  # code for the host's instruction set: not on another machine
    (tmp_path / "stamp.json").write_text(json.dumps(stamp))
    monkeypatch.setenv("ANPO_NO_AOT", "1")
    assert aot._read() is None


def test_jit_forms_when_asked(jit: None) -> None:
    from anpo.geo import grid_kernel

    assert not aot.available()
    assert aot.compiled_module("anpo.geo.grid_kernel") is grid_kernel


def test_kernel_sources_follow_the_imports() -> None:
    sources = aot.kernel_sources()
    assert {"geo/grid_kernel.py", "geo/region.py", "io/parquet_kernel.py", "core/codes.py"} <= set(sources)
    assert "io/batch.py" not in sources


def test_cached_coast_buckets_are_the_built_ones() -> None:
    """The file-backed buckets are what the extension's `nearest` was built for: plain,
    writable, C-ordered arrays, equal to a fresh build."""
    from anpo.geo.index import geo_index
    from anpo.geo.kernel_records import CoastBuckets

    gi = geo_index()
    built = CoastBuckets.of(gi.coast_lat, gi.coast_lon)
    for _ in range(2):  # the first call may write the file, the second reads it
        got = CoastBuckets.cached(gi.coast_lat, gi.coast_lon)
        assert got[:4] == built[:4]
        for a, b in zip(got[4:], built[4:], strict=True):
            assert type(a) is np.ndarray and a.flags.writeable and a.flags.c_contiguous
            assert a.dtype == b.dtype and np.array_equal(a, b)
