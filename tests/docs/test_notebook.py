"""The example notebook (examples/alliance.ipynb) runs from top to bottom against the public
API, from the repository root, so it cannot go stale."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "alliance.ipynb"

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


def test_the_alliance_notebook_runs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # a cell that raises (the notebook's asserts too) fails here, with its traceback
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # the grid map, the coverage map and the cost series were drawn
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "Senkaku Islands" in text and "readiness.fighter_h" in text
