"""`make install` recompiles the kernels when any source they are built from changes: the list
`tools/kernel_sources.py` gives the Makefile holds every numba module and what they inline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _listed() -> set[str]:
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "kernel_sources.py")],
                         capture_output=True, text=True, timeout=60, check=True)
    return set(out.stdout.split())


def test_every_numba_module_and_what_it_inlines_is_listed() -> None:
    listed = _listed()
    uses_numba = {str(p.relative_to(ROOT)) for p in (ROOT / "src" / "anpo").rglob("*.py")
                  if "import numba" in p.read_text(encoding="utf-8")}
    assert uses_numba and uses_numba <= listed
    assert {str(p.relative_to(ROOT)) for p in (ROOT / "src" / "anpo").glob("*/*_kernel.py")} <= listed
    # constants the kernels freeze into machine code
    assert {"src/anpo/sim/summary.py", "src/anpo/sim/rng.py", "src/anpo/geo/region.py"} <= listed
    # and not the whole package: a change to the law does not recompile kernels
    assert not any(p.startswith(("src/anpo/law/", "src/anpo/api/", "src/anpo/cli/")) for p in listed)


def test_every_file_the_extension_s_stamp_hashes_is_listed() -> None:
    # else `make install` would say "Nothing to be done" after an edit that turns the batch's
    # compiled extension off (its stamp no longer matches), and batches would quietly use the JIT
    from anpo.core import ahead_of_time

    stamped = {f"src/anpo/{p}" for p in ahead_of_time.kernel_sources()}
    assert "src/anpo/geo/resolver.py" in stamped
    assert stamped <= _listed()
