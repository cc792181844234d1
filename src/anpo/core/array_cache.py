"""Named arrays kept as .npy files in a cache folder and mapped back, copy on write.

    save(folder, "grid.123-456", {"cell": a, ...}, meta=..., stale="grid.*-*.*")
    found = load(folder, "grid.123-456")   # (meta, {"cell": array, ...}) or None

What the geography derives from its shipped files at the first use (the archives'
inflated arrays, the coast buckets) is written here once, so later processes read only
the pages they touch instead of rebuilding it. A listing (`STEM.json`: the caller's
metadata and the arrays' names) is written last, so the arrays are complete when it
appears; each file is written whole or not at all (`core.files.atomic_path`). Anything missing or
unreadable is None: the caller builds as it would without a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np


def file_stamp(path: Path) -> str:
    """A shipped file's size and modification time, "SIZE-MTIME_NS": what names the copies
    derived from it (as Python's bytecode and numba's cache are named), instead of hashing
    its bytes in every process."""
    st = path.stat()
    return f"{st.st_size}-{st.st_mtime_ns}"


def derived_stem(prefix: str, key: str | bytes, code: Iterable[str | Path]) -> str:
    """The name of arrays derived from data named by `key` by the modules `code`:
    "PREFIX-cache." and the SHA-256 of both, so new data or a code change builds afresh.
    Earlier versions match the glob "PREFIX-cache.*" (`save`'s `stale`)."""
    digest = hashlib.sha256(key.encode() if isinstance(key, str) else key)
    for module in code:
        digest.update(Path(module).read_bytes())
    return f"{prefix}-cache.{digest.hexdigest()[:24]}"


def load(folder: Path, stem: str) -> tuple[Any, dict[str, Any]] | None:
    """(the metadata saved with them, {name: array}), or None when there is no whole copy."""
    listing = folder / f"{stem}.json"
    if not listing.is_file():
        return None
    try:
        saved = json.loads(listing.read_text(encoding="utf-8"))
        arrays = {n: np.asarray(np.load(folder / f"{stem}.{n}.npy", mmap_mode="c")) for n in saved["arrays"]}
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return saved["meta"], arrays


def save(folder: Path, stem: str, arrays: dict[str, Any], meta: Any = None, stale: str = "") -> bool:
    """Write `arrays` and `meta` (JSON) under `stem`, after removing the files matching the
    glob `stale` (earlier versions); False when they cannot be (arrays of Python objects
    cannot be mapped; a folder that cannot be written)."""
    from anpo.core.files import atomic_path  # tempfile's import: only when writing

    if any(a.dtype.hasobject for a in arrays.values()):
        return False
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        if stale:
            for old in folder.glob(stale):
                old.unlink(missing_ok=True)
        for n, a in arrays.items():
            with atomic_path(folder / f"{stem}.{n}.npy") as tmp, open(tmp, "wb") as f:
                np.save(f, a)
        with atomic_path(folder / f"{stem}.json") as tmp:
            tmp.write_text(json.dumps({"meta": meta, "arrays": list(arrays)}), encoding="utf-8")
        return True
    return False
