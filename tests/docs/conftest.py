"""Where the docs' commands run: a copy of examples/ and the environment a newcomer has."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of examples/, so a command's outputs never land in the checkout."""
    work = tmp_path_factory.mktemp("doc-commands")
    shutil.copytree(ROOT / "examples", work / "examples")
    return work


@pytest.fixture(scope="module")
def doc_env(workdir: Path) -> dict[str, str]:
    """The venv's anpo on PATH, a wide plain terminal and a state directory of its own."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "COLUMNS": "200", "NO_COLOR": "1", "ANPO_DATA_DIR": str(workdir / "state")}
