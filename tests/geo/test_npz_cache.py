"""The geography's archives read from their uncompressed, mapped copies (`geo.npz_cache`)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from anpo import data
from anpo.geo.npz_cache import npz_arrays


def test_shipped_archives_read_as_np_load_reads_them() -> None:
    for name in ("grid", "coast", "land", "fine"):
        for _ in range(2):  # the first call may write the copies, the second maps them
            got = npz_arrays(f"geo/{name}.npz")
            with np.load(data.path(f"geo/{name}.npz")) as z:
                assert list(got) == list(z.files)
                for k in z.files:
                    a = got[k]
                    assert type(a) is np.ndarray and a.flags.writeable and a.dtype == z[k].dtype
                    assert np.array_equal(a, z[k])


def test_a_replaced_archive_is_read_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "path", lambda relative: tmp_path / relative)
    archive = tmp_path / "a.npz"
    np.savez_compressed(archive, x=np.arange(5), s=np.array("one"))
    first = npz_arrays("a.npz")
    assert (tmp_path / "__pycache__").is_dir() and first["x"].tolist() == [0, 1, 2, 3, 4]
    first["x"][0] = 7  # private to this process: the copy on disk stays
    assert npz_arrays("a.npz")["x"].tolist() == [0, 1, 2, 3, 4]
    np.savez_compressed(archive, x=np.arange(3), s=np.array("two"))
    os.utime(archive, ns=(1, 1))
    again = npz_arrays("a.npz")
    assert again["x"].tolist() == [0, 1, 2] and str(again["s"]) == "two"
    assert len(list((tmp_path / "__pycache__").glob("a.*.json"))) == 1  # the old copy went
