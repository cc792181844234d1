"""`anpo map --grid`: a grid from `anpo grid`, drawn; Okinawa's reversion shows between panels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cli_runner import run_main
from PIL import Image

GREEN = np.array([0x1B, 0x78, 0x37])  # "applies"


def test_okinawa_turns_green_between_the_two_dates(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    grid = tmp_path / "okinawa.parquet"
    code, _, err = run_main(
        ["grid", "--bbox", "127.5,26.0,128.4,26.95", "--step-km", "4", "--dates", "1971-01-01,1973-01-01",
         "--event", "armed_attack", "--target", "JPN", "--out", str(grid)], capsys, monkeypatch)
    assert code == 0, err
    png = tmp_path / "okinawa.png"
    code, out, err = run_main(["map", "--grid", str(grid), "-o", str(png)], capsys, monkeypatch)
    assert code == 0, err
    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    maps = pixels[: int(pixels.shape[0] * 0.85)]  # the panels, above the legend
    green = np.all(np.abs(maps - GREEN) <= 2, axis=-1)
    half = maps.shape[1] // 2
    assert green[:, :half].sum() == 0  # 1971: U.S. administration, Article V does not apply
    assert green[:, half:].sum() > 100  # 1973: Japanese administration, Article V applies


def test_unknown_field_is_refused_and_nothing_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    grid = tmp_path / "g.parquet"
    run_main(["grid", "--bbox", "127.5,26.0,128.0,26.5", "--step-km", "10", "--dates", "1973-01-01",
              "--event", "armed_attack", "--target", "JPN", "--out", str(grid)], capsys, monkeypatch)
    code, out, err = run_main(["map", "--grid", str(grid), "--field", "nope", "-o", str(tmp_path / "x.png")],
                              capsys, monkeypatch)
    assert code == 2 and out == "" and "--field" in err
    assert not (tmp_path / "x.png").exists()
