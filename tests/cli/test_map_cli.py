"""`anpo map` through the real entry point: files written, exit codes, nothing left on errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import run_main
from PIL import Image

BOX = "126.5,25.8,128.5,27.2"


def run(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
        ) -> tuple[int, str, str]:
    return run_main(argv, capsys, monkeypatch)


def test_map_on_a_date_writes_a_png(tmp_path: Path, capsys, monkeypatch):
    out = tmp_path / "okinawa.png"
    code, stdout, _ = run(
        ["map", "--date", "1965-07-01", "--bbox", BOX, "--width", "100", "--bases", "-o", str(out)],
        capsys, monkeypatch,
    )
    assert code == 0 and str(out) in stdout
    with Image.open(out) as im:
        assert im.format == "PNG"
    assert [p.name for p in tmp_path.iterdir()] == ["okinawa.png"]


def test_map_series_writes_a_gif(tmp_path: Path, capsys, monkeypatch):
    out = tmp_path / "reversion.gif"
    code, _, _ = run(
        ["map", "--from", "1972", "--to", "1973", "--bbox", BOX, "--width", "80", "-o", str(out)],
        capsys, monkeypatch,
    )
    assert code == 0
    with Image.open(out) as im:
        assert im.n_frames == 3  # 1972-05-15 (reversion), 1972-07-01, 1973-07-01


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--date", "1965-7-1"], "--date"),
        (["--date", "1965-07-01", "--bbox", "1,2,3"], "--bbox"),
        (["--date", "1965-07-01", "--bbox", "150,10,140,20"], "--bbox"),
        (["--date", "1965-07-01", "--bbox", "120,10,130,95"], "--bbox"),
        (["--date", "1965-07-01", "--width", "5"], "--width"),
        (["--from", "1980", "--to", "1970"], "--from"),
        (["--from", "1980"], "--to"),
        (["--from", "nineteen", "--to", "1970"], "--from"),
        (["--from", "1970", "--to", "1980", "--date", "1975-01-01"], "--date"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, capsys, monkeypatch, args, option):
    out = tmp_path / ("x.gif" if "--from" in args else "x.png")
    code, _, err = run(["map", *args, "-o", str(out)], capsys, monkeypatch)
    assert code == 2
    assert option in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["x.jpg", "x.gif", "x"])
def test_bad_extension_for_a_date_exits_2(tmp_path: Path, capsys, monkeypatch, name):
    code, _, err = run(["map", "--date", "1965-07-01", "-o", str(tmp_path / name)], capsys, monkeypatch)
    assert code == 2 and "-o" in err
    assert list(tmp_path.iterdir()) == []
