"""Numba's start in a background thread (`anpo.io.compiled_start`)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from anpo.io.compiled_start import _HideScipy

FRESH = """
import sys
from anpo.io import compiled_start
compiled_start.start()
compiled_start.wait()
assert "numba" in sys.modules
assert "scipy.linalg" not in sys.modules, sorted(m for m in sys.modules if "scipy" in m)
assert not any(type(f).__name__ == "_HideScipy" for f in sys.meta_path)  # removed after the start
import scipy.linalg  # the hiding was only for numba's start
from anpo.geo.grid_kernel import grid_pass  # a kernel loads and runs after it
from anpo.geo.index import geo_index
import numpy as np
gi = geo_index()
cls = grid_pass(np.array([26.2]), np.array([127.7]), gi.grid, gi.fine)[0]
print(int(cls[0]))
"""


def test_fresh_process_starts_numba_without_scipy() -> None:
    # the path of an install without the ahead-of-time extension (`core.ahead_of_time`)
    env = {**os.environ, "ANPO_NO_AOT": "1"}
    res = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr


def test_scipy_is_hidden_only_from_the_starting_thread() -> None:
    finder = _HideScipy(threading.get_ident())
    with pytest.raises(ModuleNotFoundError):
        finder.find_spec("scipy.linalg", None)
    assert finder.find_spec("numpy", None) is None
    seen: list[object] = []
    other = threading.Thread(target=lambda: seen.append(finder.find_spec("scipy", None)))
    other.start()
    other.join()
    assert seen == [None]


def test_bytecode_written_for_every_module() -> None:
    import importlib.util
    from pathlib import Path

    import anpo
    from anpo.precompile import compile_bytecode

    compile_bytecode()
    root = Path(anpo.__file__).parent
    for source in (root / "io" / "batch.py", root / "law" / "rules.py", root / "cli" / "__init__.py"):
        cached = Path(importlib.util.cache_from_source(str(source)))
        assert cached.is_file(), cached
        assert cached.read_bytes()[:4] == importlib.util.MAGIC_NUMBER
