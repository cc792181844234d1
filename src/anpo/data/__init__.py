"""The catalog of shipped data: every data file is read through here.

`data_sha256()` fingerprints all shipped data for receipts.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from anpo.core.errors import DataError

DATA_ROOT = Path(str(files("anpo.data")))


def path(relative: str) -> Path:
    """Absolute path of a shipped data file; DataError if it is missing."""
    p = DATA_ROOT / relative
    if not p.exists():
        raise DataError(f"shipped data file missing: {relative}")
    return p


@cache
def read_yaml(relative: str) -> Any:
    """Parse a shipped YAML file (cached; treat the result as read-only)."""
    with path(relative).open(encoding="utf-8") as fh:
        # libyaml's loader when present: the same safe constructors, 5-10x faster (start-up)
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p.relative_to(DATA_ROOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@cache
def data_sha256() -> str:
    """SHA-256 over every shipped data file (names and bytes)."""
    return _digest([p for p in DATA_ROOT.rglob("*") if p.is_file() and p.suffix != ".py"])


@cache
def tree_sha256(subdir: str) -> str:
    """SHA-256 over the files of one data folder (e.g. the instruments: the rule set)."""
    root = DATA_ROOT / subdir
    return _digest([p for p in root.rglob("*") if p.is_file()])
