"""The shipped geography's .npz archives, read as plain arrays mapped from a cache.

    arrays = npz_arrays("geo/grid.npz")    # {name: array}, as np.load(...)[name] would give

The archives are zip-compressed (small to ship), so every process that loaded the index
inflated about 10 MB: 0.05-0.08 s of a batch's start. The first load writes each array
once, uncompressed, as .npy files in the data folder's __pycache__ (`make install` does
it); later loads map them copy-on-write, so a process reads only the pages it touches and
may still write to its arrays (privately) as it could to np.load's. The cache is named by
the archive's size and modification time, as Python's bytecode and numba's cache are; an
archive replaced by `tools/build_geodata.py` gets a new one. Where the folder cannot be
written, the archive is read as before.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from anpo import data

Arrays = dict[str, Any]  # as np.load(...)[name]: arrays of whatever dtype the archive holds


def npz_arrays(relative: str) -> Arrays:
    """Every array of the shipped archive `relative` (a path under anpo/data)."""
    archive = data.path(relative)
    st = archive.stat()
    folder = archive.parent / "__pycache__"
    stem = f"{archive.stem}.{st.st_size}-{st.st_mtime_ns}"
    listing = folder / f"{stem}.json"
    if listing.is_file():
        with contextlib.suppress(OSError, ValueError):
            names = json.loads(listing.read_text(encoding="utf-8"))
            return {n: np.asarray(np.load(folder / f"{stem}.{n}.npy", mmap_mode="c")) for n in names}
    with np.load(archive) as z:
        arrays = {n: z[n] for n in z.files}
    with contextlib.suppress(OSError):
        _write(folder, archive.stem, stem, arrays)
    return arrays


def _write(folder: Path, name: str, stem: str, arrays: Arrays) -> None:
    folder.mkdir(exist_ok=True)
    for old in folder.glob(f"{name}.*-*.*"):
        old.unlink(missing_ok=True)  # another version of the archive
    for n, a in arrays.items():
        if a.dtype.hasobject:
            return  # not mappable: this archive is always read from the zip
        tmp = folder / f"{stem}.{n}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            np.save(f, a)
        os.replace(tmp, folder / f"{stem}.{n}.npy")
    tmp = folder / f"{stem}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(list(arrays)), encoding="utf-8")
    os.replace(tmp, folder / f"{stem}.json")  # last: the arrays are complete when it appears
