"""The catalog of shipped data: every data file is read through here.

`data_sha256()` fingerprints all shipped data for receipts.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from functools import cache
from pathlib import Path
from typing import Any

from anpo.core.errors import DataError

# This package's own folder (what importlib.resources gives for a package on disk, without
# importing it and what it brings: tempfile, shutil, zipfile; about 4 ms of every start).
DATA_ROOT = Path(__file__).parent


def path(relative: str) -> Path:
    """Absolute path of a shipped data file; DataError if it is missing."""
    p = DATA_ROOT / relative
    if not p.exists():
        raise DataError(f"shipped data file missing: {relative}")
    return p


@cache
def read_yaml(relative: str) -> Any:
    """Parse a shipped YAML file (cached; treat the result as read-only).

    The parsed form is kept in a pickle beside the data (`__pycache__`, named by the file's
    size and modification time, as Python's bytecode is): a batch process reads about 40
    of these files, 40-70 ms of parsing (and yaml's import) against about 5 ms of
    unpickling. The pickles are written by anpo itself (the first parse; `make install`)
    into the package's own folder, so they are as trusted as its code."""
    p = path(relative)
    st = p.stat()
    cached = DATA_ROOT / "__pycache__" / f"{relative.replace('/', '.')}.{st.st_size}-{st.st_mtime_ns}.pickle"
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError):
        return pickle.loads(cached.read_bytes())  # noqa: S301 - anpo's own file, see above
    import yaml

    with p.open(encoding="utf-8") as fh:
        # libyaml's loader when present: the same safe constructors, 5-10x faster (start-up)
        doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    with contextlib.suppress(OSError, pickle.PicklingError):
        cached.parent.mkdir(exist_ok=True)
        for old in cached.parent.glob(f"{relative.replace('/', '.')}.*-*.pickle"):
            old.unlink(missing_ok=True)  # an earlier version of the file
        from anpo.core.files import atomic_path  # tempfile's import: only on a first parse

        with atomic_path(cached) as tmp:
            tmp.write_bytes(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
    return doc


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p.relative_to(DATA_ROOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@cache
def data_sha256() -> str:
    """SHA-256 over every shipped data file (names and bytes); not the caches derived from
    them in `__pycache__` folders (bytecode, parsed YAML, the geography's mapped arrays),
    which come and go with use."""
    return _digest([p for p in DATA_ROOT.rglob("*") if p.is_file() and p.suffix != ".py"
                    and "__pycache__" not in p.relative_to(DATA_ROOT).parts])


@cache
def tree_sha256(subdir: str) -> str:
    """SHA-256 over the files of one data folder (e.g. the instruments: the rule set)."""
    root = DATA_ROOT / subdir
    return _digest([p for p in root.rglob("*") if p.is_file()])
