"""The documentation site builds, with the API reference from the docstrings, warnings as errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_docs_site_builds_strict_with_api_reference(tmp_path: Path) -> None:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    proc = subprocess.run([str(mkdocs), "build", "--strict", "-q", "-d", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "python-api" / "index.html").read_text(encoding="utf-8")
    for name in ("assess", "where", "coverage", "bases", "costs", "simulate", "InputError"):
        assert f'id="anpo.library.{name}"' in page or f'id="anpo.core.errors.{name}"' in page, name
