"""`anpo map --grid` with a file that is not a grid: exit 2 and an error naming --grid, no traceback."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cli_runner import run_main


def _not_a_grid(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "g.parquet"
    if kind == "text":
        path.write_text("not parquet\n", encoding="utf-8")
    elif kind == "parquet":
        pq.write_table(pa.table({"row": [0], "article5": ["applies"]}), path)
    return path  # "missing": never written


@pytest.mark.parametrize(("kind", "reason"), [
    ("missing", "no such file"),
    ("text", "is not a Parquet file"),
    ("parquet", "is not an anpo grid"),
])
def test_a_file_that_is_not_a_grid_is_an_input_error(
    kind: str, reason: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    grid = _not_a_grid(tmp_path, kind)
    out_png = tmp_path / "x.png"
    code, out, err = run_main(["map", "--grid", str(grid), "-o", str(out_png)], capsys, monkeypatch)
    assert code == 2 and out == ""
    assert err.startswith("anpo: error: --grid: ") and reason in err
    assert "Traceback" not in err
    assert not out_png.exists()
