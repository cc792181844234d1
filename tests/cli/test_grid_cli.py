"""`anpo grid`: a raster-like Parquet of determinations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cli_runner import run_main

from anpo.io.grid import read_grid_metadata


def run(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> tuple[int, str, str]:
    return run_main(args, capsys, monkeypatch)


ARGS = ["grid", "--bbox", "127.5,26.0,128.5,27.0", "--step-km", "10", "--dates", "1971-01-01,1973-01-01",
        "--event", "armed_attack", "--target", "JPN"]


def test_grid_over_okinawa_before_and_after_reversion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "g.parquet"
    code, _, stderr = run([*ARGS, "--out", str(out)], monkeypatch, capsys)
    assert code == 0, stderr
    meta = read_grid_metadata(out)
    rows, cols = int(meta["rows"]), int(meta["cols"])  # type: ignore[call-overload]
    assert rows == 12 and cols == 10  # 111.2 km / 10 km; 99.6 km at 26.5N / 10 km
    table = pq.read_table(out)
    assert table.num_rows == rows * cols * 2
    assert table.column("row").to_pylist()[: cols + 1] == [0] * cols + [1]
    assert table.column("col").to_pylist()[:3] == [0, 1, 2]
    lat = table.column("lat").to_pylist()
    assert lat[0] == pytest.approx(27.0 - 0.5 / rows) and lat[-1] == pytest.approx(26.0 + 0.5 / rows)
    dates = table.column("date").to_pylist()
    assert dates[0] == dt.date(1971, 1, 1) and dates[-1] == dt.date(1973, 1, 1)
    land = [r for r in table.to_pylist() if r["zone"] == "land" and r["place"] is not None]
    before = {r["article5"] for r in land if r["date"].year == 1971}
    after = {r["article5"] for r in land if r["date"].year == 1973}
    assert before == {"does_not_apply"} and after == {"applies"}
    assert json.loads(pq.read_schema(out).metadata[b"anpo.receipt"])["anpo_version"]


@pytest.mark.parametrize(("change", "option"), [
    (["--bbox", "130,30,120,40"], "--bbox"),
    (["--step-km", "0"], "--step-km"),
    (["--dates", "1971-02-30"], "--dates"),
    (["--event", "invasion"], "--event"),
    (["--target", "XX"], "--target"),
])
def test_bad_options_exit_2_naming_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    change: list[str], option: str,
) -> None:
    args = list(ARGS)
    i = args.index(change[0])
    args[i + 1] = change[1]
    out = tmp_path / "g.parquet"
    code, _, stderr = run([*args, "--out", str(out)], monkeypatch, capsys)
    assert code == 2 and option in stderr
    assert not out.exists()


def test_grid_is_written_as_parquet_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run([*ARGS, "--out", str(tmp_path / "g.csv")], monkeypatch, capsys)
    assert code == 2 and "Parquet" in stderr
