"""Administration maps kept on disk, so a period is drawn once per install, not once per process.

A period's map (`report.coverage`) takes a fraction of a second to a few seconds of one core;
the dashboard asks for one on every date change. `make install` draws every period
(`python -m anpo.precompile`) and the server, the warm-up thread and the CLI write any other
they draw. Files live in `$ANPO_CACHE_DIR`, else `$XDG_CACHE_HOME/anpo`, else `~/.cache/anpo`,
under a key that digests everything a map is computed from: the shipped data, the source of
the geography, the law engine and the map code, and the map's constants. Change any of them
and the old maps are never read again. A cache that cannot be read or written is skipped:
the map is computed as before.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
from functools import cache
from pathlib import Path
from typing import Any

from anpo.core.files import atomic_path

log = logging.getLogger(__name__)
PACKAGE = Path(__file__).resolve().parents[1]
# The code a map depends on: where a point is, what the law says of it, how it is drawn.
CODE = ("core", "geo", "law", "report/coverage.py")


def cache_root() -> Path:
    explicit = os.environ.get("ANPO_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "anpo"


def _sources() -> list[Path]:
    files: list[Path] = []
    for part in CODE:
        p = PACKAGE / part
        files.extend(sorted(p.rglob("*.py")) if p.is_dir() else [p])
    return files


@cache
def key(constants: str) -> str:
    """The digest that names one generation of maps (constants: the map's own settings)."""
    from anpo import __version__
    from anpo.data import data_sha256

    h = hashlib.sha256(f"{__version__}\n{constants}\n{data_sha256()}\n".encode())
    for p in _sources():
        h.update(str(p.relative_to(PACKAGE)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:24]


def _file(constants: str, period: str) -> Path:
    return cache_root() / "coverage" / key(constants) / f"{period}.json.gz"


def load(constants: str, period: str) -> dict[str, Any] | None:
    """The stored map of a period (its first day, ISO), or None."""
    try:
        raw = _file(constants, period).read_bytes()
        out: dict[str, Any] = json.loads(gzip.decompress(raw))
        return out
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError) as exc:  # a damaged file is drawn again and replaced
        log.warning("map cache: cannot read %s (%s)", period, exc)
        return None


def save(constants: str, period: str, fc: dict[str, Any]) -> None:
    """Store a period's map whole (atomic rename); failures are logged and ignored."""
    path = _file(constants, period)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_bytes(gzip.compress(json.dumps(fc, separators=(",", ":")).encode(), 6))
    except OSError as exc:
        log.warning("map cache: cannot write %s (%s)", path, exc)
