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

from typing import Any

import numpy as np

from anpo import data
from anpo.core import array_cache

Arrays = dict[str, Any]  # as np.load(...)[name]: arrays of whatever dtype the archive holds


def npz_arrays(relative: str) -> Arrays:
    """Every array of the shipped archive `relative` (a path under anpo/data)."""
    archive = data.path(relative)
    folder = archive.parent / "__pycache__"
    stem = f"{archive.stem}.{array_cache.file_stamp(archive)}"
    found = array_cache.load(folder, stem)
    if found is not None:
        return found[1]
    with np.load(archive) as z:
        arrays = {n: z[n] for n in z.files}
    array_cache.save(folder, stem, arrays, stale=f"{archive.stem}.*-*.*")  # another version's copy
    return arrays
