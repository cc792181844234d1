"""The public Python API: what a notebook user calls (anpo.assess, anpo.where, ...)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import anpo

OKINAWA_1971 = {"id": "okinawa-1971", "date": "1971-05-01", "event": "armed_attack",
                "target": "USA", "lat": 26.35, "lon": 127.77}
OKINAWA_2026 = {**OKINAWA_1971, "id": "okinawa-2026", "date": "2026-01-01", "target": "JPN"}


def test_import_anpo_loads_no_heavy_library() -> None:
    code = ("import sys, anpo; heavy = [m for m in ('numpy', 'numba', 'pandas', 'pyarrow', 'dask', "
            "'fastapi', 'shapely', 'scipy', 'geopandas') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_assess_list_gives_one_row_per_scenario_in_order() -> None:
    df = anpo.assess([OKINAWA_1971, OKINAWA_2026])
    assert list(df["id"]) == ["okinawa-1971", "okinawa-2026"]
    assert list(df["date"]) == ["1971-05-01", "2026-01-01"]
    assert list(df["article5"]) == ["does_not_apply", "applies"]
    assert isinstance(df["article5"].dtype, pd.CategoricalDtype)
    assert "explanation" not in df.columns


def test_assess_dataframe_and_explanations() -> None:
    df = anpo.assess(pd.DataFrame([OKINAWA_2026]), explain=True)
    steps = df.loc[0, "explanation"]
    assert any(step["condition"] == "article5" for step in steps)


def test_assess_path_equals_list(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "s.json"
    path.write_text(json.dumps([OKINAWA_1971, OKINAWA_2026]), encoding="utf-8")
    by_path = anpo.assess(path)
    by_list = anpo.assess([OKINAWA_1971, OKINAWA_2026])
    pd.testing.assert_frame_equal(by_path, by_list)


def test_bad_scenario_raises_input_error_naming_field_and_row() -> None:
    with pytest.raises(anpo.InputError) as err:
        anpo.assess([OKINAWA_1971, {**OKINAWA_1971, "date": "1971-13-01"}])
    assert err.value.field == "date"
    assert err.value.row == 1


def test_bad_rows_kept_on_request() -> None:
    df = anpo.assess([OKINAWA_1971, {**OKINAWA_1971, "date": "1971-13-01"}], errors="keep")
    assert pd.isna(df.loc[0, "error"])
    assert df.loc[1, "error"].startswith("date:")


def test_where_scalar_and_arrays_agree() -> None:
    one = anpo.where(26.35, 127.77, "1971-05-01")
    assert one["administered_by"] == "USA"
    many = anpo.where([26.35, 26.35], [127.77, 127.77], ["1971-05-01", "1973-01-01"])
    assert list(many["administered_by"]) == ["USA", "JPN"]
    assert list(many["zone"]) == [one["zone"], one["zone"]]


def test_coverage_is_a_geodataframe_in_wgs84() -> None:
    g = anpo.coverage("1965-07-01")
    assert g.crs.to_epsg() == 4326
    assert set(g["layer"]) == {"administration", "article5"}
    admin = set(g.loc[g["layer"] == "administration", "administered_by"])
    assert {"JPN", "USA"} <= admin  # Okinawa still under U.S. administration in 1965


def test_costs_by_each_view_and_callable_module() -> None:
    import anpo.costs as costs_package  # the package import must not hide the function

    assert callable(costs_package)
    for by in ("period", "year", "category"):
        assert len(anpo.costs(by=by)) > 0
    with pytest.raises(anpo.InputError, match="by"):
        anpo.costs(by="decade")


def test_bases_geodataframe() -> None:
    g = anpo.bases("2026-01-01")
    assert g.crs.to_epsg() == 4326
    assert "kadena" in set(g["id"])
    kadena = g[g["id"] == "kadena"].geometry.iloc[0]
    assert 127.7 < kadena.x < 127.8 and 26.3 < kadena.y < 26.4


def test_simulate_summary_and_json_agree() -> None:
    r = anpo.simulate("examples/sim/senkaku-2026.yaml", trials=2_000, seed=7)
    assert {"measure", "mean", "p50"} <= set(r.summary.columns)
    again = anpo.simulate("examples/sim/senkaku-2026.yaml", trials=2_000, seed=7)
    assert r.to_json() == again.to_json()  # seeded: reproducible
    assert json.loads(r.to_json())["trials"] == 2_000
